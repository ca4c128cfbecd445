"""The database store behind workos.reliability's delivery counter (TaskDelivery), the dead
letters (DeadLetter), and replaying one."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from automations.models import DeadLetter, TaskDelivery
from workos import reliability
from workos.errors import Conflict


class ModelLedger:
    """Counts in TaskDelivery rows and buries in DeadLetter rows."""

    def delivered(self, key: str) -> int:
        table = connection.ops.quote_name(TaskDelivery._meta.db_table)
        column = connection.ops.quote_name("key")
        # One statement that inserts or increments, committed at once (a worker holds no
        # transaction between tasks): the count must survive the worker dying a moment later.
        sql = (
            f"INSERT INTO {table} ({column}, deliveries, updated_at) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT ({column}) DO UPDATE SET deliveries = {table}.deliveries + 1, "
            "updated_at = excluded.updated_at RETURNING deliveries"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [key[:255], timezone.now()])
            return int(cursor.fetchone()[0])

    def finished(self, key: str) -> None:
        TaskDelivery.objects.filter(key=key[:255]).delete()

    def bury(self, *, task: str, args: list[Any], kwargs: dict[str, Any], deliveries: int,
             error: str) -> None:
        DeadLetter.objects.create(task=task[:200], args=args, kwargs=kwargs,
                                  deliveries=deliveries, error=error)


def ledger_install() -> None:
    reliability.ledger_register(ModelLedger())


@transaction.atomic
def dead_letter_replay(*, dead_letter: DeadLetter) -> DeadLetter:
    """Send a dead letter's message again (after commit) and mark it replayed, once."""
    locked = DeadLetter.objects.select_for_update().get(pk=dead_letter.pk)
    if locked.replayed_at is not None:
        when = locked.replayed_at.strftime("%Y-%m-%d %H:%M")
        raise Conflict(f"This dead letter was already replayed at {when} UTC; a new failure "
                       "makes a new dead letter.")
    locked.replayed_at = timezone.now()
    locked.save(update_fields=["replayed_at"])
    task, args, kwargs = locked.task, list(locked.args), dict(locked.kwargs)
    transaction.on_commit(lambda: reliability.replay(task, args, kwargs))
    return locked
