"""Turning a stored submission into an item (run by a worker), and telling the requester.

`submission_process` is idempotent: it locks the submission's row and does nothing once the
item exists, so a redelivered or re-queued message never makes a second item. It makes the item
as the submitter (a member who may add items to the board) or as the workspace's automation
actor, applies the form's routing (group, assignee: a member, round-robin in a team under the
form's cursor lock, or the team's least loaded member; priority), moves the submission's files
to the item, records `intake.submitted` on the item (the `form_submitted` trigger's event),
starts the form's approval flow, and queues the confirmation e-mail, which is sent once.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from automations.catalogue.actions_people import (
    least_loaded_member,
    next_in_turn,
    team_member_ids,
)
from automations.catalogue.dates import workspace_today
from automations.intake.answers import item_fields_from
from automations.intake.routing import route_for
from automations.models import (
    Form,
    FormAccess,
    FormRoundRobin,
    Submission,
    SubmissionStatus,
)
from automations.selectors.intake import status_url, submission_answers
from automations.services.actor import automation_actor
from boards.models import Group, Item
from boards.selectors.boards import board_role, board_role_at_least
from boards.services.items import item_create
from workos.activity.models import Attachment
from workos.activity.services import activity_record
from workos.errors import DomainError, NotFound
from workos.tenancy.models import Membership, Role, role_at_least

logger = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=1)
STALE_BATCH = 500
# A submission re-queued by the sweep is not queued again for this long (its message waits).
REQUEUE_PAUSE = 10 * 60
ERROR_MAX = 2000


def _creator(form: Form, submission: Submission) -> Membership:
    """Who makes the item: the submitting member when they may add items to the board; else
    the automation actor, since the form itself is the permission to file a request there."""
    member = submission.submitter
    if form.access != FormAccess.PUBLIC and member is not None and member.removed_at is None:
        role = board_role(form.board, member)
        if board_role_at_least(role, "contributor") and role_at_least(member.role, Role.MEMBER):
            return member
    return automation_actor(form.workspace)


def _assignee(form: Form, assign: dict[str, Any], actor: Membership) -> int | None:
    mode = assign.get("mode")
    if mode == "member":
        member = assign.get("member")
        alive = Membership.objects.filter(pk=member, workspace_id=form.workspace_id).exists()
        return member if alive else None
    team = assign.get("team")
    if mode == "least_loaded":
        return least_loaded_member(workspace=form.workspace, viewer=actor, team_id=team,
                                   today=workspace_today(form.workspace))
    members = team_member_ids(team)
    if mode != "round_robin" or not members:
        return None
    FormRoundRobin.objects.get_or_create(form=form, team_id=team)
    cursor = FormRoundRobin.objects.select_for_update().get(form=form, team_id=team)
    cursor.last_member_id = next_in_turn(members, cursor.last_member_id)
    cursor.save(update_fields=["last_member_id"])
    return cursor.last_member_id


def _routed(form: Form, answers: dict[str, Any], fields: dict[str, Any], actor: Membership
            ) -> dict[str, Any]:
    route = route_for(form, answers)
    group = route.get("group")
    if group and Group.objects.filter(pk=group, board=form.board,
                                      archived_at__isnull=True).exists():
        fields["group"] = group
    if route.get("priority"):
        fields["priority"] = route["priority"]
    member = _assignee(form, route["assign"], actor) if route.get("assign") else None
    if member is not None:
        fields["assignees"] = sorted({*fields.get("assignees", []), member})
    return fields


def _move_files(submission: Submission, item: Item) -> list[int]:
    """The submission's files become the item's, keeping who uploaded them and when."""
    files = Attachment.objects.filter(
        workspace_id=submission.workspace_id, target_id=submission.pk,
        target_type=ContentType.objects.get_for_model(Submission, for_concrete_model=False))
    ids = list(files.values_list("id", flat=True))
    if ids:
        Attachment.objects.filter(pk__in=ids).update(
            target_type=ContentType.objects.get_for_model(Item, for_concrete_model=False),
            target_id=item.pk)
    return ids


def _start_approval(form: Form, submission: Submission, item: Item, actor: Membership) -> str:
    """Start the form's approval flow on the new item; a problem with the flow is noted on
    the submission (returned) rather than refusing the request."""
    flow = form.approval_flow
    if flow is None:
        return ""
    from automations.services.approvals import approval_start

    asker = actor if role_at_least(actor.role, Role.MEMBER) else automation_actor(form.workspace)
    try:
        with transaction.atomic():
            approval_start(actor=asker, flow=flow, item=item, requested_by=submission.submitter,
                           requester_email=submission.submitter_email, submission=submission)
    except DomainError as exc:
        return f"The approval flow did not start: {exc.message}"
    return ""


@transaction.atomic
def submission_process(*, submission_id: int) -> Submission:
    """Make the submission's item (once; see the module)."""
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("form__board", "form__workspace", "form__approval_flow",
                        "submitter__user", "submitter__workspace")
        .filter(pk=submission_id).first()
    )
    if submission is None:
        raise NotFound("Submission not found.")
    if submission.status == SubmissionStatus.CREATED:
        return submission
    form = submission.form
    answers = submission_answers(submission)
    actor = _creator(form, submission)
    fields = item_fields_from(form, answers, reference=submission.reference)
    item = item_create(actor=actor, board=form.board,
                       fields=_routed(form, answers, fields, actor))
    moved = _move_files(submission, item)
    activity_record(
        workspace=form.workspace, actor=actor.user, verb="intake.submitted", target=item,
        data={"form": form.pk, "submission": submission.pk, "reference": submission.reference,
              "board": item.board_id, "attachments": moved},
    )
    note = _start_approval(form, submission, item, actor)
    submission.status = SubmissionStatus.CREATED
    submission.item = item
    submission.processed_at = timezone.now()
    submission.attempts += 1
    submission.error = note
    submission.save(update_fields=["status", "item", "processed_at", "attempts", "error"])
    _confirm_on_commit(submission.pk)
    return submission


