"""Celery tasks of request intake: thin wrappers that take ids and call the intake services.

Processing is acknowledged late and idempotent (the submission's row lock decides), so a worker
killed mid-task loses nothing and a redelivered message makes no second item. A problem no
retry can fix (the board was archived, a column the answers fill was deleted) fails the
submission at once; anything else is retried with backoff, then fails it.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from automations.services import intake_processing as intake
from workos.errors import DomainError
from workos.reliability import CountedTask

MAX_RETRIES = 5


@shared_task(base=CountedTask, bind=True, name="automations.tasks_intake.process_submission",
             max_retries=MAX_RETRIES)
def process_submission(self: Any, submission_id: int) -> str:
    try:
        submission = intake.submission_process(submission_id=submission_id)
    except DomainError as exc:
        intake.submission_failed(submission_id=submission_id, error=exc.message, final=True)
        return "failed"
    except Exception as exc:
        final = self.request.retries >= self.max_retries
        intake.submission_failed(submission_id=submission_id,
                                 error=f"{type(exc).__name__}: {exc}", final=final)
        if final:
            raise
        raise self.retry(exc=exc, countdown=min(600, 5 * 2 ** self.request.retries)) from exc
    return submission.status


@shared_task(base=CountedTask, name="automations.tasks_intake.send_confirmation",
             autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_confirmation(submission_id: int) -> bool:
    return intake.submission_confirm(submission_id=submission_id)


@shared_task(base=CountedTask, name="automations.tasks_intake.sweep_submissions")
def sweep_submissions() -> int:
    """Queue again the submissions left without their item (beat, every minute)."""
    ids = intake.submissions_stale()
    for submission_id in ids:
        process_submission.delay(submission_id)
    return len(ids)
