"""Recording activity in the caller's transaction and queueing its dispatch on commit; writing
notifications and clearing the collaboration around deleted objects."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone

from workos.activity.models import Activity, Attachment, Comment, Notification
from workos.after_response import after_response
from workos.tenancy.models import Membership, Workspace


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
    created = _insert(rows)
    ids = [row.pk for row in created if row.pk is not None]
    if ids:
        _queue_dispatch(ids)
    return created


_INSERTED = [f for f in Activity._meta.concrete_fields if not f.primary_key]


def _insert(rows: list[Activity]) -> list[Activity]:
    """`Activity.objects.bulk_create(rows)` as one hand-written INSERT … RETURNING id: every
    change of every item records one, and building the statement through the ORM cost more
    than running it."""
    connection = transaction.get_connection()
    if not rows or not connection.features.can_return_rows_from_bulk_insert:
        return Activity.objects.bulk_create(rows)
    now = timezone.now()
    quote = connection.ops.quote_name
    one = f"({', '.join(['%s'] * len(_INSERTED))})"
    size = max(connection.ops.bulk_batch_size(_INSERTED, rows), 1)
    for start in range(0, len(rows), size):
        batch = rows[start:start + size]
        params: list[Any] = []
        for row in batch:
            row.created_at = now  # auto_now_add, as bulk_create would set it
            params += [f.get_db_prep_save(getattr(row, f.attname), connection)
                       for f in _INSERTED]
        sql = (f"INSERT INTO {quote(Activity._meta.db_table)} "  # noqa: S608 - names only
               f"({', '.join(quote(f.column) for f in _INSERTED)}) "
               f"VALUES {', '.join([one] * len(batch))} "
               f"RETURNING {quote(Activity._meta.pk.column)}")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [pk for (pk,) in cursor.fetchall()]
        for row, pk in zip(batch, ids, strict=True):
            row.pk = pk
            row._state.adding, row._state.db = False, connection.alias
    return rows


def _queue_dispatch(ids: list[int]) -> None:
    from workos.activity.outbox import dispatch_soon

    # One dispatch per commit, whatever number of activities it records (an automation chunk
    # records hundreds): the dispatch takes every event waiting (see workos.activity.outbox).
    # Checked again each time, since a rolled-back savepoint drops the callbacks it queued.
    pending = transaction.get_connection().run_on_commit
    if any(getattr(entry[1], "dispatches_activity", False) for entry in pending):
        return

    def publish() -> None:
        # Published once the answer is sent: the sweep covers a process that dies before.
        after_response(lambda: dispatch_soon(ids))

    publish.dispatches_activity = True  # type: ignore[attr-defined]
    transaction.on_commit(publish)


def activities_mark_dispatched(*, ids: list[int]) -> int:
    return Activity.objects.filter(id__in=ids, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now()
    )


def notify(
    *,
    workspace: Workspace,
    recipients: Iterable[Membership],
    verb: str,
    target: models.Model,
    title: str,
    actor_label: str,
    actor: Membership | None = None,
    link: str = "",
    data: dict[str, Any] | None = None,
) -> list[Notification]:
    """Notify each recipient once, with one INSERT, in the caller's transaction.

    The actor is skipped (nobody is told about what they did themselves), and so is anyone who
    is not a member of `workspace`. Callers decide who may learn about `target`: a notification's
    title must not reach someone who cannot see what it names.
    """
    target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
    seen: set[int] = set()
    rows = []
    for recipient in recipients:
        if recipient.workspace_id != workspace.pk or recipient.pk in seen:
            continue
        if actor is not None and recipient.pk == actor.pk:
            continue
        seen.add(recipient.pk)
        rows.append(
            Notification(
                workspace=workspace, recipient=recipient, verb=verb,
                actor_label=actor_label[:200], target_type=target_type, target_id=target.pk,
                title=title[:300], link=link[:500], data=data or {},
            )
        )
    return Notification.objects.bulk_create(rows)


@transaction.atomic
def notifications_mark_read(*, membership: Membership, ids: list[int] | None = None) -> int:
    """Mark the member's unread notifications read: the given ids, or all. Ids of other members'
    notifications are ignored, not an error, so a client cannot probe for them."""
    unread = Notification.objects.filter(
        workspace_id=membership.workspace_id, recipient=membership, read_at__isnull=True
    )
    if ids is not None:
        unread = unread.filter(id__in=ids)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def collaboration_purge(
    *, workspace: Workspace, model: type[models.Model], ids: list[int]
) -> None:
    """Remove the comments, attachments and notifications of objects being deleted for good.

    A generic target has no database cascade, so the service that deletes the objects calls
    this in its transaction; the files go once it commits.
    """
    target_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    scope = {"workspace": workspace, "target_type": target_type, "target_id__in": ids}
    files = list(Attachment.objects.filter(**scope).values_list("file", flat=True))
    Attachment.objects.filter(**scope).delete()
    Comment.objects.filter(**scope).delete()
    Notification.objects.filter(**scope).delete()
    files_delete_on_commit(files)


def files_delete_on_commit(names: list[str]) -> None:
    """Delete stored files once the transaction that stopped referring to them commits; a
    rollback keeps them, so a row is never left pointing at a missing file."""

    def delete() -> None:
        for name in names:
            if name:
                default_storage.delete(name)

    if names:
        transaction.on_commit(delete)
