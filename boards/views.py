"""Board pages. The table, Kanban and calendar views of one board live in their own modules;
this one lists the boards a member can see."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from boards.selectors.boards import board_list
from workos.pages import page_context, workspace_page


@workspace_page
def board_list_page(request: HttpRequest, ws: str) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    boards = (
        board_list(workspace=membership.workspace, membership=membership, archived=False)
        .filter(is_template=False)
        .annotate(open_items=Count("items", filter=Q(items__archived_at__isnull=True)))
        .order_by("name", "id")
    )
    return render(request, "boards/list.html",
                  page_context(request, section="boards", boards=list(boards)))
