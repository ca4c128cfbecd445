"""An approval request walks its steps: managers, teams with "any one" or "all", conditions
that skip a step, rejection with a reason, and the outcome applied to the item."""

import pytest
from django.core import mail

from automations.models import ApprovalRequest, Decision
from automations.services.approvals import approval_cancel, approval_decide, approval_start
from boards.models import Item, Privacy
from boards.services import board_update
from tests.automations.approvals_setup import (
    above,
    make_flow,
    manager_step,
    pending_of,
    shop_for,
    start,
    team_step,
)
from tests.automations.rules_setup import dispatch, rule, runs_of, then, when
from tests.factories import FormFactory, SubmissionFactory
from workos.activity.models import Activity, Notification
from workos.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


@pytest.fixture
def shop(people):
    return shop_for(people)


def decide(member, request, decision="approve", comment=""):
    return approval_decide(actor=member, request=request, decision=decision, comment=comment)


def test_sequential_steps_ask_the_manager_then_finance_and_apply_the_outcome(people, shop):
    flow = make_flow(people.owner, manager_step(), team_step(shop.finance),
                     on_approved={"status": "Approved", "group": "Ordered"})
    item = shop.item(people.member, amount="1500.00")
    request = start(flow, item, people.member)
    assert request.current_step == 0 and pending_of(request) == {people.admin.pk}

    decide(people.admin, request, comment="Fine by me")
    request.refresh_from_db()
    assert request.status == "pending" and request.current_step == 1
    assert pending_of(request) == {m.pk for m in shop.accountants}

    decide(shop.accountants[1], request)
    request.refresh_from_db()
    item.refresh_from_db()
    assert request.status == "approved" and request.decided_at is not None
    assert pending_of(request) == set()
    assert item.status.name == "Approved" and item.group.name == "Ordered"
    assert item.completed_at is not None
    change = Activity.objects.filter(verb="item.updated", target_id=item.pk).latest("id")
    assert change.actor_label == f"Approval: {flow.name}"


def test_any_one_of_a_team_completes_the_step(people, shop):
    flow = make_flow(people.owner, team_step(shop.finance, mode="any"))
    request = start(flow, shop.item(people.member), people.member)
    decide(shop.accountants[0], request)
    request.refresh_from_db()
    assert request.status == "approved"
    with pytest.raises(Conflict, match="already approved"):
        decide(shop.accountants[1], request)


def test_all_of_a_team_approve_one_by_one(people, shop):
    flow = make_flow(people.owner, team_step(shop.finance, mode="all"))
    request = start(flow, shop.item(people.member), people.member)
    first, second, third = shop.accountants
    decide(first, request)
    assert pending_of(request) == {second.pk, third.pk}
    with pytest.raises(PermissionDenied):
        decide(first, request)  # already approved: no longer pending
    decide(third, request)
    request.refresh_from_db()
    assert request.status == "pending" and pending_of(request) == {second.pk}
    decide(second, request)
    request.refresh_from_db()
    assert request.status == "approved"
    assert Decision.objects.filter(request=request, decision="approve").count() == 3


def test_a_rejection_needs_a_reason_and_rejects_the_whole_request(people, shop):
    flow = make_flow(people.owner, team_step(shop.finance, mode="all"), manager_step(),
                     on_rejected={"status": "Rejected", "status_category": "cancelled"})
    item = shop.item(people.member)
    request = start(flow, item, people.member)
    decide(shop.accountants[0], request)
    with pytest.raises(ValidationFailed) as refused:
        decide(shop.accountants[1], request, "reject")
    assert "comment" in refused.value.fields
    decide(shop.accountants[1], request, "reject", "Over budget this quarter")
    request.refresh_from_db()
    item.refresh_from_db()
    assert request.status == "rejected" and pending_of(request) == set()
    # No "Rejected" status on this board: the cancelled category stands in.
    assert item.status.name == "Cancelled"
    rejection = Decision.objects.get(request=request, decision="reject")
    assert rejection.comment == "Over budget this quarter"
    assert rejection.approver == shop.accountants[1]


def test_a_step_whose_condition_does_not_hold_is_skipped(people, shop):
    flow = make_flow(people.owner, manager_step(), team_step(shop.finance, when=above(1000)))
    small = start(flow, shop.item(people.member, amount="400.00"), people.member)
    decide(people.admin, small)
    small.refresh_from_db()
    assert small.status == "approved"
    assert list(small.decisions.values_list("step", "decision")) == [
        (0, "approve"), (1, "skipped")]

    big = start(flow, shop.item(people.member, "Server", amount="4000.00"), people.member)
    decide(people.admin, big)
    big.refresh_from_db()
    assert big.status == "pending" and big.current_step == 1


def test_a_flow_with_no_applicable_step_approves_at_once(people, shop):
    flow = make_flow(people.owner, team_step(shop.finance, when=above(1000)),
                     on_approved={"status": "Approved"})
    item = shop.item(people.member, amount="10.00")
    request = start(flow, item, people.member)
    item.refresh_from_db()
    assert request.status == "approved" and item.status.name == "Approved"


