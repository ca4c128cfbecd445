"""Writes of boards: create with default statuses and a group, update, archive, soft delete,
restore, duplicate, and board membership."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from boards.models import (
    Board,
    BoardMember,
    BoardRole,
    Column,
    Dependency,
    Group,
    Item,
    Privacy,
    Status,
    StatusCategory,
    View,
)
from boards.ranking import rank_sequence
from boards.selectors import ADMIN
from boards.services.access import (
    EDITOR,
    VIEWER,
    diff,
    require_board_role,
    require_workspace_member,
)
from workos.activity.services import activity_record, collaboration_purge
from workos.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership

RESTORE_WINDOW = dt.timedelta(days=30)
DEFAULT_STATUSES: list[tuple[str, str, str]] = [
    ("Backlog", StatusCategory.BACKLOG, "#9aa0a6"),
    ("To do", StatusCategory.TODO, "#579bfc"),
    ("In progress", StatusCategory.IN_PROGRESS, "#fdab3d"),
    ("Done", StatusCategory.DONE, "#00c875"),
    ("Cancelled", StatusCategory.CANCELLED, "#c4c4c4"),
]
DEFAULT_GROUPS = ["Tasks"]
_UNSET: Any = object()


def _clean_name(name: str | None, what: str = "A board") -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(f"{what} needs a name.", fields={"name": ["Required."]})
    if len(name) > 200:
        raise ValidationFailed("Keep the name under 200 characters.",
                               fields={"name": ["Too long."]})
    return name


def _check_privacy(privacy: str) -> str:
    if privacy not in Privacy.values:
        raise ValidationFailed(
            f"'{privacy}' is not a privacy; use workspace or private.",
            fields={"privacy": ["Use workspace or private."]},
        )
    return privacy


@transaction.atomic
def board_create(
    *,
    actor: Membership,
    name: str,
    description: str = "",
    privacy: str = Privacy.WORKSPACE,
    is_template: bool = False,
    groups: list[str] | None = None,
) -> Board:
    """A board with the five default statuses and a first group; its creator is its editor."""
    require_workspace_member(actor, "Creating a board")
    board = Board.objects.create(
        workspace=actor.workspace, name=_clean_name(name), description=description or "",
        privacy=_check_privacy(privacy), is_template=is_template, created_by=actor,
    )
    # The creator stays a member, so a private board never locks out the person who made it.
    BoardMember.objects.create(board=board, membership=actor, role=BoardRole.EDITOR)
    Status.objects.bulk_create(
        Status(board=board, name=n, category=c, color=color, position=i)
        for i, (n, c, color) in enumerate(DEFAULT_STATUSES)
    )
    names = [g.strip() for g in (groups or DEFAULT_GROUPS) if g and g.strip()] or DEFAULT_GROUPS
    Group.objects.bulk_create(
        Group(board=board, name=n[:200], position=rank)
        for n, rank in zip(names, rank_sequence(len(names)), strict=True)
    )
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="board.created", target=board,
        changes={"name": [None, board.name], "privacy": [None, board.privacy]},
    )
    return board


@transaction.atomic
def board_update(
    *,
    actor: Membership,
    board: Board,
    name: str | None = None,
    description: str | None = None,
    privacy: str | None = None,
    is_template: bool | None = None,
) -> Board:
    require_board_role(board=board, actor=actor, minimum=EDITOR, doing="Changing a board")
    board = Board.objects.select_for_update().get(pk=board.pk)
    wanted: dict[str, Any] = {}
    if name is not None:
        wanted["name"] = _clean_name(name)
    if description is not None:
        wanted["description"] = description
    if privacy is not None:
        wanted["privacy"] = _check_privacy(privacy)
    if is_template is not None:
        wanted["is_template"] = is_template
    changes = diff({k: getattr(board, k) for k in wanted}, wanted)
    if changes:
        for key in changes:
            setattr(board, key, wanted[key])
        board.save(update_fields=[*changes, "updated_at"])
        activity_record(
            workspace=actor.workspace, actor=actor.user, verb="board.updated", target=board,
            changes=changes,
        )
    return board


@transaction.atomic
def board_archive(*, actor: Membership, board: Board) -> Board:
    require_board_role(board=board, actor=actor, minimum=EDITOR, doing="Archiving a board")
    now = timezone.now()
    Board.objects.filter(pk=board.pk).update(archived_at=now, updated_at=now)
    board.archived_at = now
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="board.archived", target=board,
        changes={"archived_at": [None, now.isoformat()]},
    )
    return board


def _require_may_delete(board: Board, actor: Membership, role: str) -> None:
    if role != ADMIN and not (role == EDITOR and board.created_by_id == actor.pk):
        raise PermissionDenied(
            "Only workspace admins and the board's creator can delete or restore a board."
        )


@transaction.atomic
def board_delete(*, actor: Membership, board: Board) -> None:
    """Soft delete: the board and its items disappear and can be restored for 30 days."""
    role = require_board_role(
        board=board, actor=actor, minimum=EDITOR, doing="Deleting a board", allow_archived=True
    )
    _require_may_delete(board, actor, role)
    now = timezone.now()
    Board.objects.filter(pk=board.pk).update(deleted_at=now, updated_at=now)
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="board.deleted", target=board,
        changes={"deleted_at": [None, now.isoformat()]},
    )


@transaction.atomic
def board_restore(*, actor: Membership, board: Board) -> Board:
    """Undo an archive, or a delete less than 30 days old."""
    changes: dict[str, list[Any]] = {}
    if board.deleted_at is not None:
        if board.deleted_at < timezone.now() - RESTORE_WINDOW:
            raise NotFound("Board not found.")
        board.deleted_at, deleted_at = None, board.deleted_at
        role = require_board_role(
            board=board, actor=actor, minimum=EDITOR, doing="Restoring a board",
            allow_archived=True,
        )
        _require_may_delete(board, actor, role)
        changes["deleted_at"] = [deleted_at.isoformat(), None]
    else:
        require_board_role(
            board=board, actor=actor, minimum=EDITOR, doing="Restoring a board",
            allow_archived=True,
        )
    if board.archived_at is not None:
        changes["archived_at"] = [board.archived_at.isoformat(), None]
    if not changes:
        return board
    board.archived_at = None
    board.save(update_fields=["deleted_at", "archived_at", "updated_at"])
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="board.restored", target=board,
        changes=changes,
    )
    return board


@transaction.atomic
def board_duplicate(
    *,
    actor: Membership,
    board: Board,
    name: str | None = None,
    with_items: bool = False,
    is_template: bool | None = None,
) -> Board:
    """Copy a board's structure (groups, statuses, columns, shared views), and its items,
    their assignees and the dependencies among them when `with_items`."""
    require_workspace_member(actor, "Duplicating a board")
    require_board_role(
        board=board, actor=actor, minimum=VIEWER, doing="Duplicating a board", allow_archived=True
    )
    copy = Board.objects.create(
        workspace=board.workspace, name=_clean_name(name or f"{board.name} (copy)"),
        description=board.description, privacy=board.privacy,
        is_template=board.is_template if is_template is None else is_template, created_by=actor,
    )
    BoardMember.objects.create(board=copy, membership=actor, role=BoardRole.EDITOR)
    groups = {g.pk: Group(board=copy, name=g.name, color=g.color, position=g.position,
                          archived_at=g.archived_at) for g in board.groups.all()}
    Group.objects.bulk_create(groups.values())
    statuses = {s.pk: Status(board=copy, name=s.name, color=s.color, category=s.category,
                             position=s.position, wip_limit=s.wip_limit)
                for s in board.statuses.all()}
    Status.objects.bulk_create(statuses.values())
    Column.objects.bulk_create(
        Column(board=copy, key=c.key, title=c.title, type=c.type, settings=c.settings,
               position=c.position, width=c.width) for c in board.columns.all()
    )
    View.objects.bulk_create(
        View(workspace=copy.workspace, board=copy, name=v.name, kind=v.kind, config=v.config,
             created_by=actor, is_shared=True) for v in board.views.filter(is_shared=True)
    )
    copied = 0
    if with_items:
        copied = _copy_items(board, copy, actor, groups, statuses)
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="board.created", target=copy,
        changes={"name": [None, copy.name]},
        data={"duplicated_from": board.pk, "items_copied": copied},
    )
    return copy


def _copy_items(
    source: Board, copy: Board, actor: Membership,
    groups: dict[int, Group], statuses: dict[int, Status],
) -> int:
    originals = list(source.items.filter(archived_at__isnull=True).order_by("id"))
    clones = {
        item.pk: Item(
            workspace=copy.workspace, board=copy, group=groups[item.group_id],
            status=statuses.get(item.status_id), name=item.name, description=item.description,
            start_date=item.start_date, due_date=item.due_date,
            estimate_hours=item.estimate_hours, priority=item.priority, position=item.position,
            is_milestone=item.is_milestone, values=item.values, external_id=item.external_id,
            completed_at=item.completed_at, created_by=actor,
        )
        for item in originals
    }
    Item.objects.bulk_create(clones.values())
    with_parent = []
    for item in originals:
        if item.parent_id in clones:
            clones[item.pk].parent = clones[item.parent_id]
            with_parent.append(clones[item.pk])
    Item.objects.bulk_update(with_parent, ["parent"])
    through = Item.assignees.through
    through.objects.bulk_create(
        through(item_id=clones[item_id].pk, membership_id=membership_id)
        for item_id, membership_id in through.objects.filter(
            item_id__in=list(clones)
        ).values_list("item_id", "membership_id")
    )
    Dependency.objects.bulk_create(
        Dependency(workspace=copy.workspace, predecessor=clones[p], successor=clones[s],
                   type=t, lag_days=lag)
        for p, s, t, lag in Dependency.objects.filter(
            predecessor_id__in=list(clones), successor_id__in=list(clones)
        ).values_list("predecessor_id", "successor_id", "type", "lag_days")
    )
    return len(clones)


# --- board members ----------------------------------------------------------------------


def _check_board_role_value(role: str) -> str:
    if role not in BoardRole.values:
        raise ValidationFailed(
            f"'{role}' is not a board role; use editor, contributor or viewer.",
            fields={"role": ["Not a board role."]},
        )
    return role


@transaction.atomic
def board_member_add(
    *, actor: Membership, board: Board, membership: Membership, role: str = BoardRole.EDITOR
) -> BoardMember:
    require_board_role(board=board, actor=actor, minimum=EDITOR, doing="Sharing a board")
    _check_board_role_value(role)
    if membership.workspace_id != board.workspace_id:
        raise ValidationFailed(
            "Only members of this workspace can join its boards.",
            fields={"membership": ["Not a member of this workspace."]},
        )
    if BoardMember.objects.filter(board=board, membership=membership).exists():
        raise Conflict("This person is already a member of the board.")
    row = BoardMember.objects.create(board=board, membership=membership, role=role)
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="board.member_added", target=board,
        changes={"members": [None, {"membership": membership.pk, "role": role}]},
    )
    return row


@transaction.atomic
def board_member_update(*, actor: Membership, row: BoardMember, role: str) -> BoardMember:
    require_board_role(board=row.board, actor=actor, minimum=EDITOR, doing="Sharing a board")
    _check_board_role_value(role)
    if role != row.role:
        changes = {"role": [row.role, role]}
        row.role = role
        row.save(update_fields=["role"])
        activity_record(
            workspace=actor.workspace, actor=actor.user, verb="board.member_updated",
            target=row.board, changes=changes, data={"membership": row.membership_id},
        )
    return row


@transaction.atomic
def board_member_remove(*, actor: Membership, row: BoardMember) -> None:
    if row.membership_id != actor.pk:  # anyone may leave a board
        require_board_role(board=row.board, actor=actor, minimum=EDITOR, doing="Sharing a board")
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="board.member_removed",
        target=row.board, changes={"members": [{"membership": row.membership_id,
                                                "role": row.role}, None]},
    )
    row.delete()


@transaction.atomic
def boards_purge_deleted(*, now: dt.datetime | None = None) -> int:
    """Hard-delete boards whose restore window has passed, with everything on them.

    Run by a periodic task; the items go by cascade, their activity stays in the audit log.
    """
    cutoff = (now or timezone.now()) - RESTORE_WINDOW
    doomed = list(Board.objects.filter(deleted_at__lt=cutoff).select_related("workspace"))
    for board in doomed:
        item_ids = list(Item.objects.filter(board=board).values_list("id", flat=True))
        collaboration_purge(workspace=board.workspace, model=Item, ids=item_ids)
        Board.objects.filter(pk=board.pk).delete()
    return len(doomed)
