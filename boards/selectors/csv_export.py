"""A board's items as CSV, written a chunk at a time so any board streams in constant memory.

Rows are read as plain dicts (`.values().iterator()`), never as model instances; each chunk of
2,000 rows costs one more query, for its assignees, so the number of queries does not grow with
the number of items. Everything the rows refer to (groups, statuses, columns, members) is read
once, before the first byte is sent, so a bad request fails as a whole instead of midway.

Cells are written for people, not for machines: statuses and options by label, people as
"Name <email>", timelines as two dates joined by an en dash. A cell that a spreadsheet would run
as a formula (starting with = + - @ or a tab or carriage return) is prefixed with a single
quote; the import strips that quote again, so an exported file imports unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import re
import unicodedata
import zoneinfo
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from boards.formula import Formula, FormulaError, parse_formula
from boards.models import Board, Column, Group, Item, Status, View
from boards.selectors.boards import column_list
from boards.selectors.view_filters import view_config_apply
from workos.tenancy.models import Membership

# Core fields in the order they are written, with their header text.
CORE_HEADERS: tuple[tuple[str, str], ...] = (
    ("id", "ID"), ("name", "Name"), ("group", "Group"), ("status", "Status"),
    ("assignees", "Assignees"), ("start_date", "Start date"), ("due_date", "Due date"),
    ("estimate_hours", "Estimate (hours)"), ("priority", "Priority"), ("parent", "Parent"),
    ("is_milestone", "Milestone"),
)
# Written between the two dates of a timeline; the import reads it (and " - ", " to ") back.
TIMELINE_SEPARATOR = " \u2013 "  # an en dash
LIST_SEPARATOR = ", "
# Computed from other boards or from time entries: nothing stored to write.
UNEXPORTED_TYPES = frozenset({"mirror", "rollup", "time_tracked"})
CHUNK_SIZE = 2000

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_ROW_FIELDS = ("id", "name", "group_id", "status_id", "parent__name", "start_date", "due_date",
               "estimate_hours", "priority", "is_milestone", "values")


def neutralise(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs: formula starts get a leading quote.

    A plain negative number ("-12.5") cannot run, so it stays a number.
    """
    if text and text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def person_label(membership: Membership) -> str:
    """How a member is written: "Ana Silva <ana@example.com>", or the address alone."""
    user = membership.user
    name, email = user.get_full_name().strip(), (user.email or "").strip()
    if name and email:
        return f"{name} <{email}>"
    return email or name or user.get_username()


def column_headers(columns: list[Column]) -> list[str]:
    """Header text of each custom column: its title, made unique against the core headers
    and the other titles with the column key (a column titled "Status" is common)."""
    taken = {label.casefold() for _, label in CORE_HEADERS}
    headers = []
    for column in columns:
        title = column.title.strip() or column.key
        if title.casefold() in taken:
            title = f"{title} ({column.key})"
        taken.add(title.casefold())
        headers.append(title)
    return headers


