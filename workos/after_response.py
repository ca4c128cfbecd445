"""Work that may wait until the answer is on its way: run it once the response is sent.

Inside a request, `after_response(fn)` holds `fn` until Django's `request_finished`, which a WSGI
server sends when it closes the response, after the last byte went out; anywhere else (a Celery
task, a management command, a test calling a service) `fn` runs at once. The client's latency
then no longer includes it, though the worker still does the work before its next request.

Only work whose loss is covered otherwise belongs here: if the process dies before the response
is closed, the work never runs. An Activity's dispatch is such work (the sweep sends events that
were never dispatched a minute later), so publishing it to the broker waits here instead of
delaying every write's answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished, request_started

logger = logging.getLogger(__name__)

_pending: ContextVar[list[Callable[[], Any]] | None] = ContextVar("after_response", default=None)


def after_response(fn: Callable[[], Any]) -> None:
    """Run `fn` after the current request's response is sent, or now outside a request."""
    pending = _pending.get()
    if pending is None:
        fn()
    else:
        pending.append(fn)


def _request_started(**kwargs: Any) -> None:
    _pending.set([])


def _request_finished(**kwargs: Any) -> None:
    pending = _pending.get()
    _pending.set(None)
    for fn in pending or ():
        try:
            fn()
        except Exception:
            # The response is gone; what this work stood for is recovered elsewhere.
            logger.exception("Work after the response failed")


request_started.connect(_request_started, dispatch_uid="workos.after_response.started")
request_finished.connect(_request_finished, dispatch_uid="workos.after_response.finished")
