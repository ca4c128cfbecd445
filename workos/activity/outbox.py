"""The event outbox's queue discipline: claiming undispatched activities for one dispatch
message, and asking for a dispatch after a commit without flooding the broker.

A dispatch message claims, besides its own events, every unclaimed undispatched event up to
BATCH (oldest first), so a backlog is drained in large batches and the messages of the other
commits find nothing left to do. A claim names the message (its task id) and lasts LEASE:

- the events are marked dispatched only once every consumer ran, so a worker killed mid-batch
  leaves them claimed, not lost;
- the same message, redelivered after its worker died, takes back everything it held (and no
  new backlog, so a poison event stays within one message that the delivery counter can bury);
- once the lease runs out the sweep sends them again, in chunks of their own.

`dispatch_soon` is what a commit calls: with a broker, a flag in Redis (set if absent, cleared
by the task as it starts) means a dispatch is queued already, so a burst of commits queues a
handful of tasks instead of one each. The task clears the flag before it claims, so an event
committed while the flag was up is always seen by that claim or by the next task.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from workos.activity.models import Activity

BATCH = 500
LEASE = timedelta(minutes=5)
PENDING_KEY = "activity:dispatch-pending"
# Long enough to cover a queued task's wait in a busy queue; a lost message only delays the
# next enqueue by this much (and the sweep covers its events anyway).
PENDING_TTL = 10


def owner_of(request: Any) -> str:
    """The claim marker of a task's delivery: its task id (the same on a redelivery)."""
    task_id = getattr(request, "id", None)
    return str(task_id)[:64] if task_id else f"direct-{uuid.uuid4().hex}"


def claimable(now: Any) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


@transaction.atomic
def claim(*, owner: str, ids: list[int], backlog: int = 0) -> list[Activity]:
    """Claim, for `owner`, the undispatched events among `ids` nobody else holds, those it held
    already, and unclaimed others up to `backlog` events in all; the events in order, with
    what consumers read of them. Rows other workers are claiming are skipped, not waited for."""
    now = timezone.now()
    undispatched = Activity.objects.filter(dispatched_at__isnull=True)
    wanted = Q(claimed_by=owner)
    if ids:
        wanted |= Q(id__in=ids) & claimable(now)
    found = set(_locked(undispatched.filter(wanted)))
    if backlog > len(found):
        free = undispatched.filter(claimed_until__isnull=True).exclude(id__in=found)
        found.update(_locked(free.order_by("id")[:backlog - len(found)]))
    if not found:
        return []
    Activity.objects.filter(id__in=found).update(claimed_by=owner, claimed_until=now + LEASE)
    return list(Activity.objects.filter(id__in=found).select_related("workspace", "target_type")
                .order_by("id"))


def _locked(queryset: Any) -> list[int]:
    return list(queryset.select_for_update(skip_locked=True).values_list("id", flat=True))


def claimed_by(owner: str) -> list[int]:
    return list(Activity.objects.filter(claimed_by=owner, dispatched_at__isnull=True)
                .order_by("id").values_list("id", flat=True))


def mark_dispatched(ids: list[int]) -> int:
    return Activity.objects.filter(id__in=ids, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now(), claimed_until=None)


def coalescing() -> bool:
    """Whether commits share queued dispatches: only with a real broker and a shared cache."""
    from workos.celery import app

    backend = settings.CACHES["default"]["BACKEND"]
    return not app.conf.task_always_eager and "redis" in backend.lower()


def dispatch_soon(ids: list[int]) -> None:
    """Make sure a dispatch task will run after this commit, queueing one only if none is."""
    from workos.activity.tasks import dispatch_events

    if coalescing() and not _flag_up():
        return
    dispatch_events.delay(ids)


def _flag_up() -> bool:
    """Raise the flag; False if it was up already. A cache that cannot answer queues a task,
    as every commit did before dispatches were shared."""
    try:
        return bool(cache.add(PENDING_KEY, 1, PENDING_TTL))
    except Exception:
        return True


def dispatch_started() -> None:
    """A dispatch task is about to claim: commits from now on must queue another."""
    if coalescing():
        cache.delete(PENDING_KEY)
