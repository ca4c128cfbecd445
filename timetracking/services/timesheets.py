"""Timesheets: draft → submitted → approved or rejected, and reminders to submit.

The member (or an admin) submits; the member's manager or an admin decides, never the member
themselves. Approval locks the week's entries; rejecting (a submitted or an approved week)
needs a comment and unlocks them, and the member can submit again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from timetracking.models import Timesheet, TimesheetStatus, week_start_of
from timetracking.services.entries import workspace_zone
from workos.activity.services import activity_record, notify
from workos.errors import Conflict, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership, Role, role_at_least

COMMENT_MAX = 2000
# A week is reminded about at most once in this period, however often the task runs.
REMINDER_INTERVAL = dt.timedelta(days=6)
# Reminders wait for the working day to start in the workspace's time zone.
REMINDER_HOUR = 9


def may_decide(actor: Membership, sheet: Timesheet) -> bool:
    if actor.pk == sheet.member_id:
        return False
    if role_at_least(actor.role, Role.ADMIN):
        return True
    return sheet.member.manager_id == actor.pk


def _locked_row(sheet: Timesheet) -> Timesheet:
    return (
        Timesheet.objects.select_for_update(of=("self",))
        .select_related("member__user", "member__manager")
        .get(pk=sheet.pk)
    )


def _record(actor: Membership, verb: str, sheet: Timesheet, old: str,
            comment: str = "") -> None:
    data = {"member": sheet.member_id, "week_start": sheet.week_start.isoformat(),
            "comment": comment}
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb=verb, target=sheet,
        changes={"status": [old, sheet.status]}, data=data,
    )
    # Submitted: whoever decides hears of it (the manager, or else the admins); decided: the
    # member does.
    if sheet.status == TimesheetStatus.SUBMITTED:
        member = sheet.member
        recipients = (
            [member.manager] if member.manager_id is not None
            else list(Membership.objects.filter(
                workspace_id=sheet.workspace_id, role__in=[Role.ADMIN, Role.OWNER]
            ).exclude(pk=member.pk))
        )
        title = f"{member.display_name} submitted the week of {sheet.week_start}"
    else:
        recipients = [sheet.member]
        title = f"Your timesheet for the week of {sheet.week_start} was {sheet.status}"
    notify(
        workspace=actor.workspace, recipients=[r for r in recipients if r is not None],
        verb=verb, target=sheet, title=title, actor_label=actor.display_name, actor=actor,
        data=data,
    )


@transaction.atomic
def timesheet_submit(*, actor: Membership, sheet: Timesheet) -> Timesheet:
    sheet = _locked_row(sheet)
    if actor.pk != sheet.member_id and not role_at_least(actor.role, Role.ADMIN):
        raise PermissionDenied("Only the member (or an admin) submits a timesheet.")
    if sheet.status not in {TimesheetStatus.DRAFT, TimesheetStatus.REJECTED}:
        raise Conflict(f"This timesheet is {sheet.status}; only a draft or a rejected one "
                       "can be submitted.", code="invalid_state")
    old = sheet.status
    sheet.status, sheet.submitted_at = TimesheetStatus.SUBMITTED, timezone.now()
    sheet.save(update_fields=["status", "submitted_at"])
    _record(actor, "timesheet.submitted", sheet, old)
    return sheet


def _check_decider(actor: Membership, sheet: Timesheet) -> None:
    if not may_decide(actor, sheet):
        who = "your own" if actor.pk == sheet.member_id else "this member's"
        raise PermissionDenied(
            f"You cannot decide {who} timesheet: the member's manager or an admin does."
        )


@transaction.atomic
def timesheet_approve(*, actor: Membership, sheet: Timesheet, comment: str = "") -> Timesheet:
    sheet = _locked_row(sheet)
    _check_decider(actor, sheet)
    if sheet.status != TimesheetStatus.SUBMITTED:
        raise Conflict(f"This timesheet is {sheet.status}; only a submitted one can be "
                       "approved.", code="invalid_state")
    old = sheet.status
    sheet.status, sheet.decided_at, sheet.decided_by = (
        TimesheetStatus.APPROVED, timezone.now(), actor,
    )
    sheet.comment = (comment or "")[:COMMENT_MAX]
    sheet.save(update_fields=["status", "decided_at", "decided_by", "comment"])
    _record(actor, "timesheet.approved", sheet, old, sheet.comment)
    return sheet


@transaction.atomic
def timesheet_reject(*, actor: Membership, sheet: Timesheet, comment: str) -> Timesheet:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed("Say why the timesheet is rejected, so it can be fixed.",
                               fields={"comment": ["Required."]})
    sheet = _locked_row(sheet)
    _check_decider(actor, sheet)
    if sheet.status not in {TimesheetStatus.SUBMITTED, TimesheetStatus.APPROVED}:
        raise Conflict(f"This timesheet is {sheet.status}; only a submitted or approved one "
                       "can be rejected.", code="invalid_state")
    old = sheet.status
    sheet.status, sheet.decided_at, sheet.decided_by = (
        TimesheetStatus.REJECTED, timezone.now(), actor,
    )
    sheet.comment = comment[:COMMENT_MAX]
    sheet.save(update_fields=["status", "decided_at", "decided_by", "comment"])
    _record(actor, "timesheet.rejected", sheet, old, sheet.comment)
    return sheet


def timesheet_reminders_send(*, now: dt.datetime | None = None) -> int:
    """E-mail every member whose timesheets of past weeks are still draft or rejected, one
    message per member listing the weeks. Returns how many members were reminded.

    A week is past when its Sunday is over in the workspace's time zone; mail goes out from
    REMINDER_HOUR local time on. Safe to run often:
    a week reminded within REMINDER_INTERVAL is skipped.
    """
    now = now or timezone.now()
    # The earliest Monday any time zone can be in; each row is checked in its own zone below.
    latest_monday = week_start_of((now + dt.timedelta(days=1)).date())
    candidates = (
        Timesheet.objects.filter(
            status__in=[TimesheetStatus.DRAFT, TimesheetStatus.REJECTED],
            week_start__lt=latest_monday,
        )
        .exclude(reminded_at__gt=now - REMINDER_INTERVAL)
        .select_related("member__user", "workspace")
        .order_by("member_id", "week_start")
    )
    due: dict[int, list[Timesheet]] = defaultdict(list)
    for sheet in candidates:
        local = now.astimezone(workspace_zone(sheet.workspace))
        if local.hour >= REMINDER_HOUR and sheet.week_start < week_start_of(local.date()):
            due[sheet.member_id].append(sheet)
    reminded = 0
    for sheets in due.values():
        member = sheets[0].member
        if not member.user.email or not member.user.is_active:
            continue
        with transaction.atomic():
            ids = [s.pk for s in sheets]
            # Claim the weeks first: a concurrent run finds them reminded and skips them.
            claimed = Timesheet.objects.filter(id__in=ids).exclude(
                reminded_at__gt=now - REMINDER_INTERVAL
            ).update(reminded_at=now)
            if claimed == 0:
                continue
            weeks = "\n".join(f"- week of {s.week_start} ({s.status})" for s in sheets)
            workspace = sheets[0].workspace
            notify(
                workspace=workspace, recipients=[member], verb="timesheet.reminder",
                target=sheets[0], title=f"{len(sheets)} timesheet(s) waiting to be submitted",
                actor_label="WorkOS",
                data={"weeks": [s.week_start.isoformat() for s in sheets]},
            )
            # Sent inside the transaction: if the mail server fails, the claim rolls back and
            # the next run tries again.
            send_mail(
                subject=f"Your timesheets in {workspace.name} are waiting to be submitted",
                message=(
                    f"Hello {member.display_name},\n\nThese timesheets are not submitted "
                    f"yet:\n{weeks}\n\nSubmit them at "
                    f"{settings.SITE_URL.rstrip('/')}/w/{workspace.slug}/\n"
                ),
                from_email=None,
                recipient_list=[member.user.email],
            )
        reminded += 1
    return reminded
