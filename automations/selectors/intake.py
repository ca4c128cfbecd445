"""Reads of intake forms and submissions.

A form is visible to whoever sees its board; its submissions (which hold requesters' e-mail
addresses) to the board's editors and workspace admins. The public side reads a form by its
token only, and a submission by a signed status token that names it, so neither reaches anything
else of the workspace.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet

from automations.models import (
    ApprovalFlow,
    ApprovalRequest,
    Form,
    FormAccess,
    Submission,
    SubmissionStatus,
)
from boards.models import StatusCategory
from boards.selectors.boards import board_role, board_role_at_least, visible_board_ids
from workos.errors import NotFound, PermissionDenied
from workos.tenancy.models import AccessToken, Membership, Role, Team, Workspace, role_at_least

STATUS_SALT = "intake.status"
RAW_KEY = "_raw"


def form_accepting(form: Form) -> bool:
    """Whether the form takes submissions now: open, and its board can take new items."""
    board = form.board
    return form.is_open and board.archived_at is None and not board.read_only


def form_list(*, workspace: Workspace, viewer: Membership, board: int | None = None,
              archived: bool = False) -> QuerySet:
    forms = Form.objects.filter(
        workspace=workspace,
        board_id__in=visible_board_ids(workspace=workspace, membership=viewer),
        archived_at__isnull=not archived,
    ).prefetch_related("teams")
    if board is not None:
        forms = forms.filter(board_id=board)
    return forms.order_by("name", "id")


def form_get(*, workspace: Workspace, viewer: Membership, id: int) -> Form:
    form = (
        Form.objects.filter(
            workspace=workspace, pk=id,
            board_id__in=visible_board_ids(workspace=workspace, membership=viewer))
        .select_related("board", "workspace").prefetch_related("teams").first()
    )
    if form is None:
        raise NotFound("Form not found.")
    return form


def approval_flow_for_form(*, workspace: Workspace, id: int) -> ApprovalFlow:
    flow = ApprovalFlow.objects.filter(workspace=workspace, pk=id).first()
    if flow is None:
        raise NotFound("Approval flow not found.")
    return flow


def require_form_manager(*, form: Form, viewer: Membership, doing: str) -> None:
    """Board editors and workspace admins manage a form and read its submissions."""
    if not board_role_at_least(board_role(form.board, viewer), "editor"):
        raise PermissionDenied(f"{doing} needs the editor role on the form's board.")


def submission_list(*, workspace: Workspace, viewer: Membership, form: Form,
                    status: str | None = None) -> QuerySet:
    require_form_manager(form=form, viewer=viewer, doing="Reading a form's submissions")
    rows = Submission.objects.filter(workspace=workspace, form=form)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


def submitter_for(*, form: Form, user: Any, token: Any = None) -> Membership | None:
    """The signed-in user's active membership of the form's workspace, if any. A token made for
    another workspace does not make its user a member here."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if isinstance(token, AccessToken) and token.workspace_id != form.workspace_id:
        return None
    return (Membership.objects.select_related("user", "workspace")
            .filter(workspace_id=form.workspace_id, user=user).first())


def form_access_check(*, form: Form, submitter: Membership | None) -> None:
    """Whether `submitter` (None: anonymous) may fill in `form`; PermissionDenied if not."""
    if form.access == FormAccess.PUBLIC:
        return
    if submitter is None or submitter.workspace_id != form.workspace_id \
            or submitter.removed_at is not None:
        raise PermissionDenied("This form is only for members of its workspace; sign in with "
                               "your account to fill it in.")
    if form.access == FormAccess.TEAMS and not role_at_least(submitter.role, Role.ADMIN):
        in_team = Team.members.through.objects.filter(
            team_id__in=form.teams.values("id"), membership_id=submitter.pk).exists()
        if not in_team:
            raise PermissionDenied("This form is only for members of certain teams, and you "
                                   "are in none of them.")


def status_token(submission: Submission) -> str:
    return signing.dumps(submission.pk, salt=STATUS_SALT)


def status_url(submission: Submission, token: str | None = None) -> str:
    """The secret link where the submitter follows the request."""
    token = token or status_token(submission)
    return f"{settings.SITE_URL.rstrip('/')}/f/{submission.form.token}/s/{token}/"


def form_url(form: Form) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/f/{form.token}/"


def submission_by_status_token(form: Form, token: str) -> Submission:
    """The submission of `form` a status token names; a forged token, or one of another form,
    is a NotFound."""
    try:
        pk = signing.loads(token, salt=STATUS_SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise NotFound("This status link is not valid.") from exc
    submission = (
        Submission.objects.select_related("item__status", "form")
        .filter(pk=pk, form=form).first() if isinstance(pk, int) else None
    )
    if submission is None:
        raise NotFound("This status link is not valid.")
    return submission


def submission_answers(submission: Submission) -> dict[str, Any]:
    """The clean answers, without the raw copy kept beside them."""
    return {k: v for k, v in (submission.answers or {}).items() if k != RAW_KEY}


def submission_status(submission: Submission) -> dict[str, Any]:
    """What the submitter may know of their request: its reference, when it arrived, how far it
    got (received, in_progress with the status's name and category, done, or closed when it was
    cancelled or removed) and any approval's outcome; nothing else of the workspace."""
    item = submission.item
    state, status = "received", None
    if item is not None:
        category = item.status.category if item.status_id else StatusCategory.TODO
        status = {"name": item.status.name, "category": category} if item.status_id else None
        if category == StatusCategory.DONE:
            state = "done"
        elif category == StatusCategory.CANCELLED or item.archived_at is not None:
            state = "closed"
        else:
            state = "in_progress"
    elif submission.status == SubmissionStatus.CREATED:
        state = "closed"
    approval = (ApprovalRequest.objects.filter(submission=submission)
                .order_by("-created_at", "-id").values("status", "current_step", "steps")
                .first())
    approval_state = None
    if approval is not None:
        steps = approval["steps"] or []
        step = steps[approval["current_step"]] if approval["current_step"] < len(steps) else {}
        approval_state = {"status": approval["status"],
                          "step": step.get("name", "") if isinstance(step, dict) else ""}
    return {
        "reference": submission.reference,
        "received_at": submission.created_at,
        "state": state,
        "status": status,
        "approval": approval_state,
    }
