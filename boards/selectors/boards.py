"""Reads of boards and their structure, and who may do what on a board.

Visibility: workspace admins and owners see every board; members see workspace-visible boards
and the private boards they are members of; guests see only boards they are members of. A board
the viewer cannot see answers exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from boards.models import Board, BoardMember, Column, Group, Privacy, Status
from workos.errors import NotFound
from workos.tenancy.models import Membership, Role, Workspace, role_at_least

ADMIN = "admin"
# Board roles from most to least rights; `board_role` answers one of these or None.
BOARD_ROLE_RANK: dict[str, int] = {"viewer": 0, "contributor": 1, "editor": 2, ADMIN: 3}

_UNSET: Any = object()


def board_role_at_least(role: str | None, minimum: str) -> bool:
    return role is not None and BOARD_ROLE_RANK[role] >= BOARD_ROLE_RANK[minimum]


def _member_role_subquery(membership: Membership) -> Subquery:
    return Subquery(
        BoardMember.objects.filter(board=OuterRef("pk"), membership=membership).values("role")[:1]
    )


def board_role(board: Board, membership: Membership) -> str | None:
    """The viewer's role on a board: "admin", "editor", "contributor", "viewer" or None.

    Boards read through `board_list` carry `member_role` already, so this costs no query there.
    """
    if board.workspace_id != membership.workspace_id:
        return None
    if role_at_least(membership.role, Role.ADMIN):
        return ADMIN
    if membership.role == Role.MEMBER and board.privacy == Privacy.WORKSPACE:
        return "editor"
    member_role = getattr(board, "member_role", _UNSET)
    if member_role is _UNSET:
        member_role = (
            BoardMember.objects.filter(board=board, membership=membership)
            .values_list("role", flat=True)
            .first()
        )
    return member_role


def visible_boards_q(membership: Membership, prefix: str = "") -> Q:
    """A filter on boards (or, with `prefix="board__"`, on rows of a board) the viewer sees.

    Membership is tested with EXISTS rather than a join, which would repeat rows once per
    board member.
    """
    if role_at_least(membership.role, Role.ADMIN):
        return Q()
    board_ref = OuterRef(prefix.removesuffix("__") + "_id" if prefix else "pk")
    is_member = Q(Exists(BoardMember.objects.filter(board_id=board_ref, membership=membership)))
    if membership.role == Role.MEMBER:
        return Q(**{f"{prefix}privacy": Privacy.WORKSPACE}) | is_member
    return is_member


def visible_board_ids(
    *, workspace: Workspace, membership: Membership, include_deleted: bool = False
) -> QuerySet:
    """Ids of the boards the viewer sees, as a subquery for rows that belong to a board.

    The same boards as `board_list`, built without its role annotation: every item read
    builds this subquery, so it is kept as small as the rule allows.
    """
    where = Q(workspace=workspace) & visible_boards_q(membership)
    if not include_deleted:
        where &= Q(deleted_at__isnull=True)
    return Board.objects.filter(where).values("id")


def board_list(
    *,
    workspace: Workspace,
    membership: Membership,
    archived: bool | None = None,
    include_deleted: bool = False,
) -> QuerySet:
    qs = Board.objects.filter(workspace=workspace).annotate(
        member_role=_member_role_subquery(membership)
    ).select_related("workspace")
    if not include_deleted:
        qs = qs.filter(deleted_at__isnull=True)
    if archived is not None:
        qs = qs.filter(archived_at__isnull=not archived)
    if role_at_least(membership.role, Role.ADMIN):
        return qs
    # The annotation, not a join, decides membership: a join could repeat boards.
    if membership.role == Role.MEMBER:
        return qs.filter(Q(privacy=Privacy.WORKSPACE) | Q(member_role__isnull=False))
    return qs.filter(member_role__isnull=False)


def board_get(
    *, workspace: Workspace, membership: Membership, id: int, include_deleted: bool = False
) -> Board:
    board = (
        board_list(workspace=workspace, membership=membership, include_deleted=include_deleted)
        .filter(id=id)
        .first()
    )
    if board is None:
        raise NotFound("Board not found.")
    return board


def board_member_list(*, board: Board) -> QuerySet:
    return BoardMember.objects.filter(board=board).select_related("membership").order_by("id")


def board_member_get(*, board: Board, id: int) -> BoardMember:
    row = board_member_list(board=board).filter(id=id).first()
    if row is None:
        raise NotFound("Board member not found.")
    return row


def group_list(*, board: Board, archived: bool | None = None) -> QuerySet:
    qs = Group.objects.filter(board=board).order_by("position", "id")
    if archived is not None:
        qs = qs.filter(archived_at__isnull=not archived)
    return qs


def group_get(*, board: Board, id: int) -> Group:
    group = Group.objects.filter(board=board, id=id).first()
    if group is None:
        raise NotFound("Group not found.")
    return group


def status_list(*, board: Board) -> QuerySet:
    return Status.objects.filter(board=board).order_by("position", "id")


def status_get(*, board: Board, id: int) -> Status:
    status = Status.objects.filter(board=board, id=id).first()
    if status is None:
        raise NotFound("Status not found.")
    return status


def column_list(*, board: Board) -> QuerySet:
    return Column.objects.filter(board=board).order_by("position", "id")


def column_get(*, board: Board, id: int) -> Column:
    column = Column.objects.filter(board=board, id=id).first()
    if column is None:
        raise NotFound("Column not found.")
    return column


def members_who_see(*, board: Board, ids: Iterable[int]) -> QuerySet:
    """Of the members `ids`, those who see `board` (the rule of `visible_boards_q`, asked
    for many people at once): whom a notification naming one of its items may reach."""
    sees = Q(role__in=(Role.ADMIN, Role.OWNER)) | Q(
        Exists(BoardMember.objects.filter(board_id=board.pk, membership_id=OuterRef("pk"))))
    if board.privacy == Privacy.WORKSPACE:
        sees |= Q(role=Role.MEMBER)
    return Membership.objects.filter(workspace_id=board.workspace_id, id__in=list(ids)).filter(sees)
