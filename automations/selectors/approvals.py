"""Reads of approval flows and requests, scoped to a workspace and the viewer.

A member sees the requests on items they can see (private boards included only for their
members) and, whatever the board, the requests they made and those they are or were asked to
decide."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from automations.models import ApprovalFlow, ApprovalRequest, ApprovalStatus, Decision
from boards.selectors import visible_board_ids
from workos.errors import NotFound
from workos.tenancy.models import Membership, Workspace


def flow_list(*, workspace: Workspace) -> QuerySet:
    return (ApprovalFlow.objects.filter(workspace=workspace)
            .annotate(pending_requests=Count(
                "requests", filter=Q(requests__status=ApprovalStatus.PENDING)))
            .order_by("name", "id"))


def flow_get(*, workspace: Workspace, id: int) -> ApprovalFlow:
    flow = flow_list(workspace=workspace).filter(pk=id).first()
    if flow is None:
        raise NotFound("Approval flow not found.")
    return flow


def _waiting_on(membership: Membership) -> Exists:
    return Exists(ApprovalRequest.pending_approvers.through.objects.filter(
        approvalrequest_id=OuterRef("pk"), membership_id=membership.pk))


def _visible(workspace: Workspace, membership: Membership) -> Q:
    decided_by_me = Exists(Decision.objects.filter(request_id=OuterRef("pk"),
                                                   approver_id=membership.pk))
    boards = visible_board_ids(workspace=workspace, membership=membership)
    return (Q(workspace=workspace, item__board__deleted_at__isnull=True)
            & (Q(item__board_id__in=boards) | Q(requested_by=membership)
               | Q(_waiting_on(membership)) | Q(decided_by_me)))


def _pending_prefetch() -> Prefetch:
    return Prefetch("pending_approvers", queryset=Membership.all_objects.only("id"))


def request_list(*, workspace: Workspace, membership: Membership, mine: bool = False,
                 status: str | None = None, item: int | None = None, flow: int | None = None
                 ) -> QuerySet:
    """Visible requests, newest first; `mine`: pending ones waiting for the viewer."""
    where = _visible(workspace, membership)
    if mine:
        where &= Q(status=ApprovalStatus.PENDING) & Q(_waiting_on(membership))
    exact = {"status": status, "item_id": item, "flow_id": flow}
    where &= Q(**{k: v for k, v in exact.items() if v is not None})
    return (ApprovalRequest.objects.filter(where)
            .select_related("flow", "item")
            .prefetch_related(_pending_prefetch())
            .order_by("-id"))


def request_get(*, workspace: Workspace, membership: Membership, id: int) -> ApprovalRequest:
    """One visible request with its decisions (and who made them)."""
    request = (
        request_list(workspace=workspace, membership=membership)
        .select_related("requested_by__user", "item__board")
        .prefetch_related(Prefetch(
            "decisions", queryset=Decision.objects.select_related("approver__user")))
        .filter(pk=id).first()
    )
    if request is None:
        raise NotFound("Approval request not found.")
    return request


def step_states(request: ApprovalRequest) -> list[dict[str, Any]]:
    """Each step of the request's copy with its state: approved, rejected, skipped, pending,
    waiting (not reached yet), not_reached (the request ended before it) or cancelled; and
    who was asked, who still has to decide, and to whom it was escalated."""
    by_step: dict[int, list[Decision]] = {}
    for decision in request.decisions.all():
        by_step.setdefault(decision.step, []).append(decision)
    pending = [m.pk for m in request.pending_approvers.all()]
    out = []
    for index, step in enumerate(request.steps):
        kinds = {d.decision for d in by_step.get(index, [])}
        if "skipped" in kinds:
            state = "skipped"
        elif "reject" in kinds:
            state = "rejected"
        elif index < request.current_step or (
                index == request.current_step and request.status == ApprovalStatus.APPROVED):
            state = "approved"
        elif index == request.current_step:
            state = {ApprovalStatus.PENDING: "pending",
                     ApprovalStatus.CANCELLED: "cancelled"}.get(request.status, "rejected")
        else:
            state = "waiting" if request.status == ApprovalStatus.PENDING else "not_reached"
        current = index == request.current_step and request.status == ApprovalStatus.PENDING
        out.append({
            "index": index, "name": step.get("name", ""), "approvers": step.get("approvers"),
            "when": step.get("when") or None, "deadline_hours": step.get("deadline_hours"),
            "state": state, "mode": step.get("asked_mode"), "asked": step.get("asked", []),
            "asked_via": step.get("asked_via"), "escalated_to": step.get("escalated_to", []),
            "pending": pending if current else [],
            "due_at": request.step_due_at if current else None,
        })
    return out
