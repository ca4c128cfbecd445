"""Celery tasks of the rule engine: thin, idempotent, taking ids.

The engine itself is not a task: it is the consumer `workos.activity.tasks.dispatch_events`
calls (registered in `AutomationsConfig.ready`), and runs rules inline there.
"""

from __future__ import annotations

from celery import shared_task

from automations.engine import runner, timed
from automations.services.emails import notification_emails_send
from workos.reliability import CountedTask


@shared_task(base=CountedTask, name="automations.tasks.run_rule")
def run_rule(run_id: int) -> str | None:
    """Execute a stored run still to do: a transient failure's retry, a re-run of a failed run,
    or (with AUTOMATIONS_RUN_INLINE off) every run. A finished run is left alone."""
    return runner.resume(run_id)


@shared_task(base=CountedTask, name="automations.tasks.date_triggers")
def date_triggers() -> int:
    """Fire the date-arrived and every-period rules that are due (beat, every minute)."""
    return timed.fire_due()


@shared_task(name="automations.tasks.send_notification_emails", autoretry_for=(OSError,),
             retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_notification_emails(ids: list[int]) -> int:
    return notification_emails_send(ids=ids)
