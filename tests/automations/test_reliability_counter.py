"""Our delivery counter: a message that keeps killing workers ends in the dead letters instead of
looping, and an administrator can replay it."""

import pytest
from celery import shared_task
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from automations.admin_hooks import DeadLetterAdmin
from automations.models import DeadLetter, TaskDelivery
from automations.reliability import dead_letter_replay
from workos import reliability
from workos.activity import dispatch
from workos.activity.models import Activity
from workos.activity.services import activity_record
from workos.activity.tasks import dispatch_events, sweep_undispatched
from workos.errors import Conflict

ran: list[tuple] = []


class WorkerLost(BaseException):
    """Stands for SIGKILL: the task stops and nothing after it in the worker runs."""


@shared_task(base=reliability.CountedTask, name="tests.reliability.fragile")
def fragile(value: int, *, crash: bool = False, fail: bool = False) -> int:
    ran.append((value, crash, fail))
    if crash:
        raise WorkerLost()
    if fail:
        raise ValueError(f"cannot handle {value}")
    return value * 2


def _deliver(task, task_id: str, *args, redelivered: bool = False, **kwargs):
    """Run the task as a worker runs a message taken from the broker; `redelivered` is how the
    broker marks a message that came back (its worker was lost)."""
    task.push_request(id=task_id, args=args, kwargs=kwargs, called_directly=False,
                      is_eager=False, delivery_info={"routing_key": "test",
                                                     "redelivered": redelivered})
    try:
        return task(*args, **kwargs)
    finally:
        task.pop_request()


@pytest.fixture(autouse=True)
def _forget_runs():
    ran.clear()


def test_a_first_delivery_costs_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert _deliver(fragile, "t-1", 21) == 42


def test_a_message_that_kills_every_worker_ends_in_the_dead_letters(db):
    with pytest.raises(WorkerLost):
        _deliver(fragile, "t-2", 7, crash=True)
    for _ in range(reliability.DELIVERY_LIMIT - 1):
        with pytest.raises(WorkerLost):
            _deliver(fragile, "t-2", 7, crash=True, redelivered=True)
    assert TaskDelivery.objects.get().deliveries == reliability.DELIVERY_LIMIT - 1

    # Five workers died on it: the next delivery is not run but parked and acknowledged.
    assert _deliver(fragile, "t-2", 7, crash=True, redelivered=True) is None
    assert len(ran) == reliability.DELIVERY_LIMIT
    letter = DeadLetter.objects.get()
    assert letter.task == "tests.reliability.fragile"
    assert letter.args == [7] and letter.kwargs == {"crash": True}
    assert letter.deliveries == reliability.DELIVERY_LIMIT + 1
    assert "was lost 5 times" in letter.error
    assert not TaskDelivery.objects.exists()


def test_a_message_that_recovers_before_the_limit_is_not_buried(db):
    with pytest.raises(WorkerLost):
        _deliver(fragile, "t-3", 1, crash=True)
    for _ in range(reliability.DELIVERY_LIMIT - 2):
        with pytest.raises(WorkerLost):
            _deliver(fragile, "t-3", 1, crash=True, redelivered=True)
    assert _deliver(fragile, "t-3", 1, redelivered=True) == 2
    assert not DeadLetter.objects.exists() and not TaskDelivery.objects.exists()


def test_a_task_failing_for_good_is_kept_with_its_error(db):
    with pytest.raises(ValueError, match="cannot handle 3"):
        _deliver(fragile, "t-4", 3, fail=True)
    letter = DeadLetter.objects.get()
    assert letter.error == "ValueError: cannot handle 3" and letter.deliveries == 1
    assert not TaskDelivery.objects.exists()


def test_a_direct_or_eager_call_is_not_counted(db):
    assert fragile(5) == 10
    assert fragile.apply(args=[6]).get() == 12
    assert not TaskDelivery.objects.exists()