def test_approvers_come_from_the_manager_else_the_fallback_else_the_admins(people, shop):
    flow = make_flow(people.owner, manager_step())
    assert pending_of(start(flow, shop.item(people.member), people.member)) == {people.admin.pk}

    # The admin has no manager and there is no fallback: the other owners and admins decide.
    request = start(flow, shop.item(people.admin), people.admin)
    assert pending_of(request) == {people.owner.pk}
    assert request.steps[0]["asked_via"] == "admins"

    with_fallback = make_flow(people.owner, manager_step(fallback=shop.accountants[0].pk),
                              name="With fallback")
    request = start(with_fallback, shop.item(people.admin), people.admin)
    assert pending_of(request) == {shop.accountants[0].pk}


def test_nobody_approves_their_own_request(people, shop):
    flow = make_flow(people.owner, team_step(shop.finance, mode="all"))
    requester = shop.accountants[0]
    request = start(flow, shop.item(requester), requester)
    assert pending_of(request) == {m.pk for m in shop.accountants[1:]}


def test_only_a_pending_approver_decides_and_a_decided_request_is_a_conflict(people, shop):
    flow = make_flow(people.owner, manager_step())
    request = start(flow, shop.item(people.member), people.member)
    with pytest.raises(PermissionDenied, match="pending approvers of step 1"):
        decide(people.owner, request)
    decide(people.admin, request)
    with pytest.raises(Conflict):
        decide(people.admin, request)
    with pytest.raises(Conflict):
        approval_cancel(actor=people.member, request=request, reason="")


def test_one_pending_request_per_flow_and_item(people, shop):
    flow = make_flow(people.owner, manager_step())
    item = shop.item(people.member)
    first = start(flow, item, people.member)
    with pytest.raises(Conflict, match="already waits"):
        start(flow, item, people.member)
    approval_cancel(actor=people.member, request=first, reason="Bought it myself")
    assert start(flow, item, people.member).status == "pending"


def test_a_disabled_flow_or_a_guest_cannot_start_a_request(people, shop):
    flow = make_flow(people.owner, manager_step(), enabled=False)
    with pytest.raises(Conflict, match="disabled"):
        start(flow, shop.item(people.member), people.member)
    flow.enabled = True
    flow.save()
    with pytest.raises(PermissionDenied):
        approval_start(actor=people.guest, flow=flow, item=shop.item(people.member),
                       requested_by=people.guest)


def test_a_form_submission_starts_a_flow_on_a_board_the_submitter_cannot_see(people, shop):
    board_update(actor=people.owner, board=shop.board, privacy=Privacy.PRIVATE)
    flow = make_flow(people.owner, manager_step())
    item = shop.item(people.owner)
    with pytest.raises(NotFound):
        start(flow, item, people.member)
    submission = SubmissionFactory(form=FormFactory(board=shop.board, approval_flow=flow),
                                   item=item, submitter=people.member)
    request = approval_start(actor=people.member, flow=flow, item=item,
                             requested_by=people.member, submission=submission)
    assert request.submission == submission and pending_of(request) == {people.admin.pk}


def test_every_decision_is_in_the_items_history_and_the_outcome_is_an_event(people, shop):
    flow = make_flow(people.owner, manager_step())
    item = shop.item(people.member)
    request = start(flow, item, people.member)
    decide(people.admin, request, "reject", "Not now")
    history = {a.verb: a for a in Activity.objects.filter(target_id=item.pk,
                                                          verb__startswith="approval.")}
    assert set(history) == {"approval.requested", "approval.step_decided", "approval.decided"}
    step = history["approval.step_decided"]
    assert step.data["comment"] == "Not now" and step.data["decision"] == "reject"
    assert step.data["approver"] == people.admin.pk
    decided = history["approval.decided"].data
    assert {k: decided[k] for k in ("decision", "flow", "request")} == {
        "decision": "rejected", "flow": flow.pk, "request": request.pk}


def test_a_rule_on_approval_decided_runs_when_a_request_is_approved(people, shop):
    flow = make_flow(people.owner, manager_step())
    on_approved = rule(people.admin, shop.board, when("approval_decided", decision="approved",
                                                      flow=flow.pk),
                       [then("set_field", field="priority", value="high")])
    item = shop.item(people.member)
    decide(people.admin, start(flow, item, people.member))
    dispatch()
    (run,) = runs_of(on_approved)
    assert run.status == "succeeded", run.error
    assert Item.objects.get(pk=item.pk).priority == "high"


def test_approvers_are_notified_and_mailed_a_link_to_the_decision_page(
        people, shop, django_capture_on_commit_callbacks):
    flow = make_flow(people.owner, manager_step(), on_approved={"notify": ["requester"]})
    with django_capture_on_commit_callbacks(execute=True):
        request = start(flow, shop.item(people.member, "Desk"), people.member)
    asked = Notification.objects.get(recipient=people.admin, verb="approval.requested")
    assert asked.link == f"/w/{people.workspace.slug}/approvals/{request.pk}/"
    assert "Approval needed: 'Desk'" in asked.title
    assert [m.to for m in mail.outbox] == [[people.admin.user.email]]
    assert asked.link in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        decide(people.admin, request)
    told = Notification.objects.get(recipient=people.member, verb="approval.approved")
    assert "'Desk' was approved" in told.title
    assert mail.outbox[-1].to == [people.member.user.email]


def test_editing_a_flow_leaves_running_requests_on_their_own_steps(people, shop):
    from automations.services.approvals import flow_update

    flow = make_flow(people.owner, manager_step())
    request = start(flow, shop.item(people.member), people.member)
    flow_update(actor=people.owner, flow=flow, steps=[team_step(shop.finance)])
    decide(people.admin, request)
    assert ApprovalRequest.objects.get(pk=request.pk).status == "approved"
