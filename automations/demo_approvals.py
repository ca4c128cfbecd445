"""Demo purchase approvals: a "Purchase requests" board, a two-step "Purchase request" flow (the
requester's manager, then Finance, any one of them, only above 1,000 in the workspace's
currency), managers for the demo people, and three requests: one waiting for its manager, one
approved by manager and Finance, one rejected by Finance. With request intake present, also a
members' "Purchase request" form on the board that starts the flow."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from automations.models import ApprovalFlow, ApprovalRequest, Form
from automations.services.actor import is_automation_user
from automations.services.approvals import approval_decide, approval_start, flow_create
from automations.services.intake import form_create
from boards.models import Board, StatusCategory
from boards.services import board_create, column_create, item_create, status_create
from workos.tenancy.models import Membership, Role, Team, Workspace
from workos.tenancy.services import member_update

FLOW_NAME = "Purchase request"
BOARD_NAME = "Purchase requests"
FINANCE_ABOVE = 1000


@dataclass
class PurchaseDemo:
    flow: ApprovalFlow
    board: Board
    requests: list[ApprovalRequest] = field(default_factory=list)
    form: Any = None


def _owner(workspace: Workspace) -> Membership | None:
    return (Membership.objects.filter(workspace=workspace, role=Role.OWNER)
            .select_related("workspace", "user").order_by("id").first())


def give_managers(owner: Membership) -> None:
    """Members without a manager report to the lead of a team they are in, else to the owner
    (who reports to nobody)."""
    people = (Membership.objects.filter(workspace=owner.workspace, manager__isnull=True)
              .exclude(role=Role.GUEST).exclude(pk=owner.pk).select_related("user"))
    leads = {t.pk: t.lead for t in Team.objects.filter(workspace=owner.workspace)
             .select_related("lead")}
    for person in people:
        if is_automation_user(person.user.email):
            continue
        team_ids = person.teams.values_list("id", flat=True)
        lead = next((leads[t] for t in team_ids if leads.get(t) is not None
                     and leads[t].pk != person.pk and leads[t].removed_at is None), None)
        member_update(actor=owner, membership=person, manager=lead or owner)


def _board(owner: Membership) -> Board:
    board = Board.objects.filter(workspace=owner.workspace, name=BOARD_NAME,
                                 deleted_at__isnull=True).first()
    if board is not None:
        return board
    board = board_create(actor=owner, name=BOARD_NAME,
                         description="What the company buys, from request to order.",
                         groups=["Requests", "Ordered"])
    status_create(actor=owner, board=board, name="Approved", category=StatusCategory.DONE)
    status_create(actor=owner, board=board, name="Rejected", category=StatusCategory.CANCELLED)
    column_create(actor=owner, board=board, title="Amount", type="money", key="amount",
                  settings={"currency": owner.workspace.currency})
    column_create(actor=owner, board=board, title="Why", type="long_text", key="why")
    return board


def _flow(owner: Membership) -> ApprovalFlow:
    finance = Team.objects.filter(workspace=owner.workspace, name="Finance").first()
    second: dict[str, Any] = {
        "name": "Finance",
        "approvers": ({"kind": "team", "team": finance.pk, "mode": "any"} if finance
                      else {"kind": "people", "people": [owner.pk]}),
        "when": {"all": [{"type": "column", "config": {"column": "amount", "op": "gt",
                                                        "value": FINANCE_ABOVE}}]},
        "deadline_hours": 72, "remind_hours_before": 24, "fallback": owner.pk,
    }
    return flow_create(
        actor=owner, name=FLOW_NAME,
        description=(f"The requester's manager approves; Finance too above {FINANCE_ABOVE:,} "
                     f"{owner.workspace.currency}."),
        steps=[{"name": "Manager", "approvers": {"kind": "manager"}, "deadline_hours": 48,
                "remind_hours_before": 24, "fallback": owner.pk}, second],
        on_approved={"status": "Approved", "status_category": "done",
                     "notify": ["requester", "assignees"]},
        on_rejected={"status": "Rejected", "status_category": "cancelled",
                     "notify": ["requester"]},
    )


def _form(owner: Membership, board: Board, flow: ApprovalFlow) -> Form:
    return form_create(
        actor=owner, board=board, name=FLOW_NAME, access="members", approval_flow=flow,
        fields=[
            {"key": "what", "label": "What do you need?", "type": "text", "maps_to": "name",
             "required": True},
            {"key": "amount", "label": f"Amount ({owner.workspace.currency})", "type": "money",
             "maps_to": "values.amount", "required": True},
            {"key": "why", "label": "Why?", "type": "long_text", "maps_to": "values.why",
             "required": True},
        ],
    )


def _request(flow: ApprovalFlow, board: Board, by: Membership, name: str, amount: str,
             why: str, decisions: list[tuple[str, str]]) -> ApprovalRequest:
    item = item_create(actor=by, board=board, fields={
        "name": name, "due_date": timezone.localdate() + timedelta(days=14),
        "values": {"amount": amount, "why": why}})
    request = approval_start(actor=by, flow=flow, item=item, requested_by=by,
                             requester_email=by.user.email)
    for decision, comment in decisions:
        approver = request.pending_approvers.select_related("workspace", "user").first()
        approval_decide(actor=approver, request=request, decision=decision, comment=comment)
        request.refresh_from_db()
    return request


def seed_purchase_approvals(workspace: Workspace) -> PurchaseDemo | None:
    """The purchase demo, once: a workspace that has the flow already is left alone."""
    owner = _owner(workspace)
    if owner is None:
        return None
    existing = ApprovalFlow.objects.filter(workspace=workspace, name=FLOW_NAME).first()
    if existing is not None:
        return PurchaseDemo(flow=existing, board=_board(owner))
    give_managers(owner)
    board = _board(owner)
    flow = _flow(owner)
    demo = PurchaseDemo(flow=flow, board=board, form=_form(owner, board, flow))
    people = list(Membership.objects.filter(workspace=workspace, role=Role.MEMBER,
                                            manager__isnull=False)
                  .select_related("workspace", "user").order_by("id"))
    people = [p for p in people if not is_automation_user(p.user.email)] or [owner]
    by = [people[i % len(people)] for i in range(3)]
    demo.requests = [
        _request(flow, board, by[0], "Standing desk", "450.00",
                 "Back trouble; the office has none left.", []),
        _request(flow, board, by[1], "Laptop for the new designer", "1850.00",
                 "Starts on the 1st; needs a machine that runs the design tools.",
                 [("approve", "Yes, she starts soon."), ("approve", "Within the IT budget.")]),
        _request(flow, board, by[2], "Conference tickets for the team", "2400.00",
                 "Three people to the industry conference.",
                 [("approve", "Good for the team."),
                  ("reject", "Travel budget is spent this quarter; ask again in January.")]),
    ]
    return demo
