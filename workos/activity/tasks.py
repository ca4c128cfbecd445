"""Dispatching new activities to the registered consumers (the automation engine)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from workos.activity import dispatch, selectors, services


@shared_task(
    name="workos.activity.tasks.dispatch_events",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def dispatch_events(ids: list[int]) -> int:
    events = selectors.activities_by_ids(ids=ids)
    if not events:
        return 0
    for consume in dispatch.consumers():
        consume(events)
    return services.activities_mark_dispatched(ids=[event.pk for event in events])


@shared_task(name="workos.activity.tasks.sweep_undispatched")
def sweep_undispatched() -> int:
    """Dispatch events whose on-commit task never ran (broker down, worker killed)."""
    ids = selectors.activities_undispatched(older_than=timedelta(minutes=1))
    if not ids:
        return 0
    return dispatch_events(ids)
