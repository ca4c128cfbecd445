"""Recording activity in the caller's transaction and queueing its dispatch on commit."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from workos.activity.models import Activity
from workos.tenancy.models import Workspace


@dataclass(frozen=True)
class Cause:
    """What the code running now is acting on behalf of: an automation run and its event."""

    activity: Activity
    run_id: int | None
    actor_label: str


_cause: contextvars.ContextVar[Cause | None] = contextvars.ContextVar(
    "activity_cause", default=None
)


@contextlib.contextmanager
def acting_for(cause: Cause) -> Iterator[None]:
    """Activities recorded inside this block are marked as caused by `cause`, one level deeper."""
    token = _cause.set(cause)
    try:
        yield
    finally:
        _cause.reset(token)


def current_cause() -> Cause | None:
    return _cause.get()


def _actor_label(actor: AbstractBaseUser | None) -> str:
    if actor is None:
        return "WorkOS"
    return actor.get_full_name() or actor.email or actor.get_username()


def activity_record(
    *,
    workspace: Workspace,
    actor: AbstractBaseUser | None,
    verb: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> Activity:
    """Write one Activity in the current transaction; it is dispatched after commit."""
    return activities_record(
        workspace=workspace,
        actor=actor,
        entries=[(verb, target, changes or {}, data or {})],
    )[0]


def activities_record(
    *,
    workspace: Workspace,
    actor: AbstractBaseUser | None,
    entries: list[tuple[str, models.Model, dict[str, Any], dict[str, Any]]],
) -> list[Activity]:
    """Write several activities with one INSERT and queue one dispatch for all of them."""
    cause = current_cause()
    label = cause.actor_label if cause else _actor_label(actor)
    rows = [
        Activity(
            workspace=workspace,
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_label=label[:200],
            verb=verb,
            target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            target_id=target.pk,
            target_repr=str(target)[:200],
            changes=changes,
            data=data,
            cause=cause.activity if cause else None,
            cause_run_id=cause.run_id if cause else None,
            depth=(cause.activity.depth + 1) if cause else 0,
        )
        for verb, target, changes, data in entries
    ]
    created = Activity.objects.bulk_create(rows)
    ids = [row.pk for row in created if row.pk is not None]
    if ids:
        _queue_dispatch(ids)
    return created


def _queue_dispatch(ids: list[int]) -> None:
    from workos.activity.tasks import dispatch_events

    transaction.on_commit(lambda: dispatch_events.delay(ids))


def activities_mark_dispatched(*, ids: list[int]) -> int:
    return Activity.objects.filter(id__in=ids, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now()
    )
