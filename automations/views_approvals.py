"""The approval decision page, where e-mail and in-app notifications lead: the request's item,
requester, steps and earlier decisions, with Approve / Reject for a pending approver of the
current step. Everyone else who may see the request sees it read-only; another workspace's
request, or one the viewer may not see, is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from automations.models import ApprovalRequest, ApprovalStatus
from automations.selectors.approvals import request_get, step_states
from automations.services.approvals import approval_decide
from workos.errors import DomainError
from workos.pages import page_context, workspace_page
from workos.tenancy.models import Membership, Team


def _names(workspace_id: int, ids: set[int]) -> dict[int, str]:
    members = Membership.all_objects.filter(workspace_id=workspace_id, id__in=ids)
    return {m.pk: m.display_name for m in members.select_related("user")}


def _approvers_label(spec: dict[str, Any], names: dict[int, str], teams: dict[int, str]
                     ) -> str:
    mode = " (all of them)" if spec.get("mode") == "all" else " (any one)"
    if spec.get("kind") == "manager":
        return "The requester's manager"
    if spec.get("kind") == "team":
        return f"Team {teams.get(spec.get('team'), '(removed)')}{mode}"
    people = ", ".join(names.get(i, f"member {i}") for i in spec.get("people", []))
    return f"{people}{mode}"


def _steps(approval: ApprovalRequest) -> list[dict[str, Any]]:
    steps = step_states(approval)
    ids: set[int] = set()
    for step in steps:
        ids.update(step["asked"], step["escalated_to"], step["pending"],
                   (step["approvers"] or {}).get("people", []))
    names = _names(approval.workspace_id, ids)
    team_ids = [s["approvers"].get("team") for s in steps if s["approvers"]]
    teams = dict(Team.objects.filter(workspace_id=approval.workspace_id, id__in=[
        t for t in team_ids if t]).values_list("id", "name"))
    for step in steps:
        step["number"] = step["index"] + 1
        step["approvers_label"] = _approvers_label(step["approvers"] or {}, names, teams)
        step["asked_names"] = [names.get(i, "") for i in step["asked"]]
        step["pending_names"] = [names.get(i, "") for i in step["pending"]]
        step["escalated_names"] = [names.get(i, "") for i in step["escalated_to"]]
    return steps


@require_http_methods(["GET", "POST"])
@workspace_page
def approval_page(request: HttpRequest, ws: str, id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    approval = request_get(workspace=membership.workspace, membership=membership, id=id)
    error, code = "", 200
    if request.method == "POST":
        try:
            approval_decide(actor=membership, request=approval,
                            decision=request.POST.get("decision", ""),
                            comment=request.POST.get("comment", ""))
        except DomainError as exc:
            error, code = exc.message, exc.status
        else:
            word = "approved" if request.POST.get("decision") == "approve" else "rejected"
            messages.success(request, f"You {word} '{approval.item.name}'.")
            return redirect("approval-page", ws=ws, id=id)
    can_decide = approval.status == ApprovalStatus.PENDING and any(
        m.pk == membership.pk for m in approval.pending_approvers.all())
    context = page_context(
        request, section="approvals", approval=approval,
        steps=_steps(approval), decisions=list(approval.decisions.all()),
        can_decide=can_decide, error=error,
        comment=request.POST.get("comment", "") if error else "",
        requester=(approval.requested_by.display_name if approval.requested_by_id
                   else approval.requester_email or "someone outside the workspace"),
    )
    return render(request, "approvals/decide.html", context, status=code)
