"""Reads of dependencies and saved views, limited to boards the viewer can see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from boards.models import Dependency, View
from boards.selectors.boards import visible_board_ids
from workos.errors import NotFound
from workos.tenancy.models import Membership, Workspace


def dependency_list(
    *, workspace: Workspace, membership: Membership, item: int | None = None
) -> QuerySet:
    """Dependencies whose both ends the viewer can see."""
    boards = visible_board_ids(workspace=workspace, membership=membership)
    qs = Dependency.objects.filter(
        workspace=workspace,
        predecessor__board_id__in=boards,
        successor__board_id__in=boards,
    )
    if item is not None:
        qs = qs.filter(Q(predecessor_id=item) | Q(successor_id=item))
    return qs.order_by("id")


def dependency_get(*, workspace: Workspace, membership: Membership, id: int) -> Dependency:
    dependency = dependency_list(workspace=workspace, membership=membership).filter(id=id).first()
    if dependency is None:
        raise NotFound("Dependency not found.")
    return dependency


def dependency_edges(*, workspace: Workspace) -> list[tuple[int, int]]:
    """Every (predecessor, successor) pair of the workspace, for cycle detection."""
    return list(
        Dependency.objects.filter(workspace=workspace).values_list("predecessor_id", "successor_id")
    )


def view_list(
    *, workspace: Workspace, membership: Membership, board: int | None = None
) -> QuerySet:
    """Shared views of visible boards, and the viewer's own personal views."""
    qs = View.objects.filter(
        workspace=workspace,
        board_id__in=visible_board_ids(workspace=workspace, membership=membership),
    ).filter(Q(is_shared=True) | Q(created_by=membership))
    if board is not None:
        qs = qs.filter(board_id=board)
    return qs.order_by("name", "id")


def view_get(*, workspace: Workspace, membership: Membership, id: int) -> View:
    view = view_list(workspace=workspace, membership=membership).filter(id=id).first()
    if view is None:
        raise NotFound("View not found.")
    return view
