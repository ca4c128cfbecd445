"""Bulk changes: update, move, archive or restore up to 500 items in one transaction.

All or nothing: every item is checked before any is written, and the first refusal (or the
list of items that cannot take the change) rolls the whole call back. The activities of the
call are written with one `activities_record`, so automations see one batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from boards.models import Item
from boards.ranking import rank_between
from boards.selectors import ItemFilters, item_list
from boards.services.access import jsonable, require_item_write
from boards.services.items import BoardContext, board_context, descendants, item_apply
from boards.services.moves import (
    move_descendants,
    move_target,
    relocate,
)
from workos.activity.services import activities_record
from workos.errors import NotFound, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership

BULK_LIMIT = 500
BULK_ACTIONS = ("update", "move", "archive", "restore")


def _bulk_items(actor: Membership, ids: list[int]) -> list[Item]:
    if not ids:
        raise ValidationFailed("Name the items to change.", fields={"ids": ["Required."]})
    if len(ids) > BULK_LIMIT:
        raise ValidationFailed(f"At most {BULK_LIMIT} items per call; got {len(ids)}.",
                               fields={"ids": [f"At most {BULK_LIMIT}."]})
    visible = item_list(workspace=actor.workspace, membership=actor,
                        filters=ItemFilters(archived=None)).filter(id__in=ids).values("id")
    rows = {
        i.pk: i for i in Item.objects.select_for_update(of=("self",))
        .select_related("board", "status", "group").prefetch_related("assignees")
        .filter(id__in=visible)
    }
    missing = sorted(set(ids) - set(rows))
    if missing:
        raise NotFound(f"Items not found: {', '.join(map(str, missing))}.",
                       fields={"ids": missing})
    return [rows[i] for i in dict.fromkeys(ids)]


@transaction.atomic
def items_bulk(
    *,
    actor: Membership,
    ids: list[int],
    action: str,
    fields: dict[str, Any] | None = None,
    move: dict[str, Any] | None = None,
) -> list[Item]:
    """Update, move, archive or restore up to 500 items: all of them or none."""
    if action not in BULK_ACTIONS:
        raise ValidationFailed(f"'{action}' is not a bulk action; use {', '.join(BULK_ACTIONS)}.",
                               fields={"action": ["Unknown action."]})
    items = _bulk_items(actor, ids)
    contexts: dict[int, BoardContext] = {}
    for item in items:
        if item.board_id not in contexts:
            contexts[item.board_id] = board_context(board=item.board, actor=actor,
                                                    doing="Changing items")
        ctx = contexts[item.board_id]
        try:
            require_item_write(item=item, actor=actor, role=ctx.role, doing="Changing items")
        except PermissionDenied as exc:
            raise PermissionDenied(f"Item {item.pk}: {exc.message} Nothing was changed.") from exc
    if action == "update":
        entries = _bulk_update(actor, items, contexts, fields or {})
    elif action == "move":
        plan = _MovePlan()
        entries = [e for item in items
                   for e in _bulk_move_one(actor, item, move or {}, contexts[item.board_id], plan)]
    else:
        entries = _bulk_archive(items, archive=action == "archive")
    if entries:
        activities_record(workspace=actor.workspace, actor=actor.user, entries=entries)
    return items


def _write_changed(items: list[Item], fields: set[str], now: Any) -> None:
    """Write only the fields that changed: one UPDATE when every item took the same values
    (the usual bulk edit), else one CASE-per-field UPDATE of just those fields."""
    if not items:
        return
    columns = [Item._meta.get_field(name).attname for name in sorted(fields)]
    same = {column: getattr(items[0], column) for column in columns}
    if all(getattr(item, column) == value for item in items for column, value in same.items()):
        Item.objects.filter(pk__in=[item.pk for item in items]).update(
            **same, version=F("version") + 1, updated_at=now,
        )
        return
    Item.objects.bulk_update(items, [*columns, "version", "updated_at"], batch_size=500)


def _bulk_update(actor: Membership, items: list[Item], contexts: dict[int, BoardContext],
                 fields: dict[str, Any]) -> list[tuple]:
    if not fields:
        raise ValidationFailed("Give the fields to change.", fields={"fields": ["Required."]})
    entries: list[tuple] = []
    errors: dict[str, Any] = {}
    changed: list[Item] = []
    new_assignees: dict[int, list[int]] = {}
    for item in items:
        try:
            changes, assignees = item_apply(item=item, ctx=contexts[item.board_id], actor=actor,
                                            fields=fields)
        except ValidationFailed as exc:
            errors[str(item.pk)] = exc.message
            continue
        if changes:
            item.version += 1
            changed.append(item)
            entries.append(("item.updated", item, changes, {"board": item.board_id}))
        if assignees is not None:
            new_assignees[item.pk] = assignees
    if errors:
        raise ValidationFailed(
            f"{len(errors)} of {len(items)} items cannot take this change; nothing was changed.",
            fields={"items": errors},
        )
    now = timezone.now()
    for item in changed:
        item.updated_at = now
    _write_changed(changed, {key for entry in entries for key in entry[2]} - {"assignees"}, now)
    if new_assignees:
        through = Item.assignees.through
        through.objects.filter(item_id__in=list(new_assignees)).delete()
        through.objects.bulk_create(
            through(item_id=item_id, membership_id=m)
            for item_id, members in new_assignees.items() for m in members
        )
    return entries


@dataclass
class _MovePlan:
    """What one bulk move learns once and reuses: target boards' structure, and the last rank
    of each group items are appended to (so the items land in the order given)."""

    targets: dict[int, BoardContext] = field(default_factory=dict)
    last_rank: dict[int, str | None] = field(default_factory=dict)

    def rank_after_last(self, group: Any, item: Item) -> str:
        if group.pk not in self.last_rank:
            last = (Item.objects.filter(group=group).exclude(pk=item.pk)
                    .order_by("position", "id").values_list("position", flat=True).last())
            self.last_rank[group.pk] = last
        rank = rank_between(self.last_rank[group.pk], None)
        self.last_rank[group.pk] = rank
        return rank


def _bulk_move_one(actor: Membership, item: Item, move: dict[str, Any], source: BoardContext,
                   plan: _MovePlan) -> list[tuple]:
    """Move one item of a bulk call to the end of the target group (in the order given)."""
    board = move.get("board")
    target = move_target(actor=actor, item=item, board=board, group=move.get("group"),
                         status=move.get("status"), status_given="status" in move,
                         source=source, known=plan.targets)
    cross = target.ctx.board.pk != item.board_id
    group = target.group or (target.ctx.default_group() if cross else item.group)
    source_columns = source.columns if cross else {}
    old_position = item.position
    changes = relocate(item, target, group, source_columns)
    if "group" in changes or cross:
        item.position = plan.rank_after_last(group, item)
        changes["position"] = [old_position, item.position]
    if cross and item.parent_id is not None:
        changes["parent"] = [item.parent_id, None]
        item.parent = None
    if not changes:
        return []
    item.version += 1
    item.save()
    entries = [("item.moved", item, changes, {"board": item.board_id})]
    if cross:
        entries += move_descendants(item, target, group, source_columns)
    return entries


def _bulk_archive(items: list[Item], *, archive: bool) -> list[tuple]:
    """Archive or restore like one item at a time: sub-items go along, archived with their
    parent's time and restored with it when they share it."""
    now = timezone.now()
    entries: list[tuple] = []
    changed: list[Item] = []
    targets = [item for item in items if (item.archived_at is None) == archive]
    seen = {item.pk for item in targets}
    when = {item.pk: item.archived_at for item in targets}
    extra = [
        sub for sub in descendants([item.pk for item in targets])
        if sub.pk not in seen and (
            sub.archived_at is None if archive else sub.archived_at in set(when.values())
        )
    ]
    for item in [*targets, *extra]:
        old = item.archived_at
        item.archived_at = now if archive else None
        item.version += 1
        item.updated_at = now
        changed.append(item)
        entries.append((
            "item.archived" if archive else "item.restored", item,
            {"archived_at": [jsonable(old), jsonable(item.archived_at)]},
            {"board": item.board_id},
        ))
    Item.objects.bulk_update(changed, ["archived_at", "version", "updated_at"], batch_size=500)
    return entries

