"""Celery tasks of webhooks, recurring work and housekeeping: thin wrappers that take ids and
call a service. Each is idempotent and counted (workos.reliability), so a redelivered message
does no harm and a message that keeps killing workers ends in the dead letters."""

from __future__ import annotations

from celery import shared_task

from automations.services import housekeeping, schedules, webhooks
from workos.reliability import CountedTask


@shared_task(base=CountedTask, name="automations.tasks_hooks.send_webhook")
def send_webhook(delivery_id: int, attempt: int) -> str:
    delivery = webhooks.delivery_attempt(delivery_id=delivery_id, attempt=attempt)
    return delivery.status if delivery is not None else "skipped"


@shared_task(base=CountedTask, name="automations.tasks_hooks.retry_due_webhooks")
def retry_due_webhooks() -> int:
    return webhooks.deliveries_enqueue_due()


@shared_task(base=CountedTask, name="automations.tasks_hooks.run_recurring")
def run_recurring() -> int:
    return schedules.schedules_run_due()


@shared_task(base=CountedTask, name="automations.tasks_hooks.prune_records")
def prune_records() -> dict[str, int]:
    return housekeeping.records_prune()
