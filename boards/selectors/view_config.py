"""What a saved view's `config` may say, checked against its board.

A config is data a client wrote and every reader of the view executes, so nothing in it is taken
on trust: filters, sorts and grouping may name only an allowlist of core item fields and the
board's own column keys, each filter's operator must fit the field's kind, and each value must
have the shape that operator compares with. `view_config_parse` returns the checked config in a
form `boards.selectors.view_filters.view_config_apply` turns into SQL; `view_config_validate`
is the check alone, for services that store configs.

    {"filters": [{"field": "due_date", "op": "this_week"}, ...], "match": "all" | "any",
     "sorts": [{"field": "priority", "direction": "desc"}], "group_by": "status"}

Custom columns are named `values.<key>`; a bare key is accepted too when it is not a core field.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from boards.columns.types import option_for
from boards.models import Board, Column, Priority, StatusCategory
from workos.errors import ValidationFailed

TEXT, CHOICE, MULTI, NUMBER, DATE, DATETIME, BOOL, TIMELINE = (
    "text", "choice", "multi", "number", "date", "datetime", "bool", "timeline",
)
RELATIVE_OPS = ("today", "this_week", "next_week", "last_week", "this_month")
_ORDER = ("is", "is_not", "in", "contains", "gt", "lt", "gte", "lte", "between", "empty",
          "not_empty", *RELATIVE_OPS, "overdue")
KIND_OPS: dict[str, frozenset[str]] = {
    TEXT: frozenset({"is", "is_not", "in", "contains", "empty", "not_empty"}),
    CHOICE: frozenset({"is", "is_not", "in", "empty", "not_empty"}),
    MULTI: frozenset({"is", "is_not", "in", "contains", "empty", "not_empty"}),
    NUMBER: frozenset({"is", "is_not", "in", "gt", "lt", "gte", "lte", "between", "empty",
                       "not_empty"}),
    DATE: frozenset({"is", "is_not", "gt", "lt", "gte", "lte", "between", "empty", "not_empty",
                     *RELATIVE_OPS, "overdue"}),
    DATETIME: frozenset({"is", "gt", "lt", "gte", "lte", "between", "empty", "not_empty",
                         *RELATIVE_OPS}),
    BOOL: frozenset({"is", "is_not", "empty", "not_empty"}),
    TIMELINE: frozenset({"is", "gt", "lt", "between", "empty", "not_empty", *RELATIVE_OPS,
                         "overdue"}),
}
ALL_OPS = frozenset(_ORDER)
# Earlier names of two operators; configs saved with them keep working.
OP_ALIASES = {"eq": "is", "ne": "is_not"}
# Operators that take no value.
VALUELESS_OPS = frozenset({"empty", "not_empty", "overdue", *RELATIVE_OPS})

CORE_FILTERS: dict[str, str] = {
    "name": TEXT, "status": CHOICE, "status_category": CHOICE, "group": CHOICE,
    "priority": CHOICE, "parent": CHOICE, "assignee": MULTI, "due_date": DATE,
    "start_date": DATE, "estimate_hours": NUMBER, "is_milestone": BOOL, "created_at": DATETIME,
    "updated_at": DATETIME, "completed_at": DATETIME,
}
CORE_ALIASES = {"assignees": "assignee"}
# Core fields a view may sort by; assignees are several per item, so they do not sort.
CORE_SORTS = frozenset(CORE_FILTERS) - {"assignee"} | {"position", "id"}
# Core fields a view may show as columns (wider than filters: a table shows everything).
CORE_DISPLAY = frozenset(CORE_FILTERS) | {"assignees", "id", "description", "position",
                                          "archived_at"}
COLUMN_KINDS: dict[str, str] = {
    "text": TEXT, "long_text": TEXT, "email": TEXT, "phone": TEXT, "link": TEXT,
    "number": NUMBER, "rating": NUMBER, "money": NUMBER, "date": DATE, "timeline": TIMELINE,
    "people": MULTI, "relation": MULTI, "tags": MULTI, "status": CHOICE, "dropdown": CHOICE,
    "checkbox": BOOL,
}
CONFIG_KEYS = frozenset({"filters", "match", "sorts", "group_by", "columns", "date_field",
                         "end_date_field", "chart", "per_column"})
MAX_FILTERS = 50
MAX_SORTS = 10
MAX_IN_VALUES = 200
TEXT_VALUE_MAX = 500


@dataclass(frozen=True)
class FieldSpec:
    """A field a config names: a core item field (`core`) or a custom column (`column`)."""

    name: str
    kind: str
    core: str | None = None
    column: Column | None = None

    @property
    def key(self) -> str:
        assert self.column is not None
        return self.column.key

    @property
    def column_type(self) -> str | None:
        return self.column.type if self.column is not None else None


@dataclass(frozen=True)
class ParsedFilter:
    index: int
    spec: FieldSpec
    op: str
    # Cleaned: a date, Decimal, bool, int, str or option id; a tuple for `in` and `between`.
    value: Any


@dataclass(frozen=True)
class ParsedSort:
    spec: FieldSpec
    descending: bool


@dataclass(frozen=True)
class ParsedConfig:
    filters: tuple[ParsedFilter, ...] = ()
    match_any: bool = False
    sorts: tuple[ParsedSort, ...] = ()
    group_by: FieldSpec | None = None


def _week(today: dt.date, offset: int) -> tuple[dt.date, dt.date]:
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=offset)
    return monday, monday + dt.timedelta(days=6)


def relative_range(op: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days a relative operator covers, first and last included; weeks start on Monday."""
    if op == "today":
        return today, today
    if op == "this_month":
        first = today.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return first, following - dt.timedelta(days=1)
    return _week(today, {"this_week": 0, "next_week": 1, "last_week": -1}[op])


