"""Spam defences of anonymous submissions: a honeypot field, a time-to-submit stamp and a
throttle per client address and form.

The stamp is signed with the site's secret when the form is rendered (or its definition
fetched) and carries its time: a submission sent less than INTAKE_MIN_SECONDS after it, or with
no valid stamp, is refused with a message a person can act on (reload, wait a moment). Counts of
the throttle live in the shared cache, in the sliding windows the API throttles use, so every
web process counts alike; INTAKE_THROTTLE_PER_MINUTE=0 turns it off.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.conf import settings
from django.core import signing

from workos.api.throttling import window_counts, window_uncount
from workos.errors import Throttled, ValidationFailed

STAMP_SALT = "intake.stamp"
# A page left open over a weekend still works; a stamp harvested once does not work forever.
STAMP_MAX_AGE = 3 * 24 * 3600
WINDOW = 60
REFUSED = "We could not accept this submission."
RELOAD = "This form has expired or was not loaded completely; reload the page and send it again."


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=STAMP_SALT)


def render_stamp() -> str:
    """A fresh stamp for a rendered form (a hidden input, or `stamp` in the API)."""
    return _signer().sign(secrets.token_urlsafe(6))


def _min_seconds() -> int:
    return int(getattr(settings, "INTAKE_MIN_SECONDS", 3))


def _check_stamp(stamp: str | None) -> None:
    if not stamp or not isinstance(stamp, str) or len(stamp) > 200:
        raise ValidationFailed(RELOAD, code="stamp", fields={"stamp": ["Missing."]})
    try:
        _signer().unsign(stamp, max_age=STAMP_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationFailed(RELOAD, code="stamp", fields={"stamp": ["Expired."]}) from exc
    except signing.BadSignature as exc:
        raise ValidationFailed(RELOAD, code="stamp", fields={"stamp": ["Not valid."]}) from exc
    least = _min_seconds()
    if least <= 0:
        return
    try:
        _signer().unsign(stamp, max_age=least)
    except signing.SignatureExpired:
        return  # older than the minimum: a person had time to read and answer
    raise ValidationFailed(
        f"This form was sent too quickly after it opened; wait {least} seconds and send it "
        "again.", code="too_fast", fields={"stamp": ["Sent too quickly."]})


def _throttle(form: Any, ip: str) -> None:
    limit = int(getattr(settings, "INTAKE_THROTTLE_PER_MINUTE", 10))
    if limit <= 0:
        return
    key = f"intake:{form.pk}:{ip or 'unknown'}"
    now = time.time()
    window = int(now // WINDOW)
    current, previous = window_counts(key, window, WINDOW)
    overlap = 1 - (now - window * WINDOW) / WINDOW
    if previous * overlap + current <= limit:
        return
    window_uncount(key, window)
    wait = max(1, int((window + 1) * WINDOW - now) + 1)
    raise Throttled(f"Too many submissions from your address; try again in {wait} s.",
                    wait=wait)


def spam_check(form: Any, *, honeypot: str, stamp: str | None, ip: str) -> None:
    """Refuse a likely automated submission of `form` from address `ip`: Throttled (429) past
    the per-minute limit, ValidationFailed for a filled honeypot or a missing, forged, stale or
    too fresh stamp."""
    _throttle(form, ip)
    if honeypot:
        raise ValidationFailed(REFUSED, code="rejected")
    _check_stamp(stamp)
