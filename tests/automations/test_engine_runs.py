"""How the engine runs rules: once per event, all actions or none, as the automation actor,
retried when the database hiccups, recorded with the version that ran, counted per month."""

import pytest
from django.db import OperationalError

from automations.catalogue import ACTIONS
from automations.engine.dispatch import consume
from automations.models import AutomationSettings, AutomationUsage, RuleRun, RunStatus
from automations.services.rules import rule_update
from boards.models import Item
from boards.services import item_update
from tests.automations.rules_setup import add_item, desk, dispatch, rule, runs_of, then, when
from workos.activity.models import Activity, Comment, Notification
from workos.tenancy import services as tenancy


@pytest.fixture
def d(people):
    return desk(people.owner)


def test_a_redelivered_event_runs_the_rule_once(people, d):
    r = rule(people.admin, d.board, when("item_created"),
             [then("add_comment", body="Thanks, we are on it.")])
    item = add_item(people.member, d)
    created = list(Activity.objects.filter(verb="item.created", target_id=item.pk))
    consume(created)
    consume(created)  # the broker delivered it again, or the sweep found it
    dispatch()
    assert [run.status for run in runs_of(r)] == [RunStatus.SUCCEEDED]
    assert Comment.objects.filter(target_id=item.pk).count() == 1


def test_a_run_a_killed_worker_left_running_is_finished_by_the_redelivery(people, d):
    r = rule(people.admin, d.board, when("item_created"),
             [then("set_field", field="priority", value="high")])
    item = add_item(people.member, d)
    event = Activity.objects.get(verb="item.created", target_id=item.pk)
    # The worker inserted the run, then died before its actions committed.
    RuleRun.objects.create(workspace=people.workspace, rule=r, version=1, event=event,
                           event_key=f"activity:{event.pk}", item=item)
    consume([event])
    consume([event])
    item.refresh_from_db()
    assert item.priority == "high"
    assert [(run.status, run.attempts) for run in runs_of(r)] == [(RunStatus.SUCCEEDED, 1)]


def test_a_failing_action_rolls_the_run_back_and_records_the_error(people, d):
    r = rule(people.admin, d.board, when("item_created"), [
        then("set_field", field="priority", value="urgent"),
        then("set_status", status_name="Waiting for vendor"),  # no such status on the board
    ])
    item = add_item(people.member, d)
    dispatch()
    item.refresh_from_db()
    assert item.priority == "none", "the first action was rolled back with the second"
    (run,) = runs_of(r)
    assert run.status == RunStatus.FAILED
    assert "Set the status" in run.error and "Waiting for vendor" in run.error
    assert run.actions == [
        {"type": "set_field", "field": "priority", "value": "urgent", "changed": True,
         "rolled_back": True},
        {"type": "Set the status", "failed": True},
    ]
    assert not Activity.objects.filter(cause_run_id=run.pk).exists()


def test_a_rule_keeps_running_after_its_author_leaves(people, d):
    author = people.member
    r = rule(author, d.board, when("item_created"),
             [then("set_field", field="priority", value="high")])
    tenancy.member_remove(actor=people.owner, membership=author)
    item = add_item(people.admin, d)
    dispatch()
    item.refresh_from_db()
    assert item.priority == "high"
    assert runs_of(r)[0].status == RunStatus.SUCCEEDED
    change = Activity.objects.get(verb="item.updated", target_id=item.pk)
    assert change.actor_label == f"Automation: {r.name}"
    assert change.actor.email.endswith("@workos.invalid")
    assert change.actor != author.user


def test_changes_made_by_a_rule_do_not_trigger_rules_unless_they_opt_in(people, d):
    rule(people.admin, d.board, when("item_created"),
         [then("set_field", field="priority", value="high")], name="Prioritise")
    quiet = rule(people.admin, d.board, when("field_changed", field="priority"),
                 [then("add_comment", body="quiet")], name="Quiet")
    eager = rule(people.admin, d.board, when("field_changed", field="priority"),
                 [then("add_comment", body="eager")], name="Eager",
                 triggered_by_automations=True)
    add_item(people.member, d)
    dispatch()
    assert runs_of(quiet) == []
    (run,) = runs_of(eager)
    assert run.status == RunStatus.SUCCEEDED and run.depth == 1


def test_two_rules_triggering_each_other_stop_at_the_depth_limit(people, d):
    todo, doing = d.status("To do"), d.status("In progress")
    ping = rule(people.member, d.board, when("status_changed", to_status=doing),
                [then("set_status", status=todo)], name="Ping", triggered_by_automations=True)
    pong = rule(people.member, d.board, when("status_changed", to_status=todo),
                [then("set_status", status=doing)], name="Pong", triggered_by_automations=True)
    item = add_item(people.admin, d)
    item_update(actor=people.admin, item=item, fields={"status": doing})
    dispatch()
    runs = sorted(runs_of(ping) + runs_of(pong), key=lambda run: run.depth)
    assert [(run.rule_id, run.depth, run.status) for run in runs] == [
        (ping.pk, 0, "succeeded"), (pong.pk, 1, "succeeded"), (ping.pk, 2, "succeeded"),
        (pong.pk, 3, "succeeded"), (ping.pk, 4, "succeeded"), (pong.pk, 5, "skipped"),
    ]
    assert "Loop guard" in runs[-1].reason and "limit is 5" in runs[-1].reason
    # Once more: the loop is stopped again, and the owner is still told only once.
    item_update(actor=people.admin, item=item, fields={"status": doing})
    dispatch()
    assert RuleRun.objects.filter(status=RunStatus.SKIPPED).count() == 2
    notices = Notification.objects.filter(verb="automation.guard")
    assert [(n.recipient, n.target_id) for n in notices] == [(people.member, pong.pk)]
    pong.refresh_from_db()
    assert pong.guard_notified_at is not None


