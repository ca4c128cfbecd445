"""Triggers driven by the clock: a date of an item arrives, or a recurring period (RFC 5545
RRULE) comes round. The beat task `automations.tasks.date_triggers` evaluates them; each firing
has an event key (one per rule, item and date; one per rule and occurrence), so two ticks, or a
tick racing a catch-up, never run a rule twice."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING, Any

from dateutil.rrule import DAILY, HOURLY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

from automations.catalogue.base import TRIGGERS, ConfigError, Field, Match, Trigger
from automations.catalogue.dates import offset_text, parse_offset

if TYPE_CHECKING:
    from automations.catalogue.validation import ValidationContext
    from automations.engine.events import Batch, Event

DATE_COLUMN_TYPES = frozenset({"date", "timeline"})
ALLOWED_FREQUENCIES = {YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY}
MAX_OFFSET_DAYS = 365


class _Timed(Trigger):
    timed = True

    def match(self, config: dict[str, Any], event: Event, batch: Batch) -> list[Match]:
        return []  # never fired by an activity


@TRIGGERS.register
class DateArrived(_Timed):
    id = "date_arrived"
    label = "A date arrives"
    description = ("The due date, start date or a date column (a timeline by its end), with an "
                   "offset such as \"2 days before\", on the workspace's calendar day and time "
                   "zone; fires once per item and date, from `hour` o'clock.")
    one_of = ("field", "column")
    fields = (
        Field("field", "string", "A core date field.", choices=("due_date", "start_date")),
        Field("column", "string", "The key of a date or timeline column."),
        Field("offset", "string", 'When, relative to the date: "on the day", "2 days before", '
              '"1 day after".', max_length=40),
        Field("offset_days", "integer", "The same as a signed number of days (-2 = 2 days "
              "before); set from `offset` when that is given.", minimum=-MAX_OFFSET_DAYS,
              maximum=MAX_OFFSET_DAYS),
        Field("hour", "integer", "The local hour of the day from which it fires.", minimum=0,
              maximum=23, default=0),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        if "field" in config and "column" in config:
            raise ConfigError.on("column", "Give a field or a column, not both.")
        if "column" in config:
            column = vctx.column(config["column"], "column")
            if column is not None and column.type not in DATE_COLUMN_TYPES:
                raise ConfigError.on("column", f"'{column.title}' is a {column.type} column; "
                                     "choose a date or timeline column.")
        days = config.get("offset_days", 0)
        if "offset" in config:
            days = parse_offset(config["offset"])
        if abs(days) > MAX_OFFSET_DAYS:
            raise ConfigError.on("offset", f"Keep the offset within {MAX_OFFSET_DAYS} days.")
        out = {k: v for k, v in config.items() if k in {"field", "column"}}
        return {**out, "offset_days": days, "offset": offset_text(days),
                "hour": config.get("hour", 0)}


def rrule_parse(text: str, dtstart: dt.datetime) -> rrule:
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if "DTSTART" in body.upper() or "\n" in body:
        raise ValueError("Give only the RRULE part; the rule starts when it is saved.")
    parsed = rrulestr(body, dtstart=dtstart)
    if not isinstance(parsed, rrule):
        raise ValueError("Give one RRULE.")
    return parsed


@TRIGGERS.register
class EveryPeriod(_Timed):
    id = "every_period"
    label = "Every period (a recurring schedule)"
    description = ("An RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO;BYHOUR=9 in a time zone (the "
                   "workspace's unless given). Counted from local midnight of the day the rule "
                   "is saved; at most hourly. Runs have no item: use actions that create items "
                   "or notify.")
    has_item = False
    fields = (
        Field("rrule", "string", "The recurrence, e.g. FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=8.",
              required=True, max_length=500),
        Field("timezone", "string", "An IANA time zone such as Europe/Berlin.", max_length=64),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        zone = config.get("timezone") or vctx.workspace.timezone or "UTC"
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError.on("timezone", f"'{zone}' is not a time zone.") from exc
        try:
            parsed = rrule_parse(config["rrule"], dt.datetime(2026, 1, 1))  # noqa: DTZ001
        except (ValueError, TypeError) as exc:
            raise ConfigError.on("rrule", f"Not a valid RRULE: {exc}") from exc
        if parsed._freq not in ALLOWED_FREQUENCIES:
            raise ConfigError.on("rrule", "Repeat at most hourly (FREQ=HOURLY or slower).")
        return {"rrule": config["rrule"].strip().removeprefix("RRULE:"), "timezone": zone}


def occurrences(config: dict[str, Any], *, anchor: dt.datetime, start: dt.datetime,
                end: dt.datetime, limit: int = 24) -> list[dt.datetime]:
    """Occurrences in (start, end], as aware datetimes, counted from local midnight of the
    anchor's day; none before the anchor itself."""
    zone = zoneinfo.ZoneInfo(config.get("timezone") or "UTC")
    local_anchor = anchor.astimezone(zone)
    midnight = dt.datetime.combine(local_anchor.date(), dt.time())
    rule = rrule_parse(config["rrule"], midnight)
    begin = max(start, anchor).astimezone(zone).replace(tzinfo=None)
    finish = end.astimezone(zone).replace(tzinfo=None)
    found = []
    for naive in rule.xafter(begin, inc=False):
        if naive > finish or len(found) >= limit:
            break
        found.append(naive.replace(tzinfo=zone))
    return found
