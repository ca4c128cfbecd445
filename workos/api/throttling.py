"""API throttling: per client address for anonymous calls, per token, per signed-in user.

Counters live in the default cache, which is Redis when REDIS_URL is set, so every web process
shares them. THROTTLE=off turns throttling off (behind a gateway, or for load tests).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from rest_framework import throttling

if TYPE_CHECKING:
    from rest_framework.request import Request

    APIView = Any


def _enabled() -> bool:
    return settings.THROTTLE not in {"off", "0", "false", "no"}


class AnonThrottle(throttling.AnonRateThrottle):
    scope = "anon"

    def allow_request(self, request: Request, view: Any) -> bool:
        return not _enabled() or super().allow_request(request, view)


class TokenThrottle(throttling.SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        from workos.tenancy.models import AccessToken

        if isinstance(request.auth, AccessToken):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
        return None

    def allow_request(self, request: Request, view: Any) -> bool:
        return not _enabled() or super().allow_request(request, view)


class UserThrottle(throttling.UserRateThrottle):
    scope = "user"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        from workos.tenancy.models import AccessToken

        if isinstance(request.auth, AccessToken):
            return None  # counted per token instead
        return super().get_cache_key(request, view)

    def allow_request(self, request: Request, view: Any) -> bool:
        return not _enabled() or super().allow_request(request, view)
