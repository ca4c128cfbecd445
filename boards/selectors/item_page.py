"""The item list's page: rows read as tuples in one statement, shaped as the API writes items.

A page of the item list is the most frequent read of the product, and at a hundred items its
cost was mostly Python around the query, not the query. So a page is read without model
instances or per-row dicts, as tuples that `page_rows` zips with the API's field names; on
PostgreSQL the assignees come in the same statement as an array, and `values` as JSON text
decoded with orjson (several times faster than the ORM's decoder).

Two ways build that statement:

- `ItemRowsStatement`, for the shapes the list is asked for almost always (a board, the plain
  filters, sorting by a column): written by hand, because the ORM cost more to build and
  compile it than the database took to run it. The rule of what the viewer may see is not
  written here: its SQL is the ORM's own for `visible_board_ids`, compiled once per viewer.
  The statement answers the few queryset operations the cursor paginator uses. A board's
  plain list (`board_scan`) is written so that only the board's own indexes can serve it, and
  run as a prepared statement.
- `item_rows_queryset`, the same rows through the ORM, for every other filter and sort.
"""

# SQL here is assembled from model metadata only; every value travels as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import orjson
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from boards.computed import COMPUTED, HAS_COMPUTED, computed_exists_sql, fill_computed
from boards.models import Column, Item
from workos.tenancy.prepared import fetch_prepared
from workos.tenancy.rows import ModelColumns

# Model columns of a page row, and the names the API gives them, in the same order; then come
# `values` and (on PostgreSQL) the assignees, then what a statement or ordering added.
PAGE_FIELDS = (
    "id", "board_id", "group_id", "status_id", "name", "description", "parent_id",
    "start_date", "due_date", "estimate_hours", "priority", "position", "is_milestone",
    "version", "external_id", "created_at", "updated_at", "completed_at", "archived_at",
)
PAGE_KEYS = (
    "id", "board", "group", "status", "name", "description", "parent",
    "start_date", "due_date", "estimate_hours", "priority", "position", "is_milestone",
    "version", "external_id", "created_at", "updated_at", "completed_at", "archived_at",
)
_VALUES = len(PAGE_FIELDS)
_ASSIGNEES = _VALUES + 1


@lru_cache(maxsize=2)
def assignee_ids_array(*, current_only: bool = False) -> ArraySubquery:
    """The item's assignees' ids in order, as an array column of the item's own row.
    `current_only` leaves out members since removed. (Made once: annotating resolves a copy.)"""
    pairs = Item.assignees.through.objects.filter(item_id=OuterRef("pk"))
    if current_only:
        pairs = pairs.filter(membership__removed_at__isnull=True)
    return ArraySubquery(pairs.order_by("membership_id").values("membership_id"))


@lru_cache(maxsize=4)
def _template(vendor: str) -> QuerySet:
    if vendor != "postgresql":
        return Item.objects.values_list(*PAGE_FIELDS, "values")
    return Item.objects.annotate(
        values_json=Cast("values", TextField()), assignee_ids=assignee_ids_array()
    ).values_list(*PAGE_FIELDS, "values_json", "assignee_ids")


def item_rows_queryset() -> QuerySet:
    """All items as page rows (tuples) through the ORM, to filter, order and slice."""
    return _template(connection.vendor).all()


def row_names(rows: Any) -> list[str]:
    """The names of the columns of a page's tuples, for an `ItemRowsStatement` or a
    values_list queryset."""
    if isinstance(rows, ItemRowsStatement):
        return rows.names
    query = rows.query
    return [*query.extra_select, *query.values_select, *query.annotation_select]


# --- the hand-written statement ----------------------------------------------------------

# Columns a statement may sort by (and so filter on, for a cursor); others take the ORM.
SORT_COLUMNS = frozenset({"id", "name", "position", "created_at", "updated_at"})
_OPERATORS = {"gt": ">", "lt": "<", "gte": ">=", "lte": "<="}


@lru_cache(maxsize=4)
def _fields(vendor: str) -> ModelColumns:
    return ModelColumns(Item, "i", PAGE_FIELDS)


