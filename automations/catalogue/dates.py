"""Dates as rules speak of them: "today + 3 working days" for values, "2 days before" for the
date-arrived trigger, both in the workspace's time zone and on its working-day calendar."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

from django.utils import timezone

from automations.catalogue.base import ConfigError
from projects.scheduling import WorkCalendar
from workos.tenancy.models import Workspace

_RELATIVE = re.compile(
    r"^\s*(?P<base>today|item\.due_date|item\.start_date)\s*"
    r"(?:(?P<sign>[+-])\s*(?P<n>\d{1,4})\s*(?P<unit>working\s+days?|days?|weeks?))?\s*$",
    re.IGNORECASE,
)
_OFFSET = re.compile(
    r"^\s*(?:on\s+the\s+day|(?P<n>\d{1,3})\s*days?\s+(?P<when>before|after))\s*$", re.IGNORECASE
)
RELATIVE_HELP = ('A date (YYYY-MM-DD) or an expression: today, item.due_date or '
                 'item.start_date, optionally + or - N days, working days or weeks, such as '
                 '"today + 3 working days".')


def workspace_zone(workspace: Workspace) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(workspace.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def workspace_today(workspace: Workspace, now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(workspace_zone(workspace)).date()


def workspace_calendar(workspace: Workspace) -> WorkCalendar:
    holidays = []
    for day in workspace.holidays or []:
        try:
            holidays.append(dt.date.fromisoformat(str(day)))
        except ValueError:
            continue
    return WorkCalendar(workspace.working_days or (0, 1, 2, 3, 4), holidays)


def is_relative(value: Any) -> bool:
    return isinstance(value, str) and _RELATIVE.match(value) is not None


def check_date_value(value: Any, name: str) -> None:
    """A literal ISO date or a relative expression; raises ConfigError otherwise."""
    if value is None or is_relative(value):
        return
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
            return
        except ValueError:
            pass
    raise ConfigError.on(name, RELATIVE_HELP)


def resolve_date(value: Any, *, today: dt.date, item: Any, calendar: WorkCalendar
                 ) -> dt.date | None:
    """The date a literal or relative expression means now; None when its base is empty (an
    item without a due date)."""
    if value is None:
        return None
    found = _RELATIVE.match(value) if isinstance(value, str) else None
    if found is None:
        return dt.date.fromisoformat(str(value))
    base_name = found["base"].lower()
    base = today if base_name == "today" else getattr(item, base_name.split(".", 1)[1], None)
    if base is None:
        return None
    if not found["n"]:
        return base
    n = int(found["n"]) * (-1 if found["sign"] == "-" else 1)
    unit = found["unit"].lower()
    if unit.startswith("working"):
        return calendar.add_working_days(base, n)
    if unit.startswith("week"):
        return base + dt.timedelta(weeks=n)
    return base + dt.timedelta(days=n)


def parse_offset(text: str, name: str = "offset") -> int:
    """Signed days from the date to the day the trigger fires: "2 days before" is -2."""
    found = _OFFSET.match(text or "")
    if found is None:
        raise ConfigError.on(name, 'Write the offset like "2 days before", "1 day after" or '
                             '"on the day".')
    if not found["n"]:
        return 0
    days = int(found["n"])
    return -days if found["when"].lower() == "before" else days


def offset_text(days: int) -> str:
    if days == 0:
        return "on the day"
    unit = "day" if abs(days) == 1 else "days"
    return f"{abs(days)} {unit} {'before' if days < 0 else 'after'}"
