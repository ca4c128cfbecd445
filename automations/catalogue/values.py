"""Reading an item's core fields and column values in one comparable form, and the comparison
operators conditions and triggers share.

Comparable forms: dates as ISO text (so they order as text), numbers and money as floats, people
and relations as id lists, dropdown and status columns as option labels, priorities by urgency.
Text compares ignoring case.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from boards.columns import is_empty
from boards.models import PRIORITY_RANK, Column, Item

# Core fields a condition or trigger may name, and what each holds.
CORE_FIELDS: dict[str, str] = {
    "name": "text",
    "description": "text",
    "status": "status id",
    "status_name": "text",
    "status_category": "backlog, todo, in_progress, done or cancelled",
    "group": "group id",
    "board": "board id",
    "parent": "item id",
    "assignees": "list of member ids",
    "start_date": "date",
    "due_date": "date",
    "estimate_hours": "number",
    "tracked_hours": "number",
    "priority": "none, low, medium, high or urgent (ordered by urgency)",
    "is_milestone": "boolean",
    "created_by": "member id",
}
# Fields an item write can set, for "changed" triggers (core names as Activity.changes has them).
CHANGEABLE_FIELDS = (
    "name", "description", "status", "group", "parent", "assignees", "start_date", "due_date",
    "estimate_hours", "priority", "is_milestone", "board", "archived_at",
)
OPERATORS = ("eq", "ne", "gt", "lt", "gte", "lte", "contains", "is_empty", "is_not_empty", "in")
UNARY = frozenset({"is_empty", "is_not_empty"})
OPTION_COLUMN_TYPES = frozenset({"dropdown", "status"})


def plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def core_value(item: Item, name: str) -> Any:
    if name == "status":
        return item.status_id
    if name == "status_name":
        return item.status.name if item.status_id else None
    if name == "status_category":
        return item.status.category if item.status_id else None
    if name in {"group", "board", "parent", "created_by"}:
        return getattr(item, f"{name}_id")
    if name == "assignees":
        return sorted(m.pk for m in item.assignees.all())
    if name == "tracked_hours":
        return round((item.tracked_minutes or 0) / 60, 2)
    return plain(getattr(item, name))


def _labels(column: Column, stored: Any) -> Any:
    options = {o.get("id"): o.get("label") for o in (column.settings or {}).get("options") or []}
    if isinstance(stored, list):
        return [options.get(v, v) for v in stored]
    return options.get(stored, stored)


def column_value(column: Column | None, stored: Any) -> Any:
    """A stored (or computed) column value in comparable form."""
    if stored is None or column is None:
        return plain(stored)
    if column.type in OPTION_COLUMN_TYPES:
        return _labels(column, stored)
    if column.type == "money":
        try:
            return float(stored)
        except (TypeError, ValueError):
            return None
    if column.type == "timeline" and isinstance(stored, dict):
        # Compared by when it ends; "is empty" still sees the whole value.
        return stored.get("end")
    return plain(stored)


def _fold(value: Any) -> Any:
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, list):
        return [_fold(v) for v in value]
    return value


def _order_key(value: Any, field: str | None) -> Any:
    if field == "priority" and isinstance(value, str):
        return PRIORITY_RANK.get(value, -1)
    if isinstance(value, bool):
        return int(value)
    return value


def _ordered(op: str, actual: Any, wanted: Any, field: str | None) -> bool:
    a, w = _order_key(actual, field), _order_key(wanted, field)
    if a is None or w is None or isinstance(a, list | dict):
        return False
    numeric = (int, float)
    if isinstance(a, numeric) != isinstance(w, numeric):
        return False
    try:
        return {"gt": a > w, "lt": a < w, "gte": a >= w, "lte": a <= w}[op]
    except TypeError:
        return False


def compare(op: str, actual: Any, wanted: Any, *, field: str | None = None) -> bool:
    """Whether `actual op wanted` holds; never raises on odd types (they just don't match)."""
    if op == "is_empty":
        return is_empty(actual)
    if op == "is_not_empty":
        return not is_empty(actual)
    if op in {"gt", "lt", "gte", "lte"}:
        return _ordered(op, actual, wanted, field)
    a, w = _fold(actual), _fold(wanted)
    if op in {"eq", "ne"}:
        if isinstance(a, list) and isinstance(w, list):
            same = sorted(map(str, a)) == sorted(map(str, w))
        elif isinstance(a, list):
            same = a == [w]
        elif isinstance(a, int | float) and isinstance(w, int | float) and not isinstance(
                a, bool):
            same = float(a) == float(w)
        else:
            same = a == w
        return same if op == "eq" else not same
    if op == "contains":
        if isinstance(a, list):
            wanted_all = w if isinstance(w, list) else [w]
            return all(x in a for x in wanted_all)
        if isinstance(a, str) and isinstance(w, str):
            return w in a
        return False
    if op == "in":
        options = w if isinstance(w, list) else [w]
        if isinstance(a, list):
            return any(x in options for x in a)
        return a in options
    return False
