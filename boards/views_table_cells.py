"""How the board table shows values: which columns it has (core item fields and the board's
columns, in the view's order), and each cell's display parts and the raw value its inline editor
starts from. Presentation only; values are read by `boards.selectors.table_page`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from boards.models import Column, Priority, Status, StatusCategory
from boards.selectors.table_grouping import CATEGORY_COLORS, PRIORITY_COLORS

# Core item fields the table can show: title and the editor/display type of each.
CORE_COLUMNS: dict[str, tuple[str, str]] = {
    "status": ("Status", "item_status"),
    "assignees": ("People", "assignees"),
    "start_date": ("Start", "core_date"),
    "due_date": ("Due", "core_date"),
    "priority": ("Priority", "priority"),
    "estimate_hours": ("Estimate (h)", "hours"),
}
DEFAULT_CORE = ("status", "assignees", "due_date", "priority")
# Shown, never edited in the table: worked out when read, or links to items elsewhere.
READ_ONLY_TYPES = frozenset({"formula", "mirror", "rollup", "time_tracked", "relation"})
_CLOSED = (StatusCategory.DONE, StatusCategory.CANCELLED)
_OVERDUE = '<span class="visually-hidden"> (overdue)</span>'


@dataclass(frozen=True)
class TableColumn:
    name: str  # a core field, or "values.<key>"
    title: str
    type: str
    column: Column | None = None

    @property
    def core(self) -> bool:
        return self.column is None

    @property
    def editable(self) -> bool:
        return self.type not in READ_ONLY_TYPES

    @property
    def has_totals(self) -> bool:
        return self.type in {"number", "money", "hours"}


def _custom(column: Column) -> TableColumn:
    return TableColumn(name=f"values.{column.key}", title=column.title, type=column.type,
                       column=column)


def table_columns(columns: list[Column], config: dict[str, Any]
                  ) -> tuple[list[TableColumn], list[TableColumn]]:
    """The columns shown (in the view's order when it lists them) and the ones hidden."""
    every = {name: TableColumn(name=name, title=title, type=kind)
             for name, (title, kind) in CORE_COLUMNS.items()}
    for column in columns:
        every[f"values.{column.key}"] = _custom(column)
    wanted = config.get("columns")
    if isinstance(wanted, list) and wanted:
        names = []
        for name in wanted:
            name = name if name in every or not isinstance(name, str) else f"values.{name}"
            if name in every and name not in names:
                names.append(name)
    else:
        names = [*DEFAULT_CORE, *(f"values.{c.key}" for c in columns)]
    shown = [every[name] for name in names]
    hidden = [col for name, col in every.items() if name not in names]
    return shown, hidden


@dataclass
class CellContext:
    """What formatting cells needs, read once per page."""

    statuses: dict[int, Status]
    members: dict[int, str]
    workspace: str
    currency: str
    today: dt.date
    can_edit: bool
    me: int
    contributor: bool


@dataclass
class Cell:
    name: str
    type: str
    kind: str = "empty"
    text: str = ""
    color: str = ""
    raw: str = "null"
    title: str = ""
    parts: tuple = ()
    flag: bool = False
    workspace: str = ""

    @property
    def html(self) -> SafeString:
        """The whole <td>: drawn here rather than in a template, since a board page draws
        thousands of cells and a template include per cell cost most of the page's time."""
        return format_html(
            '<td class="cell cell-{}" data-col="{}" data-type="{}" data-value="{}" '
            'tabindex="-1">{}</td>', self.type, self.name, self.type, self.raw, self.inner())

    def inner(self) -> SafeString:
        kind = self.kind
        if kind == "pill":
            return format_html('<span class="pill" data-color="{}">{}</span>', self.color,
                               self.text)
        if kind == "pills":
            return format_html_join("", '<span class="pill" data-color="{}">{}</span>',
                                    ((color, label) for label, color in self.parts))
        if kind == "people":
            faces = format_html_join("", '<span class="avatar" title="{}" aria-hidden="true">'
                                     "{}</span>", ((n, i) for i, n in self.parts))
            names = ", ".join(n for _i, n in self.parts)
            return format_html('<span class="people">{}<span class="visually-hidden">{}</span>'
                               "</span>", faces, names)
        if kind == "stars":
            stars = format_html_join("", '<span class="star{}" aria-hidden="true">★</span>',
                                     ((" on" if on else "",) for on in self.parts))
            return format_html('<span class="stars" role="img" aria-label="Rated {}">{}</span>',
                               self.text, stars)
        if kind == "check":
            return format_html('<span class="check{}" role="img" aria-label="{}">{}</span>',
                               " on" if self.flag else "",
                               "Checked" if self.flag else "Not checked",
                               "✓" if self.flag else "")
        if kind == "link":
            return format_html('<a href="{}" rel="noopener noreferrer nofollow" target="_blank" '
                               'tabindex="-1">{}</a>', self.title, self.text)
        if kind in {"email", "phone"}:
            scheme = "mailto" if kind == "email" else "tel"
            return format_html('<a href="{}:{}" tabindex="-1">{}</a>', scheme, self.text,
                               self.text)
        if kind == "items":
            return format_html_join(", ", '<a href="/w/{}/items/{}/" tabindex="-1">#{}</a>',
                                    ((self.workspace, i, i) for i in self.parts))
        if kind == "number":
            return format_html('<span class="num">{}</span>', self.text)
        if kind == "text":
            title = format_html(' title="{}"', self.title) if self.title else ""
            late = mark_safe(_OVERDUE) if self.flag else ""  # noqa: S308 - a constant
            return format_html('<span class="text{}"{}>{}</span>{}',
                               " overdue" if self.flag else "", title, self.text, late)
        return mark_safe("")


def _date(value: Any, today: dt.date) -> str:
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    if isinstance(day, dt.datetime):
        day = day.date()
    text = f"{day:%b} {day.day}"
    return text if day.year == today.year else f"{text}, {day.year}"


def _number(value: Any, places: int | None = None) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if places is None:
        return f"{number.normalize():,f}" if number == number.to_integral_value() else \
            f"{number:,}"
    return f"{number:,.{places}f}"


def _initials(name: str) -> str:
    parts = [p for p in name.replace("@", " ").replace(".", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def _options(column: Column) -> dict[str, dict[str, str]]:
    return {o["id"]: o for o in (column.settings or {}).get("options") or []}


def _custom_cell(cell: Cell, col: TableColumn, value: Any, ctx: CellContext) -> None:
    kind, settings = col.type, (col.column.settings or {}) if col.column else {}
    if kind in {"status", "dropdown"}:
        options = _options(col.column) if col.column else {}
        chosen = value if isinstance(value, list) else [value]
        found = [options[v] for v in chosen if isinstance(v, str) and v in options]
        cell.kind = "pills"
        cell.parts = tuple((o["label"], o.get("color", "")) for o in found)
    elif kind == "tags":
        colors = {o["label"].casefold(): o.get("color", "") for o in settings.get("options") or []}
        cell.kind = "pills"
        cell.parts = tuple((str(t), colors.get(str(t).casefold(), "")) for t in value or [])
    elif kind == "people":
        cell.kind = "people"
        cell.parts = tuple((_initials(ctx.members.get(m, "?")), ctx.members.get(m, f"#{m}"))
                           for m in value or [] if isinstance(m, int))
    elif kind == "date":
        cell.kind, cell.text = "text", _date(value, ctx.today)
        if settings.get("include_time") and isinstance(value, str) and len(value) > 10:
            cell.text += f" {value[11:16]}"
    elif kind == "timeline" and isinstance(value, dict):
        cell.kind = "text"
        start, end = _date(value.get("start"), ctx.today), _date(value.get("end"), ctx.today)
        cell.text = f"{start} \N{EN DASH} {end}"
    elif kind == "rating":
        highest = int(settings.get("max", 5))
        filled = int(value) if isinstance(value, int | float) else 0
        cell.kind, cell.parts = "stars", tuple(i < filled for i in range(highest))
        cell.text = f"{filled} of {highest}"
    elif kind == "checkbox":
        cell.kind, cell.flag = "check", bool(value)
    elif kind == "link" and isinstance(value, dict):
        cell.kind, cell.title = "link", str(value.get("url", ""))
        cell.text = value.get("text") or cell.title
    elif kind in {"email", "phone"}:
        cell.kind, cell.text = kind, str(value)
    elif kind == "number":
        unit = settings.get("unit") or ""
        cell.kind = "number"
        cell.text = _number(value, settings.get("decimals")) + (f" {unit}" if unit else "")
    elif kind == "money":
        cell.kind = "number"
        cell.text = f"{_number(value, 2)} {settings.get('currency') or ctx.currency}"
    elif kind == "relation":
        cell.kind, cell.parts = "items", tuple(v for v in value or [] if isinstance(v, int))
    elif kind == "time_tracked":
        cell.kind, cell.text = "number", f"{_number(value, 1)} h"
    elif kind == "long_text":
        text = str(value)
        cell.kind, cell.title = "text", text
        cell.text = text if len(text) <= 80 else f"{text[:79]}…"
    else:
        cell.kind = "text"
        cell.text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def make_cell(row: dict[str, Any], col: TableColumn, ctx: CellContext) -> Cell:
    cell = Cell(name=col.name, type=col.type, workspace=ctx.workspace)
    if col.core:
        value = row.get(col.name)
    else:
        value = (row.get("values") or {}).get(col.name.removeprefix("values."))
    cell.raw = json.dumps(value, default=str)
    if col.name == "status":
        status = ctx.statuses.get(value) if value is not None else None
        if status is not None:
            cell.kind, cell.text = "pill", status.name
            cell.color = status.color or CATEGORY_COLORS.get(status.category, "")
        return cell
    if col.type == "checkbox":
        cell.kind, cell.flag = "check", value is True
        return cell
    if value is None or value == [] or value == "":
        return cell
    if col.name == "assignees":
        cell.kind = "people"
        cell.parts = tuple((_initials(ctx.members.get(m, "?")), ctx.members.get(m, f"#{m}"))
                           for m in value)
    elif col.name == "priority":
        if value != Priority.NONE:
            cell.kind, cell.text = "pill", Priority(value).label
            cell.color = PRIORITY_COLORS.get(value, "")
    elif col.type == "core_date":
        cell.kind, cell.text = "text", _date(value, ctx.today)
        status = ctx.statuses.get(row.get("status"))
        cell.flag = (col.name == "due_date" and value < ctx.today
                     and (status is None or status.category not in _CLOSED))
    elif col.name == "estimate_hours":
        cell.kind, cell.text = "number", _number(value)
    else:
        _custom_cell(cell, col, value, ctx)
    return cell


def row_editable(row: dict[str, Any], ctx: CellContext) -> bool:
    """Contributors change only items assigned to them; viewers nothing (as the services)."""
    if not ctx.can_edit:
        return False
    return not ctx.contributor or ctx.me in (row.get("assignees") or [])


def decorate_rows(rows: list[dict[str, Any]], shown: list[TableColumn], ctx: CellContext,
                  sections: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """Give each row its cells, whether the viewer may edit it and (when known) its section."""
    for row in rows:
        row["cells"] = [make_cell(row, col, ctx) for col in shown]
        row["editable"] = row_editable(row, ctx)
        row["name_raw"] = json.dumps(row["name"])
        if sections is not None:
            row["section"] = sections.get(row["id"], "")
    return rows


def total_text(col: TableColumn, totals: dict[str, Any] | None, currency: str) -> str:
    """"Σ 1,250.00 · avg 125.00" for a number column of a section, blank without values."""
    if not totals or not col.has_totals:
        return ""
    places = 2
    unit = ""
    if col.column is not None:
        settings = col.column.settings or {}
        if col.type == "number":
            places, unit = settings.get("decimals", 2), settings.get("unit") or ""
        else:
            unit = settings.get("currency") or currency
    suffix = f" {unit}" if unit else ""
    total, average = totals.get("sum"), totals.get("avg")
    return (f"Σ {_number(total, places)}{suffix} · avg "
            f"{_number(Decimal(str(average)), places)}{suffix}")
