"""Deadlines: approvers are reminded once before a step is due, and an overdue step is escalated
once to its fallback approver (or the admins), who may then decide it alone."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from automations.models import Decision
from automations.services.approvals import approval_decide, approvals_sweep
from automations.tasks_approvals import sweep_approvals
from tests.automations.approvals_setup import (
    make_flow,
    manager_step,
    pending_of,
    shop_for,
    start,
    team_step,
)
from workos.activity.models import Notification

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def shop(people):
    return shop_for(people)


def hours(n: float) -> dt.datetime:
    return START + dt.timedelta(hours=n)


def test_approvers_are_reminded_once_before_the_deadline(people, shop):
    flow = make_flow(people.owner, team_step(shop.finance, deadline_hours=48,
                                             remind_hours_before=24))
    with time_machine.travel(START, tick=False):
        request = start(flow, shop.item(people.member), people.member)
    assert request.step_due_at == hours(48)

    with time_machine.travel(hours(23), tick=False):
        assert approvals_sweep() == {"reminded": 0, "escalated": 0}
    with time_machine.travel(hours(25), tick=False):
        assert approvals_sweep() == {"reminded": 1, "escalated": 0}
    with time_machine.travel(hours(30), tick=False):
        assert approvals_sweep() == {"reminded": 0, "escalated": 0}
    reminders = Notification.objects.filter(verb="approval.reminder")
    assert sorted(r.recipient_id for r in reminders) == sorted(m.pk for m in shop.accountants)
    request.refresh_from_db()
    assert request.reminded_at == hours(25)


def test_an_overdue_step_is_escalated_once_to_its_fallback(people, shop):
    fallback = people.owner
    flow = make_flow(people.owner, manager_step(deadline_hours=24, fallback=fallback.pk))
    with time_machine.travel(START, tick=False):
        request = start(flow, shop.item(people.member), people.member)

    with time_machine.travel(hours(23.9), tick=False):
        assert approvals_sweep()["escalated"] == 0
    with time_machine.travel(hours(24), tick=False):
        assert approvals_sweep()["escalated"] == 1
    with time_machine.travel(hours(72), tick=False):
        assert approvals_sweep()["escalated"] == 0

    request.refresh_from_db()
    assert request.escalated_at == hours(24)
    assert pending_of(request) == {people.admin.pk, fallback.pk}
    assert request.step_due_at == hours(24)  # not moved: the step shows as overdue
    (escalation,) = Decision.objects.filter(request=request, decision="escalated")
    assert escalation.approver == fallback and escalation.decided_at == hours(24)
    assert Notification.objects.filter(recipient=fallback, verb="approval.escalated").exists()


def test_the_fallback_completes_an_all_step_alone_and_the_next_step_has_a_fresh_clock(
        people, shop):
    flow = make_flow(people.owner,
                     team_step(shop.finance, mode="all", deadline_hours=8,
                               fallback=people.owner.pk),
                     manager_step(deadline_hours=24, remind_hours_before=4))
    with time_machine.travel(START, tick=False):
        request = start(flow, shop.item(people.member), people.member)
        approval_decide(actor=shop.accountants[0], request=request, decision="approve")
    with time_machine.travel(hours(9), tick=False):
        sweep_approvals()  # the beat's task
        approval_decide(actor=people.owner, request=request, decision="approve",
                        comment="Approving for Finance, who are away.")
    request.refresh_from_db()
    assert request.current_step == 1 and pending_of(request) == {people.admin.pk}
    assert request.step_due_at == hours(9 + 24)
    assert request.escalated_at is None and request.reminded_at is None
    with time_machine.travel(hours(9 + 21), tick=False):
        assert approvals_sweep() == {"reminded": 1, "escalated": 0}


def test_without_a_fallback_the_admins_are_escalated_to(people, shop):
    flow = make_flow(people.owner, team_step(shop.finance, deadline_hours=1))
    with time_machine.travel(START, tick=False):
        request = start(flow, shop.item(people.member), people.member)
    approvals_sweep(now=hours(2))
    request.refresh_from_db()
    assert pending_of(request) == {m.pk for m in shop.accountants} | {
        people.owner.pk, people.admin.pk}
    assert request.steps[0]["escalated_via"] == "admins"


def test_decided_requests_are_neither_reminded_nor_escalated(people, shop):
    flow = make_flow(people.owner, manager_step(deadline_hours=2, remind_hours_before=1))
    with time_machine.travel(START, tick=False):
        request = start(flow, shop.item(people.member), people.member)
        approval_decide(actor=people.admin, request=request, decision="approve")
    assert approvals_sweep(now=hours(1.5)) == {"reminded": 0, "escalated": 0}
    assert approvals_sweep(now=hours(3)) == {"reminded": 0, "escalated": 0}


def test_the_sweep_runs_every_minute_on_the_scheduled_queue():
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values()
                 if e["task"] == "automations.tasks_approvals.sweep_approvals")
    assert entry["schedule"] == 60.0
    assert settings.CELERY_TASK_ROUTES["automations.tasks_approvals.*"]["queue"] == "scheduled"
