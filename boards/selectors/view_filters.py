"""A saved view's filters and sorts as SQL over an item queryset.

`view_config_apply` takes a queryset already scoped to the workspace and the viewer (the item
selectors build it) and narrows and orders it; it never widens what the caller could see.
Custom columns are read from `Item.values` with JSON key lookups that mean the same on SQLite
and PostgreSQL; dates inside JSON are compared as dates through a cast that only ever sees
text shaped like a date, so an odd stored value cannot make the database raise. Relative dates
("this_week", "overdue") are worked out from today in the workspace's time zone; weeks start
on Monday.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import re
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    DateField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import Combinable, OrderBy
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Lower, Substr

from boards.models import PRIORITY_RANK, Board, Column, Item, StatusCategory
from boards.selectors.view_config import (
    BOOL,
    DATE,
    DATETIME,
    MULTI,
    NUMBER,
    RELATIVE_OPS,
    TEXT,
    TIMELINE,
    FieldSpec,
    ParsedConfig,
    ParsedFilter,
    relative_range,
    view_config_parse,
)

_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
_AMOUNT = r"^-?[0-9]+(\.[0-9]+)?$"
_CLOSED = (StatusCategory.DONE, StatusCategory.CANCELLED)
_CATEGORY_ORDER = {c: i for i, c in enumerate(StatusCategory.values)}
_NOTHING = Q(pk__in=[])


class _Builder:
    """Builds the Q of each filter and the aliases (computed expressions) they compare."""

    def __init__(self, today: dt.date, tz: dt.tzinfo, me: int | None) -> None:
        self.today, self.tz, self.me = today, tz, me
        self.aliases: dict[str, Any] = {}

    # --- expressions over custom columns --------------------------------------------------

    def _alias(self, name: str, expression: Any) -> str:
        self.aliases.setdefault(name, expression)
        return name

    def date_of(self, key: str, part: str | None = None) -> str:
        """An alias holding a date column's value (or one end of a timeline) as a SQL date."""
        path = f"values__{key}__{part}" if part else f"values__{key}"
        text = KeyTextTransform(part, KeyTransform(key, "values")) if part else KeyTextTransform(
            key, "values")
        # Dates with a time keep the day only; the cast sees nothing but YYYY-MM-DD text.
        expression = Case(
            When(Q(**{f"{path}__regex": _ISO_DATE}), then=Cast(Substr(text, 1, 10), DateField())),
            default=None, output_field=DateField(),
        )
        return self._alias(f"_vd_{key}_{part or 'value'}", expression)

    def amount_of(self, key: str) -> str:
        """An alias holding a money value (stored as a decimal string) as a number."""
        expression = Case(
            When(Q(**{f"values__{key}__regex": _AMOUNT}),
                 then=Cast(KeyTextTransform(key, "values"),
                           DecimalField(max_digits=20, decimal_places=2))),
            default=None, output_field=DecimalField(max_digits=20, decimal_places=2),
        )
        return self._alias(f"_vm_{key}", expression)

    # --- emptiness ------------------------------------------------------------------------

    def empty(self, spec: FieldSpec) -> Q:
        core = spec.core
        if core == "assignee":
            return ~Q(Exists(_assigned(None)))
        if core in {"status", "status_category"}:
            return Q(status__isnull=True)
        if core == "priority":
            return Q(priority="none")
        if core == "name":
            return Q(name="")
        if core == "is_milestone":
            return Q(is_milestone=False)
        if core is not None:
            return Q(**{f"{core}__isnull": True})
        key, path = spec.key, f"values__{spec.key}"
        empty = (~Q(values__has_key=key) | Q(**{f"{path}__isnull": True}) | Q(**{path: None})
                 | Q(**{path: ""}) | Q(**{path: []}))
        if spec.kind == BOOL:
            empty |= Q(**{path: False})
        return empty

    # --- one filter -----------------------------------------------------------------------

    def filter(self, pf: ParsedFilter) -> Q:
        op, spec = pf.op, pf.spec
        if op == "empty":
            return self.empty(spec)
        if op == "not_empty":
            return ~self.empty(spec)
        if op == "is_not":
            if spec.kind == BOOL:
                return self.positive(spec, "is", not pf.value)
            # "Is not X" keeps the items that have no value at all, as people expect.
            return ~self.positive(spec, "is", pf.value) | self.empty(spec)
        if op == "in":
            q = _NOTHING
            for value in pf.value:
                q |= self.positive(spec, "is", value)
            return q
        return self.positive(spec, op, pf.value)

    def positive(self, spec: FieldSpec, op: str, value: Any) -> Q:
        if spec.kind in {DATE, DATETIME, TIMELINE}:
            return self._dated(spec, op, value)
        if spec.kind == MULTI:
            return self._has(spec, value)
        if spec.kind == NUMBER:
            return self._number(spec, op, value)
        if spec.kind == BOOL:
            if spec.core:
                return Q(is_milestone=value)
            return Q(**{f"values__{spec.key}": True}) if value else self.empty(spec)
        if spec.kind == TEXT:
            path = spec.core or (f"values__{spec.key}__url" if spec.column_type == "link"
                                 else f"values__{spec.key}")
            return Q(**{f"{path}__{'icontains' if op == 'contains' else 'iexact'}": value})
        return self._choice(spec, value)

    def _choice(self, spec: FieldSpec, value: Any) -> Q:
        core = spec.core
        if core in {"status", "group"}:
            # Ids from the client; names typed by people match regardless of case.
            return Q(**{f"{core}_id": value}) if isinstance(value, int) else Q(
                **{f"{core}__name__iexact": value})
        if core == "parent":
            return Q(parent_id=value)
        if core == "status_category":
            return Q(status__category=value)
        if core == "priority":
            return Q(priority=value)
        return Q(**{f"values__{spec.key}": value})

    def _has(self, spec: FieldSpec, value: Any) -> Q:
        if value == "me":
            if self.me is None:
                return _NOTHING
            value = self.me
        if spec.core == "assignee":
            return Q(Exists(_assigned(value)))
        return json_list_has(spec.key, value)

    def _number(self, spec: FieldSpec, op: str, value: Any) -> Q:
        if spec.core:
            target, number = spec.core, value
        elif spec.column_type == "money":
            target, number = self.amount_of(spec.key), value
        else:
            # JSON numbers compare with plain numbers; Decimal does not encode as JSON.
            target = f"values__{spec.key}"
            number = tuple(map(_plain, value)) if op == "between" else _plain(value)
        return _compare(target, op, number)

    def _dated(self, spec: FieldSpec, op: str, value: Any) -> Q:
        if op == "overdue" and spec.kind == TIMELINE:
            return Q(**{f"{self.date_of(spec.key, 'end')}__lt": self.today}) & _still_open()
        if op == "overdue":
            return self._dated(spec, "lt", self.today) & _still_open()
        if op in RELATIVE_OPS:
            return self._dated(spec, "between", relative_range(op, self.today))
        if spec.kind == TIMELINE:
            return self._timeline(spec, op, value)
        target = spec.core or self.date_of(spec.key)
        if spec.kind == DATETIME:
            return self._moment(target, op, value)
        return _compare(target, op, value)

    def _timeline(self, spec: FieldSpec, op: str, value: Any) -> Q:
        start, end = self.date_of(spec.key, "start"), self.date_of(spec.key, "end")
        if op == "gt":
            return Q(**{f"{start}__gt": value})
        if op == "lt":
            return Q(**{f"{end}__lt": value})
        low, high = value if op == "between" else (value, value)
        # Overlap: the timeline touches the period [low, high].
        q = Q(**{f"{start}__isnull": False})
        if high is not None:
            q &= Q(**{f"{start}__lte": high})
        if low is not None:
            q &= Q(**{f"{end}__gte": low})
        return q

    def _moment(self, target: str, op: str, value: Any) -> Q:
        """Dates compared with a timestamp column: a day runs midnight to midnight in the
        workspace's time zone."""

        def start(day: dt.date) -> dt.datetime:
            return dt.datetime.combine(day, dt.time.min, tzinfo=self.tz)

        def after(day: dt.date) -> dt.datetime:
            return start(day + dt.timedelta(days=1))

        if op == "gt":
            return Q(**{f"{target}__gte": after(value)})
        if op == "gte":
            return Q(**{f"{target}__gte": start(value)})
        if op == "lt":
            return Q(**{f"{target}__lt": start(value)})
        if op == "lte":
            return Q(**{f"{target}__lt": after(value)})
        low, high = value if op == "between" else (value, value)
        q = Q(**{f"{target}__lt": after(high)}) if high is not None else Q(
            **{f"{target}__isnull": False})
        if low is not None:
            q &= Q(**{f"{target}__gte": start(low)})
        return q


