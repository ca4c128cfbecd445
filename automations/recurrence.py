"""RFC 5545 recurrence rules read in a time zone: "every Monday at 9:00" means 9:00 on the wall
clock of the schedule's zone, summer and winter alike.

The rule is expanded on naive local wall-clock times from the local start, and each occurrence
is then placed in the zone: that is what keeps 9:00 at 9:00 across a daylight-saving change
(08:00 UTC in a Berlin winter, 07:00 UTC in summer). A wall time that a spring change skips
(02:30 on the night clocks jump from 02:00 to 03:00) is read with the offset before the jump,
so it happens at 03:30 local; a time that an autumn change repeats happens at its first pass.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from dateutil import rrule

# Items are made by a beat task that runs every minute; more often than hourly would flood a
# board, and is no one's recurring work.
MIN_INTERVAL = dt.timedelta(hours=1)
_TOO_FREQUENT = {rrule.SECONDLY, rrule.MINUTELY}
_UTC_UNTIL = re.compile(r"UNTIL=(\d{8}T\d{6})Z", re.IGNORECASE)


class RecurrenceError(ValueError):
    """The rule or zone is not usable; the message says why, for a person."""


def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise RecurrenceError(
            f"'{name}' is not a time zone; use a name such as Europe/Berlin or UTC."
        ) from exc


@dataclass(frozen=True)
class Recurrence:
    rule: rrule.rrule
    tz: zoneinfo.ZoneInfo

    def _local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.tz).replace(tzinfo=None)

    def _aware(self, wall: dt.datetime) -> dt.datetime:
        return wall.replace(tzinfo=self.tz).astimezone(dt.UTC)

    def first_at_or_after(self, moment: dt.datetime) -> dt.datetime | None:
        found = self.rule.after(self._local(moment), inc=True)
        return self._aware(found) if found is not None else None

    def next_after(self, moment: dt.datetime) -> dt.datetime | None:
        found = self.rule.after(self._local(moment), inc=False)
        return self._aware(found) if found is not None else None

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()


def recurrence(text: str, timezone_name: str, starts_at: dt.datetime) -> Recurrence:
    """Parse `text` (one RRULE, with or without the `RRULE:` prefix) to start at `starts_at`
    in the zone. Raises RecurrenceError with the parser's message."""
    tz = zone(timezone_name)
    body = (text or "").strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if not body:
        raise RecurrenceError("A schedule needs an RRULE, such as FREQ=WEEKLY;BYDAY=MO;BYHOUR=9.")
    if "\n" in body or ":" in body:
        raise RecurrenceError("Give one RRULE line (no DTSTART, EXDATE or RDATE); the start is "
                              "the schedule's starts_at.")
    start = starts_at.astimezone(tz).replace(tzinfo=None, microsecond=0)
    try:
        parsed = rrule.rrulestr(_until_in_local_time(body, tz), dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise RecurrenceError(f"The RRULE is not valid: {exc or type(exc).__name__}.") from exc
    if not isinstance(parsed, rrule.rrule):
        raise RecurrenceError("Give one RRULE line.")
    if parsed._freq in _TOO_FREQUENT:  # dateutil exposes no public accessor for FREQ
        raise RecurrenceError("A schedule repeats at most hourly; use FREQ=HOURLY or slower.")
    return Recurrence(parsed, tz)


def _until_in_local_time(body: str, tz: zoneinfo.ZoneInfo) -> str:
    """RFC 5545 writes UNTIL in UTC (a trailing Z); the rule is expanded in local wall time."""

    def local(match: re.Match[str]) -> str:
        try:
            moment = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=dt.UTC)
        except ValueError as exc:
            raise RecurrenceError(f"UNTIL={match.group(1)}Z is not a valid time.") from exc
        return "UNTIL=" + moment.astimezone(tz).strftime("%Y%m%dT%H%M%S")

    return _UTC_UNTIL.sub(local, body)


def recurrence_check(text: str, timezone_name: str, starts_at: dt.datetime,
                     now: dt.datetime) -> dt.datetime:
    """Validate a rule for saving: it parses, repeats at most hourly, and still occurs.
    Returns its next occurrence from `max(starts_at, now)`."""
    rec = recurrence(text, timezone_name, starts_at)
    first = rec.first_at_or_after(max(starts_at, now))
    if first is None:
        raise RecurrenceError("This RRULE has no occurrence after now (see its COUNT or UNTIL).")
    previous, moment = first, first
    for _ in range(24):
        moment = rec.next_after(moment)
        if moment is None:
            break
        if moment - previous < MIN_INTERVAL:
            raise RecurrenceError("Occurrences must be at least an hour apart.")
        previous = moment
    return first
