"""Celery tasks of approval flows: the deadline sweep (beat, every minute) and the outcome
e-mail to a requester known only by address (a public form's submitter). Notification e-mails
to members go through `automations.tasks.send_notification_emails`."""

from __future__ import annotations

from celery import shared_task

from automations.services.approval_mail import requester_outcome_send
from automations.services.approvals import approvals_sweep
from workos.reliability import CountedTask


@shared_task(base=CountedTask, name="automations.tasks_approvals.sweep_approvals")
def sweep_approvals() -> dict[str, int]:
    """Remind approvers before deadlines and escalate overdue steps (each once)."""
    return approvals_sweep()


@shared_task(name="automations.tasks_approvals.send_requester_outcome",
             autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_requester_outcome(request_id: int) -> bool:
    return requester_outcome_send(request_id=request_id)
