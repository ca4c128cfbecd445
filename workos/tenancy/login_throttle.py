"""Failed-login counters per account and per client address, kept in the cache."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, ip: str) -> tuple[str, str]:
    account = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return f"login-fail:acct:{account}", f"login-fail:ip:{ip}"


def login_blocked(*, username: str, ip: str) -> bool:
    limits = settings.LOGIN_THROTTLE
    acct_key, ip_key = _keys(username, ip)
    return (cache.get(acct_key, 0) >= limits["account"]) or (cache.get(ip_key, 0) >= limits["ip"])


def login_failed(*, username: str, ip: str) -> None:
    window = settings.LOGIN_THROTTLE["window_seconds"]
    for key in _keys(username, ip):
        if not cache.add(key, 1, window):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, window)


def login_succeeded(*, username: str) -> None:
    cache.delete(_keys(username, "")[0])
