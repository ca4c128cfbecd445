"""The rows of a CSV import: each read into item fields, references checked for the whole file
at once, and the writing of all of them (see `boards.services.csv_import`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import nh3
from django.db.models import Max
from django.utils import timezone

from boards.models import Board, Group, Item, Status, StatusCategory
from boards.ranking import rank_between, rank_sequence
from boards.services.access import jsonable
from boards.services.csv_cells import (
    CellError,
    People,
    column_value,
    parse_bool,
    parse_date,
    parse_hours,
    parse_priority,
    unquote,
)
from boards.services.items import BoardContext
from workos.activity.services import activities_record
from workos.tenancy.models import Membership

if TYPE_CHECKING:
    from boards.services.csv_import import ImportReport

BATCH_SIZE = 1000


@dataclass(eq=False)
class ParsedRow:
    number: int
    ok: bool = True
    name: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    status: Status | None = None
    status_given: bool = False
    group: Group | None = None
    new_group: str | None = None  # case-folded name of a group the import creates
    parent_name: str | None = None
    parent_row: ParsedRow | None = None
    parent_id: int | None = None
    assignees: list[int] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    relations: dict[str, list[int]] = field(default_factory=dict)


class RowReader:
    """Reads rows against one board's statuses, groups, columns and the workspace's members."""

    def __init__(self, *, ctx: BoardContext, actor: Membership, report: ImportReport) -> None:
        self.ctx, self.actor, self.report = ctx, actor, report
        self.statuses = {s.name.casefold(): s for s in
                         sorted(ctx.statuses.values(), key=lambda s: (s.position, s.pk))}
        live = sorted((g for g in ctx.groups.values() if g.archived_at is None),
                      key=lambda g: (g.position, g.pk), reverse=True)
        # Reversed, so the first of two groups with one name wins.
        self.groups = {g.name.casefold(): g for g in live}
        self.new_groups: dict[str, str] = {}
        self.external_ids: dict[str, int] = {}

    @cached_property
    def people(self) -> People:
        return People(Membership.objects.filter(workspace=self.ctx.board.workspace)
                      .select_related("user"))

    @cached_property
    def _has_default_group(self) -> bool:
        return any(g.archived_at is None for g in self.ctx.groups.values())

    def new_group_names(self) -> list[str]:
        return list(self.new_groups.values())

    def _fail(self, row: ParsedRow, target: str, message: str, column: str | None) -> None:
        row.ok = False
        self.report.error(row.number, target, message, column)

    def read(self, number: int, cells: list[str], plan: list[tuple[int, str, str]],
             width: int) -> ParsedRow:
        row = ParsedRow(number=number)
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            self._fail(row, "", f"This row has {len(cells)} cells but the header has {width}; "
                       "check the separators and quotes.", None)
        for index, header, target in plan:
            cell = unquote(cells[index]) if index < len(cells) else ""
            if not cell:
                if target == "name":
                    self._fail(row, "name", "An item needs a name.", header)
                continue
            try:
                self._cell(row, target, cell)
            except CellError as exc:
                self._fail(row, target, exc.message, header)
        if row.group is None and row.new_group is None and not self._has_default_group:
            self._fail(row, "group", "This board has no group to put items in; give each row "
                       "a group or add one to the board.", None)
        start, due = row.fields.get("start_date"), row.fields.get("due_date")
        if start and due and start > due:
            self._fail(row, "due_date", f"The due date {due} is before the start date {start}.",
                       next((h for _, h, t in plan if t == "due_date"), None))
        return row

    def _cell(self, row: ParsedRow, target: str, cell: str) -> None:
        if target == "name":
            if len(cell) > 500:
                raise CellError("Keep an item's name under 500 characters.")
            row.name = cell
        elif target == "description":
            row.fields["description"] = nh3.clean(cell)
        elif target == "status":
            status = self.statuses.get(cell.casefold())
            if status is None:
                names = ", ".join(s.name for s in self.statuses.values()) or "none"
                raise CellError(f"No status '{cell}' on this board; use one of {names}.")
            row.status, row.status_given = status, True
        elif target == "group":
            self._group(row, cell)
        elif target == "assignees":
            row.assignees = self.people.many(cell)
        elif target in {"start_date", "due_date"}:
            row.fields[target] = parse_date(cell)
        elif target == "estimate_hours":
            row.fields[target] = parse_hours(cell)
        elif target == "priority":
            row.fields[target] = parse_priority(cell)
        elif target == "is_milestone":
            row.fields[target] = parse_bool(cell)
        elif target == "parent":
            row.parent_name = cell
        elif target == "external_id":
            self._external_id(row, cell)
        else:
            column = self.ctx.columns[target.removeprefix("values.")]
            value = column_value(column, cell, self.people)
            if value is not None:
                row.values[column.key] = value
                if column.type == "relation":
                    row.relations[column.key] = list(value)

    def _group(self, row: ParsedRow, cell: str) -> None:
        if len(cell) > 200:
            raise CellError("Keep a group's name under 200 characters.")
        group = self.groups.get(cell.casefold())
        if group is not None:
            row.group = group
        else:
            self.new_groups.setdefault(cell.casefold(), cell)
            row.new_group = cell.casefold()

    def _external_id(self, row: ParsedRow, cell: str) -> None:
        if len(cell) > 200:
            raise CellError("Keep an external id under 200 characters.")
        first = self.external_ids.setdefault(cell, row.number)
        if first != row.number:
            raise CellError(f"Row {first} has the external id '{cell}' already.")
        row.fields["external_id"] = cell

    # --- references across the file -------------------------------------------------------

    def check_references(self, rows: list[ParsedRow]) -> None:
        """External ids free on the board, related items in the workspace, parents found —
        one query each for the whole file."""
        board = self.ctx.board
        by_external = {row.fields["external_id"]: row for row in rows
                       if "external_id" in row.fields}
        if by_external:
            for taken in Item.objects.filter(board=board, external_id__in=list(by_external)
                                             ).values_list("external_id", flat=True):
                self._fail(by_external[taken], "external_id",
                           f"Another item on this board has the external id '{taken}'.", None)
        wanted = {i for row in rows for ids in row.relations.values() for i in ids}
        if wanted:
            found = set(Item.objects.filter(workspace_id=board.workspace_id, id__in=wanted)
                        .values_list("id", flat=True))
            for row in rows:
                for key, ids in row.relations.items():
                    missing = sorted(set(ids) - found)
                    if missing:
                        self._fail(row, f"values.{key}", f"{self.ctx.columns[key].title}: no "
                                   f"item with id {', '.join(map(str, missing))} in this "
                                   "workspace.", None)
        self._check_parents(rows)

    def _check_parents(self, rows: list[ParsedRow]) -> None:
        first: dict[str, ParsedRow] = {}
        for row in rows:
            first.setdefault(row.name, row)
        outside = {row.parent_name for row in rows if row.parent_name} - set(first)
        existing: dict[str, int] = {}
        if outside:
            for name, item_id in Item.objects.filter(
                    board=self.ctx.board, archived_at__isnull=True, name__in=outside
            ).order_by("-id").values_list("name", "id"):
                existing[name] = item_id  # the oldest item of a name wins
        for row in rows:
            if not row.parent_name:
                continue
            if row.parent_name in first:
                row.parent_row = first[row.parent_name]
            elif row.parent_name in existing:
                row.parent_id = existing[row.parent_name]
            else:
                self._fail(row, "parent", f"No item named '{row.parent_name}' in the file or "
                           "on this board.", None)
        for row in rows:
            seen, cursor = {id(row)}, row.parent_row
            while cursor is not None:
                if id(cursor) in seen:
                    self._fail(row, "parent", "This row's parents lead back to itself.", None)
                    break
                seen.add(id(cursor))
                cursor = cursor.parent_row


# --- writing ------------------------------------------------------------------------------


def _positions(ctx: BoardContext, counts: Counter[int]) -> dict[int, Iterator[str]]:
    """New ranks per group, after the group's last item: evenly spaced in an empty group."""
    last = dict(Item.objects.filter(board=ctx.board, group_id__in=list(counts)).order_by()
                .values("group_id").annotate(last=Max("position")).values_list("group_id",
                                                                                "last"))
    ranks: dict[int, list[str]] = {}
    for group_id, n in counts.items():
        previous = last.get(group_id)
        if previous is None:
            ranks[group_id] = rank_sequence(n)
            continue
        ranks[group_id] = []
        for _ in range(n):
            previous = rank_between(previous, None)
            ranks[group_id].append(previous)
    return {group_id: iter(group_ranks) for group_id, group_ranks in ranks.items()}