def _bad(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"config": [message]})


class _Fields:
    """Resolves field names of one board, with its columns read once."""

    def __init__(self, columns: Iterable[Column]) -> None:
        self.columns = {c.key: c for c in columns}

    def resolve(self, name: Any, where: str) -> FieldSpec:
        if isinstance(name, str):
            core = CORE_ALIASES.get(name, name)
            if core in CORE_FILTERS or core in {"position", "id"}:
                return FieldSpec(name=name, kind=CORE_FILTERS.get(core, NUMBER), core=core)
            key = name.removeprefix("values.")
            column = self.columns.get(key)
            if column is not None:
                kind = COLUMN_KINDS.get(column.type, "computed")
                if column.type == "dropdown" and (column.settings or {}).get("multiple"):
                    kind = MULTI
                return FieldSpec(name=name, kind=kind, column=column)
        raise _bad(f"{where}: '{name}' is neither an item field nor a column of this board.")


def _number(raw: Any, where: str) -> decimal.Decimal:
    try:
        if isinstance(raw, bool) or not isinstance(raw, int | float | str | decimal.Decimal):
            raise decimal.InvalidOperation
        number = decimal.Decimal(str(raw).strip())
    except decimal.InvalidOperation:
        raise _bad(f"{where}: {raw!r} is not a number.") from None
    if not number.is_finite() or abs(number) >= decimal.Decimal("1e15"):
        raise _bad(f"{where}: {raw!r} is not a number in range.")
    return number


def _date(raw: Any, where: str) -> dt.date:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    try:
        if not isinstance(raw, str) or len(raw.strip()) != 10:
            raise ValueError
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise _bad(f"{where}: {raw!r} is not a date; write it as YYYY-MM-DD.") from None


