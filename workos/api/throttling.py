"""API throttling: per client address for anonymous calls, per token, per signed-in user.

Counters live in the default cache, which is Redis when REDIS_URL is set, so every web process
shares them. THROTTLE=off turns throttling off (behind a gateway, or for load tests).

Each caller is counted in fixed windows of the rate's duration, and the previous window is
weighed by how much of it still lies within the sliding window ending now: the usual sliding
window estimate. DRF's own throttles keep the time of every request and read and rewrite that
whole list on every call (two round trips and up to a thousand timestamps pickled each way);
a call here costs one round trip carrying a few bytes. Refused calls are not counted.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from rest_framework import throttling

if TYPE_CHECKING:
    from rest_framework.request import Request


def _enabled() -> bool:
    return settings.THROTTLE not in {"off", "0", "false", "no"}


def _redis_client(key: str) -> Any:
    """The Redis client behind the default cache, or None for another cache backend."""
    backend = getattr(cache, "_cache", None)
    get_client = getattr(backend, "get_client", None)
    return get_client(key, write=True) if get_client is not None else None


def window_counts(key: str, window: int, duration: int) -> tuple[int, int]:
    """Count one more call in `window` for `key`; (calls in it now, calls in the one before).
    One pipelined round trip on Redis; elsewhere (local memory) plain cache calls."""
    current_key = cache.make_key(f"{key}:{window}")
    previous_key = cache.make_key(f"{key}:{window - 1}")
    client = _redis_client(current_key)
    if client is not None:
        pipe = client.pipeline(transaction=False)
        pipe.incr(current_key)
        pipe.expire(current_key, 2 * duration)
        pipe.get(previous_key)
        current, _, previous = pipe.execute()
        return int(current), int(previous or 0)
    cache.add(f"{key}:{window}", 0, timeout=2 * duration)
    try:
        current = cache.incr(f"{key}:{window}")
    except ValueError:  # expired between the two calls
        cache.set(f"{key}:{window}", 1, timeout=2 * duration)
        current = 1
    return current, int(cache.get(f"{key}:{window - 1}") or 0)


def window_uncount(key: str, window: int) -> None:
    with contextlib.suppress(ValueError):  # the window expired meanwhile
        cache.decr(f"{key}:{window}")


class WindowThrottle(throttling.SimpleRateThrottle):
    """SimpleRateThrottle's rates, scopes and keys, counted in windows (see the module)."""

    def allow_request(self, request: Request, view: Any) -> bool:
        if not _enabled() or self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        current, previous = window_counts(self.key, window, self.duration)
        overlap = 1 - (now - window * self.duration) / self.duration
        if previous * overlap + current <= self.num_requests:
            return True
        window_uncount(self.key, window)
        self._wait = self._wait_for(now, window, current - 1, previous)
        return False

    def _wait_for(self, now: float, window: int, current: int, previous: int) -> float:
        """Seconds until one more call fits the estimate, counts as they stand."""
        limit, duration = self.num_requests, self.duration
        start = window * duration
        if current + 1 <= limit and previous:
            # Fits in this window once the previous one has faded enough.
            at = start + duration * (1 - (limit - current - 1) / previous)
        else:
            # In the next window this one weighs as the previous, fading as it goes.
            at = start + duration * (2 - (limit - 1) / current if current else 1)
            at = max(at, start + duration)
        return max(0.0, at - now)

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


class AnonThrottle(WindowThrottle, throttling.AnonRateThrottle):
    scope = "anon"


class TokenThrottle(WindowThrottle):
    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        from workos.tenancy.models import AccessToken

        if isinstance(request.auth, AccessToken):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
        return None


class UserThrottle(WindowThrottle, throttling.UserRateThrottle):
    scope = "user"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        from workos.tenancy.models import AccessToken

        if isinstance(request.auth, AccessToken):
            return None  # counted per token instead
        return super().get_cache_key(request, view)
