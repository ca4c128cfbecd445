"""Dispatching new activities to the registered consumers (the automation engine)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import shared_task

from workos.activity import dispatch, selectors, services
from workos.reliability import CountedTask

SWEEP_CHUNK = 100


class DispatchEventsTask(CountedTask):
    """Counted like every acks-late task; what happens to a batch in the dead letters is
    particular to events."""

    def counted(self, request: Any) -> bool:
        # A sweep's chunk is a new message each minute under the same id: counted like a
        # redelivery, or a chunk that kills workers would come back every minute forever.
        return super().counted(request) or str(request.id).startswith("sweep-")

    def buried(self, args: list[Any], kwargs: dict[str, Any]) -> None:
        # Marked dispatched, or the sweep would send the batch that kills workers every minute.
        services.activities_mark_dispatched(ids=_ids(args, kwargs))

    def replay(self, args: list[Any], kwargs: dict[str, Any]) -> None:
        # One message per event, so a single poison event cannot bury the others again.
        for event_id in _ids(args, kwargs):
            self.apply_async(args=[[event_id]], kwargs={"replay": True})


def _ids(args: list[Any], kwargs: dict[str, Any]) -> list[int]:
    return list(args[0] if args else kwargs.get("ids", []))


@shared_task(
    base=DispatchEventsTask,
    name="workos.activity.tasks.dispatch_events",
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def dispatch_events(ids: list[int], replay: bool = False) -> int:
    """Hand the events to every consumer. `replay` includes events already marked dispatched
    (a dead letter replayed by an administrator); consumers are idempotent either way."""
    events = selectors.activities_by_ids(ids=ids, include_dispatched=replay)
    if not events:
        return 0
    for consume in dispatch.consumers():
        consume(events)
    return services.activities_mark_dispatched(ids=[event.pk for event in events])


@shared_task(base=CountedTask, name="workos.activity.tasks.sweep_undispatched")
def sweep_undispatched() -> int:
    """Send again the events whose on-commit task never ran (broker down, worker killed).

    Chunks get a task id made of their first and last event, so a chunk that keeps killing
    workers is the same message to the delivery counter from one sweep to the next, and ends
    in the dead letters instead of coming back every minute.
    """
    ids = selectors.activities_undispatched(older_than=timedelta(minutes=1))
    for start in range(0, len(ids), SWEEP_CHUNK):
        chunk = ids[start:start + SWEEP_CHUNK]
        dispatch_events.apply_async(args=[chunk], task_id=f"sweep-{chunk[0]}-{chunk[-1]}")
    return len(ids)
