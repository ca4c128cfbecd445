"""Computed column values: formula, rollup, mirror and time tracked, worked out when read.

They are never stored (a stored copy would go stale the moment an input changes); each read of
items computes them for the whole page at once, with a fixed number of queries:

- rollup: one query for the live sub-items of every item on the page;
- mirror: one query for every related item named on the page;
- time tracked: the provider an app above boards registers (time tracking), one call per page;
- formula: no query, evaluated last so it can use the others. Besides column keys, a formula may
  read the core fields name, estimate_hours, start_date, due_date and priority.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet

from boards.formula import FormulaError, parse_formula
from boards.models import Column, Item

COMPUTED = ("rollup", "mirror", "time_tracked", "formula")
FORMULA_CORE_FIELDS = ("name", "estimate_hours", "start_date", "due_date", "priority")

# column type -> fn(item ids) -> {item id: value}; filled by apps above boards.
Provider = Callable[[list[int]], dict[int, Any]]
_providers: dict[str, Provider] = {}


def provider_register(column_type: str, provider: Provider) -> None:
    _providers[column_type] = provider


def computed_columns(board_ids: Iterable[int]) -> dict[int, list[Column]]:
    by_board: dict[int, list[Column]] = defaultdict(list)
    ids = set(board_ids)
    if not ids:
        return by_board
    for column in Column.objects.filter(board_id__in=ids, type__in=COMPUTED).select_related(
        "board__workspace"
    ).order_by("position", "id"):
        by_board[column.board_id].append(column)
    return by_board


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _aggregate(function: str, numbers: list[Decimal], count: int) -> Any:
    if function == "count":
        return count
    if not numbers:
        return None
    if function == "sum":
        total: Decimal = sum(numbers, Decimal(0))
        return float(total)
    if function == "avg":
        return float(sum(numbers, Decimal(0)) / len(numbers))
    return float(min(numbers) if function == "min" else max(numbers))


def _children(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows: QuerySet = Item.objects.filter(parent_id__in=ids, archived_at__isnull=True).values_list(
        "parent_id", "values"
    )
    for parent_id, values in rows:
        out[parent_id].append(values or {})
    return out


def _related_values(ids: set[int], workspace_ids: set[int]) -> dict[int, dict[str, Any]]:
    """Values of linked items, never reaching outside the workspaces of the page."""
    if not ids:
        return {}
    return dict(Item.objects.filter(
        id__in=ids, workspace_id__in=workspace_ids, archived_at__isnull=True
    ).values_list("id", "values"))


def fill_computed(rows: list[dict[str, Any]], *, hide_time: bool = False) -> list[dict[str, Any]]:
    """Add computed column values to item rows shaped like the API (`id`, `board`, `values`).

    `hide_time` leaves time tracked empty: guests never see other people's time.
    """
    if not rows:
        return rows
    columns = computed_columns(row["board"] for row in rows)
    if not columns:
        return rows
    wanted = {c.type for cols in columns.values() for c in cols}
    ids = [row["id"] for row in rows]
    children = _children(ids) if "rollup" in wanted else {}
    tracked = _providers["time_tracked"](ids) if (
        "time_tracked" in wanted and "time_tracked" in _providers and not hide_time
    ) else {}
    related: dict[int, dict[str, Any]] = {}
    if "mirror" in wanted:
        links = {
            linked
            for row in rows for column in columns.get(row["board"], ())
            if column.type == "mirror"
            for linked in (row["values"] or {}).get(column.settings.get("relation"), None) or []
            if isinstance(linked, int)
        }
        related = _related_values(
            links, {c.board.workspace_id for cols in columns.values() for c in cols}
        )
    # TODAY() in a formula is the date in the board's workspace time zone.
    today = {
        board_id: dt.datetime.now(zoneinfo.ZoneInfo(cols[0].board.workspace.timezone)).date()
        for board_id, cols in columns.items()
    }
    formulas = {}
    for cols in columns.values():
        for column in cols:
            if column.type == "formula":
                try:
                    formulas[column.pk] = parse_formula(column.settings.get("expression", ""))
                except FormulaError:
                    formulas[column.pk] = None
    for row in rows:
        values = dict(row["values"] or {})
        for column in columns.get(row["board"], ()):
            settings = column.settings or {}
            if column.type == "rollup":
                key = settings.get("column")
                subs = children.get(row["id"], [])
                numbers = [n for n in (_number(v.get(key)) for v in subs) if n is not None]
                values[column.key] = _aggregate(settings.get("function", "sum"), numbers,
                                                len(subs))
            elif column.type == "mirror":
                linked = values.get(settings.get("relation")) or []
                mirrored = [related[i].get(settings.get("column")) for i in linked
                            if isinstance(i, int) and i in related]
                values[column.key] = [m for m in mirrored if m is not None] or None
            elif column.type == "time_tracked":
                values[column.key] = tracked.get(row["id"])
        for column in columns.get(row["board"], ()):
            if column.type == "formula":
                formula = formulas.get(column.pk)
                inputs = {**{f: row.get(f) for f in FORMULA_CORE_FIELDS}, **values}
                values[column.key] = (
                    formula.evaluate(inputs, today.get(row["board"])) if formula else None
                )
        row["values"] = values
    return rows
