"""Writes of items: create, update (with If-Match), upsert by external id, archive, restore,
delete. The field rules live in `item_apply`, which bulk updates share."""

from __future__ import annotations

import decimal
from typing import Any

import nh3
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from boards.models import Board, Item, Priority, StatusCategory
from boards.ranking import rank_between
from boards.selectors.boards import members_who_see
from boards.services.access import (
    VIEWER,
    assignee_ids,
    diff,
    require_item_write,
)
from boards.services.comments import item_link
from boards.services.contexts import BoardContext, board_context
from boards.services.hooks import item_changed_run
from boards.services.item_rows import lock_row, save_fields
from boards.services.values import values_clean, values_merge
from workos.activity.services import (
    activities_record,
    activity_record,
    collaboration_purge,
    notify,
)
from workos.errors import Conflict, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership

UNSET: Any = object()
# Fields `item_apply` understands; ids for group, status, parent and assignees.
ITEM_FIELDS = (
    "name", "description", "group", "status", "parent", "assignees", "start_date", "due_date",
    "estimate_hours", "priority", "is_milestone", "values", "external_id",
)


def _check_name(name: Any) -> str:
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name:
        raise ValidationFailed("An item needs a name.", fields={"name": ["Required."]})
    if len(name) > 500:
        raise ValidationFailed("Keep an item's name under 500 characters.",
                               fields={"name": ["At most 500 characters."]})
    return name


def _check_assignees(actor: Membership, ids: list[int]) -> list[int]:
    ids = sorted(set(ids))
    found = set(Membership.objects.filter(workspace=actor.workspace, id__in=ids)
                .values_list("id", flat=True))
    missing = sorted(set(ids) - found)
    if missing:
        raise ValidationFailed(
            f"No member with id {', '.join(map(str, missing))} in this workspace.",
            fields={"assignees": ["Unknown member."]},
        )
    return ids


def _check_parent(ctx: BoardContext, item: Item | None, parent_id: int | None) -> Item | None:
    if parent_id is None:
        return None
    parent = Item.objects.filter(board=ctx.board, id=parent_id).first()
    if parent is None:
        raise ValidationFailed(f"This board has no item {parent_id} to be the parent.",
                               fields={"parent": ["Not an item of this board."]})
    if item is not None and item.pk is not None:
        # Walk up from the new parent: meeting the item itself would make a loop.
        seen, cursor = set(), parent
        while cursor is not None and cursor.pk not in seen:
            if cursor.pk == item.pk:
                raise ValidationFailed("An item cannot be inside itself or its own sub-items.",
                                       fields={"parent": ["Would make a loop."]})
            seen.add(cursor.pk)
            cursor = cursor.parent
    return parent


def _check_estimate(value: Any) -> decimal.Decimal | None:
    if value is None:
        return None
    try:
        number = decimal.Decimal(str(value))
    except decimal.InvalidOperation as exc:
        raise ValidationFailed("estimate_hours is a number of hours.",
                               fields={"estimate_hours": ["Not a number."]}) from exc
    if number < 0 or number >= 10**6:
        raise ValidationFailed("estimate_hours is between 0 and 999999.",
                               fields={"estimate_hours": ["Out of range."]})
    return number.quantize(decimal.Decimal("0.01"))


