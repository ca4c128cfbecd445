"""Moving items: within a group, to another group or status, or to another board.

A move writes one row: the item gets a rank strictly between its new neighbours'. Only when ranks
grow too long (or two neighbours share a rank) are the item's siblings renumbered. Siblings are
the items of its group; a kanban drag that names a status and a neighbour but no group orders the
item among the cards of that status instead, without changing its group. Across boards, the
item's sub-items come along, its status maps by name or else category, and values of columns the
target board lacks are dropped (kept in the Activity's changes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from boards.columns import convert_value
from boards.computed import COMPUTED, HAS_COMPUTED
from boards.models import Board, Group, Item, Status, StatusCategory
from boards.ranking import needs_rebalance, rank_between, rank_sequence
from boards.services.access import (
    CONTRIBUTOR,
    diff,
    jsonable,
    require_board_role,
    require_item_write,
)
from boards.services.item_rows import GROUP_COLUMNS, lock_row, save_fields
from boards.services.items import BoardContext, board_context, descendants
from workos.activity.services import activities_record
from workos.errors import ValidationFailed
from workos.tenancy.models import Membership

# Every field `item_move` may change.
MOVED_FIELDS = ("board", "group", "status", "values", "completed_at", "position", "parent",
                "version", "updated_at")


@dataclass
class MoveTarget:
    ctx: BoardContext
    group: Group | None
    status: Status | None
    status_given: bool


# Marks "not read": the rank beside a neighbour may itself be None (no sibling on that side).
_UNREAD: Any = object()


@dataclass
class Neighbour:
    """The item a move places another next to, and the rank on its other side."""

    pk: int
    group: Group
    group_id: int
    status_id: int | None
    position: str
    adjacent_rank: str | None


def _neighbour(item: Item, ctx: BoardContext, *, before: int | None, after: int | None,
               lane: Status | Any | None = _UNREAD) -> Neighbour | None:
    """The item to move next to, read with the rank of the sibling on its other side (the one
    the moved item lands against), so that one statement places the item. Siblings are the
    neighbour's group, or with `lane` (a kanban drag by status) the live cards of that status
    on the target board.

    Written by hand: a move's answer waits for it, and through the ORM, building this statement
    cost twenty times more than running it. Only ids and ranks reach the SQL, as parameters.
    """
    item_id, field = (before, "before") if before is not None else (after, "after")
    if item_id is None:
        return None
    quote = connection.ops.quote_name
    items, groups = quote(Item._meta.db_table), quote(Group._meta.db_table)
    position = quote("position")
    params: list[Any] = []
    if lane is _UNREAD:
        siblings = "s.group_id = n.group_id"
    elif lane is None:
        siblings = "s.board_id = n.board_id AND s.archived_at IS NULL AND s.status_id IS NULL"
    else:
        siblings = "s.board_id = n.board_id AND s.archived_at IS NULL AND s.status_id = %s"
        params.append(lane.pk)
    if before is not None:
        side, order = "<", "DESC"
    else:
        side, order = ">", "ASC"
    sql = (
        f"SELECT n.id, n.status_id, n.{position}, {GROUP_COLUMNS.sql(connection)}, "  # noqa: S608
        f"(SELECT s.{position} FROM {items} s WHERE {siblings} AND s.id <> %s "
        f"AND (s.{position} {side} n.{position} OR (s.{position} = n.{position} "
        f"AND s.id {side} n.id)) ORDER BY s.{position} {order}, s.id {order} LIMIT 1) "
        f"FROM {items} n INNER JOIN {groups} g ON g.id = n.group_id "
        "WHERE n.board_id = %s AND n.id = %s"
    )
    params += [item.pk, ctx.board.pk, item_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise ValidationFailed(f"There is no item {item_id} on the target board.",
                               fields={field: ["Not an item of the target board."]})
    group = GROUP_COLUMNS.build(row[3:3 + len(GROUP_COLUMNS)], connection)
    return Neighbour(pk=row[0], group=group, group_id=group.pk, status_id=row[1],
                     position=row[2], adjacent_rank=row[-1])


def _map_status(status: Status | None, ctx: BoardContext) -> Status | None:
    """The target board's status with the same name, else the first of the same category."""
    if status is None:
        return None
    ordered = sorted(ctx.statuses.values(), key=lambda s: (s.position, s.pk))
    for candidate in ordered:
        if candidate.name.lower() == status.name.lower():
            return candidate
    return next((c for c in ordered if c.category == status.category), None)


