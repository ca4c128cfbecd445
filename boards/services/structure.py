"""Writes of a board's groups and statuses. Editors and admins only."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from boards.models import Board, Group, Item, Status, StatusCategory
from boards.ranking import rank_between
from boards.services.access import EDITOR, diff, require_board_role
from workos.activity.services import activity_record
from workos.errors import Conflict, ValidationFailed
from workos.tenancy.models import Membership

UNSET: Any = object()


def name_clean(value: str | None, what: str, limit: int = 200) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(f"{what} needs a name.", fields={"name": ["Required."]})
    return value[:limit]


def require_structure(board: Board, actor: Membership, doing: str) -> None:
    require_board_role(board=board, actor=actor, minimum=EDITOR, doing=doing)


def record(actor: Membership, verb: str, target: Any, changes: dict, data: dict | None = None
           ) -> None:
    activity_record(workspace=actor.workspace, actor=actor.user, verb=verb, target=target,
                    changes=changes, data=data or {"board": target.board_id})


# --- groups -----------------------------------------------------------------------------


def _group_rank(board: Board, *, before: Group | None, after: Group | None,
                exclude: int | None = None) -> str:
    """A rank that puts a group before `before`, after `after`, or last."""
    siblings = Group.objects.filter(board=board).exclude(pk=exclude).order_by("position", "id")
    if before is not None:
        prev = siblings.filter(position__lt=before.position).last()
        return rank_between(prev.position if prev else None, before.position)
    if after is not None:
        nxt = siblings.filter(position__gt=after.position).first()
        return rank_between(after.position, nxt.position if nxt else None)
    last = siblings.last()
    return rank_between(last.position if last else None, None)


def _same_board(group: Group | None, board: Board, field: str) -> None:
    if group is not None and group.board_id != board.pk:
        raise ValidationFailed("That group is on another board.", fields={field: ["Not found."]})


@transaction.atomic
def group_create(
    *, actor: Membership, board: Board, name: str, color: str = "",
    before: Group | None = None, after: Group | None = None,
) -> Group:
    require_structure(board, actor, "Adding a group")
    _same_board(before, board, "before")
    _same_board(after, board, "after")
    group = Group.objects.create(
        board=board, name=name_clean(name, "A group"), color=color or "",
        position=_group_rank(board, before=before, after=after),
    )
    record(actor, "group.created", group, {"name": [None, group.name]})
    return group


@transaction.atomic
def group_update(
    *, actor: Membership, group: Group, name: str | None = None, color: str | None = None,
    archived: bool | None = None, before: Group | None = None, after: Group | None = None,
) -> Group:
    board = group.board
    require_structure(board, actor, "Changing a group")
    _same_board(before, board, "before")
    _same_board(after, board, "after")
    wanted: dict[str, Any] = {}
    if name is not None:
        wanted["name"] = name_clean(name, "A group")
    if color is not None:
        wanted["color"] = color
    if archived is not None and archived != (group.archived_at is not None):
        wanted["archived_at"] = timezone.now() if archived else None
    if before is not None or after is not None:
        wanted["position"] = _group_rank(board, before=before, after=after, exclude=group.pk)
    changes = diff({k: getattr(group, k) for k in wanted}, wanted)
    if changes:
        for key in changes:
            setattr(group, key, wanted[key])
        group.save(update_fields=list(changes))
        record(actor, "group.updated", group, changes)
    return group


@transaction.atomic
def group_delete(*, actor: Membership, group: Group, move_to: Group | None = None) -> None:
    """Delete a group; its items move to `move_to` (after its last item) or the delete is
    refused, so no item is lost silently."""
    board = group.board
    require_structure(board, actor, "Deleting a group")
    if Group.objects.filter(board=board).count() <= 1:
        raise Conflict("A board keeps at least one group.")
    items = list(Item.objects.filter(group=group).order_by("position", "id"))
    if items and move_to is None:
        raise Conflict(
            f"The group '{group.name}' holds {len(items)} items; move them first or name a "
            "group to move them to (move_to).",
            fields={"move_to": ["Required while the group has items."]},
        )
    if move_to is not None:
        _same_board(move_to, board, "move_to")
        if move_to.pk == group.pk:
            raise ValidationFailed("Move the items to another group.",
                                   fields={"move_to": ["Same group."]})
        last = Item.objects.filter(group=move_to).order_by("position", "id").last()
        rank = last.position if last else None
        now = timezone.now()
        for item in items:
            rank = rank_between(rank, None)
            item.group, item.position, item.version = move_to, rank, item.version + 1
            item.updated_at = now
        Item.objects.bulk_update(items, ["group", "position", "version", "updated_at"],
                                 batch_size=500)
    record(actor, "group.deleted", group, {"name": [group.name, None]},
            {"board": board.pk, "moved_to": move_to.pk if move_to else None,
             "items": [i.pk for i in items]})
    group.delete()


# --- statuses ---------------------------------------------------------------------------


def _check_category(category: str) -> str:
    if category not in StatusCategory.values:
        raise ValidationFailed(
            f"'{category}' is not a status category; use {', '.join(StatusCategory.values)}.",
            fields={"category": ["Not a category."]},
        )
    return category


def _check_status_name(board: Board, name: str, exclude: int | None = None) -> str:
    name = name_clean(name, "A status", 100)
    if Status.objects.filter(board=board, name__iexact=name).exclude(pk=exclude).exists():
        raise Conflict(f"This board already has a status called '{name}'.",
                       fields={"name": ["Taken."]})
    return name


def _check_wip(wip_limit: int | None) -> int | None:
    if wip_limit is not None and wip_limit < 1:
        raise ValidationFailed("A WIP limit is at least 1, or empty for none.",
                               fields={"wip_limit": ["At least 1."]})
    return wip_limit


def _reorder_statuses(board: Board, status: Status, position: int) -> None:
    ordered = [s for s in Status.objects.filter(board=board).order_by("position", "id")
               if s.pk != status.pk]
    ordered.insert(max(0, min(position, len(ordered))), status)
    for index, row in enumerate(ordered):
        row.position = index
    Status.objects.bulk_update(ordered, ["position"])


@transaction.atomic
def status_create(
    *, actor: Membership, board: Board, name: str, category: str, color: str = "",
    wip_limit: int | None = None, position: int | None = None,
) -> Status:
    require_structure(board, actor, "Adding a status")
    status = Status.objects.create(
        board=board, name=_check_status_name(board, name), category=_check_category(category),
        color=color or "", wip_limit=_check_wip(wip_limit),
        position=Status.objects.filter(board=board).count(),
    )
    if position is not None:
        _reorder_statuses(board, status, position)
    record(actor, "status.created", status,
            {"name": [None, status.name], "category": [None, status.category]})
    return status


def _completion_shift(old: str, new: str) -> Any:
    """How moving items between categories changes completed_at (UNSET: it does not)."""
    if old != StatusCategory.DONE and new == StatusCategory.DONE:
        return timezone.now()
    if old == StatusCategory.DONE and new != StatusCategory.DONE:
        return None
    return UNSET


@transaction.atomic
def status_update(
    *, actor: Membership, status: Status, name: str | None = None,
    category: str | None = None, color: str | None = None, wip_limit: Any = UNSET,
    position: int | None = None,
) -> Status:
    board = status.board
    require_structure(board, actor, "Changing a status")
    wanted: dict[str, Any] = {}
    if name is not None:
        wanted["name"] = _check_status_name(board, name, exclude=status.pk)
    if category is not None:
        wanted["category"] = _check_category(category)
    if color is not None:
        wanted["color"] = color
    if wip_limit is not UNSET:
        wanted["wip_limit"] = _check_wip(wip_limit)
    changes = diff({k: getattr(status, k) for k in wanted}, wanted)
    if "category" in changes:
        # "Done" means the same everywhere: items follow their status into or out of done.
        completed = _completion_shift(status.category, wanted["category"])
        if completed is not UNSET:
            Item.objects.filter(status=status).update(
                completed_at=completed, version=F("version") + 1, updated_at=timezone.now()
            )
    for key in changes:
        setattr(status, key, wanted[key])
    if changes:
        status.save(update_fields=list(changes))
    if position is not None and position != status.position:
        changes["position"] = [status.position, position]
        _reorder_statuses(board, status, position)
    if changes:
        record(actor, "status.updated", status, changes)
    return status


@transaction.atomic
def status_delete(*, actor: Membership, status: Status, move_to: Status | None = None) -> None:
    """Delete a status; its items take `move_to` (a status of the same board) or none."""
    board = status.board
    require_structure(board, actor, "Deleting a status")
    if move_to is not None and (move_to.board_id != board.pk or move_to.pk == status.pk):
        raise ValidationFailed("Move the items to another status of this board.",
                               fields={"move_to": ["Not another status of this board."]})
    items = Item.objects.filter(status=status)
    moved = list(items.values_list("id", flat=True))
    update: dict[str, Any] = {"status": move_to, "version": F("version") + 1,
                              "updated_at": timezone.now()}
    completed = _completion_shift(status.category, move_to.category if move_to else "")
    if completed is not UNSET:
        update["completed_at"] = completed
    items.update(**update)
    record(actor, "status.deleted", status, {"name": [status.name, None]},
            {"board": board.pk, "moved_to": move_to.pk if move_to else None, "items": moved})
    status.delete()
    remaining = list(Status.objects.filter(board=board).order_by("position", "id"))
    for index, row in enumerate(remaining):
        row.position = index
    Status.objects.bulk_update(remaining, ["position"])
