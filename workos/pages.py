"""What every workspace page shares: sign-in required, the caller's membership resolved from
the URL's workspace slug, and another workspace (or one the caller left) answered with a 404,
exactly like the API."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse

from workos.errors import NotFound, PermissionDenied
from workos.tenancy.selectors import membership_for

View = Callable[..., HttpResponse]


def workspace_page(view: View) -> View:
    """Wrap a page view taking (request, ws, ...): sets `request.membership` and
    `request.workspace`, turns NotFound/PermissionDenied raised by selectors into a 404/403."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, ws: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            membership = membership_for(user=request.user, workspace_slug=ws)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        request.membership = membership  # type: ignore[attr-defined]
        request.workspace = membership.workspace  # type: ignore[attr-defined]
        try:
            return view(request, ws, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            raise Forbidden(exc.message) from exc

    return wrapper


def page_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """The context the app layout needs (workspace, membership, the current section)."""
    membership = request.membership  # type: ignore[attr-defined]
    return {"workspace": membership.workspace, "membership": membership, **extra}