def _new_groups(ctx: BoardContext, names: list[str]) -> dict[str, Group]:
    previous = max((g.position for g in ctx.groups.values()), default=None)
    groups = []
    for name in names:
        previous = rank_between(previous, None)
        groups.append(Group(board=ctx.board, name=name, position=previous))
    Group.objects.bulk_create(groups)
    return {g.name.casefold(): g for g in groups}


def write_rows(*, ctx: BoardContext, actor: Membership, rows: list[ParsedRow],
               new_groups: list[str]) -> tuple[int, list[str]]:
    """Create every row's item; the caller holds the transaction. Returns (items, groups)."""
    board, now = ctx.board, timezone.now()
    created_groups = _new_groups(ctx, new_groups)
    default_status = ctx.default_status()
    for row in rows:
        if row.new_group:
            row.group = created_groups[row.new_group]
        elif row.group is None:
            row.group = ctx.default_group()
        if not row.status_given:
            row.status = default_status
    ranks = _positions(ctx, Counter(row.group.pk for row in rows if row.group))
    items: list[Item] = []
    for row in rows:
        assert row.group is not None
        done = row.status is not None and row.status.category == StatusCategory.DONE
        items.append(Item(
            workspace=board.workspace, board=board, group=row.group, status=row.status,
            name=row.name, values=row.values, created_by=actor,
            position=next(ranks[row.group.pk]), completed_at=now if done else None,
            **row.fields,
        ))
    Item.objects.bulk_create(items, batch_size=BATCH_SIZE)
    item_of = {id(row): item for row, item in zip(rows, items, strict=True)}
    children = []
    for row, item in zip(rows, items, strict=True):
        if row.parent_row is not None or row.parent_id is not None:
            item.parent_id = item_of[id(row.parent_row)].pk if row.parent_row else row.parent_id
            children.append(item)
    Item.objects.bulk_update(children, ["parent"], batch_size=BATCH_SIZE)
    through = Item.assignees.through
    through.objects.bulk_create(
        [through(item_id=item.pk, membership_id=m)
         for row, item in zip(rows, items, strict=True) for m in row.assignees],
        batch_size=BATCH_SIZE * 5,
    )
    _record(actor, board, rows, items, list(created_groups.values()))
    return len(items), [g.name for g in created_groups.values()]


def _record(actor: Membership, board: Board, rows: list[ParsedRow], items: list[Item],
            groups: list[Group]) -> None:
    entries: list[tuple[str, Any, dict[str, Any], dict[str, Any]]] = [
        ("group.created", g, {"name": [None, g.name]}, {"board": board.pk}) for g in groups
    ]
    for row, item in zip(rows, items, strict=True):
        changes = {"name": [None, item.name], "group": [None, item.group_id],
                   "status": [None, item.status_id]}
        changes.update({k: [None, jsonable(v)] for k, v in row.fields.items()})
        if item.parent_id:
            changes["parent"] = [None, item.parent_id]
        if row.assignees:
            changes["assignees"] = [[], row.assignees]
        if row.values:
            changes["values"] = [None, jsonable(row.values)]
        entries.append(("item.created", item, changes, {"board": board.pk, "source": "import"}))
    entries.append(("board.imported", board, {}, {"board": board.pk, "created": len(items),
                                                  "groups_created": [g.name for g in groups]}))
    activities_record(workspace=actor.workspace, actor=actor.user, entries=entries)
