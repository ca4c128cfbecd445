"""The workspace home page and the root redirect."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dashboards.selectors import home_overview
from workos.errors import NotFound
from workos.tenancy.selectors import membership_for, user_memberships


@login_required
def root(request: HttpRequest) -> HttpResponse:
    first = user_memberships(user=request.user).first()
    if first is None:
        return render(request, "dashboards/no_workspace.html")
    return redirect("workspace-home", ws=first.workspace.slug)


@login_required
def workspace_home(request: HttpRequest, ws: str) -> HttpResponse:
    try:
        membership = membership_for(user=request.user, workspace_slug=ws)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = {
        "section": "home",
        "workspace": membership.workspace,
        "membership": membership,
        **home_overview(workspace=membership.workspace, membership=membership),
    }
    return render(request, "dashboards/home.html", context)
