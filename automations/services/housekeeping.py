"""Pruning what automations keep only for a while: finished webhook deliveries and delivery
counters nobody will finish. Dead letters and recurring occurrences stay: the first wait for
an administrator, the second guard against creating an occurrence twice."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from automations.models import DeliveryStatus, TaskDelivery, WebhookDelivery

DELIVERY_RETENTION = dt.timedelta(days=30)
# Far beyond Redis's visibility timeout: a counter this old belongs to a message that is gone.
COUNTER_RETENTION = dt.timedelta(days=2)


def records_prune(*, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    deliveries, _ = WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED],
        created_at__lt=now - DELIVERY_RETENTION,
    ).delete()
    counters, _ = TaskDelivery.objects.filter(updated_at__lt=now - COUNTER_RETENTION).delete()
    return {"webhook_deliveries": deliveries, "task_deliveries": counters}
