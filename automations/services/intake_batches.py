"""Turning received submissions into items many at a time: what one worker message does.

Stored submissions ask for a batch (`automations.services.intake_queue`), not for a message
each. A batch claims up to BATCH submissions never tried, oldest first: one short transaction
locks them, skipping rows another worker is claiming, and counts their attempt, so no two
batches take the same submission. Each is then processed in its own transaction
(`submission_process`), so one failure stops nothing else: a problem no retry fixes fails the
submission at once; anything else leaves it to `process_submission`, a message of its own with
retries and backoff. The submissions of a batch read their forms, the automation actor and the
boards' structure once, and their confirmations go out together, over one connection to the
mail server.

A claimed submission whose worker died before its transaction committed stays received, with
its attempt counted: no batch takes it again, and the sweep hands it to `process_submission`
a minute later, where one that keeps killing workers ends in the dead letters instead of taking
every batch down with it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.mail import get_connection
from django.db import transaction

from automations.models import Submission, SubmissionStatus
from automations.services.intake_processing import (
    SharedReads,
    submission_confirm,
    submission_failed,
    submission_process_claimed,
)
from boards.services.contexts import board_structure_shared
from workos.errors import DomainError

logger = logging.getLogger(__name__)

BATCH = 50


@dataclass
class Batch:
    claimed: list[int] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # for good: a problem no retry fixes
    retry: list[int] = field(default_factory=list)  # to be tried again on their own


@transaction.atomic
def submissions_claim(*, limit: int = BATCH) -> list[int]:
    """Claim up to `limit` submissions never tried, oldest first (see the module)."""
    ids = list(
        Submission.objects.filter(status=SubmissionStatus.RECEIVED, attempts=0)
        .order_by("created_at", "id").select_for_update(skip_locked=True)
        .values_list("id", flat=True)[:limit]
    )
    if ids:
        Submission.objects.filter(pk__in=ids).update(attempts=1)
    return ids


def submissions_process_batch(*, limit: int = BATCH) -> Batch:
    """Claim a batch and make each submission's item, each in its own transaction."""
    batch = Batch(claimed=submissions_claim(limit=limit))
    if not batch.claimed:
        return batch
    shared = SharedReads()
    shared.files_preload(batch.claimed)
    rows = {s.pk: s for s in Submission.objects.filter(pk__in=batch.claimed)
            .select_related("submitter__user", "submitter__workspace")}
    with board_structure_shared():
        for submission_id in batch.claimed:
            try:
                made = submission_id in rows and submission_process_claimed(
                    submission=rows[submission_id], shared=shared)
            except DomainError as exc:
                submission_failed(submission_id=submission_id, error=exc.message, final=True,
                                  counted=True)
                batch.failed.append(submission_id)
            except Exception as exc:
                logger.warning("Submission %s failed in a batch; it is tried again on its own",
                               submission_id, exc_info=True)
                submission_failed(submission_id=submission_id,
                                  error=f"{type(exc).__name__}: {exc}", final=False,
                                  counted=True)
                batch.retry.append(submission_id)
            else:
                if made:
                    batch.created.append(submission_id)
    return batch


def submissions_confirm(*, ids: list[int]) -> int:
    """Send these submissions' confirmations over one connection; how many were sent. Each is
    sent once, as by `submission_confirm`."""
    rows = Submission.objects.filter(pk__in=ids, confirmation_sent_at__isnull=True) \
        .select_related("form", "workspace").order_by("id")
    sent = 0
    with get_connection() as mailer:
        for submission in rows:
            sent += submission_confirm(submission_id=submission.pk, mailer=mailer,
                                       submission=submission)
    return sent
