"""The root redirect, the workspace home ("My work"), the search page, and the approval
status of an item (a fragment the item page loads: boards cannot read approvals, which live
above them). Reads go through `dashboards.selectors`; the pages' writes (stop the timer, mark
notifications read) are calls to the REST API from `static/js/my-work.js`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from boards.selectors import item_get
from dashboards import selectors
from dashboards.approvals import approvals_shown
from workos.pages import page_context, workspace_page
from workos.tenancy.selectors import user_memberships


@login_required
def root(request: HttpRequest) -> HttpResponse:
    first = user_memberships(user=request.user).first()
    if first is None:
        return render(request, "dashboards/no_workspace.html")
    return redirect("workspace-home", ws=first.workspace.slug)


@require_GET
@workspace_page
def workspace_home(request: HttpRequest, ws: str) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    workspace = membership.workspace
    today = selectors.workspace_today(workspace)
    buckets = selectors.my_item_buckets(workspace=workspace, membership=membership,
                                        today=today)
    approvals, approvals_total = selectors.my_pending_approvals(workspace=workspace,
                                                                membership=membership)
    notifications, unread = selectors.my_notifications(membership=membership)
    return render(request, "dashboards/home.html", page_context(
        request, section="home", today=today, buckets=buckets,
        open_total=sum(b.count for b in buckets),
        timer=selectors.my_timer(workspace=workspace, membership=membership),
        approvals=approvals, approvals_total=approvals_total,
        approvals_more=approvals_total - len(approvals),
        notifications=notifications, unread=unread,
        boards=selectors.followed_boards(workspace=workspace, membership=membership),
        projects=selectors.followed_projects(workspace=workspace, membership=membership),
        **selectors.team_overview(workspace=workspace, membership=membership),
    ))


@require_GET
@workspace_page
def search_page(request: HttpRequest, ws: str) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    results = selectors.search(workspace=membership.workspace, membership=membership,
                               text=request.GET.get("q", ""))
    return render(request, "search/page.html", page_context(
        request, section="search", results=results, search_query=results.query))


@require_GET
@workspace_page
def item_approvals(request: HttpRequest, ws: str, id: int) -> HttpResponse:
    """The approval requests on one item, each with its steps and decisions."""
    membership = request.membership  # type: ignore[attr-defined]
    item = item_get(workspace=membership.workspace, membership=membership, id=id)
    requests = selectors.item_approval_requests(workspace=membership.workspace,
                                                membership=membership, item=item)
    return render(request, "dashboards/item_approvals.html", {
        "workspace": membership.workspace, "item": item, "requests": approvals_shown(requests),
    })