def item_apply(
    *, item: Item, ctx: BoardContext, actor: Membership, fields: dict[str, Any]
) -> tuple[dict[str, list[Any]], list[int] | None]:
    """Validate `fields` and set them on `item` in memory.

    Returns the field-level changes and, when assignees change, their new ids (the caller
    writes the many-to-many rows). Keeps completed_at in step with the status category.
    """
    unknown = sorted(set(fields) - set(ITEM_FIELDS))
    if unknown:
        raise ValidationFailed(f"Unknown item fields: {', '.join(unknown)}.",
                               fields={k: ["Unknown field."] for k in unknown})
    new: dict[str, Any] = {}
    old: dict[str, Any] = {}
    if "name" in fields:
        new["name"] = _check_name(fields["name"])
    if "description" in fields:
        new["description"] = nh3.clean(fields["description"] or "")
    if "group" in fields:
        if fields["group"] is None:
            raise ValidationFailed("An item is always in a group.", fields={"group": ["Required."]})
        new["group"] = ctx.group(fields["group"])
    if "status" in fields:
        new["status"] = ctx.status(fields["status"])
    if "parent" in fields:
        new["parent"] = _check_parent(ctx, item, fields["parent"])
    for key in ("start_date", "due_date"):
        if key in fields:
            new[key] = fields[key]
    if "estimate_hours" in fields:
        new["estimate_hours"] = _check_estimate(fields["estimate_hours"])
    if "priority" in fields:
        if fields["priority"] not in Priority.values:
            raise ValidationFailed(
                f"'{fields['priority']}' is not a priority; use {', '.join(Priority.values)}.",
                fields={"priority": ["Not a priority."]},
            )
        new["priority"] = fields["priority"]
    if "is_milestone" in fields:
        new["is_milestone"] = bool(fields["is_milestone"])
    if "external_id" in fields:
        new["external_id"] = (fields["external_id"] or "").strip() or None
        _check_external_id(ctx.board, item, new["external_id"])
    if "values" in fields:
        clean = values_clean(workspace=ctx.board.workspace, columns=ctx.columns,
                             values=fields["values"])
        new["values"] = values_merge(item.values or {}, clean)
    start = new.get("start_date", item.start_date)
    due = new.get("due_date", item.due_date)
    if start and due and start > due:
        raise ValidationFailed("The start date is after the due date.",
                               fields={"due_date": ["Before the start date."]})
    for key in new:
        # A new item has nothing before; reading its unset group would raise.
        old[key] = getattr(item, key) if item.pk else None
    changes = diff(old, new)
    for key in changes:
        setattr(item, key, new[key])
    if "status" in changes:
        done_before = old["status"] is not None and old["status"].category == StatusCategory.DONE
        done_after = item.status is not None and item.status.category == StatusCategory.DONE
        if done_after and not done_before:
            item.completed_at = timezone.now()
            changes["completed_at"] = [None, item.completed_at.isoformat()]
        elif done_before and not done_after:
            changes["completed_at"] = [item.completed_at and item.completed_at.isoformat(), None]
            item.completed_at = None
    new_assignees = None
    if "assignees" in fields:
        wanted = _check_assignees(actor, list(fields["assignees"] or []))
        current = assignee_ids(item) if item.pk else []
        if wanted != current:
            changes["assignees"] = [current, wanted]
            new_assignees = wanted
    return changes, new_assignees


def _check_external_id(board: Board, item: Item, external_id: str | None) -> None:
    if external_id is None:
        return
    clash = Item.objects.filter(board=board, external_id=external_id)
    if item.pk:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise Conflict(f"Another item on this board has the external id '{external_id}'.",
                       fields={"external_id": ["Taken."]})


@transaction.atomic
def item_create(*, actor: Membership, board: Board, fields: dict[str, Any]) -> Item:
    """Create an item at the end of its group (the board's first group unless given)."""
    ctx = board_context(board=board, actor=actor, doing="Adding an item")
    if ctx.role == VIEWER:
        raise PermissionDenied("Adding an item needs the contributor role or higher; you are "
                               "viewer.")
    fields = dict(fields)
    fields.setdefault("group", ctx.default_group().pk)
    if "status" not in fields:
        default = ctx.default_status()
        fields["status"] = default.pk if default else None
    if "name" not in fields:
        raise ValidationFailed("An item needs a name.", fields={"name": ["Required."]})
    item = Item(workspace=board.workspace, board=board, created_by=actor, values={})
    changes, assignees = item_apply(item=item, ctx=ctx, actor=actor, fields=fields)
    last = Item.objects.filter(board=board, group=item.group).order_by("position", "id").last()
    item.position = rank_between(last.position if last else None, None)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise Conflict("Another item on this board has this external id.",
                       fields={"external_id": ["Taken."]}) from exc
    if assignees:
        item.assignees.set(assignees)
        notify_assigned(actor=actor, item=item, before=[], after=assignees)
    item.assignee_ids_cache = sorted(assignees or [])
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="item.created", target=item,
        changes=changes, data={"board": board.pk},
    )
    return item


def lock_item(item: Item, expected_version: int | None) -> Item:
    """Re-read the item under a row lock and compare versions (If-Match)."""
    return lock_row(item.pk, expected_version)


def notify_assigned(*, actor: Membership, item: Item, before: list[int], after: list[int]
                    ) -> None:
    """Tell the people newly assigned to an item (never the person who assigned themselves),
    if they can see its board: the title names the item, and a private board stays private."""
    added = set(after) - set(before)
    if not added:
        return
    notify(
        workspace=actor.workspace,
        recipients=list(members_who_see(board=item.board, ids=added)),
        verb="assigned", target=item, title=f"You were assigned to '{item.name}'",
        actor_label=actor.display_name, actor=actor, link=item_link(item),
        data={"board": item.board_id},
    )


def save_item(item: Item, changes: dict[str, Any], assignees: list[int] | None) -> None:
    """Write the changed columns (and the bumped version) and, when they changed, the
    assignees."""
    item.version += 1
    save_fields(item, [*(key for key in changes if key != "assignees"), "version"])
    if assignees is not None:
        item.assignees.set(assignees)
        item.assignee_ids_cache = sorted(assignees)


