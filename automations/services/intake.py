"""Request intake: forms (made by a board's editors or workspace admins) and the submissions
people send through them.

A submission is stored at once, with its reference number and files, and answered with that
reference; the item is made afterwards by a worker (`automations.services.intake_batches`), so a
burst of submissions costs each requester one insert, not an item with its rules. The reference
comes from the form's counter, incremented by an UPDATE in the same statement as the insert (or
the same transaction): the form's row stays locked until it commits, so concurrent submissions
get consecutive, unique numbers. Stored submissions ask for a worker with a flag, not a message
each (`automations.services.intake_queue`).
"""

from __future__ import annotations

import re
import secrets
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from automations.intake.answers import answers_clean, answers_raw
from automations.intake.definition import definition_clean
from automations.models import ApprovalFlow, Form, FormAccess, Submission, SubmissionStatus
from automations.selectors.intake import (
    RAW_KEY,
    form_accepting,
    form_access_check,
    require_form_manager,
    status_token,
)
from automations.services.actor import automation_actor
from automations.services.intake_processing import (  # noqa: F401 - one module to call
    submission_confirm,
    submission_failed,
    submission_process,
    submissions_retry,
    submissions_stale,
)
from automations.services.intake_queue import process_soon
from boards.columns import ColumnValueError, validate_value
from boards.models import Board
from boards.services.access import require_board_role
from boards.services.attachments import attachment_store
from workos.activity.services import activity_record
from workos.after_response import after_response
from workos.errors import Conflict, NotFound, ValidationFailed
from workos.tenancy.models import Membership, Team

TOKEN_PREFIX = "f_"  # noqa: S105 - a prefix, not a secret
DEFAULT_PREFIX = "REQ"
_PREFIX = re.compile(r"[A-Z0-9]{1,10}")
DEFINITION = ("fields", "pages", "routing", "routing_default")
SIMPLE = ("name", "description", "reference_prefix", "confirmation_message", "is_open")


def form_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(18)


def _require_editor(actor: Membership, board: Board, doing: str) -> None:
    require_board_role(board=board, actor=actor, minimum="editor", doing=doing)


def _name(value: Any) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name or len(name) > 200:
        raise ValidationFailed("Name the form (up to 200 characters).",
                               fields={"name": ["Required."]})
    return name


def _prefix(value: Any) -> str:
    prefix = (value or DEFAULT_PREFIX).strip().upper() if isinstance(value, str) else ""
    if not _PREFIX.fullmatch(prefix):
        raise ValidationFailed("reference_prefix is 1 to 10 letters or digits, such as IT.",
                               fields={"reference_prefix": ["Letters and digits only."]})
    return prefix


def _access(access: Any, teams: list[Team] | None, actor: Membership) -> list[Team]:
    if access not in FormAccess.values:
        raise ValidationFailed(f"access is one of {', '.join(FormAccess.values)}.",
                               fields={"access": ["Unknown access."]})
    teams = list(teams or [])
    if any(team.workspace_id != actor.workspace_id for team in teams):
        raise NotFound("Team not found.")
    if access == FormAccess.TEAMS and not teams:
        raise ValidationFailed("A form for teams names at least one team.",
                               fields={"teams": ["Required."]})
    return teams if access == FormAccess.TEAMS else []


def _flow(flow: ApprovalFlow | None, actor: Membership) -> ApprovalFlow | None:
    if flow is not None and flow.workspace_id != actor.workspace_id:
        raise NotFound("Approval flow not found.")
    return flow


@transaction.atomic
def form_create(
    *, actor: Membership, board: Board, name: str, fields: list[dict[str, Any]],
    access: str = FormAccess.MEMBERS, teams: list[Team] | None = None, description: str = "",
    pages: list[dict[str, Any]] | None = None, routing: list[dict[str, Any]] | None = None,
    routing_default: dict[str, Any] | None = None, approval_flow: ApprovalFlow | None = None,
    reference_prefix: str = "", confirmation_message: str = "", is_open: bool = True,
) -> Form:
    """A form on `board`; its public link is /f/<token>/ (see `form_url`)."""
    _require_editor(actor, board, "Making a form")
    teams = _access(access, teams, actor)
    definition = definition_clean(board=board, access=access, fields=fields, pages=pages,
                                  routing=routing, routing_default=routing_default)
    form = Form.objects.create(
        workspace=actor.workspace, board=board, name=_name(name),
        description=(description or "").strip(), token=form_token(), access=access,
        approval_flow=_flow(approval_flow, actor), reference_prefix=_prefix(reference_prefix),
        confirmation_message=(confirmation_message or "").strip(), is_open=bool(is_open),
        created_by=actor, **definition,
    )
    form.teams.set(teams)
    activity_record(workspace=actor.workspace, actor=actor.user, verb="form.created",
                    target=form, data={"board": board.pk, "access": access})
    return form