def _plain(number: Any) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def _compare(target: str, op: str, value: Any) -> Q:
    if op == "is":
        return Q(**{target: value})
    if op == "between":
        low, high = value
        q = Q(**{f"{target}__isnull": False})
        if low is not None:
            q &= Q(**{f"{target}__gte": low})
        return q & Q(**{f"{target}__lte": high})
    return Q(**{f"{target}__{op}": value})


def _still_open() -> Q:
    """Not done and not cancelled; items without a status are open."""
    return Q(status__isnull=True) | ~Q(status__category__in=_CLOSED)


def _assigned(member: int | None) -> QuerySet:
    through = Item.assignees.through.objects.filter(item_id=OuterRef("pk"))
    return through if member is None else through.filter(membership_id=member)


def json_list_has(key: str, element: Any) -> Q:
    """Items whose value under `key` is a list holding `element`, or is `element` itself.

    PostgreSQL answers with JSON containment (which the GIN index on `values` serves). SQLite
    has no containment, so the list's JSON text is matched with the element's JSON spelling
    between delimiters: `12` is then never found inside `[112]`.
    """
    path = f"values__{key}"
    if connection.vendor == "postgresql":
        return Q(values__contains={key: [element]}) | Q(values__contains={key: element})
    spelled = re.escape(json.dumps(element))
    return Q(**{path: element}) | Q(**{f"{path}__regex": rf"^\[(.*,)? *{spelled} *(,.*)?\]$"})