@lru_cache(maxsize=4)
def _columns(vendor: str) -> str:
    quote = connection.ops.quote_name
    columns = f"{_fields(vendor).sql(connection)}, "
    if vendor != "postgresql":
        return columns + f"i.{quote('values')}"
    # The hours as a float: JSON writes the decimal as that float anyway, and the driver
    # builds a float far faster than a Decimal.
    hours = quote("estimate_hours")
    columns = columns.replace(f"i.{hours}", f"i.{hours}::float8", 1)
    through = quote(Item.assignees.through._meta.db_table)
    return columns + (
        f"i.{quote('values')}::text, ARRAY(SELECT a.membership_id FROM {through} a "
        "WHERE a.item_id = i.id ORDER BY a.membership_id)"
    )


@lru_cache(maxsize=4)
def _has_computed(vendor: str) -> str:
    return computed_exists_sql("%s")


def board_has_computed(board_id: int) -> RawSQL:
    """Whether the board has computed columns (a one-board page carries it, read once in the
    page's own statement, so a board without any needs no query for them); uncorrelated, so
    evaluated once per statement."""
    # Safe: names come from model metadata; the board and the types are parameters.
    return RawSQL(_has_computed(connection.vendor), [board_id, *COMPUTED],  # noqa: S611
                  output_field=BooleanField())


@lru_cache(maxsize=1)
def item_board_has_computed() -> Exists:
    """Whether an item's board has computed columns, as a column of the item's row."""
    return Exists(Column.objects.filter(board_id=OuterRef("board_id"), type__in=COMPUTED))


@dataclass(frozen=True)
class ItemRowsStatement:
    """Item rows (the columns of `row_names`) matching `where`, one SQL condition per entry with
    its parameters; `board` when the statement is for one board's items.

    It offers what the cursor paginator asks of a queryset: `order_by` a sort column, `filter`
    on a sort column's position, and a slice (which runs the statement).

    With `board_scan`, `where` holds no condition on the board, and the statement is the
    board's unarchived items in the board's index order: the board is compared as a range,
    leads the sort, and joins each cursor condition as a row comparison. The rows are the same,
    but with the board as an equality PostgreSQL may walk the primary key for an `id` sort,
    betting that the board's items lie early in the table (for a board whose items are the
    table's newest, that read the whole table for one page). `where` then writes the
    workspace and the board into the text, so a statement prepared once per connection (see
    `workos.tenancy.prepared`) is planned with their real statistics.
    """

    where: tuple[str, ...]
    params: tuple[Any, ...]
    board: int | None = None
    ordering: tuple[str, ...] = ()
    board_scan: bool = False

    @property
    def names(self) -> list[str]:
        names = [*PAGE_FIELDS, "values"]
        if connection.vendor == "postgresql":
            names.append("assignee_ids")
        if self.board is not None:
            names.append(HAS_COMPUTED)
        return names

    def order_by(self, *fields: str) -> ItemRowsStatement:
        for name in fields:
            _column(name.lstrip("-"))
        return replace(self, ordering=tuple(fields))

    def filter(self, *conditions: Q, **lookups: Any) -> ItemRowsStatement:
        sql, params = _condition(Q(*conditions, **lookups),
                                 board=self.board if self.board_scan else None)
        return replace(self, where=(*self.where, sql), params=(*self.params, *params))

    def __getitem__(self, bounds: slice) -> list[tuple]:
        vendor = connection.vendor
        sql = f"SELECT {_columns(vendor)}"
        params: list[Any] = []
        if self.board is not None:
            sql += f", {_has_computed(vendor)}"
            params += [self.board, *COMPUTED]
        where = list(self.where)
        keys = [f"i.{_column(f.lstrip('-'))} {'DESC' if f.startswith('-') else 'ASC'}"
                for f in self.ordering]
        if self.board_scan:
            board = int(self.board)  # type: ignore[arg-type]
            where.append(f"i.board_id >= {board} AND i.board_id <= {board}")
            if keys:
                keys.insert(0, f"i.board_id {keys[0].rsplit(' ', 1)[1]}")
        sql += f" FROM {connection.ops.quote_name(Item._meta.db_table)} i WHERE "
        sql += " AND ".join(f"({part})" for part in where)
        params += self.params
        if keys:
            sql += " ORDER BY " + ", ".join(keys)
        start, stop = bounds.start or 0, bounds.stop
        if stop is not None:
            sql += f" LIMIT {int(stop) - int(start)}"
        if start:
            sql += f" OFFSET {int(start)}"
        if self.board_scan:
            name = "workos_items_" + hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()
            rows = fetch_prepared(name, sql, params)
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
        fields = _fields(vendor)
        if not any(fields._converters_for(connection)):
            return rows
        size = len(PAGE_FIELDS)
        return [(*fields.convert(row[:size], connection), *row[size:]) for row in rows]