@transaction.atomic
def form_update(*, actor: Membership, form: Form, **changes: Any) -> Form:
    """Change any of a form's settings; the definition is checked again whenever the board,
    the access or any part of the definition changes."""
    form = Form.objects.select_for_update(of=("self",)).select_related("board").get(pk=form.pk)
    require_form_manager(form=form, viewer=actor, doing="Changing a form")
    if form.archived_at is not None:
        raise Conflict("This form is archived; it cannot be changed.")
    unknown = sorted(set(changes) - {*DEFINITION, *SIMPLE, "board", "access", "teams",
                                     "approval_flow"})
    if unknown:
        raise ValidationFailed(f"A form has no {unknown[0]}.", fields={unknown[0]: ["Unknown."]})
    board = changes.get("board", form.board)
    if board.pk != form.board_id:
        _require_editor(actor, board, "Moving a form to a board")
    access = changes.get("access", form.access)
    teams = changes.get("teams", list(form.teams.all()) if "access" in changes else None)
    if teams is not None or "access" in changes:
        teams = _access(access, teams, actor)
    new: dict[str, Any] = {}
    if any(key in changes for key in (*DEFINITION, "board", "access")):
        new.update(definition_clean(
            board=board, access=access,
            **{key: changes.get(key, getattr(form, key)) for key in DEFINITION}))
    for key, clean in (("name", _name), ("reference_prefix", _prefix)):
        if key in changes:
            new[key] = clean(changes[key])
    for key in ("description", "confirmation_message"):
        if key in changes:
            new[key] = (changes[key] or "").strip()
    if "is_open" in changes:
        new["is_open"] = bool(changes["is_open"])
    if "approval_flow" in changes:
        new["approval_flow"] = _flow(changes["approval_flow"], actor)
    new["board"], new["access"] = board, access
    changed = {key: value for key, value in new.items() if getattr(form, key) != value}
    recorded = {key: [getattr(getattr(form, key), "pk", getattr(form, key)),
                      getattr(value, "pk", value)]
                for key, value in changed.items() if key not in DEFINITION}
    for key, value in changed.items():
        setattr(form, key, value)
    team_change = teams is not None and {t.pk for t in teams} != {t.pk for t in form.teams.all()}
    if changed:
        form.save(update_fields=[*changed, "updated_at"])
    if team_change:
        form.teams.set(teams)
    if changed or team_change:
        activity_record(
            workspace=actor.workspace, actor=actor.user, verb="form.updated", target=form,
            changes=recorded,
            data={"board": form.board_id, "teams_changed": team_change,
                  "definition_changed": sorted(k for k in changed if k in DEFINITION)})
    return form


@transaction.atomic
def form_archive(*, actor: Membership, form: Form) -> Form:
    """Archive a form: its link stops working; its submissions and their items stay."""
    require_form_manager(form=form, viewer=actor, doing="Archiving a form")
    if form.archived_at is None:
        form.archived_at = timezone.now()
        form.save(update_fields=["archived_at", "updated_at"])
        activity_record(workspace=actor.workspace, actor=actor.user, verb="form.archived",
                        target=form, data={"board": form.board_id})
    return form


@transaction.atomic
def form_regenerate_token(*, actor: Membership, form: Form) -> Form:
    """A new public link; the old one (and status links made with it) stops working."""
    require_form_manager(form=form, viewer=actor, doing="Changing a form's link")
    form.token = form_token()
    form.save(update_fields=["token", "updated_at"])
    activity_record(workspace=actor.workspace, actor=actor.user, verb="form.token_regenerated",
                    target=form, data={"board": form.board_id})
    return form


def _email(email: Any, submitter: Membership | None, form: Form) -> str:
    address = email.strip() if isinstance(email, str) else ""
    if address:
        try:
            return validate_value("email", {}, address)
        except ColumnValueError as exc:
            raise ValidationFailed(exc.message, fields={"email": [exc.message]}) from exc
    if submitter is not None:
        own = submitter.user.email or ""
        return "" if own.endswith(".invalid") else own
    if form.access == FormAccess.PUBLIC:
        message = "Give your e-mail address, to receive the reference and follow your request."
        raise ValidationFailed(message, fields={"email": [message]})
    return ""


def _next_reference(form: Form) -> str:
    """The form's next reference (where `_insert` cannot take it in the same statement). The
    UPDATE locks the form's row until the caller commits, so concurrent submissions take
    consecutive numbers; RETURNING reads it in the same statement (SQLite from 3.35)."""
    if connection.vendor == "sqlite":
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(Form._meta.db_table)} SET last_reference = last_reference + 1 "  # noqa: S608 - names from the model
                "WHERE id = %s RETURNING last_reference, reference_prefix", [form.pk])
            number, prefix = cursor.fetchone()
    else:
        Form.objects.filter(pk=form.pk).update(last_reference=F("last_reference") + 1)
        number, prefix = Form.objects.filter(pk=form.pk).values_list(
            "last_reference", "reference_prefix").get()
    return f"{prefix or DEFAULT_PREFIX}-{number}"