def _map_values(values: dict[str, Any], source: dict[str, Any], ctx: BoardContext
                ) -> dict[str, Any]:
    """Keep values whose column exists on the target (converted when its definition differs)."""
    kept: dict[str, Any] = {}
    for key, value in values.items():
        column = ctx.columns.get(key)
        if column is None:
            continue
        old_column = source.get(key)
        if old_column is not None and (old_column.type, old_column.settings) != (
            column.type, column.settings
        ):
            # Same key, another definition (options, relation board): carry over by meaning.
            converted, value = convert_value(old_column.type, old_column.settings, column.type,
                                             column.settings, value)
            if not converted or value is None:
                continue
        kept[key] = value
    return kept


def relocate(item: Item, target: MoveTarget, group: Group, source_columns: dict[str, Any]
             ) -> dict[str, list[Any]]:
    """Set board, group, status and values of an item for its new place (in memory) and keep
    completed_at in step with the status; return the changes."""
    before = {"board": item.board_id, "group": item.group_id, "status": item.status,
              "values": item.values}
    cross = item.board_id != target.ctx.board.pk
    status = item.status
    if target.status_given:
        status = target.status
    elif cross:
        status = _map_status(item.status, target.ctx)
    values = _map_values(item.values, source_columns, target.ctx) if cross else item.values
    after = {"board": target.ctx.board.pk, "group": group.pk, "status": status,
             "values": values}
    changes = diff(before, after)
    item.board, item.group, item.status, item.values = target.ctx.board, group, status, values
    old_done = before["status"] is not None and before["status"].category == StatusCategory.DONE
    new_done = status is not None and status.category == StatusCategory.DONE
    if new_done and not old_done:
        item.completed_at = timezone.now()
        changes["completed_at"] = [None, item.completed_at.isoformat()]
    elif old_done and not new_done:
        changes["completed_at"] = [jsonable(item.completed_at), None]
        item.completed_at = None
    return changes


def move_target(*, actor: Membership, item: Item, board: Board | None, group: int | None,
                status: Any, status_given: bool, source: BoardContext | None = None,
                known: dict[int, BoardContext] | None = None) -> MoveTarget:
    """Where an item goes. `known` caches target boards' structure (and the role check) across
    the items of one bulk move."""
    if board is None or board.pk == item.board_id:
        ctx = source or board_context(board=item.board, actor=actor, doing="Moving an item")
    elif known is not None and board.pk in known:
        ctx = known[board.pk]
    else:
        require_board_role(board=board, actor=actor, minimum=CONTRIBUTOR,
                           doing="Moving an item to this board")
        ctx = board_context(board=board, actor=actor, doing="Moving an item")
        if known is not None:
            known[board.pk] = ctx
    return MoveTarget(
        ctx=ctx,
        group=ctx.group(group) if group is not None else None,
        status=ctx.status(status) if status_given else None,
        status_given=status_given,
    )


def group_siblings(group: Group) -> QuerySet:
    return Item.objects.filter(group=group)


def _lane_siblings(board: Board, status: Status | None) -> QuerySet:
    return Item.objects.filter(board=board, status=status, archived_at__isnull=True)


def _rebalance(siblings: QuerySet, item: Item, before: Item | Neighbour | None,
               after: Item | Neighbour | None) -> str:
    """Renumber the siblings evenly with `item` at its new place; return the item's rank."""
    rows = list(siblings.exclude(pk=item.pk).order_by("position", "id"))
    index = len(rows)
    if before is not None:
        index = next(i for i, r in enumerate(rows) if r.pk == before.pk)
    elif after is not None:
        index = next(i for i, r in enumerate(rows) if r.pk == after.pk) + 1
    rows.insert(index, item)
    now = timezone.now()
    for row, rank in zip(rows, rank_sequence(len(rows)), strict=True):
        row.position = rank
        row.updated_at = now
    others = [r for r in rows if r.pk != item.pk]
    Item.objects.bulk_update(others, ["position", "updated_at"], batch_size=500)
    return item.position


def rank_in(siblings: QuerySet, item: Item, before: Item | Neighbour | None,
            after: Item | Neighbour | None,
            adjacent: str | Any | None = _UNREAD) -> str:
    """A rank that puts `item` before `before`, after `after`, or last among `siblings`.

    `adjacent` is the rank on the neighbour's other side when the caller read it already
    (see `_neighbour`), saving the query for it.
    """
    others = siblings.exclude(pk=item.pk).order_by("position", "id")
    if before is not None:
        if adjacent is _UNREAD:
            low = others.filter(Q(position__lt=before.position)
                                | Q(position=before.position, id__lt=before.pk)).last()
            adjacent = low.position if low else None
        low_rank, high_rank = adjacent, before.position
    elif after is not None:
        if adjacent is _UNREAD:
            high = others.filter(Q(position__gt=after.position)
                                 | Q(position=after.position, id__gt=after.pk)).first()
            adjacent = high.position if high else None
        low_rank, high_rank = after.position, adjacent
    else:
        last = others.last()
        low_rank, high_rank = (last.position if last else None), None
    if low_rank is not None and high_rank is not None and low_rank >= high_rank:
        return _rebalance(siblings, item, before, after)  # neighbours share a rank
    rank = rank_between(low_rank, high_rank)
    if needs_rebalance(rank):
        return _rebalance(siblings, item, before, after)
    return rank


