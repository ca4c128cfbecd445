"""Reads for an item's own page: the item with its board's structure, who may do what, its
sub-items, dependencies, comments, attachments and history, and who can see it (the people a
comment may mention).

Each part is read on its own, so the page can refresh one part after a write; every part costs
a fixed number of queries whatever the item holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from boards.models import Board, BoardMember, Dependency, Item, Privacy, Status
from boards.selectors.board_data import SNAPSHOT_FIELDS, item_rows
from boards.selectors.boards import (
    board_role,
    board_role_at_least,
    column_list,
    group_list,
    status_list,
    visible_board_ids,
)
from boards.selectors.items import item_get
from workos.activity import selectors as activity
from workos.activity.models import Activity
from workos.tenancy.models import Membership, Role, Workspace

ACTIVITY_PAGE = 40
COMMENTS_SHOWN = 100
SUB_ITEMS_SHOWN = 200


@dataclass(frozen=True)
class ItemAccess:
    """What the viewer may do on the page; the services decide every write, this only keeps
    controls that would be refused off the page. `reason` says why fields are read-only."""

    role: str | None
    can_edit: bool
    can_add: bool
    reason: str = ""


def item_access(*, item: Item, board: Board, membership: Membership) -> ItemAccess:
    role = board_role(board, membership)
    reason = ""
    if not board_role_at_least(role, "contributor"):
        reason = "You can view this item and comment on it, but not change it."
    elif board.read_only:
        reason = "This item's board is read-only because its project is closed."
    elif board.archived_at is not None:
        reason = "This item's board is archived; restore the board to change it."
    elif item.archived_at is not None:
        reason = "This item is archived."
    elif role == "contributor" and membership.pk not in {m.pk for m in item.assignees.all()}:
        reason = "As a contributor you can change only items assigned to you."
    can_add = board_role_at_least(role, "contributor") and not (
        board.read_only or board.archived_at is not None)
    return ItemAccess(role=role, can_edit=not reason, can_add=can_add, reason=reason)


def item_detail_get(*, workspace: Workspace, membership: Membership, id: int) -> Item:
    """The visible item with its board, status, group and parent (archived or not)."""
    item = item_get(workspace=workspace, membership=membership, id=id)
    return (Item.objects.select_related("board__workspace", "status", "group", "parent",
                                        "created_by__user")
            .prefetch_related("assignees__user").get(pk=item.pk))


def item_row(item: Item, *, hide_time: bool) -> dict[str, Any]:
    """The item in the API's shape, computed columns filled in."""
    raw = Item.objects.filter(pk=item.pk).values(*SNAPSHOT_FIELDS)
    return item_rows(list(raw), hide_time=hide_time)[0]


def item_structure(board: Board) -> tuple[list[Status], list[Any], list[Any]]:
    """The board's statuses, live groups and columns."""
    return (list(status_list(board=board)), list(group_list(board=board, archived=False)),
            list(column_list(board=board)))


def board_people(*, board: Board) -> QuerySet:
    """Members who can see the board: admins and owners always, members on a workspace-visible
    board, and the board's own members (guests only that way)."""
    is_member = Exists(BoardMember.objects.filter(board=board, membership=OuterRef("pk")))
    sees = Q(role__in=[Role.OWNER, Role.ADMIN]) | Q(is_member)
    if board.privacy == Privacy.WORKSPACE:
        sees |= Q(role=Role.MEMBER)
    return (Membership.objects.filter(workspace_id=board.workspace_id).filter(sees)
            .select_related("user").order_by("user__first_name", "user__last_name", "id"))


def item_sub_items(*, item: Item) -> list[Item]:
    return list(Item.objects.filter(parent=item, archived_at__isnull=True)
                .select_related("status").prefetch_related("assignees__user")
                .order_by("position", "id")[:SUB_ITEMS_SHOWN])


@dataclass(frozen=True)
class Link:
    """A dependency seen from the item: the other item and how they are linked."""

    dependency: Dependency
    other: Item

    @property
    def label(self) -> str:
        lag = self.dependency.lag_days
        kind = self.dependency.get_type_display().lower()
        return kind + (f", {lag:+d} working day{'s' if abs(lag) != 1 else ''}" if lag else "")


def item_links(*, workspace: Workspace, membership: Membership,
               item: Item) -> tuple[list[Link], list[Link]]:
    """(what the item waits on, what waits on it): only links whose both ends the viewer
    sees."""
    boards = visible_board_ids(workspace=workspace, membership=membership)
    rows = (Dependency.objects.filter(workspace=workspace)
            .filter(Q(predecessor=item) | Q(successor=item))
            .filter(predecessor__board_id__in=boards, successor__board_id__in=boards)
            .select_related("predecessor__board", "predecessor__status",
                            "successor__board", "successor__status")
            .order_by("id"))
    before, after = [], []
    for dep in rows:
        if dep.successor_id == item.pk:
            before.append(Link(dependency=dep, other=dep.predecessor))
        else:
            after.append(Link(dependency=dep, other=dep.successor))
    return before, after


def item_comments(*, workspace: Workspace, item: Item) -> list[Any]:
    return list(activity.comment_list(workspace=workspace, target=item)[:COMMENTS_SHOWN])


def item_attachments(*, workspace: Workspace, item: Item) -> list[Any]:
    return list(activity.attachment_list(workspace=workspace, target=item)
                .select_related("uploaded_by__user"))


def item_history(*, workspace: Workspace, item: Item, before: int | None = None
                 ) -> tuple[list[Activity], bool]:
    """The item's history, newest first, a page at a time (`before`: an activity id)."""
    rows = activity.activity_for_target(workspace=workspace, target=item)
    if before is not None:
        rows = rows.filter(id__lt=before)
    found = list(rows.order_by("-id")[:ACTIVITY_PAGE + 1])
    return found[:ACTIVITY_PAGE], len(found) > ACTIVITY_PAGE


def members_named(*, workspace: Workspace, ids: set[int]) -> dict[int, str]:
    """Display names of members (removed ones too: history names them)."""
    if not ids:
        return {}
    rows = Membership.all_objects.filter(workspace=workspace, id__in=ids).select_related("user")
    return {m.pk: m.display_name for m in rows}
