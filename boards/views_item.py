"""An item's page: every field (edited in place), its Markdown description, sub-items,
dependencies, comments with @mentions, attachments and full history. Time entries with the
timer, and approval status, are parts the page loads from time tracking and dashboards (they
live above boards, which cannot read them).

Asked by htmx (`HX-Request`), the page answers the item alone, for a side panel on a board
page; `?part=<name>` answers one part, which the page's script reloads after a write. Writes
are calls to the REST API from `static/js/item-page.js`; these views only read.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from boards.markdown import description_html, description_source
from boards.models import Item
from boards.selectors.item_detail import (
    board_people,
    item_access,
    item_attachments,
    item_comments,
    item_detail_get,
    item_history,
    item_links,
    item_row,
    item_structure,
    item_sub_items,
)
from boards.selectors.table_page import hides_time
from boards.views_item_fields import item_fields
from boards.views_item_history import history_entries
from workos.pages import page_context, workspace_page
from workos.tenancy.models import Membership, Role, role_at_least
from workos.tenancy.selectors import membership_list

PARTS = ("fields", "description", "sub_items", "links", "comments", "attachments", "history")


def _fields(item: Item, membership: Membership, can_edit: bool) -> dict[str, Any]:
    board = item.board
    statuses, _groups, columns = item_structure(board)
    row = item_row(item, hide_time=hides_time(membership))
    members = [(m.pk, m.display_name) for m in membership_list(workspace=board.workspace)]
    return {"fields": item_fields(row=row, statuses=statuses, columns=columns, members=members,
                                  can_edit=can_edit),
            "version": row["version"]}


def _description(item: Item, membership: Membership, can_edit: bool) -> dict[str, Any]:
    return {"description_html": description_html(item.description),
            "description_source": description_source(item.description)}


def _sub_items(item: Item, membership: Membership, can_edit: bool) -> dict[str, Any]:
    return {"sub_items": item_sub_items(item=item)}


def _links(item: Item, membership: Membership, can_edit: bool) -> dict[str, Any]:
    before, after = item_links(workspace=item.workspace, membership=membership, item=item)
    return {"waits_on": before, "blocks": after}


def _comments(item: Item, membership: Membership, can_edit: bool) -> dict[str, Any]:
    people = [{"id": m.pk, "name": m.display_name} for m in board_people(board=item.board)]
    return {"comments": item_comments(workspace=item.workspace, item=item),
            "mention_people": people}


def _attachments(item: Item, membership: Membership, can_edit: bool) -> dict[str, Any]:
    return {"attachments": item_attachments(workspace=item.workspace, item=item),
            "moderator": role_at_least(membership.role, Role.ADMIN)}


def _history(item: Item, membership: Membership, can_edit: bool,
             before: int | None = None) -> dict[str, Any]:
    rows, more = item_history(workspace=item.workspace, item=item, before=before)
    _statuses, _groups, columns = item_structure(item.board)
    entries = history_entries(workspace=item.workspace, activities=rows, columns=columns)
    return {"history": entries, "history_more": more,
            "history_next": entries[-1].id if entries and more else None}


BUILDERS = {"fields": _fields, "description": _description, "sub_items": _sub_items,
            "links": _links, "comments": _comments, "attachments": _attachments,
            "history": _history}


def _before(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 19 else None


@require_GET
@workspace_page
def item_page(request: HttpRequest, ws: str, id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    item = item_detail_get(workspace=membership.workspace, membership=membership, id=id)
    board = item.board
    access = item_access(item=item, board=board, membership=membership)
    context: dict[str, Any] = {
        "item": item, "board": board, "access": access, "workspace": board.workspace,
        "membership": membership, "project": getattr(board, "project", None),
    }
    part = request.GET.get("part")
    if part is not None:
        if part not in BUILDERS:
            return HttpResponseBadRequest(f"Unknown part; use one of {', '.join(PARTS)}.")
        if part == "history":
            context.update(_history(item, membership, access.can_edit,
                                    before=_before(request.GET.get("before"))))
            template = ("boards/item_history_rows.html" if request.GET.get("before")
                        else "boards/item_history.html")
            return render(request, template, context)
        context.update(BUILDERS[part](item, membership, access.can_edit))
        return render(request, f"boards/item_{part}.html", context)
    for build in BUILDERS.values():
        context.update(build(item, membership, access.can_edit))
    if request.headers.get("HX-Request"):
        return render(request, "boards/item_panel.html", context)
    return render(request, "boards/item_page.html",
                  page_context(request, section="boards", **context))
