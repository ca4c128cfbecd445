"""What the approval tests share: a purchase board with an amount column and Approved / Rejected
statuses, made through the services; flows saved through the flow service; and a team."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from automations.models import ApprovalFlow, ApprovalRequest
from automations.services.approvals import approval_start, flow_create
from boards.models import Board, Item, StatusCategory
from boards.services import board_create, column_create, item_create, status_create
from tests.factories import MembershipFactory, TeamFactory
from workos.tenancy.models import Membership, Role, Team


@dataclass
class Purchases:
    board: Board
    finance: Team
    accountants: list[Membership]

    def item(self, by: Membership, name: str = "Laptop", amount: str = "500.00",
             **fields: Any) -> Item:
        return item_create(actor=by, board=self.board,
                           fields={"name": name, "values": {"amount": amount}, **fields})


def purchases(people: Any) -> Purchases:
    board = board_create(actor=people.owner, name="Purchases", groups=["Requests", "Ordered"])
    status_create(actor=people.owner, board=board, name="Approved",
                  category=StatusCategory.DONE)
    column_create(actor=people.owner, board=board, title="Amount", type="money", key="amount")
    accountants = [MembershipFactory(workspace=people.workspace, role=Role.MEMBER)
                   for _ in range(3)]
    finance = TeamFactory(workspace=people.workspace, name="Finance")
    finance.members.add(*accountants)
    return Purchases(board=board, finance=finance, accountants=accountants)


def shop_for(people: Any) -> Purchases:
    """The purchase board, with the admin as the member's manager (each test file's `shop`
    fixture)."""
    people.member.manager = people.admin
    people.member.save()
    return purchases(people)


def manager_step(**extra: Any) -> dict[str, Any]:
    return {"name": "Manager", "approvers": {"kind": "manager"}, **extra}


def team_step(team: Team, mode: str = "any", **extra: Any) -> dict[str, Any]:
    return {"name": "Finance", "approvers": {"kind": "team", "team": team.pk, "mode": mode},
            **extra}


def above(amount: int) -> dict[str, Any]:
    return {"all": [{"type": "column",
                     "config": {"column": "amount", "op": "gt", "value": amount}}]}


def make_flow(owner: Membership, *steps: dict[str, Any], **fields: Any) -> ApprovalFlow:
    return flow_create(actor=owner, name=fields.pop("name", "Purchase"), steps=list(steps),
                       **fields)


def start(flow: ApprovalFlow, item: Item, by: Membership) -> ApprovalRequest:
    return approval_start(actor=by, flow=flow, item=item, requested_by=by,
                          requester_email=by.user.email)


def pending_of(request: ApprovalRequest) -> set[int]:
    return set(request.pending_approvers.values_list("id", flat=True))
