"""Bearer access-token authentication for the API."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from workos.after_response import after_response
from workos.tenancy.models import AccessToken
from workos.tenancy.rows import as_connection_check
from workos.tenancy.selectors import token_by_digest
from workos.tenancy.services import token_touch
from workos.tenancy.tokens import token_digest


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, AccessToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send 'Authorization: Bearer <token>'.")
        try:
            secret = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("The token is not valid.") from exc
        digest = token_digest(secret)
        token = as_connection_check(lambda: token_by_digest(digest=digest))
        now = timezone.now()
        if token is None or not token.is_usable(now) or not token.user.is_active:
            self._count_failure(request)
            raise exceptions.AuthenticationFailed("The token is unknown, revoked or expired.")
        # Recording the use (at most once a minute) is a write the answer need not wait for;
        # a use lost with a dying process is recorded by the next one.
        after_response(lambda: token_touch(token=token, now=now))
        return token.user, token

    def _count_failure(self, request: Request) -> None:
        """Guessing tokens from one address is slowed down like any other abuse."""
        if settings.THROTTLE in {"off", "0", "false", "no"}:
            return
        key = f"token-fail:{request.META.get('REMOTE_ADDR', '')}"
        if not cache.add(key, 1, 60):
            try:
                failures = cache.incr(key)
            except ValueError:
                failures = 1
            if failures > settings.TOKEN_FAILURES_PER_MINUTE:
                raise exceptions.Throttled(wait=60)

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "workos.tenancy.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}
