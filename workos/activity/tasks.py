"""Dispatching new activities to the registered consumers (the automation engine)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import shared_task

from workos.activity import dispatch, outbox, selectors
from workos.reliability import CountedTask

SWEEP_CHUNK = 100
# Batches one message drains before it hands the rest to a new message, so a flood never
# keeps one message (and the delivery counter's view of it) running indefinitely.
MAX_BATCHES = 20


class DispatchEventsTask(CountedTask):
    """Counted like every acks-late task; what happens to a batch in the dead letters is
    particular to events."""

    def counted(self, request: Any) -> bool:
        # A sweep's chunk is a new message each minute under the same id: counted like a
        # redelivery, or a chunk that kills workers would come back every minute forever.
        return super().counted(request) or _is_sweep(request)

    def letter(self, args: list[Any], kwargs: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        # The dead letter names every event the message held, not only those it was sent with.
        held = outbox.claimed_by(outbox.owner_of(self.request)) if self.request.id else []
        ids = sorted({*_ids(args, kwargs), *held})
        return [ids], {k: v for k, v in kwargs.items() if k != "ids"}

    def buried(self, args: list[Any], kwargs: dict[str, Any]) -> None:
        # Marked dispatched, or the sweep would send the batch that kills workers every minute.
        outbox.mark_dispatched(_ids(args, kwargs))

    def replay(self, args: list[Any], kwargs: dict[str, Any]) -> None:
        # One message per event, so a single poison event cannot bury the others again.
        for event_id in _ids(args, kwargs):
            self.apply_async(args=[[event_id]], kwargs={"replay": True})


def _ids(args: list[Any], kwargs: dict[str, Any]) -> list[int]:
    return list(args[0] if args else kwargs.get("ids", []))


def _is_sweep(request: Any) -> bool:
    return str(request.id).startswith("sweep-")


@shared_task(
    base=DispatchEventsTask,
    bind=True,
    name="workos.activity.tasks.dispatch_events",
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def dispatch_events(self: DispatchEventsTask, ids: list[int], replay: bool = False) -> int:
    """Hand the events to every consumer, then mark them dispatched.

    A message sent after a commit drains the backlog too (see `outbox`); a redelivered one
    (its worker died) or a sweep's chunk takes only its own events. `replay` includes events
    already marked dispatched (a dead letter replayed by an administrator); consumers are
    idempotent either way.
    """
    request = self.request
    if replay:
        return _consume(selectors.activities_by_ids(ids=ids, include_dispatched=True))
    outbox.dispatch_started()
    owner = outbox.owner_of(request)
    fresh = not request.called_directly and not self.counted(request)
    backlog = outbox.BATCH if fresh else 0
    done = 0
    for _ in range(MAX_BATCHES):
        events = outbox.claim(owner=owner, ids=ids, backlog=backlog)
        done += _consume(events)
        ids = []
        if not backlog or len(events) < backlog:
            return done
    outbox.dispatch_soon([])  # more is waiting: a new message takes over
    return done


def _consume(events: list[Any]) -> int:
    if not events:
        return 0
    for consume in dispatch.consumers():
        consume(events)
    return outbox.mark_dispatched([event.pk for event in events])


@shared_task(base=CountedTask, name="workos.activity.tasks.sweep_undispatched")
def sweep_undispatched() -> int:
    """Send again the events whose dispatch never ran or whose claim ran out (broker down,
    worker killed).

    Chunks get a task id made of their first and last event, so a chunk that keeps killing
    workers is the same message to the delivery counter from one sweep to the next, and ends
    in the dead letters instead of coming back every minute.
    """
    ids = selectors.activities_undispatched(older_than=timedelta(minutes=1))
    for start in range(0, len(ids), SWEEP_CHUNK):
        chunk = ids[start:start + SWEEP_CHUNK]
        dispatch_events.apply_async(args=[chunk], task_id=f"sweep-{chunk[0]}-{chunk[-1]}")
    return len(ids)
