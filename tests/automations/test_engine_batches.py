"""The runs of a batch of events share transactions: a refused run rolls back alone and is
recorded failed (its chunk runs again with a savepoint per run), a database hiccup sends the
chunk's runs one by one, and every run still happens once."""

import pytest
from django.db import OperationalError

from automations.catalogue import ACTIONS
from automations.engine import batches
from automations.models import RunStatus
from boards.models import Item
from tests.automations.rules_setup import add_item, desk, dispatch, rule, runs_of, then, when
from workos.activity.models import Activity, Comment
from workos.errors import ValidationFailed


@pytest.fixture
def d(people):
    return desk(people.owner)


def _refuse_on(monkeypatch, kind: str, refused: str, error: Exception) -> list[str]:
    """Make action `kind` raise `error` the first time it acts on the item named `refused`."""
    action = ACTIONS.get(kind)
    real = type(action).execute
    raised: list[str] = []

    def execute(self, config, run):
        if run.item.name == refused and not raised:
            raised.append(refused)
            raise error
        return real(self, config, run)

    monkeypatch.setattr(type(action), "execute", execute)
    return raised


def test_a_refused_run_rolls_back_alone_and_the_batch_goes_on(people, d, monkeypatch):
    r = rule(people.admin, d.board, when("item_created"), [
        then("add_comment", body="On it."),
        then("set_field", field="priority", value="high"),
    ])
    monkeypatch.setattr(batches, "CHUNK", 10)
    _refuse_on(monkeypatch, "set_field", "Second", ValidationFailed("No, not this one."))
    items = [add_item(people.member, d, name=name) for name in ("First", "Second", "Third")]
    dispatch()
    runs = {run.item_id: run for run in runs_of(r)}
    first, second, third = (Item.objects.get(pk=i.pk) for i in items)
    assert (first.priority, second.priority, third.priority) == ("high", "none", "high")
    assert runs[second.pk].status == RunStatus.FAILED
    assert runs[second.pk].error == "Set a core field: No, not this one."
    assert runs[second.pk].actions[0]["rolled_back"] is True
    assert not Comment.objects.filter(target_id=second.pk).exists(), "rolled back with it"
    assert not Activity.objects.filter(cause_run_id=runs[second.pk].pk).exists()
    for ok in (first, third):
        assert runs[ok.pk].status == RunStatus.SUCCEEDED
        assert runs[ok.pk].finished_at is not None
        assert Comment.objects.filter(target_id=ok.pk).count() == 1


def test_a_database_hiccup_runs_the_chunk_again_one_run_at_a_time(people, d, monkeypatch):
    r = rule(people.admin, d.board, when("item_created"),
             [then("add_comment", body="On it.")])
    monkeypatch.setattr(batches, "CHUNK", 10)
    raised = _refuse_on(monkeypatch, "add_comment", "Second",
                        OperationalError("deadlock detected"))
    items = [add_item(people.member, d, name=name) for name in ("First", "Second", "Third")]
    dispatch()  # eager Celery: the retry of the run that hit it runs at once
    assert raised == ["Second"]
    runs = {run.item_id: run for run in runs_of(r)}
    assert [runs[i.pk].status for i in items] == [RunStatus.SUCCEEDED] * 3
    assert [runs[i.pk].attempts for i in items] == [1, 2, 1]
    for item in items:
        assert Comment.objects.filter(target_id=item.pk).count() == 1, "exactly once"


def test_a_large_batch_runs_in_few_transactions(people, d, monkeypatch,
                                                django_assert_max_num_queries):
    rule(people.admin, d.board, when("item_created"),
         [then("set_field", field="priority", value="high")])
    monkeypatch.setattr(batches, "CHUNK", 50)
    for n in range(20):
        add_item(people.member, d, name=f"Item {n}")
    ids = list(Activity.objects.filter(dispatched_at__isnull=True).order_by("id")
               .values_list("id", flat=True))
    from workos.activity.tasks import dispatch_events

    # Per run: the service's own statements; per batch: a handful.
    with django_assert_max_num_queries(20 * 3 + 35):
        dispatch_events(ids)
    assert Item.objects.filter(board=d.board, priority="high").count() == 20


def _statements_of_a_batch(people, d, items: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workos.activity.tasks import dispatch_events

    for n in range(items):
        add_item(people.member, d, name=f"Item {n}")
    ids = list(Activity.objects.filter(dispatched_at__isnull=True).order_by("id")
               .values_list("id", flat=True))
    with CaptureQueriesContext(connection) as captured:
        dispatch_events(ids)
    return len(captured)


def test_a_run_that_sets_a_field_costs_three_statements(people, d, monkeypatch):
    """Lock and read the item, write what changed, record the change: the run's lock, its
    outcome, the board's statuses and the transaction are shared by the runs of a chunk."""
    rule(people.admin, d.board, when("item_created"),
         [then("set_status", status=d.status("In progress"))])
    monkeypatch.setattr(batches, "CHUNK", 50)
    _statements_of_a_batch(people, d, 1)  # the automation member is made once
    few = _statements_of_a_batch(people, d, 5)
    many = _statements_of_a_batch(people, d, 25)
    assert many - few == 20 * 3
    assert Item.objects.filter(board=d.board, status_id=d.status("In progress")).count() == 31


def test_runs_that_keep_failing_fail_alone_in_every_chunk(people, d, monkeypatch):
    r = rule(people.admin, d.board, when("item_created"), [
        then("add_comment", body="On it."),
        then("set_field", field="priority", value="high"),
    ])
    monkeypatch.setattr(batches, "CHUNK", 2)
    action = ACTIONS.get("set_field")
    real = type(action).execute
    tries: list[str] = []

    def execute(self, config, run):
        if run.item.name.startswith("Refused"):
            tries.append(run.item.name)
            raise ValidationFailed("Never this one.")
        return real(self, config, run)

    monkeypatch.setattr(type(action), "execute", execute)
    names = ["A", "Refused 1", "B", "C", "Refused 2", "D"]
    items = [add_item(people.member, d, name=name) for name in names]
    dispatch()
    runs = {run.item_id: run for run in runs_of(r)}
    for item in items:
        fresh = Item.objects.get(pk=item.pk)
        comments = Comment.objects.filter(target_id=item.pk).count()
        if item.name.startswith("Refused"):
            assert runs[item.pk].status == RunStatus.FAILED
            assert runs[item.pk].error == "Set a core field: Never this one."
            assert (fresh.priority, comments) == ("none", 0)
        else:
            assert runs[item.pk].status == RunStatus.SUCCEEDED
            assert (fresh.priority, comments) == ("high", 1)
    # Each refused run acted once: its failure is recorded, not tried again.
    assert tries == ["Refused 1", "Refused 2"]
