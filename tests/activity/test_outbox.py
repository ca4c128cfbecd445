"""Activity is written with the change and dispatched after commit, never for a rollback."""

import pytest
from django.db import transaction

from workos.activity import dispatch
from workos.activity.models import Activity
from workos.activity.services import Cause, acting_for, activity_record
from workos.activity.tasks import sweep_undispatched
from workos.tenancy import services


def test_a_change_and_its_activity_commit_together_and_dispatch_after(
    people, django_capture_on_commit_callbacks
):
    seen = []
    dispatch.consumer_register("test", lambda events: seen.extend(e.verb for e in events))
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            team = services.team_create(actor=people.admin, name="Ops")
        assert len(callbacks) == 1
        activity = Activity.objects.get(verb="team.created", target_id=team.pk)
        assert activity.dispatched_at is not None
        assert seen == ["team.created"]
    finally:
        dispatch._consumers.pop("test")


def test_a_rolled_back_transaction_queues_nothing(people, django_capture_on_commit_callbacks):
    def create_then_fail() -> None:
        with transaction.atomic():
            services.team_create(actor=people.admin, name="Ops")
            raise RuntimeError("boom")

    # The capture must outlive the raise, so the two blocks stay nested.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # noqa: SIM117
        with pytest.raises(RuntimeError):
            create_then_fail()
    assert callbacks == []
    assert not Activity.objects.filter(verb="team.created").exists()


def test_a_failed_service_leaves_no_half_written_rows(people):
    with pytest.raises(Exception, match="No members with ids"):
        services.team_create(actor=people.admin, name="Ops", members=[people.outsider.pk])
    assert not people.workspace.teams.exists()
    assert not Activity.objects.filter(verb="team.created").exists()


def test_the_sweep_dispatches_events_whose_task_never_ran(people):
    # Recorded outside on_commit capture: the dispatch task is never queued, as if the broker
    # had been down at commit time.
    activity = activity_record(
        workspace=people.workspace, actor=people.owner.user, verb="test.event",
        target=people.workspace,
    )
    Activity.objects.filter(pk=activity.pk).update(
        created_at=activity.created_at.replace(year=activity.created_at.year - 1)
    )
    assert sweep_undispatched() == 1
    activity.refresh_from_db()
    assert activity.dispatched_at is not None
    assert sweep_undispatched() == 0


def test_activities_recorded_on_behalf_of_an_automation_carry_the_chain(people):
    origin = activity_record(
        workspace=people.workspace, actor=people.owner.user, verb="origin", target=people.workspace
    )
    with acting_for(Cause(activity=origin, run_id=42, actor_label="Automation: triage")):
        effect = activity_record(
            workspace=people.workspace, actor=None, verb="effect", target=people.workspace
        )
    assert effect.cause == origin
    assert effect.cause_run_id == 42
    assert effect.depth == origin.depth + 1
    assert effect.actor_label == "Automation: triage"