@transaction.atomic
def item_move(
    *,
    actor: Membership,
    item: Item,
    board: Board | None = None,
    group: int | None = None,
    status: Any = None,
    status_given: bool = False,
    before: int | None = None,
    after: int | None = None,
    expected_version: int | None = None,
) -> Item:
    """Move an item before/after another item, to another group, status or board."""
    if before is not None and after is not None:
        raise ValidationFailed("Give before or after, not both.",
                               fields={"before": ["Give only one of before and after."]})
    item = lock_row(item.pk, expected_version, extras=True)
    source = board_context(board=item.board, actor=actor, doing="Moving an item")
    require_item_write(item=item, actor=actor, role=source.role, doing="Moving an item")
    target = move_target(actor=actor, item=item, board=board, group=group, status=status,
                         status_given=status_given, source=source)
    cross = target.ctx.board.pk != item.board_id
    # A kanban drag by status: ordered among the cards of the status, the group stays.
    lane = status_given and group is None and (before, after) != (None, None) and not cross
    neighbour = _neighbour(item, target.ctx, before=before, after=after,
                           lane=target.status if lane else _UNREAD)
    if neighbour is not None and neighbour.pk == item.pk:
        raise ValidationFailed("An item cannot move next to itself.",
                               fields={"before" if before else "after": ["Same item."]})
    new_group = target.group
    if new_group is None:
        if neighbour is not None and not lane:
            new_group = neighbour.group
        else:
            new_group = target.ctx.default_group() if cross else item.group
    if neighbour is not None and not lane and neighbour.group_id != new_group.pk:
        raise ValidationFailed("The neighbour item is in another group than the one given.",
                               fields={"group": ["Does not match the neighbour's group."]})
    if lane and neighbour is not None and neighbour.status_id != (
        target.status.pk if target.status else None
    ):
        raise ValidationFailed("The neighbour card has another status than the one given.",
                               fields={"status": ["Does not match the neighbour's status."]})
    old_position = item.position
    changes = relocate(item, target, new_group, source.columns if cross else {})
    if neighbour is not None or "group" in changes or cross:
        siblings = _lane_siblings(target.ctx.board, target.status) if lane else group_siblings(
            new_group)
        item.position = rank_in(
            siblings, item, neighbour if before is not None else None,
            neighbour if after is not None else None,
            adjacent=neighbour.adjacent_rank if neighbour is not None else _UNREAD,
        )
        if item.position != old_position:
            changes["position"] = [old_position, item.position]
    if cross and item.parent_id is not None:
        # A parent stays on its board; the item arrives on the new one at the top level.
        changes["parent"] = [item.parent_id, None]
        item.parent = None
    if cross:
        setattr(item, HAS_COMPUTED,
                any(c.type in COMPUTED for c in target.ctx.columns.values()))
    if not changes:
        return item
    item.version += 1
    save_fields(item, MOVED_FIELDS)
    entries = [("item.moved", item, changes, {"board": item.board_id})]
    if cross:
        entries += move_descendants(item, target, new_group, source.columns)
    activities_record(workspace=actor.workspace, actor=actor.user, entries=entries)
    return item


def move_descendants(item: Item, target: MoveTarget, group: Group,
                     source_columns: dict[str, Any]) -> list[tuple]:
    """Sub-items follow their parent to the new board, at the end of its group; returns their
    activity entries for the caller's single write."""
    rows = descendants([item.pk])
    if not rows:
        return []
    last = group_siblings(group).order_by("position", "id").last()
    rank = last.position if last else None
    statuses = {s.pk: s for s in Status.objects.filter(id__in={r.status_id for r in rows})}
    entries = []
    now = timezone.now()
    for row in rows:
        row.status = statuses.get(row.status_id)
        old_position = row.position
        changes = relocate(row, MoveTarget(target.ctx, None, None, False), group,
                           source_columns)
        rank = rank_between(rank, None)
        row.position, row.version, row.updated_at = rank, row.version + 1, now
        changes["position"] = [old_position, rank]
        entries.append(("item.moved", row, changes, {"board": row.board_id,
                                                     "with_parent": item.pk}))
    Item.objects.bulk_update(
        rows, ["board", "group", "status", "values", "position", "version", "completed_at",
               "updated_at"], batch_size=500,
    )
    return entries
