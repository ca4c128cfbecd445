"""Approval requests: starting a flow on an item, deciding its steps, withdrawing it, and the
deadline sweep (reminders and escalation). Flows themselves are managed in
`approval_flows` (re-exported here); the state machine's moves are in `approval_steps`.

A request runs its own copy of the flow's steps, one at a time: a step whose `when` condition
does not hold for the item is skipped (a "skipped" decision), the others wait for their
approvers. Any rejection rejects the whole request; approving the last step approves it. Each
decision is an `approval.step_decided` activity on the item (its history), and the outcome an
`approval.decided` one with data {"decision", "flow", "request"} that rules can trigger on.

Deadlines: a step with `deadline_hours` is due that long after it starts. The sweep reminds its
pending approvers once, `remind_hours_before` the deadline; when the deadline passes it
escalates once: the step's fallback approver (else the workspace's owners and admins) joins the
pending approvers and may complete the step alone. The deadline is not moved: the step shows
as overdue until decided, and is never escalated again. The next step starts a fresh clock.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from automations.models import (
    ApprovalFlow,
    ApprovalRequest,
    ApprovalStatus,
    Decision,
    DecisionKind,
    Submission,
)
from automations.services import approval_notices as notices
from automations.services.approval_flows import flow_create, flow_delete, flow_update
from automations.services.approval_steps import advance, fallback_people, finish
from boards.models import Item
from boards.selectors import board_role, board_role_at_least
from boards.services.access import require_board_role
from workos.activity.services import activity_record
from workos.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership, Role, role_at_least

__all__ = [
    "approval_cancel", "approval_decide", "approval_start", "approvals_sweep", "flow_create",
    "flow_delete", "flow_update",
]

DECISIONS = ("approve", "reject")
MAX_COMMENT = 5000
SWEEP_BATCH = 500


def _lock(request: ApprovalRequest) -> ApprovalRequest:
    return (ApprovalRequest.objects.select_for_update(of=("self",))
            .select_related("flow", "workspace", "item__board", "requested_by")
            .get(pk=request.pk))


def _item_data(request: ApprovalRequest, **extra: Any) -> dict[str, Any]:
    return {"board": request.item.board_id, "flow": request.flow_id, "request": request.pk,
            **extra}


@transaction.atomic
def approval_start(*, actor: Membership, flow: ApprovalFlow, item: Item,
                   requested_by: Membership | None, requester_email: str = "",
                   submission: Submission | None = None) -> ApprovalRequest:
    """Start `flow` on `item` for `requested_by` (None for someone outside the workspace,
    known by `requester_email`). The actor must be a member who can see the item's board,
    unless the request comes from a form's `submission` (the form's access rules let it in);
    one request per (flow, item) is pending at a time. A flow none of whose steps apply to the
    item approves it at once."""
    ws = actor.workspace
    if flow.workspace_id != ws.pk or item.workspace_id != ws.pk:
        raise NotFound("Approval flow or item not found.")
    if not role_at_least(actor.role, Role.MEMBER):
        raise PermissionDenied(f"Asking for approval needs the member role or higher; you are "
                               f"{actor.role}.")
    if requested_by is not None and requested_by.workspace_id != ws.pk:
        raise ValidationFailed("The requester is not a member of this workspace.",
                               fields={"requested_by": ["Not a member here."]})
    if submission is not None and submission.workspace_id != ws.pk:
        raise NotFound("Submission not found.")
    item = Item.objects.select_for_update(of=("self",)).select_related("board").get(pk=item.pk)
    if submission is None:
        # A submission was let in by its form's access rules; anyone else must see the board.
        require_board_role(board=item.board, actor=actor, minimum="viewer",
                           doing="Asking for approval")
    if not flow.enabled:
        raise Conflict(f"The approval flow '{flow.name}' is disabled; an admin can enable it.")
    if item.archived_at is not None:
        raise Conflict(f"'{item.name}' is archived; restore it before asking for approval.")
    open_request = ApprovalRequest.objects.filter(flow=flow, item=item,
                                                  status=ApprovalStatus.PENDING).first()
    if open_request is not None:
        raise Conflict(f"'{item.name}' already waits for '{flow.name}' (request "
                       f"{open_request.pk}); decide or cancel that one first.")
    now = timezone.now()
    request = ApprovalRequest.objects.create(
        workspace=ws, flow=flow, item=item, steps=copy.deepcopy(flow.steps),
        requested_by=requested_by, requester_email=(requester_email or "")[:254],
        submission=submission, step_started_at=now,
    )
    started = activity_record(
        workspace=ws, actor=actor.user, verb="approval.requested", target=item,
        data=_item_data(request, requested_by=requested_by.pk if requested_by else None,
                        submission=submission.pk if submission else None),
    )
    if not advance(request, 0, now, actor):
        finish(request, ApprovalStatus.APPROVED, now, started, actor=None)
    return request


def _check_decision(decision: str, comment: str) -> str:
    if decision not in DECISIONS:
        raise ValidationFailed("decision is approve or reject.",
                               fields={"decision": ["Use approve or reject."]})
    comment = (comment or "").strip()
    if decision == "reject" and not comment:
        raise ValidationFailed("Say why you reject it: the requester reads your comment.",
                               fields={"comment": ["Required when rejecting."]})
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed(f"Keep the comment under {MAX_COMMENT} characters.",
                               fields={"comment": ["Too long."]})
    return comment


def _closed(request: ApprovalRequest) -> Conflict:
    when = f" on {request.decided_at:%Y-%m-%d}" if request.decided_at else ""
    return Conflict(f"This request was already {request.status}{when}; nothing is left to "
                    "decide.")


@transaction.atomic
def approval_decide(*, actor: Membership, request: ApprovalRequest, decision: str,
                    comment: str = "", now: dt.datetime | None = None) -> ApprovalRequest:
    """Approve or reject the current step as one of its pending approvers."""
    comment = _check_decision(decision, comment)
    moment = now or timezone.now()
    request = _lock(request)
    if request.workspace_id != actor.workspace_id:
        raise NotFound("Approval request not found.")
    if request.status != ApprovalStatus.PENDING:
        raise _closed(request)
    pending = set(request.pending_approvers.values_list("id", flat=True))
    step = request.steps[request.current_step]
    if actor.pk not in pending:
        raise PermissionDenied(f"Only the pending approvers of step {request.current_step + 1} "
                               f"('{step['name']}') decide it now, and you are not one.")
    row = Decision.objects.create(request=request, step=request.current_step, approver=actor,
                                  decision=decision, comment=comment)
    if now is not None:
        Decision.objects.filter(pk=row.pk).update(decided_at=moment)
    decided = activity_record(
        workspace=request.workspace, actor=actor.user, verb="approval.step_decided",
        target=request.item,
        data=_item_data(request, step=request.current_step, step_name=step["name"],
                        decision=decision, comment=comment, approver=actor.pk),
    )
    if decision == "reject":
        finish(request, ApprovalStatus.REJECTED, moment, decided, actor, comment)
        return request
    escalated = set(step.get("escalated_to", []))
    if step.get("asked_mode") == "all" and actor.pk not in escalated:
        request.pending_approvers.remove(actor)
        if pending - {actor.pk} - escalated:
            return request
    if not advance(request, request.current_step + 1, moment, actor):
        finish(request, ApprovalStatus.APPROVED, moment, decided, actor)
    return request


@transaction.atomic
def approval_cancel(*, actor: Membership, request: ApprovalRequest, reason: str = ""
                    ) -> ApprovalRequest:
    """Withdraw a pending request: its requester, or an editor of the item's board."""
    request = _lock(request)
    if request.workspace_id != actor.workspace_id:
        raise NotFound("Approval request not found.")
    if request.status != ApprovalStatus.PENDING:
        raise _closed(request)
    if request.requested_by_id != actor.pk and not board_role_at_least(
            board_role(request.item.board, actor), "editor"):
        raise PermissionDenied("Only the requester or an editor of the item's board cancels a "
                               "request.")
    reason = (reason or "").strip()[:MAX_COMMENT]
    waiting = list(request.pending_approvers.all())
    request.status = ApprovalStatus.CANCELLED
    request.decided_at = timezone.now()
    request.save()
    request.pending_approvers.clear()
    activity_record(workspace=request.workspace, actor=actor.user, verb="approval.cancelled",
                    target=request.item, data=_item_data(request, reason=reason))
    notices.cancelled(request, waiting, actor, reason)
    return request


