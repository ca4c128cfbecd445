"""Signatures of outgoing webhook bodies, and how a receiver checks them.

Each attempt is signed afresh: `X-WorkOS-Signature: t=<unix seconds>,v1=<hex>` where the hex is
HMAC-SHA256, keyed with the endpoint's secret, of `<t>.<the exact body bytes>`. A receiver
recomputes it over the raw body (before any JSON parsing), compares in constant time, and
rejects a timestamp outside its tolerance, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import time


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> tuple[str, int]:
    """The header value and the timestamp it carries."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return f"t={stamp},v1={signature(secret, stamp, body)}", stamp


def verify_signature(
    secret: str, header: str, body: bytes, tolerance: int = 300, now: float | None = None
) -> bool:
    """True if `header` signs `body` with `secret` and its timestamp is within `tolerance`
    seconds of now. Several `v1=` entries are accepted (any one matching will do)."""
    stamp: int | None = None
    candidates: list[str] = []
    for part in (header or "").split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            stamp = int(value)
        elif name == "v1" and value:
            candidates.append(value)
    if stamp is None or not candidates:
        return False
    current = time.time() if now is None else now
    if abs(current - stamp) > tolerance:
        return False
    expected = signature(secret, stamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