def test_a_dead_letter_is_replayed_once(db, django_capture_on_commit_callbacks):
    letter = DeadLetter.objects.create(task="tests.reliability.fragile", args=[4], kwargs={},
                                       deliveries=6, error="lost")
    with django_capture_on_commit_callbacks(execute=True):
        dead_letter_replay(dead_letter=letter)
    assert ran == [(4, False, False)]
    letter.refresh_from_db()
    assert letter.replayed_at is not None
    with pytest.raises(Conflict, match="already replayed"):
        dead_letter_replay(dead_letter=letter)


def test_the_admin_replays_selected_dead_letters(db, django_capture_on_commit_callbacks):
    fresh = DeadLetter.objects.create(task="tests.reliability.fragile", args=[8], kwargs={})
    old = DeadLetter.objects.create(task="tests.reliability.fragile", args=[9], kwargs={})
    dead_letter_replay(dead_letter=old)
    request = RequestFactory().post("/admin/")
    request.session = {}
    request._messages = FallbackStorage(request)
    with django_capture_on_commit_callbacks(execute=True):
        DeadLetterAdmin(DeadLetter, admin.site).replay(request, DeadLetter.objects.all())
    assert ran == [(8, False, False)]
    notes = [str(m) for m in request._messages]
    assert notes[0] == "1 message(s) sent again."
    assert f"#{old.pk}: This dead letter was already replayed" in notes[1]
    fresh.refresh_from_db()
    assert fresh.replayed_at is not None


def _events(people, count):
    return [activity_record(workspace=people.workspace, actor=people.owner.user,
                            verb="test.event", target=people.workspace) for _ in range(count)]


def test_a_buried_event_batch_is_kept_from_the_sweep_and_replayed_event_by_event(
    people, django_capture_on_commit_callbacks
):
    events = _events(people, 3)
    ids = [e.pk for e in events]
    key = "workos.activity.tasks.dispatch_events:batch-1"
    TaskDelivery.objects.create(key=key, deliveries=reliability.DELIVERY_LIMIT - 1)
    seen = []
    dispatch.consumer_register("test-seen", lambda batch: seen.append([e.pk for e in batch]))
    try:
        assert _deliver(dispatch_events, "batch-1", ids, redelivered=True) is None
        assert seen == []
        # Marked dispatched, so the sweep does not send the poison batch every minute.
        assert Activity.objects.filter(pk__in=ids, dispatched_at__isnull=True).count() == 0
        letter = DeadLetter.objects.get(task="workos.activity.tasks.dispatch_events")
        assert letter.args == [ids]

        with django_capture_on_commit_callbacks(execute=True):
            dead_letter_replay(dead_letter=letter)
        assert seen == [[ids[0]], [ids[1]], [ids[2]]]
    finally:
        dispatch._consumers.pop("test-seen")


def test_the_sweep_names_its_chunks_so_a_stuck_chunk_is_counted_across_sweeps(
    people, monkeypatch
):
    events = _events(people, 3)
    Activity.objects.filter(pk__in=[e.pk for e in events]).update(
        created_at=events[0].created_at.replace(year=2000))
    sent = []
    monkeypatch.setattr(dispatch_events, "apply_async",
                        lambda args, task_id: sent.append((args, task_id)))
    assert sweep_undispatched() == 3
    assert sweep_undispatched() == 3
    first, last = events[0].pk, events[-1].pk
    assert sent == [([[e.pk for e in events]], f"sweep-{first}-{last}")] * 2


def test_a_sweep_chunk_is_counted_from_its_first_run(people):
    ids = [e.pk for e in _events(people, 2)]
    task_id = f"sweep-{ids[0]}-{ids[-1]}"
    TaskDelivery.objects.create(key=f"workos.activity.tasks.dispatch_events:{task_id}",
                                deliveries=reliability.DELIVERY_LIMIT - 1)
    assert _deliver(dispatch_events, task_id, ids) is None
    assert DeadLetter.objects.get().args == [ids]
    assert not Activity.objects.filter(pk__in=ids, dispatched_at__isnull=True).exists()