# --- the deadline sweep ------------------------------------------------------------------------


def _escalate(request_id: int, now: dt.datetime) -> bool:
    with transaction.atomic():
        request = (ApprovalRequest.objects.select_for_update(of=("self",), skip_locked=True)
                   .select_related("flow", "workspace", "item__board", "requested_by")
                   .filter(pk=request_id, status=ApprovalStatus.PENDING,
                           escalated_at__isnull=True, step_due_at__lte=now).first())
        if request is None:
            return False
        step = request.steps[request.current_step]
        people, via = fallback_people(request, step)
        request.pending_approvers.add(*people)
        step["escalated_to"] = [m.pk for m in people]
        step["escalated_via"] = via
        request.escalated_at = now
        request.save()
        names = ", ".join(m.display_name for m in people)
        rows = Decision.objects.bulk_create([
            Decision(request=request, step=request.current_step, approver=m,
                     decision=DecisionKind.ESCALATED,
                     comment=f"The deadline passed; escalated to {names}.")
            for m in people])
        Decision.objects.filter(pk__in=[r.pk for r in rows if r.pk]).update(decided_at=now)
        activity_record(workspace=request.workspace, actor=None, verb="approval.escalated",
                        target=request.item,
                        data=_item_data(request, step=request.current_step,
                                        escalated_to=step["escalated_to"]))
        notices.escalated_to(request, people)
        return True