# --- sorting ------------------------------------------------------------------------------


def _sort_expression(builder: _Builder, spec: FieldSpec) -> Combinable | str:
    core = spec.core
    if core == "name":
        return Lower("name")
    if core in {"status", "group"}:
        return F(f"{core}__position")
    if core == "status_category":
        return Case(*[When(status__category=c, then=Value(i))
                      for c, i in _CATEGORY_ORDER.items()], output_field=IntegerField())
    if core == "priority":
        return Case(*[When(priority=p, then=Value(r)) for p, r in PRIORITY_RANK.items()],
                    default=Value(0), output_field=IntegerField())
    if core is not None:
        return F(core)
    key, column_type = spec.key, spec.column_type
    if column_type == "money":
        return F(builder.amount_of(key))
    if column_type == "date":
        return F(builder.date_of(key))
    if column_type == "timeline":
        return F(builder.date_of(key, "start"))
    if column_type in {"status", "dropdown"}:
        # In the order of the column's options, as the board shows them.
        assert spec.column is not None
        options = (spec.column.settings or {}).get("options") or []
        return Case(*[When(**{f"values__{key}": o["id"]}, then=Value(i))
                      for i, o in enumerate(options)], default=None, output_field=IntegerField())
    if spec.kind == TEXT:
        part = KeyTextTransform("url", KeyTransform(key, "values")) if column_type == "link" \
            else KeyTextTransform(key, "values")
        return Lower(part)
    return KeyTransform(key, "values")


def _order_by(expression: Combinable | str, descending: bool) -> OrderBy:
    target = F(expression) if isinstance(expression, str) else expression
    # Items without a value come last whichever way the column is sorted.
    return OrderBy(target, descending=descending, nulls_last=True)


# --- the entry point ----------------------------------------------------------------------


def _zone(tz: dt.tzinfo | str | None, board: Board) -> dt.tzinfo:
    if isinstance(tz, dt.tzinfo):
        return tz
    name = tz or board.workspace.timezone
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def view_config_apply(
    *,
    queryset: QuerySet,
    board: Board,
    config: Any,
    today: dt.date | None = None,
    tz: dt.tzinfo | str | None = None,
    me: int | None = None,
    columns: Iterable[Column] | None = None,
) -> QuerySet:
    """The items of `queryset` that pass the view's filters, in the view's order.

    The config is checked first (ValidationFailed names a bad filter). `tz` defaults to the
    workspace's time zone and `today` to the date there now; `me` is the viewer's membership id,
    which filters on people with the value "me" compare with. Without sorts or grouping the
    queryset keeps its own order; with them, ties fall back to the board's order.
    """
    parsed: ParsedConfig = view_config_parse(board=board, config=config, columns=columns)
    zone = _zone(tz, board)
    if today is None:
        today = dt.datetime.now(tz=zone).date()
    builder = _Builder(today, zone, me)
    combined: Q | None = None
    for pf in parsed.filters:
        q = builder.filter(pf)
        join = operator.or_ if parsed.match_any else operator.and_
        combined = q if combined is None else join(combined, q)
    orders = []
    if parsed.group_by is not None and parsed.group_by.kind != MULTI:
        orders.append(_order_by(_sort_expression(builder, parsed.group_by), False))
    for sort in parsed.sorts:
        orders.append(_order_by(_sort_expression(builder, sort.spec), sort.descending))
    if builder.aliases:
        queryset = queryset.alias(**builder.aliases)
    if combined is not None:
        queryset = queryset.filter(combined)
    if orders:
        queryset = queryset.order_by(*orders, "group__position", "position", "id")
    return queryset

