"""Asking a worker to turn stored submissions into items, without a message per submission.

A stored submission waits as `received`; the batch task (`automations.tasks_intake.
process_pending`) claims them oldest first, many per message. `process_soon` is what a stored
submission calls after its commit. With a broker and a shared cache, a flag in Redis (set if
absent, cleared by the task as it starts) means a batch task is queued already, so a burst of
submissions costs one Redis round trip each and queues a handful of tasks, instead of a message
each. The task clears the flag before it claims, so a submission committed while the flag was up
is seen by that claim or by the next task's. A lost message (the broker restarted) holds its
submissions only until the flag expires and another submission arrives, or until the sweep.

Without a broker (tasks run in process) every call runs the batch at once.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.core.cache import cache

from workos.activity.outbox import coalescing

PENDING_KEY = "intake:process-pending"
# Long enough to cover a queued task's wait in a busy queue; a lost message only delays the
# next request for a batch by this much.
PENDING_TTL = 10


def process_soon() -> None:
    """Make sure a batch task will run after this commit, queueing one only if none is."""
    from automations.tasks_intake import process_pending

    if coalescing() and not _flag_up():
        return
    process_pending.delay()


def _flag_up() -> bool:
    """Raise the flag; False if it was up already. A cache that cannot answer queues a task."""
    try:
        client = _redis()
        if client is None:
            return bool(cache.add(PENDING_KEY, 1, PENDING_TTL))
        return bool(client.set(cache.make_key(PENDING_KEY), 1, nx=True, ex=PENDING_TTL))
    except Exception:
        return True


@lru_cache(maxsize=1)
def _redis() -> Any:
    """The Redis client behind the default cache, made once per process: the cache makes a new
    client object on every call, which cost more than the round trip itself."""
    backend = getattr(cache, "_cache", None)
    get_client = getattr(backend, "get_client", None)
    return get_client(cache.make_key(PENDING_KEY), write=True) if get_client else None


def process_started() -> None:
    """A batch task is about to claim: submissions stored from now on must ask for another."""
    if coalescing():
        cache.delete(PENDING_KEY)