def item_update(
    *, actor: Membership, item: Item, fields: dict[str, Any],
    expected_version: int | None = None, savepoint: bool = True,
) -> Item:
    """Apply a partial update; only fields whose value changes are recorded.

    Atomic. `savepoint=False` is for a caller inside a transaction or savepoint of its own that
    it rolls back whenever this raises (an automation run): the update then spares the two
    round trips of a savepoint of its own, which only a caller that catches the error and
    carries on in the same transaction needs.
    """
    with transaction.atomic(savepoint=savepoint):
        item = lock_item(item, expected_version)
        ctx = board_context(board=item.board, actor=actor, doing="Changing an item")
        require_item_write(item=item, actor=actor, role=ctx.role, doing="Changing an item")
        changes, assignees = item_apply(item=item, ctx=ctx, actor=actor, fields=fields)
        if changes:
            save_item(item, changes, assignees)
            if "assignees" in changes:
                before, after = changes["assignees"]
                notify_assigned(actor=actor, item=item, before=before, after=after)
            activity = activity_record(
                workspace=actor.workspace, actor=actor.user, verb="item.updated", target=item,
                changes=changes, data={"board": item.board_id},
            )
            item_changed_run(actor, item, changes, activity)
        return item


@transaction.atomic
def item_upsert(
    *, actor: Membership, board: Board, external_id: str, fields: dict[str, Any]
) -> tuple[Item, bool]:
    """Create the item with this external id on the board, or update it; (item, created)."""
    external_id = (external_id or "").strip()
    if not external_id:
        raise ValidationFailed("Upserting needs an external_id.",
                               fields={"external_id": ["Required."]})
    fields = {k: v for k, v in fields.items() if k != "external_id"}
    existing = Item.objects.filter(board=board, external_id=external_id).first()
    if existing is None:
        try:
            with transaction.atomic():
                return item_create(actor=actor, board=board,
                                   fields={**fields, "external_id": external_id}), True
        except Conflict:
            # Someone created it between our read and write: update theirs instead.
            existing = Item.objects.filter(board=board, external_id=external_id).first()
            if existing is None:
                raise
    return item_update(actor=actor, item=existing, fields=fields), False


def descendants(item_ids: list[int]) -> list[Item]:
    """All sub-items below the given items, level by level (one query per level)."""
    found: list[Item] = []
    level = list(item_ids)
    seen = set(level)
    while level:
        children = [c for c in Item.objects.filter(parent_id__in=level) if c.pk not in seen]
        seen.update(c.pk for c in children)
        found.extend(children)
        level = [c.pk for c in children]
    return found


@transaction.atomic
def item_archive(*, actor: Membership, item: Item) -> Item:
    """Archive an item and its sub-items (they share the archive time, to restore together)."""
    item = lock_item(item, None)
    ctx = board_context(board=item.board, actor=actor, doing="Archiving an item")
    require_item_write(item=item, actor=actor, role=ctx.role, doing="Archiving an item")
    if item.archived_at is not None:
        return item
    now = timezone.now()
    rows = [item, *[c for c in descendants([item.pk]) if c.archived_at is None]]
    for row in rows:
        row.archived_at, row.version, row.updated_at = now, row.version + 1, now
    Item.objects.bulk_update(rows, ["archived_at", "version", "updated_at"])
    activities_record(
        workspace=actor.workspace, actor=actor.user,
        entries=[("item.archived", row, {"archived_at": [None, now.isoformat()]},
                  {"board": row.board_id}) for row in rows],
    )
    return item


@transaction.atomic
def item_restore(*, actor: Membership, item: Item) -> Item:
    item = lock_item(item, None)
    ctx = board_context(board=item.board, actor=actor, doing="Restoring an item")
    require_item_write(item=item, actor=actor, role=ctx.role, doing="Restoring an item")
    if item.archived_at is None:
        return item
    when = item.archived_at
    rows = [item, *[c for c in descendants([item.pk]) if c.archived_at == when]]
    now = timezone.now()
    for row in rows:
        row.archived_at, row.version, row.updated_at = None, row.version + 1, now
    Item.objects.bulk_update(rows, ["archived_at", "version", "updated_at"])
    activities_record(
        workspace=actor.workspace, actor=actor.user,
        entries=[("item.restored", row, {"archived_at": [when.isoformat(), None]},
                  {"board": row.board_id}) for row in rows],
    )
    return item


@transaction.atomic
def item_delete(*, actor: Membership, item: Item) -> None:
    """Delete an item and its sub-items for good; the Activity keeps their ids for sync."""
    item = lock_item(item, None)
    ctx = board_context(board=item.board, actor=actor, doing="Deleting an item")
    require_item_write(item=item, actor=actor, role=ctx.role, doing="Deleting an item")
    rows = [item, *descendants([item.pk])]
    activities_record(
        workspace=actor.workspace, actor=actor.user,
        entries=[("item.deleted", row, {"name": [row.name, None]}, {"board": row.board_id})
                 for row in rows],
    )
    collaboration_purge(workspace=actor.workspace, model=Item, ids=[r.pk for r in rows])
    Item.objects.filter(Q(pk=item.pk) | Q(pk__in=[r.pk for r in rows])).delete()