@lru_cache(maxsize=1)
def _insert_sql() -> str:
    quote = connection.ops.quote_name
    form, submission = quote(Form._meta.db_table), quote(Submission._meta.db_table)
    # Table names come from the models; every value is a parameter.
    numbered = (f"UPDATE {form} SET last_reference = last_reference + 1 WHERE id = %s "  # noqa: S608
                "RETURNING last_reference, reference_prefix")
    return (
        f"WITH n AS ({numbered}) INSERT INTO {submission} (workspace_id, form_id, reference, "  # noqa: S608
        "answers, submitter_id, submitter_email, status, error, attempts, created_at) "
        "SELECT %s, %s, COALESCE(NULLIF(n.reference_prefix, ''), %s) || '-' || "
        "n.last_reference, %s, %s, %s, %s, '', 0, %s FROM n RETURNING id, reference"
    )


def _insert(form: Form, answers: dict[str, Any], submitter: Membership | None, address: str
            ) -> Submission:
    """Store the submission with the form's next reference. On PostgreSQL one statement takes
    the number and inserts the row: outside a transaction it commits by itself, holding the
    form's row only while it runs, in one round trip."""
    submission = Submission(
        workspace_id=form.workspace_id, form=form, answers=answers, submitter=submitter,
        submitter_email=address, status=SubmissionStatus.RECEIVED, created_at=timezone.now())
    if connection.vendor != "postgresql":
        submission.reference = _next_reference(form)
        submission.save(force_insert=True)
        return submission
    answers_field = Submission._meta.get_field("answers")
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(), [
            form.pk, form.workspace_id, form.pk, DEFAULT_PREFIX,
            answers_field.get_db_prep_value(answers, connection), getattr(submitter, "pk", None),
            address, SubmissionStatus.RECEIVED.value, submission.created_at])
        submission.pk, submission.reference = cursor.fetchone()
    submission._state.adding = False
    return submission


def _store_files(form: Form, submission: Submission, submitter: Membership | None,
                 uploads: list[tuple[str, Any]]) -> None:
    holder = submitter or automation_actor(form.workspace)
    for key, upload in uploads:
        attachment_store(actor=holder, target=submission, upload=upload,
                         verb="intake.file_received", extra={"form": form.pk, "question": key})


def _queue() -> None:
    # Asked once the answer is on its way; the sweep takes up a submission whose request never
    # left (the process died first, the broker was down).
    transaction.on_commit(lambda: after_response(process_soon))


def submission_create(*, form: Form, answers: dict[str, Any], files: dict[str, list] | None,
                      submitter: Membership | None, email: str,
                      prefill: dict[str, Any] | None = None) -> tuple[Submission, str]:
    """Store a submission of `form` and ask a worker to make its item; (submission, status
    token). Answers to anything the form does not show are dropped; per-answer problems are one
    ValidationFailed with `fields` keyed by question key (and `email`).

    Atomic: everything before the insert only reads, and the submission is one statement, or
    (with files, or off PostgreSQL) one transaction with its files and reference."""
    if form.archived_at is not None or form.board.deleted_at is not None:
        raise NotFound("This form does not exist or is no longer available.")
    if not form_accepting(form):
        raise Conflict("This form is closed and takes no more submissions.", code="closed")
    form_access_check(form=form, submitter=submitter)
    if not isinstance(answers, dict):
        raise ValidationFailed("answers is an object keyed by question key.",
                               fields={"answers": ["Not an object."]})
    raw = {**answers, **(files or {})}
    problems: list[ValidationFailed] = []
    clean: dict[str, Any] = {}
    address = ""
    try:
        clean = answers_clean(form, raw, prefill=prefill)
    except ValidationFailed as exc:
        problems.append(exc)
    try:
        address = _email(email, submitter, form)
    except ValidationFailed as exc:
        problems.append(exc)
    if problems:
        raise ValidationFailed(problems[0].message,
                               fields={k: v for p in problems for k, v in p.fields.items()})
    stored = {**clean, RAW_KEY: answers_raw(form, raw)}
    uploads = [(key, upload) for key, given in (files or {}).items() if key in clean
               for upload in (given if isinstance(given, list | tuple) else [given])]
    if not uploads and connection.vendor == "postgresql":
        submission = _insert(form, stored, submitter, address)
    else:
        with transaction.atomic():
            submission = _insert(form, stored, submitter, address)
            if uploads:
                _store_files(form, submission, submitter, uploads)
    _queue()
    return submission, status_token(submission)