def _positive_id(raw: Any, where: str, what: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
        raise _bad(f"{where}: {raw!r} is not {what} id.")
    return raw


def _id_or_name(raw: Any, where: str, what: str) -> int | str:
    if isinstance(raw, str) and raw.strip() and len(raw) <= 200:
        return raw.strip()
    return _positive_id(raw, where, f"a {what} name or")


def _choice(raw: Any, allowed: list[str], where: str) -> str:
    if raw not in allowed:
        raise _bad(f"{where}: {raw!r} is not one of {', '.join(allowed)}.")
    return str(raw)


def _scalar(spec: FieldSpec, raw: Any, where: str) -> Any:
    """One comparison value, cleaned for the field it is compared with."""
    core, column_type = spec.core, spec.column_type
    if core in {"status", "group"}:
        return _id_or_name(raw, where, core)
    if core == "parent":
        return _positive_id(raw, where, "an item")
    if core == "status_category":
        return _choice(raw, list(StatusCategory.values), where)
    if core == "priority":
        return _choice(raw, list(Priority.values), where)
    if core == "assignee" or column_type == "people":
        return "me" if raw == "me" else _positive_id(raw, where, "a member (or \"me\") as an")
    if column_type == "relation":
        return _positive_id(raw, where, "an item")
    if column_type in {"status", "dropdown"}:
        assert spec.column is not None
        option = option_for(spec.column.settings or {}, raw)
        if option is None:
            labels = ", ".join(o["label"] for o in (spec.column.settings or {}).get("options")
                               or []) or "none defined"
            raise _bad(f"{where}: {raw!r} is not an option of this column ({labels}).")
        return option["id"]
    if spec.kind in {DATE, DATETIME, TIMELINE}:
        return _date(raw, where)
    if spec.kind == NUMBER:
        return _number(raw, where)
    if spec.kind == BOOL:
        if isinstance(raw, str) and raw.lower() in {"true", "false"}:
            return raw.lower() == "true"
        if not isinstance(raw, bool):
            raise _bad(f"{where}: compare with true or false, not {raw!r}.")
        return raw
    # Text (and tags): numbers are accepted as their text, so {"value": 42} finds "42".
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise _bad(f"{where}: compare with text, not {raw!r}.")
    text = str(raw)
    if not text.strip() or len(text) > TEXT_VALUE_MAX or "\x00" in text:
        raise _bad(f"{where}: the text to compare with is 1 to {TEXT_VALUE_MAX} characters.")
    return text.strip()


def _value(spec: FieldSpec, op: str, raw: Any, where: str) -> Any:
    if op in VALUELESS_OPS:
        return None
    if op == "in":
        if not isinstance(raw, list) or not raw or len(raw) > MAX_IN_VALUES:
            raise _bad(f"{where}: 'in' takes a list of 1 to {MAX_IN_VALUES} values.")
        return tuple(_scalar(spec, v, where) for v in raw)
    if op == "between":
        if not isinstance(raw, list) or len(raw) != 2:
            raise _bad(f"{where}: 'between' takes a list of two values, [from, to].")
        low, high = (_scalar(spec, v, where) for v in raw)
        if low > high:
            raise _bad(f"{where}: 'between' runs from the lower value to the higher one.")
        return (low, high)
    if raw is None:
        raise _bad(f"{where}: '{op}' needs a value.")
    return _scalar(spec, raw, where)


def _parse_filter(fields: _Fields, index: int, rule: Any) -> ParsedFilter:
    where = f"filters[{index}]"
    if not isinstance(rule, dict) or set(rule) - {"field", "op", "value"}:
        raise _bad(f"{where} is an object with field, op and value.")
    spec = fields.resolve(rule.get("field"), where)
    where = f"{where} ({spec.name})"
    if spec.kind == "computed" or spec.core == "position":
        raise _bad(f"{where}: this field cannot be filtered on.")
    raw_op = rule.get("op", "is")
    op = OP_ALIASES.get(raw_op, raw_op) if isinstance(raw_op, str) else raw_op
    if op not in ALL_OPS:
        raise _bad(f"{where}: {raw_op!r} is not an operator; use one of {', '.join(_ORDER)}.")
    allowed = KIND_OPS[spec.kind]
    if op not in allowed:
        raise _bad(f"{where}: the operator '{raw_op}' does not fit a {spec.kind} field; use "
                   f"one of {', '.join(o for o in _ORDER if o in allowed)}.")
    return ParsedFilter(index=index, spec=spec, op=op,
                        value=_value(spec, op, rule.get("value"), where))


def _parse_sort(fields: _Fields, index: int, rule: Any) -> ParsedSort:
    where = f"sorts[{index}]"
    if not isinstance(rule, dict) or set(rule) - {"field", "direction"}:
        raise _bad(f"{where} is an object with field and direction.")
    spec = fields.resolve(rule.get("field"), where)
    if spec.kind in {MULTI, "computed"} or (spec.core and spec.core not in CORE_SORTS):
        raise _bad(f"{where} ({spec.name}): this field holds several values or none stored, "
                   "so it cannot be sorted by.")
    direction = rule.get("direction", "asc")
    if direction not in {"asc", "desc"}:
        raise _bad(f"{where} ({spec.name}): direction is asc or desc, not {direction!r}.")
    return ParsedSort(spec=spec, descending=direction == "desc")


def _check_extras(fields: _Fields, config: dict[str, Any]) -> None:
    """Keys a client renders but the server does not apply; still only known fields."""
    columns = config.get("columns")
    if columns is not None:
        if not isinstance(columns, list) or len(columns) > 500:
            raise _bad("columns is a list of field names and column keys.")
        for name in columns:
            if not (isinstance(name, str) and name in CORE_DISPLAY):
                fields.resolve(name, "columns")
    for key in ("date_field", "end_date_field"):
        if config.get(key) is not None:
            spec = fields.resolve(config[key], key)
            if spec.kind not in {DATE, DATETIME, TIMELINE}:
                raise _bad(f"{key}: '{spec.name}' holds no date.")
    if "chart" in config and not isinstance(config["chart"], dict):
        raise _bad("chart is a JSON object.")
    per_column = config.get("per_column")
    if per_column is not None and (isinstance(per_column, bool) or not isinstance(
            per_column, int) or not 1 <= per_column <= 200):
        raise _bad("per_column is a whole number from 1 to 200.")


def view_config_parse(
    *, board: Board, config: Any, columns: Iterable[Column] | None = None
) -> ParsedConfig:
    """The config checked against the board; raises ValidationFailed naming the bad part.

    `columns` are the board's columns when the caller has them already (saves a query).
    """
    if config is None:
        return ParsedConfig()
    if not isinstance(config, dict):
        raise _bad("A view's config is a JSON object.")
    unknown = sorted(set(config) - CONFIG_KEYS)
    if unknown:
        raise _bad(f"Unknown config keys: {', '.join(unknown)}; use "
                   f"{', '.join(sorted(CONFIG_KEYS))}.")
    fields = _Fields(columns if columns is not None else Column.objects.filter(board=board))
    filters = config.get("filters") or []
    if not isinstance(filters, list) or len(filters) > MAX_FILTERS:
        raise _bad(f"filters is a list of up to {MAX_FILTERS} {{field, op, value}} objects.")
    match = config.get("match", "all")
    if match not in {"all", "any"}:
        raise _bad(f"match is all or any, not {match!r}.")
    sorts = config.get("sorts") or []
    if not isinstance(sorts, list) or len(sorts) > MAX_SORTS:
        raise _bad(f"sorts is a list of up to {MAX_SORTS} {{field, direction}} objects.")
    group_by = None
    if config.get("group_by") is not None:
        group_by = fields.resolve(config["group_by"], "group_by")
        if group_by.kind == "computed" or group_by.core in {"position", "id", "name"}:
            raise _bad(f"group_by: items cannot be grouped by '{group_by.name}'.")
    _check_extras(fields, config)
    return ParsedConfig(
        filters=tuple(_parse_filter(fields, i, rule) for i, rule in enumerate(filters)),
        match_any=match == "any",
        sorts=tuple(_parse_sort(fields, i, rule) for i, rule in enumerate(sorts)),
        group_by=group_by,
    )


def view_config_validate(board: Board, config: Any) -> dict[str, Any]:
    """The config to store, unchanged, once it is known to be valid for the board.

    Raises ValidationFailed whose message names the bad filter, sort or key, such as
    "filters[2] (values.cost): the operator 'this_week' does not fit a number field; ...".
    """
    view_config_parse(board=board, config=config)
    return dict(config) if config else {}