def _column(name: str) -> str:
    if name not in SORT_COLUMNS:
        raise ValueError(f"An item rows statement cannot sort or page by {name!r}.")
    return connection.ops.quote_name(name)


def _condition(q: Q, *, board: int | None = None) -> tuple[str, list[Any]]:
    """SQL for the conditions a cursor paginator makes on sort columns: `<col>__gt|lt|gte|lte`
    and `<col>__isnull`, joined with AND or OR. With `board` (a board scan), a comparison is
    made on (board, column), which the board's index can seek to."""
    parts: list[str] = []
    params: list[Any] = []
    for child in q.children:
        if isinstance(child, Q):
            sql, more = _condition(child, board=board)
            parts.append(f"({sql})")
            params += more
            continue
        key, value = child
        name, _, op = key.rpartition("__")
        column = f"i.{_column(name)}"
        if op == "isnull":
            parts.append(f"{column} IS {'' if value else 'NOT '}NULL")
        elif op in _OPERATORS:
            # As the ORM would send it: a cursor's position arrives as text.
            field = Item._meta.get_field(name)
            if board is None:
                parts.append(f"{column} {_OPERATORS[op]} %s")
            else:
                parts.append(f"(i.board_id, {column}) {_OPERATORS[op]} ({int(board)}, %s)")
            params.append(field.get_db_prep_value(field.to_python(value), connection))
        else:
            raise ValueError(f"An item rows statement cannot filter with {key!r}.")
    sql = f" {q.connector} ".join(parts)
    return (f"NOT ({sql})" if q.negated else sql), params


# --- shaping -----------------------------------------------------------------------------


def _decoded(value: Any) -> dict[str, Any]:
    if not isinstance(value, str | bytes):
        return value or {}
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return json.loads(value)  # integers beyond 64 bits, which orjson refuses


def _assignees(rows: list[tuple]) -> dict[int, list[int]]:
    if rows and len(rows[0]) > _ASSIGNEES and isinstance(rows[0][_ASSIGNEES], list):
        return {row[0]: row[_ASSIGNEES] for row in rows}
    assigned: dict[int, list[int]] = defaultdict(list)
    pairs = Item.assignees.through.objects.filter(item_id__in=[row[0] for row in rows]).order_by(
        "membership_id"
    ).values_list("item_id", "membership_id")
    for item_id, membership_id in pairs:
        assigned[item_id].append(membership_id)
    return assigned


def page_rows(rows: list[tuple], *, names: list[str] | None = None,
              hide_time: bool = False) -> list[dict[str, Any]]:
    """Page tuples as the API writes items, computed columns filled. `names` are the tuples'
    column names (`row_names`). Times stay datetimes: the JSON renderer writes them as the
    serializers do."""
    plain = bool(rows and names and HAS_COMPUTED in names
                 and not rows[0][names.index(HAS_COMPUTED)])
    # On a board without computed columns nothing reads `values` again before the JSON
    # renderer, so PostgreSQL's JSON text goes out as it came in, never decoded.
    if plain and len(rows[0]) > _ASSIGNEES and isinstance(rows[0][_ASSIGNEES], list):
        # The most frequent page: all the item needs is in its row (`values` is never NULL).
        fragment = orjson.Fragment
        out = []
        for row in rows:
            item = dict(zip(PAGE_KEYS, row, strict=False))
            item["assignees"] = row[_ASSIGNEES]
            item["values"] = fragment(row[_VALUES])
            out.append(item)
        return out
    assigned = _assignees(rows)
    as_text = orjson.Fragment if plain else _decoded
    out = []
    for row in rows:
        item = dict(zip(PAGE_KEYS, row, strict=False))
        item["assignees"] = assigned.get(row[0]) or []
        value = row[_VALUES]
        item["values"] = as_text(value) if isinstance(value, str) else (value or {})
        out.append(item)
    return out if plain else fill_computed(out, hide_time=hide_time)
