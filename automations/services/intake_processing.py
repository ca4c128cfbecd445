"""Turning a stored submission into an item (run by a worker), and telling the requester.

Making the item is idempotent: the submission's row is locked and nothing happens once the item
exists, so a redelivered or re-queued message never makes a second item. `submission_process`
does one submission by id; `submission_process_claimed` one of a batch (`intake_batches`),
whose submissions share what `SharedReads` reads once. The item is made as the submitter (a
member who may add items to the board) or as the workspace's automation actor, with the form's
routing (group, assignee: a member, round-robin in a team under the form's cursor lock, or the
team's least loaded member; priority); the submission's files move to the item,
`intake.submitted` is recorded on the item (the `form_submitted` trigger's event), the form's
approval flow starts, and the confirmation e-mail is sent once (a batch sends its own together).
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.mail import send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import F, QuerySet
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


class SharedReads:
    """What the submissions of one batch share, each read once: their forms (with board,
    workspace and approval flow), each workspace's automation actor and each board's live
    groups. A batch is short, so a change made meanwhile is seen from the next batch on, as
    by a submission processed a moment later; without a batch each submission reads afresh."""

    def __init__(self) -> None:
        self._forms: dict[int, Form] = {}
        self._actors: dict[int, Membership] = {}
        self._groups: dict[int, set[int]] = {}
        self._files: dict[int, list[int]] | None = None

    def form(self, form_id: int) -> Form:
        if form_id not in self._forms:
            self._forms[form_id] = (Form.objects.select_related("board", "workspace",
                                                                "approval_flow").get(pk=form_id))
        return self._forms[form_id]

    def actor(self, form: Form) -> Membership:
        if form.workspace_id not in self._actors:
            self._actors[form.workspace_id] = automation_actor(form.workspace)
        return self._actors[form.workspace_id]

    def files_preload(self, submission_ids: list[int]) -> None:
        """Read the files of all these submissions at once (they arrive with the submission,
        so none is added later)."""
        self._files = {pk: [] for pk in submission_ids}
        for attachment_id, target_id in _files_of(submission_ids).values_list("id", "target_id"):
            self._files[target_id].append(attachment_id)

    def files(self, submission: Submission) -> list[int]:
        if self._files is not None and submission.pk in self._files:
            return self._files[submission.pk]
        return list(_files_of([submission.pk]).filter(workspace_id=submission.workspace_id)
                    .values_list("id", flat=True))

    def live_groups(self, board_id: int) -> set[int]:
        if board_id not in self._groups:
            self._groups[board_id] = set(Group.objects.filter(
                board_id=board_id, archived_at__isnull=True).values_list("id", flat=True))
        return self._groups[board_id]


def _creator(form: Form, submission: Submission, shared: SharedReads) -> Membership:
    """Who makes the item: the submitting member when they may add items to the board; else
    the automation actor, since the form itself is the permission to file a request there."""
    member = submission.submitter
    if form.access != FormAccess.PUBLIC and member is not None and member.removed_at is None:
        role = board_role(form.board, member)
        if board_role_at_least(role, "contributor") and role_at_least(member.role, Role.MEMBER):
            return member
    return shared.actor(form)


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


def _routed(form: Form, answers: dict[str, Any], fields: dict[str, Any], actor: Membership,
            shared: SharedReads) -> dict[str, Any]:
    route = route_for(form, answers)
    group = route.get("group")
    if group and group in shared.live_groups(form.board_id):
        fields["group"] = group
    if route.get("priority"):
        fields["priority"] = route["priority"]
    member = _assignee(form, route["assign"], actor) if route.get("assign") else None
    if member is not None:
        fields["assignees"] = sorted({*fields.get("assignees", []), member})
    return fields


def _files_of(submission_ids: list[int]) -> QuerySet:
    return Attachment.objects.filter(
        target_id__in=submission_ids,
        target_type=ContentType.objects.get_for_model(Submission, for_concrete_model=False))


def _move_files(submission: Submission, item: Item, shared: SharedReads) -> list[int]:
    """The submission's files become the item's, keeping who uploaded them and when."""
    ids = shared.files(submission)
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
    if submission.status != SubmissionStatus.CREATED:
        _make_item(submission, SharedReads(), counted=False)
        _confirm_on_commit(submission.pk)
    return submission


@transaction.atomic
def submission_process_claimed(*, submission: Submission, shared: SharedReads) -> bool:
    """Make the item of a submission a batch claimed (see `intake_batches`) and read already,
    with its form from `shared`; whether it made it (False: made meanwhile by a message of its
    own). Its row is locked first, and checked not to have its item yet."""
    with connection.cursor() as cursor:
        cursor.execute(_lock_sql(), [submission.pk, SubmissionStatus.CREATED.value])
        if cursor.fetchone() is None:
            return False
    submission.form = shared.form(submission.form_id)
    _make_item(submission, shared, counted=True)
    return True


@lru_cache(maxsize=1)
def _lock_sql() -> str:
    table = connection.ops.quote_name(Submission._meta.db_table)
    suffix = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return f"SELECT id FROM {table} WHERE id = %s AND status <> %s{suffix}"  # noqa: S608


def _make_item(submission: Submission, shared: SharedReads, *, counted: bool) -> None:
    """Make the item of a locked submission without one; `counted`: its claim counted this
    attempt already."""
    form = submission.form
    answers = submission_answers(submission)
    actor = _creator(form, submission, shared)
    fields = item_fields_from(form, answers, reference=submission.reference)
    item = item_create(actor=actor, board=form.board,
                       fields=_routed(form, answers, fields, actor, shared))
    moved = _move_files(submission, item, shared)
    activity_record(
        workspace=form.workspace, actor=actor.user, verb="intake.submitted", target=item,
        data={"form": form.pk, "submission": submission.pk, "reference": submission.reference,
              "board": item.board_id, "attachments": moved},
    )
    note = _start_approval(form, submission, item, actor)
    submission.status = SubmissionStatus.CREATED
    submission.item = item
    submission.processed_at = timezone.now()
    submission.attempts += 0 if counted else 1
    submission.error = note
    submission.save(update_fields=["status", "item", "processed_at", "attempts", "error"])


def _confirm_on_commit(submission_id: int) -> None:
    from automations.tasks_intake import send_confirmation

    transaction.on_commit(lambda: send_confirmation.delay(submission_id))


def submission_failed(*, submission_id: int, error: str, final: bool,
                      counted: bool = False) -> None:
    """Note a failed attempt (`counted`: its claim counted it already); `final` (no retry
    left, or a problem no retry fixes) marks the submission failed, for an administrator to
    look at and process again."""
    fields: dict[str, Any] = {"error": error[:ERROR_MAX]}
    if not counted:
        fields["attempts"] = F("attempts") + 1
    if final:
        fields["status"] = SubmissionStatus.FAILED
    Submission.objects.filter(pk=submission_id).exclude(
        status=SubmissionStatus.CREATED).update(**fields)


@transaction.atomic
def submission_confirm(*, submission_id: int, mailer: BaseEmailBackend | None = None,
                       submission: Submission | None = None) -> bool:
    """E-mail the requester their reference and status link, once: the row is marked sent
    (and so locked) in the same transaction as the sending, so a retried task, or another
    sending it at the same time, does not mail again. A batch passes the row read already with
    its form and workspace (`submission`), and an open connection (`mailer`)."""
    if submission is None:
        submission = (Submission.objects.select_related("form", "workspace")
                      .filter(pk=submission_id).first())
    address = submission.submitter_email if submission is not None else ""
    if submission is None or not address or address.endswith(".invalid"):
        return False
    marked = Submission.objects.filter(pk=submission_id, confirmation_sent_at__isnull=True) \
        .update(confirmation_sent_at=timezone.now())
    if not marked:
        return False
    form = submission.form
    lines = [f"We received your request \"{form.name}\".", "",
             f"Your reference: {submission.reference}", "",
             f"Follow it here: {status_url(submission)}"]
    if form.confirmation_message:
        lines[1:1] = ["", form.confirmation_message]
    send_mail(subject=f"[{submission.workspace.name}] Request {submission.reference} received",
              message="\n".join(lines) + "\n", from_email=None, recipient_list=[address],
              connection=mailer)
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
