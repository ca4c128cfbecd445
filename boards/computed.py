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
import json
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from boards.formula import Formula, FormulaError, parse_formula
from boards.models import Board, Column, Item
from workos.tenancy.models import Workspace

COMPUTED = ("rollup", "mirror", "time_tracked", "formula")
FORMULA_CORE_FIELDS = ("name", "estimate_hours", "start_date", "due_date", "priority")

# column type -> fn(item ids) -> {item id: value}; filled by apps above boards.
Provider = Callable[[list[int]], dict[int, Any]]
_providers: dict[str, Provider] = {}


# Set on items and page rows read together with whether their board has computed columns;
# False spares reading the (absent) column definitions.
HAS_COMPUTED = "board_has_computed"


def computed_exists_sql(board: str) -> str:
    """SQL for "the board `board` (a column reference, or %s) has computed columns"; its
    parameters are COMPUTED."""
    table = connection.ops.quote_name(Column._meta.db_table)
    kinds = ", ".join(["%s"] * len(COMPUTED))
    return (f"EXISTS(SELECT 1 FROM {table} c WHERE c.board_id = {board} "  # noqa: S608
            f"AND c.type IN ({kinds}))")


def provider_register(column_type: str, provider: Provider) -> None:
    _providers[column_type] = provider


@dataclass(frozen=True)
class ComputedColumn:
    """What computing a column needs: its definition and its board's workspace."""

    pk: int
    board_id: int
    key: str
    type: str
    settings: dict[str, Any]
    workspace_id: int
    timezone: str


def computed_columns(board_ids: Iterable[int]) -> dict[int, list[ComputedColumn]]:
    """The computed columns of these boards, in board order, with one statement.

    Every read of items asks, so the statement is written by hand: through the ORM, building
    it cost several times more than running it.
    """
    by_board: dict[int, list[ComputedColumn]] = defaultdict(list)
    ids = sorted(set(board_ids))
    if not ids:
        return by_board
    quote = connection.ops.quote_name
    tables = {m: quote(m._meta.db_table) for m in (Column, Board, Workspace)}
    # Names come from model metadata; every value is a parameter.
    sql = (
        f"SELECT c.id, c.board_id, c.{quote('key')}, c.type, c.settings, b.workspace_id, "  # noqa: S608
        f"w.timezone FROM {tables[Column]} c "
        f"INNER JOIN {tables[Board]} b ON b.id = c.board_id "
        f"INNER JOIN {tables[Workspace]} w ON w.id = b.workspace_id "
        f"WHERE c.board_id IN ({', '.join(['%s'] * len(ids))}) "
        f"AND c.type IN ({', '.join(['%s'] * len(COMPUTED))}) "
        "ORDER BY c.position, c.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *COMPUTED])
        rows = cursor.fetchall()
    for pk, board_id, key, kind, settings, workspace_id, tz in rows:
        if isinstance(settings, str | bytes):
            settings = json.loads(settings)
        by_board[board_id].append(ComputedColumn(pk, board_id, key, kind, settings or {},
                                                 workspace_id, tz))
    return by_board


@lru_cache(maxsize=512)
def _formula(expression: str) -> Formula | None:
    """A parsed formula (parsed once per process: the same few formulas are read all day)."""
    try:
        return parse_formula(expression)
    except FormulaError:
        return None


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
            links, {c.workspace_id for cols in columns.values() for c in cols}
        )
    # TODAY() in a formula is the date in the board's workspace time zone.
    today = {
        board_id: dt.datetime.now(zoneinfo.ZoneInfo(cols[0].timezone)).date()
        for board_id, cols in columns.items()
    }
    formulas = {
        column.pk: _formula(str(column.settings.get("expression", "")))
        for cols in columns.values() for column in cols if column.type == "formula"
    }
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