def _confirm_on_commit(submission_id: int) -> None:
    from automations.tasks_intake import send_confirmation

    transaction.on_commit(lambda: send_confirmation.delay(submission_id))


def submission_failed(*, submission_id: int, error: str, final: bool) -> None:
    """Note a failed attempt; `final` (no retry left, or a problem no retry fixes) marks the
    submission failed, for an administrator to look at and process again."""
    fields: dict[str, Any] = {"error": error[:ERROR_MAX], "attempts": F("attempts") + 1}
    if final:
        fields["status"] = SubmissionStatus.FAILED
    Submission.objects.filter(pk=submission_id).exclude(
        status=SubmissionStatus.CREATED).update(**fields)


@transaction.atomic
def submission_confirm(*, submission_id: int) -> bool:
    """E-mail the requester their reference and status link, once: the row is locked and
    marked in the same transaction as the sending, so a retried task does not mail again."""
    submission = (Submission.objects.select_for_update(of=("self",))
                  .select_related("form", "workspace").filter(pk=submission_id).first())
    if submission is None or submission.confirmation_sent_at is not None:
        return False
    address = submission.submitter_email
    if not address or address.endswith(".invalid"):
        return False
    form = submission.form
    lines = [f"We received your request \"{form.name}\".", "",
             f"Your reference: {submission.reference}", "",
             f"Follow it here: {status_url(submission)}"]
    if form.confirmation_message:
        lines[1:1] = ["", form.confirmation_message]
    send_mail(subject=f"[{submission.workspace.name}] Request {submission.reference} received",
              message="\n".join(lines) + "\n", from_email=None, recipient_list=[address])
    submission.confirmation_sent_at = timezone.now()
    submission.save(update_fields=["confirmation_sent_at"])
    return True


@transaction.atomic
def submissions_retry(*, ids: list[int]) -> list[int]:
    """Queue again the given submissions that have no item yet (failed ones first of all);
    the ids queued."""
    ids = list(Submission.objects.filter(pk__in=ids).exclude(status=SubmissionStatus.CREATED)
               .values_list("id", flat=True))
    Submission.objects.filter(pk__in=ids).update(status=SubmissionStatus.RECEIVED)
    from automations.tasks_intake import process_submission

    transaction.on_commit(lambda: [process_submission.delay(pk) for pk in ids])
    return ids


def submissions_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Submissions still waiting for their item a minute after they arrived (their message was
    lost, or its worker died), oldest first; each is handed out at most once per pause, so a
    slow queue is not flooded with copies."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    ids = list(Submission.objects.filter(status=SubmissionStatus.RECEIVED, created_at__lt=cutoff)
               .order_by("created_at", "id").values_list("id", flat=True)[:STALE_BATCH])
    return [pk for pk in ids if cache.add(f"intake:requeued:{pk}", 1, timeout=REQUEUE_PAUSE)]
