"""Board pages. The table, Kanban and calendar views of one board live in their own modules;
this one lists the boards a member can see and creates new ones."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from boards.models import Privacy
from boards.selectors.boards import board_list
from boards.services import board_create
from workos.errors import ValidationFailed
from workos.pages import page_context, workspace_page
from workos.tenancy.models import Role, role_at_least


@workspace_page
def board_list_page(request: HttpRequest, ws: str) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    boards = (
        board_list(workspace=membership.workspace, membership=membership, archived=False)
        .filter(is_template=False)
        .annotate(open_items=Count("items", filter=Q(items__archived_at__isnull=True)))
        .order_by("name", "id")
    )
    return render(request, "boards/list.html", page_context(
        request, section="boards", boards=list(boards),
        can_create=role_at_least(membership.role, Role.MEMBER), privacies=Privacy.choices))


@require_POST
@workspace_page
def board_create_page(request: HttpRequest, ws: str) -> HttpResponse:
    """The boards page's "New board" form: create the board, then open its table."""
    membership = request.membership  # type: ignore[attr-defined]
    try:
        board = board_create(actor=membership, name=request.POST.get("name", ""),
                             description=request.POST.get("description", "").strip(),
                             privacy=request.POST.get("privacy") or Privacy.WORKSPACE)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("board-list-page", ws=ws)
    return redirect("board-table-page", ws=ws, id=board.pk)
