"""The demo purchase approvals: a two-step flow (manager, then Finance above 1,000) and one
request pending, one approved and one rejected."""

from automations.demo_approvals import seed_purchase_approvals
from automations.models import ApprovalFlow, ApprovalRequest
from workos.tenancy.demo import seed_people
from workos.tenancy.models import Membership, Role


def test_the_purchase_demo_has_a_two_step_flow_and_requests_in_every_state(db):
    seeded = seed_people()
    demo = seed_purchase_approvals(seeded.workspace)
    assert demo is not None and demo.board.name == "Purchase requests"
    steps = demo.flow.steps
    assert [s["approvers"]["kind"] for s in steps] == ["manager", "team"]
    assert steps[1]["when"]["all"][0]["config"] == {"column": "amount", "op": "gt",
                                                    "value": 1000}
    states = {r.item.name: r.status for r in demo.requests}
    assert sorted(states.values()) == ["approved", "pending", "rejected"]
    rejected = next(r for r in demo.requests if r.status == "rejected")
    assert rejected.item.status.name == "Rejected"
    assert rejected.decisions.get(decision="reject").comment.startswith("Travel budget")
    approved = next(r for r in demo.requests if r.status == "approved")
    assert approved.item.status.name == "Approved"
    people = Membership.objects.filter(workspace=seeded.workspace).exclude(
        role__in=[Role.OWNER, Role.GUEST]).exclude(user__email__endswith=".invalid")
    assert people.count() == 6 and all(m.manager_id for m in people)

    assert demo.form.approval_flow == demo.flow and demo.form.board == demo.board
    assert [f["maps_to"] for f in demo.form.fields] == ["name", "values.amount", "values.why"]

    again = seed_purchase_approvals(seeded.workspace)
    assert again.flow == demo.flow
    assert ApprovalFlow.objects.filter(workspace=seeded.workspace).count() == 1
    assert ApprovalRequest.objects.filter(workspace=seeded.workspace).count() == 3
