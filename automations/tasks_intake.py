"""Celery tasks of request intake: thin wrappers that take ids and call the intake services.

Stored submissions are turned into items by `process_pending`, many per message (see
`automations.services.intake_batches`); `process_submission` does one, with retries: a
submission that failed in a batch, one the sweep found waiting, one an administrator retried.
Processing is acknowledged late and idempotent (the submission's row lock decides), so a worker
killed mid-task loses nothing and a redelivered message makes no second item. A problem no
retry can fix (the board was archived, a column the answers fill was deleted) fails the
submission at once; anything else is retried with backoff, then fails it.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from automations.services import intake_batches as batches
from automations.services import intake_processing as intake
from automations.services import intake_queue
from automations.views_intake_uploads import pending_uploads_prune
from workos.errors import DomainError
from workos.reliability import CountedTask

MAX_RETRIES = 5
# Batches one message runs before it hands the rest to a new message, so a flood never keeps
# one message (and the delivery counter's view of it) running for long.
MAX_BATCHES = 20
# A submission that failed in a batch is tried again on its own after this many seconds.
RETRY_AFTER = 5


@shared_task(base=CountedTask, name="automations.tasks_intake.process_pending")
def process_pending() -> int:
    """Make the items of the submissions waiting, a batch at a time; how many were made."""
    intake_queue.process_started()
    made = 0
    for _ in range(MAX_BATCHES):
        batch = batches.submissions_process_batch()
        made += len(batch.created)
        if batch.created:
            send_confirmations.delay(batch.created)
        for submission_id in batch.retry:
            process_submission.apply_async(args=[submission_id], countdown=RETRY_AFTER)
        if len(batch.claimed) < batches.BATCH:
            return made
    intake_queue.process_soon()  # more is waiting: a new message takes over
    return made


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


@shared_task(base=CountedTask, name="automations.tasks_intake.send_confirmations",
             autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_confirmations(submission_ids: list[int]) -> int:
    """A batch's confirmations; a retry skips those already sent."""
    return batches.submissions_confirm(ids=submission_ids)


@shared_task(base=CountedTask, name="automations.tasks_intake.sweep_submissions")
def sweep_submissions() -> int:
    """Queue again the submissions left without their item (beat, every minute)."""
    ids = intake.submissions_stale()
    for submission_id in ids:
        process_submission.delay(submission_id)
    return len(ids)


@shared_task(base=CountedTask, name="automations.tasks_intake.prune_pending_uploads")
def prune_pending_uploads() -> int:
    """Remove files kept for multi-page forms that were never sent (beat, daily)."""
    return pending_uploads_prune()
