"""Dispatch drains the outbox in batches: one message takes every event waiting, a message that
comes back after its worker died takes back what it held, and a burst of commits queues one
dispatch, not one each."""

import pytest
from django.db import transaction

from workos.activity import dispatch, outbox
from workos.activity.models import Activity
from workos.activity.services import activity_record
from workos.activity.tasks import dispatch_events, sweep_undispatched


def _deliver(task_id: str, ids: list[int], *, redelivered: bool = False) -> int:
    """Run dispatch_events as a worker runs a message taken from the broker."""
    dispatch_events.push_request(id=task_id, args=[ids], kwargs={}, called_directly=False,
                                 is_eager=False, delivery_info={"redelivered": redelivered})
    try:
        return dispatch_events(ids)
    finally:
        dispatch_events.pop_request()


def _events(people, count: int) -> list[int]:
    # Outside on_commit capture: nothing dispatches them, as if their messages were waiting.
    return [activity_record(workspace=people.workspace, actor=people.owner.user,
                            verb="test.event", target=people.workspace).pk
            for _ in range(count)]


@pytest.fixture
def seen():
    batches: list[list[int]] = []
    dispatch.consumer_register("test-batches", lambda events: batches.append(
        [e.pk for e in events]))
    yield batches
    dispatch._consumers.pop("test-batches")


def _undispatched(ids: list[int]) -> list[int]:
    return list(Activity.objects.filter(pk__in=ids, dispatched_at__isnull=True)
                .order_by("id").values_list("id", flat=True))


def test_one_message_drains_the_backlog_in_order_and_the_others_find_nothing(people, seen):
    ids = _events(people, 5)
    assert _deliver("commit-1", ids[:1]) == 5
    assert seen == [ids]
    assert _undispatched(ids) == []
    # The messages of the other commits arrive later: a query, nothing to hand over.
    assert _deliver("commit-2", ids[1:2]) == 0
    assert seen == [ids]


def test_a_backlog_larger_than_a_batch_is_drained_batch_after_batch(people, seen, monkeypatch):
    monkeypatch.setattr(outbox, "BATCH", 2)
    ids = _events(people, 5)
    assert _deliver("commit-1", ids[:1]) == 5
    assert seen == [ids[:2], ids[2:4], ids[4:]]


def test_events_a_live_message_holds_are_left_to_it(people, seen):
    ids = _events(people, 3)
    outbox.claim(owner="busy-worker", ids=ids[:2])
    assert _deliver("commit-3", ids[2:]) == 1
    assert seen == [ids[2:]]
    assert _undispatched(ids) == ids[:2]


def test_a_killed_workers_events_are_taken_back_by_its_redelivered_message(people, seen):
    ids = _events(people, 4)
    # The worker claimed the backlog for message "m-1", then died before marking anything.
    assert [e.pk for e in outbox.claim(owner="m-1", ids=ids[:1], backlog=10)] == ids
    assert _deliver("m-2", []) == 0  # another message leaves them to their holder
    assert _undispatched(ids) == ids

    # The broker hands "m-1" out again, marked redelivered: it takes back all it held, and
    # no new backlog, so a poison event stays within this one message.
    later = _events(people, 1)
    assert _deliver("m-1", ids[:1], redelivered=True) == 4
    assert seen == [ids]
    assert _undispatched(ids + later) == later


def test_when_a_claim_runs_out_the_sweep_sends_the_events_again(people, seen):
    ids = _events(people, 2)
    outbox.claim(owner="lost-message", ids=ids)
    old = Activity.objects.get(pk=ids[0]).created_at.replace(year=2000)
    Activity.objects.filter(pk__in=ids).update(created_at=old)
    assert sweep_undispatched() == 0  # still held: its worker may be busy with it

    Activity.objects.filter(pk__in=ids).update(claimed_until=old)
    assert sweep_undispatched() == 2  # eager here: the chunk runs at once
    assert seen == [ids]
    assert _undispatched(ids) == []


def test_a_dead_letter_names_every_event_its_message_held(people, seen):
    from automations.models import DeadLetter, TaskDelivery
    from workos import reliability

    ids = _events(people, 3)
    outbox.claim(owner="poison", ids=ids[:1], backlog=10)
    TaskDelivery.objects.create(key="workos.activity.tasks.dispatch_events:poison",
                                deliveries=reliability.DELIVERY_LIMIT)
    assert _deliver("poison", ids[:1], redelivered=True) is None
    assert DeadLetter.objects.get().args == [ids]
    assert seen == []
    assert _undispatched(ids) == []  # kept from the sweep; replayed one by one from the admin


def test_a_burst_of_commits_queues_one_dispatch_until_a_task_starts(monkeypatch):
    sent = []
    monkeypatch.setattr(outbox, "coalescing", lambda: True)
    monkeypatch.setattr(dispatch_events, "delay", lambda ids: sent.append(ids))
    outbox.dispatch_started()
    for n in range(5):
        outbox.dispatch_soon([n])
    assert sent == [[0]]
    outbox.dispatch_started()  # the task clears the flag before it claims
    outbox.dispatch_soon([5])
    assert sent == [[0], [5]]
    outbox.dispatch_started()


def test_without_a_shared_flag_every_commit_queues_its_dispatch(monkeypatch):
    sent = []
    monkeypatch.setattr(dispatch_events, "delay", lambda ids: sent.append(ids))
    for n in range(3):
        outbox.dispatch_soon([n])
    assert sent == [[0], [1], [2]]


def test_a_transaction_recording_many_activities_queues_one_dispatch(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for _ in range(3):
            activity_record(workspace=people.workspace, actor=people.owner.user,
                            verb="test.event", target=people.workspace)
    assert len(callbacks) == 1


def test_a_rolled_back_savepoint_does_not_take_the_dispatch_of_later_activities(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                activity_record(workspace=people.workspace, actor=people.owner.user,
                                verb="test.event", target=people.workspace)
                raise RuntimeError("the run failed")
        except RuntimeError:
            pass
        activity_record(workspace=people.workspace, actor=people.owner.user,
                        verb="test.event", target=people.workspace)
    assert len(callbacks) == 1