def _number(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")  # 4.50 hours read as 4.5, 8.00 as 8
    return str(value)


@dataclass
class _Board:
    """Everything a row refers to, read once."""

    groups: dict[int, str]
    statuses: dict[int, str]
    people: dict[int, str]
    columns: list[Column]
    formulas: dict[str, Formula]
    today: dt.date

    def cell(self, column: Column, value: Any, values: dict[str, Any]) -> str:
        if column.type == "formula":
            formula = self.formulas.get(column.key)
            value = formula.evaluate(values, self.today) if formula else None
        if value is None or value == "" or value == []:
            return ""
        kind, settings = column.type, column.settings or {}
        if kind in {"status", "dropdown"}:
            labels = {o["id"]: o["label"] for o in settings.get("options") or []}
            chosen = value if isinstance(value, list) else [value]
            return LIST_SEPARATOR.join(labels.get(v, str(v)) for v in chosen)
        if kind == "people":
            ids = value if isinstance(value, list) else [value]
            return LIST_SEPARATOR.join(self.people.get(i, f"#{i}") for i in ids)
        if kind in {"tags", "relation"} and isinstance(value, list):
            return LIST_SEPARATOR.join(str(v) for v in value)
        if kind == "timeline" and isinstance(value, dict):
            return f"{value.get('start', '')}{TIMELINE_SEPARATOR}{value.get('end', '')}"
        if kind == "link" and isinstance(value, dict):
            return str(value.get("url", ""))
        if isinstance(value, bool | int | float | decimal.Decimal):
            return _number(value)
        return str(value)

    def row(self, item: dict[str, Any], assignees: list[int]) -> list[str]:
        values = item["values"] or {}
        estimate = item["estimate_hours"]
        cells = [
            str(item["id"]), item["name"], self.groups.get(item["group_id"], ""),
            self.statuses.get(item["status_id"], "") if item["status_id"] else "",
            LIST_SEPARATOR.join(self.people.get(i, f"#{i}") for i in assignees),
            item["start_date"].isoformat() if item["start_date"] else "",
            item["due_date"].isoformat() if item["due_date"] else "",
            _number(estimate) if estimate is not None else "",
            item["priority"], item["parent__name"] or "",
            "true" if item["is_milestone"] else "false",
        ]
        cells += [self.cell(c, values.get(c.key), values) for c in self.columns]
        return [neutralise(cell) for cell in cells]


@dataclass
class CsvExport:
    filename: str
    chunks: Iterator[bytes]


def export_filename(board: Board) -> str:
    """The board's name as a safe ASCII file name (the header also carries the UTF-8 one)."""
    ascii_name = unicodedata.normalize("NFKD", board.name).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^A-Za-z0-9 ._-]+", "_", ascii_name).strip(" ._") or "board"
    return f"{safe[:100]}.csv"


def _formulas(columns: list[Column]) -> dict[str, Formula]:
    parsed = {}
    for column in columns:
        if column.type == "formula":
            try:
                parsed[column.key] = parse_formula((column.settings or {}).get("expression", ""))
            except FormulaError:
                continue  # a formula broken by a later change exports as empty
    return parsed


def _today(board: Board) -> dt.date:
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(board.workspace.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return dt.datetime.now(tz=zone).date()


def board_csv_export(
    *, board: Board, view: View | None = None, me: int | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> CsvExport:
    """The live items of a board (those a view shows, in its order, when `view` is given) as
    CSV chunks. The caller has resolved `board` and `view` through visibility already."""
    columns = [c for c in column_list(board=board) if c.type not in UNEXPORTED_TYPES]
    items: QuerySet = Item.objects.filter(board=board, archived_at__isnull=True).order_by(
        "group__position", "position", "id")
    if view is not None:
        # Checked now: a view broken by a deleted column is a 400 before anything is sent.
        items = view_config_apply(queryset=items, board=board, config=view.config, me=me,
                                  columns=columns)
    members = Membership.objects.filter(workspace_id=board.workspace_id).select_related("user")
    refs = _Board(
        groups=dict(Group.objects.filter(board=board).values_list("id", "name")),
        statuses=dict(Status.objects.filter(board=board).values_list("id", "name")),
        people={m.pk: person_label(m) for m in members},
        columns=columns, formulas=_formulas(columns), today=_today(board),
    )
    header = [label for _, label in CORE_HEADERS] + column_headers(columns)
    rows = items.values(*_ROW_FIELDS).iterator(chunk_size=chunk_size)
    return CsvExport(filename=export_filename(board),
                     chunks=_chunks(refs, header, rows, chunk_size))


def _chunks(
    refs: _Board, header: list[str], rows: Iterator[dict[str, Any]], chunk_size: int
) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # The byte order mark makes Excel read the file as UTF-8 rather than the local code page.
    writer.writerow(header)
    yield ("\ufeff" + buffer.getvalue()).encode()
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= chunk_size:
            yield _write(refs, chunk)
            chunk = []
    if chunk:
        yield _write(refs, chunk)


def _write(refs: _Board, chunk: list[dict[str, Any]]) -> bytes:
    assigned: dict[int, list[int]] = defaultdict(list)
    pairs = Item.assignees.through.objects.filter(
        item_id__in=[row["id"] for row in chunk]
    ).order_by("membership_id").values_list("item_id", "membership_id")
    for item_id, membership_id in pairs:
        assigned[item_id].append(membership_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in chunk:
        writer.writerow(refs.row(row, assigned.get(row["id"], [])))
    return buffer.getvalue().encode()