def _remind(request_id: int, step: int, now: dt.datetime) -> bool:
    with transaction.atomic():
        claimed = ApprovalRequest.objects.filter(
            pk=request_id, status=ApprovalStatus.PENDING, current_step=step,
            reminded_at__isnull=True, escalated_at__isnull=True).update(reminded_at=now)
        if not claimed:
            return False
        request = (ApprovalRequest.objects.select_related("flow", "workspace", "item__board")
                   .get(pk=request_id))
        notices.approvers_reminded(request, list(request.pending_approvers.all()))
        return True


def approvals_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remind and escalate what is due; safe to run from several workers at once (each
    reminder and escalation is claimed once). Counts of what was done."""
    now = now or timezone.now()
    overdue = list(ApprovalRequest.objects.filter(
        status=ApprovalStatus.PENDING, escalated_at__isnull=True, step_due_at__lte=now)
        .order_by("step_due_at").values_list("id", flat=True)[:SWEEP_BATCH])
    escalated = sum(_escalate(request_id, now) for request_id in overdue)
    upcoming = ApprovalRequest.objects.filter(
        status=ApprovalStatus.PENDING, reminded_at__isnull=True, escalated_at__isnull=True,
        step_due_at__gt=now).order_by("step_due_at").values_list(
        "id", "current_step", "steps", "step_due_at")[:SWEEP_BATCH]
    reminded = 0
    for request_id, index, steps, due in upcoming:
        hours = steps[index].get("remind_hours_before") if index < len(steps) else None
        if hours and now >= due - dt.timedelta(hours=hours):
            reminded += _remind(request_id, index, now)
    return {"reminded": reminded, "escalated": escalated}
