"""What cuts the board table into sections, and what each section shows besides its rows.

The table is cut by the board's groups, or by what a view groups by: the item's status, status
category or priority, or a single-choice status or dropdown column. Every section's count, the
sums and averages of its number and money columns, and its status mix (the "battery" bar) are
read for all sections at once, one aggregate query each, whatever the board's size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Case, Count, DecimalField, F, Q, QuerySet, Sum, When
from django.db.models.expressions import Expression
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from boards.models import Column, Group, Priority, Status, StatusCategory

# Column types whose section totals are a sum and an average.
TOTAL_TYPES = frozenset({"number", "money"})
_AMOUNT = r"^-?[0-9]+(\.[0-9]+)?$"
_PRIORITY_ORDER = (Priority.URGENT, Priority.HIGH, Priority.MEDIUM, Priority.LOW, Priority.NONE)
PRIORITY_COLORS = {Priority.URGENT: "#e2445c", Priority.HIGH: "#fdab3d",
                   Priority.MEDIUM: "#579bfc", Priority.LOW: "#9aa0a6", Priority.NONE: "#c4c4c4"}
CATEGORY_COLORS = {StatusCategory.BACKLOG: "#9aa0a6", StatusCategory.TODO: "#579bfc",
                   StatusCategory.IN_PROGRESS: "#fdab3d", StatusCategory.DONE: "#00c875",
                   StatusCategory.CANCELLED: "#c4c4c4"}
# Not an option id, a priority or a number, so it never names a real section.
NO_VALUE = "~none"


@dataclass(frozen=True)
class Grouping:
    """What cuts the table into sections: the board's groups (`group`), the item's `status`,
    `priority` or `status_category`, or a single-choice status/dropdown column."""

    field: str
    column: Column | None = None

    def partition(self) -> Expression | F:
        if self.column is not None:
            return KeyTextTransform(self.column.key, "values")
        return F({"group": "group_id", "status": "status_id", "priority": "priority",
                  "status_category": "status__category"}[self.field])

    def q(self, value: Any) -> Q:
        if self.column is not None:
            path = f"values__{self.column.key}"
            if value is None:
                return Q(**{f"{path}__isnull": True}) | Q(**{path: None})
            return Q(**{path: value})
        name = {"group": "group_id", "status": "status_id", "priority": "priority",
                "status_category": "status__category"}[self.field]
        if value is None:
            return Q(status__isnull=True)
        return Q(**{name: value})


def grouping_for(config: dict[str, Any], columns: list[Column]) -> Grouping:
    """The grouping a (checked) view config asks for; the board's groups when it names none
    the table can cut by (several values per item, say)."""
    name = config.get("group_by")
    if name in {"status", "priority", "status_category"}:
        return Grouping(field=name)
    if isinstance(name, str):
        key = name.removeprefix("values.")
        for column in columns:
            settings = column.settings or {}
            if column.key == key and (column.type == "status" or (
                    column.type == "dropdown" and not settings.get("multiple"))):
                return Grouping(field=f"values.{key}", column=column)
    return Grouping(field="group")


@dataclass
class Section:
    key: str
    value: Any
    label: str
    color: str
    create: dict[str, Any]
    count: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, dict[str, Any]] = field(default_factory=dict)
    battery: list[dict[str, Any]] = field(default_factory=list)

    @property
    def more(self) -> bool:
        return self.count > len(self.rows)


def section_key(value: Any) -> str:
    return NO_VALUE if value is None else str(value)


def sections_for(grouping: Grouping, groups: list[Group], statuses: list[Status]
                 ) -> list[Section]:
    """The sections a grouping gives, in display order, counts not yet read."""
    if grouping.column is not None:
        key = grouping.column.key
        return [Section(key=o["id"], value=o["id"], label=o["label"], color=o.get("color", ""),
                        create={"values": {key: o["id"]}})
                for o in (grouping.column.settings or {}).get("options") or []]
    if grouping.field == "status":
        return [Section(key=str(s.pk), value=s.pk, label=s.name,
                        color=s.color or CATEGORY_COLORS.get(s.category, ""),
                        create={"status": s.pk}) for s in statuses]
    if grouping.field == "priority":
        return [Section(key=p, value=p, label="No priority" if p == Priority.NONE
                        else Priority(p).label, color=PRIORITY_COLORS[p], create={"priority": p})
                for p in _PRIORITY_ORDER]
    if grouping.field == "status_category":
        first = {}
        for s in statuses:
            first.setdefault(s.category, s.pk)
        return [Section(key=c, value=c, label=StatusCategory(c).label, color=CATEGORY_COLORS[c],
                        create={"status": first[c]} if c in first else {})
                for c in StatusCategory.values]
    return [Section(key=str(g.pk), value=g.pk, label=g.name, color=g.color,
                    create={"group": g.pk}) for g in groups]


def _amount(key: str) -> Case:
    """A number or money value as a decimal; only text shaped like an amount is cast, so an odd
    stored value can never make the database raise."""
    return Case(
        When(Q(**{f"values__{key}__regex": _AMOUNT}),
             then=Cast(KeyTextTransform(key, "values"), DecimalField(max_digits=24,
                                                                     decimal_places=6))),
        default=None, output_field=DecimalField(max_digits=24, decimal_places=6),
    )


def total_columns(columns: list[Column]) -> list[str]:
    """Names (as the table calls them) of the columns with totals."""
    return ["estimate_hours", *(f"values.{c.key}" for c in columns if c.type in TOTAL_TYPES)]


def fill_counts(qs: QuerySet, grouping: Grouping, columns: list[Column],
                 by_key: dict[str, Section]) -> None:
    """Counts and totals of every section in one query, the status mix in another."""
    aggregates: dict[str, Any] = {"n": Count("id")}
    names = total_columns(columns)
    for index, name in enumerate(names):
        target: Any = F("estimate_hours") if name == "estimate_hours" else _amount(
            name.removeprefix("values."))
        aggregates[f"sum_{index}"] = Sum(target)
        aggregates[f"avg_{index}"] = Avg(target)
        aggregates[f"has_{index}"] = Count(target)
    base = qs.order_by()
    for row in base.values(_section=grouping.partition()).annotate(**aggregates):
        section = by_key.get(section_key(row["_section"]))
        if section is None:
            continue
        section.count = row["n"]
        section.totals = {
            name: {"sum": row[f"sum_{i}"], "avg": row[f"avg_{i}"], "count": row[f"has_{i}"]}
            for i, name in enumerate(names) if row[f"has_{i}"]
        }
    mix: dict[str, list[tuple[Any, int]]] = defaultdict(list)
    for row in base.values(_section=grouping.partition(), _status=F("status_id")).annotate(
            n=Count("id")):
        mix[section_key(row["_section"])].append((row["_status"], row["n"]))
    for key, pairs in mix.items():
        if key in by_key:
            by_key[key].battery = [{"status": s, "count": n} for s, n in pairs]


def rows_sections(rows: list[dict[str, Any]], grouping: Grouping,
                  statuses: list[Status]) -> dict[int, str]:
    """The section each row belongs in, for rows read outside the page's sections."""
    category = {s.pk: s.category for s in statuses}
    out = {}
    for row in rows:
        if grouping.column is not None:
            value = (row["values"] or {}).get(grouping.column.key)
            out[row["id"]] = section_key(value if isinstance(value, str) else None)
        elif grouping.field == "status_category":
            out[row["id"]] = section_key(category.get(row["status"]))
        else:
            out[row["id"]] = section_key(row[grouping.field])
    return out