def test_more_runs_per_item_per_minute_than_the_limit_are_skipped(people, d):
    r = rule(people.admin, d.board, when("field_changed", field="name"),
             [then("add_comment", body="renamed")], max_runs_per_item_per_minute=2)
    item = add_item(people.member, d)
    for name in ("One", "Two", "Three"):
        item = item_update(actor=people.member, item=item, fields={"name": name})
        dispatch()
    statuses = [run.status for run in runs_of(r)]
    assert statuses == ["succeeded", "succeeded", "skipped"]
    assert "limit is 2" in runs_of(r)[-1].reason
    assert Notification.objects.filter(verb="automation.guard", recipient=people.admin).exists()


def test_runs_record_the_version_that_ran(people, d):
    r = rule(people.admin, d.board, when("item_created"),
             [then("set_field", field="priority", value="low")])
    add_item(people.member, d)
    dispatch()
    rule_update(actor=people.admin, rule=r,
                actions=[then("set_field", field="priority", value="high")])
    second = add_item(people.member, d, name="Monitor")
    dispatch()
    assert [run.version for run in runs_of(r)] == [1, 2]
    second.refresh_from_db()
    assert second.priority == "high"
    assert list(r.versions.order_by("version").values_list("version", flat=True)) == [1, 2]


def test_a_temporary_database_error_is_retried(people, d, monkeypatch):
    r = rule(people.admin, d.board, when("item_created"),
             [then("set_field", field="priority", value="high")])
    action = ACTIONS.get("set_field")
    real = type(action).execute
    failures = []

    def flaky(self, config, run):
        if not failures:
            failures.append(1)
            raise OperationalError("could not obtain lock on row in relation \"boards_item\"")
        return real(self, config, run)

    monkeypatch.setattr(type(action), "execute", flaky)
    item = add_item(people.member, d)
    dispatch()  # eager Celery: the retry runs at once instead of after its countdown
    item.refresh_from_db()
    assert item.priority == "high"
    (run,) = runs_of(r)
    assert (run.status, run.attempts) == (RunStatus.SUCCEEDED, 2)


def test_a_rule_that_keeps_hitting_database_errors_fails_after_five_attempts(people, d,
                                                                             monkeypatch):
    r = rule(people.admin, d.board, when("item_created"),
             [then("set_field", field="priority", value="high")])
    action = ACTIONS.get("set_field")

    def broken(self, config, run):
        raise OperationalError("deadlock detected")

    monkeypatch.setattr(type(action), "execute", broken)
    add_item(people.member, d)
    dispatch()
    (run,) = runs_of(r)
    assert (run.status, run.attempts) == (RunStatus.FAILED, 5)
    assert "attempt 5 of 5" in run.error


def test_usage_counts_runs_and_actions_and_warns_admins_at_the_quota(people, d):
    AutomationSettings.objects.create(workspace=people.workspace, monthly_run_quota=5)
    rule(people.admin, d.board, when("item_created"), [
        then("set_field", field="priority", value="high"),
        then("add_comment", body="ok"),
    ])
    for n in range(3):
        add_item(people.member, d, name=f"Request {n}")
    dispatch()
    assert not Notification.objects.filter(verb="automation.quota").exists()
    add_item(people.member, d, name="Request 4")
    dispatch()
    usage = AutomationUsage.objects.get(workspace=people.workspace)
    assert (usage.runs, usage.actions, usage.warned_at_percent) == (4, 8, 80)
    warned = Notification.objects.filter(verb="automation.quota")
    assert {n.recipient for n in warned} == {people.owner, people.admin}
    for n in range(5, 8):
        add_item(people.member, d, name=f"Request {n}")
        dispatch()
    usage.refresh_from_db()
    assert (usage.runs, usage.warned_at_percent) == (7, 100)
    assert Notification.objects.filter(verb="automation.quota").count() == 4  # 80% and 100%
    assert Item.objects.filter(board=d.board, priority="high").count() == 7, "rules kept running"


def test_with_inline_runs_off_each_run_is_its_own_task(people, d, settings,
                                                      django_capture_on_commit_callbacks):
    settings.AUTOMATIONS_RUN_INLINE = False
    r = rule(people.admin, d.board, when("item_created"),
             [then("set_field", field="priority", value="high")])
    item = add_item(people.member, d)
    with django_capture_on_commit_callbacks() as queued:
        dispatch()
    (run,) = runs_of(r)
    assert run.status == RunStatus.RUNNING, "inserted, waiting for its task"
    assert len(queued) == 1
    queued[0]()  # the run_rule task (eager)
    item.refresh_from_db()
    assert item.priority == "high"
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
