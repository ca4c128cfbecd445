"""The base of every workspace-scoped API view.

Scoping happens here once: the URL's `{ws}` becomes `self.workspace` and `self.membership`, the
role needed is data (`roles` per method, `action_roles` per action), and every queryset comes
from `scoped_queryset()`, which subclasses build from their app's selectors. Subclasses may not
override `get_queryset` or `get_object`, so a new endpoint cannot forget the tenant filter.
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.core.cache import cache
from django.db.models import Model, QuerySet
from rest_framework import exceptions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workos.api.negotiation import SingleRendererNegotiation
from workos.api.permissions import DEFAULT_ROLES, WorkspaceRole
from workos.tenancy.models import AccessToken, Membership, Workspace

IDEMPOTENCY_TTL = 24 * 3600


class _Replay(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


class ThrottleFirstMixin:
    """Throttle before permission checks, so anonymous callers are counted too."""

    content_negotiation_class = SingleRendererNegotiation

    def check_permissions(self, request: Request) -> None:
        self._throttles_checked = True
        super().check_throttles(request)  # type: ignore[misc]
        super().check_permissions(request)  # type: ignore[misc]

    def check_throttles(self, request: Request) -> None:
        if not getattr(self, "_throttles_checked", False):
            super().check_throttles(request)  # type: ignore[misc]


class IdempotentPostMixin(ThrottleFirstMixin):
    """POSTs with an `Idempotency-Key` header answer a retry with the first answer, unchanged."""

    def _idempotency_cache_key(self, request: Request) -> str | None:
        if request.method != "POST":
            return None
        key = request.headers.get("Idempotency-Key")
        if not key:
            return None
        who = request.auth.pk if isinstance(request.auth, AccessToken) else f"u{request.user.pk}"
        raw = f"{who}|{request.path}|{key}".encode()
        return "idem:" + hashlib.sha256(raw).hexdigest()

    def _body_digest(self, request: Request) -> str:
        return hashlib.sha256(request.body or b"").hexdigest()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        cache_key = self._idempotency_cache_key(request)
        if cache_key:
            stored = cache.get(cache_key)
            if stored is not None:
                if stored["body"] != self._body_digest(request):
                    raise exceptions.ValidationError(
                        {"Idempotency-Key": ["This key was used with a different request body."]}
                    )
                response = Response(stored["data"], status=stored["status"])
                response["Idempotent-Replayed"] = "true"
                raise _Replay(response)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        cache_key = self._idempotency_cache_key(request)
        if (
            cache_key
            and 200 <= response.status_code < 300
            and not response.has_header("Idempotent-Replayed")
            and isinstance(response, Response)
        ):
            cache.set(
                cache_key,
                {"status": response.status_code, "data": response.data,
                 "body": self._body_digest(request)},
                IDEMPOTENCY_TTL,
            )
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]


class WorkspaceScopedMixin(IdempotentPostMixin):
    roles: ClassVar[dict[str, str]] = {}
    action_roles: ClassVar[dict[str, str]] = {}
    workspace: Workspace
    membership: Membership

    def get_permissions(self) -> list[Any]:
        return [WorkspaceRole()]

    def required_role(self, request: Request) -> str:
        action = getattr(self, "action", None)
        if action and action in self.action_roles:
            return self.action_roles[action]
        return self.roles.get(request.method or "GET", DEFAULT_ROLES.get(request.method or "GET"))


class WorkspaceAPIView(WorkspaceScopedMixin, APIView):
    """A single-purpose endpoint inside a workspace (no model list)."""


class WorkspaceViewSet(WorkspaceScopedMixin, viewsets.GenericViewSet):
    """A model endpoint inside a workspace. Implement `scoped_queryset()` from selectors."""

    scoped_model: ClassVar[type[Model]]
    lookup_field = "pk"
    lookup_url_kwarg = "id"
    lookup_value_regex = r"\d+"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in ("get_queryset", "get_object"):
            if name in cls.__dict__:
                raise TypeError(
                    f"{cls.__name__} overrides {name}; implement scoped_queryset() instead, so "
                    "every query stays inside the workspace."
                )

    def scoped_queryset(self) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.scoped_model._default_manager.none()
        return self.scoped_queryset()

    def get_object(self) -> Any:
        return super().get_object()
