"""Writes of capacity and planning: work schedules, time off, allocations.

Admins and owners set schedules and allocations. Anyone asks for their own time off; admins
decide requests (their own included, since a small workspace may have a single admin) and may
record time off for anyone, approved at once.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from boards.models import Board
from timetracking.models import Allocation, TimeOff, TimeOffStatus, WorkSchedule
from workos.activity.services import activity_record
from workos.errors import Conflict, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership, Role, role_at_least

MAX_DAY_HOURS = 24


def _is_admin(actor: Membership) -> bool:
    return role_at_least(actor.role, Role.ADMIN)


def _require_admin(actor: Membership, doing: str) -> None:
    if not _is_admin(actor):
        raise PermissionDenied(f"Only admins and owners {doing}.")


def _check_member(actor: Membership, member: Membership) -> None:
    if member.workspace_id != actor.workspace_id:
        raise ValidationFailed("That member is not in this workspace.",
                               fields={"member": ["Unknown member."]})


def _record(actor: Membership, verb: str, target: Any, changes: dict[str, Any]) -> None:
    activity_record(workspace=actor.workspace, actor=actor.user, verb=verb, target=target,
                    changes=changes, data={"member": target.member_id})


def _check_dates(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationFailed("The end date is before the start date.",
                               fields={"end_date": ["Before start_date."]})


# --- work schedules ---------------------------------------------------------------------


def clean_hours(hours: Any) -> list[float]:
    if not isinstance(hours, list | tuple) or len(hours) != 7:
        raise ValidationFailed("Give seven numbers of hours, Monday first.",
                               fields={"hours": ["Seven numbers, Monday first."]})
    clean = []
    for value in hours:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = -1.0
        if isinstance(value, bool) or not 0 <= number <= MAX_DAY_HOURS:
            raise ValidationFailed("Each day has between 0 and 24 hours.",
                                   fields={"hours": ["Between 0 and 24."]})
        clean.append(round(number, 2))
    return clean


@transaction.atomic
def schedule_create(*, actor: Membership, member: Membership, hours: Any) -> WorkSchedule:
    _require_admin(actor, "set work schedules")
    _check_member(actor, member)
    clean = clean_hours(hours)
    try:
        with transaction.atomic():
            schedule = WorkSchedule.objects.create(
                workspace=actor.workspace, member=member, hours=clean
            )
    except IntegrityError as exc:
        raise Conflict("This member has a work schedule already; change that one.",
                       code="schedule_exists", fields={"member": ["Has a schedule."]}) from exc
    _record(actor, "schedule.created", schedule, {"hours": [None, clean]})
    return schedule


@transaction.atomic
def schedule_update(*, actor: Membership, schedule: WorkSchedule, hours: Any) -> WorkSchedule:
    _require_admin(actor, "set work schedules")
    clean = clean_hours(hours)
    old = schedule.hours
    schedule.hours = clean
    schedule.save(update_fields=["hours", "updated_at"])
    if old != clean:
        _record(actor, "schedule.updated", schedule, {"hours": [old, clean]})
    return schedule


@transaction.atomic
def schedule_delete(*, actor: Membership, schedule: WorkSchedule) -> None:
    """Back to the workspace default (its working days, 8 hours each)."""
    _require_admin(actor, "set work schedules")
    _record(actor, "schedule.deleted", schedule, {"hours": [schedule.hours, None]})
    schedule.delete()


# --- time off ---------------------------------------------------------------------------


def _check_time_off(member: Membership, start: dt.date, end: dt.date, half_day: bool,
                    exclude: int | None = None) -> None:
    _check_dates(start, end)
    if half_day and start != end:
        raise ValidationFailed("A half day off is a single day; use the same start and end.",
                               fields={"half_day": ["Only for a single day."]})
    clash = TimeOff.objects.filter(
        member=member, start_date__lte=end, end_date__gte=start,
        status__in=[TimeOffStatus.REQUESTED, TimeOffStatus.APPROVED],
    ).exclude(pk=exclude).first()
    if clash is not None:
        raise ValidationFailed(
            f"This overlaps time off from {clash.start_date} to {clash.end_date} "
            f"({clash.status}).", code="overlap", fields={"start_date": ["Overlaps."]},
        )


@transaction.atomic
def time_off_create(
    *,
    actor: Membership,
    member: Membership | None = None,
    start_date: dt.date,
    end_date: dt.date,
    half_day: bool = False,
    note: str = "",
) -> TimeOff:
    member = member or actor
    _check_member(actor, member)
    if member.pk != actor.pk and not _is_admin(actor):
        raise PermissionDenied("You can ask for time off for yourself; admins record it for "
                               "others.")
    Membership.objects.select_for_update().filter(pk=member.pk).first()
    _check_time_off(member, start_date, end_date, half_day)
    for_other = member.pk != actor.pk
    row = TimeOff.objects.create(
        workspace=actor.workspace, member=member, start_date=start_date, end_date=end_date,
        half_day=half_day, note=(note or "")[:500],
        status=TimeOffStatus.APPROVED if for_other else TimeOffStatus.REQUESTED,
        decided_by=actor if for_other else None,
        decided_at=timezone.now() if for_other else None,
    )
    _record(actor, "time_off.created", row, {"status": [None, row.status]})
    return row


@transaction.atomic
def time_off_update(*, actor: Membership, row: TimeOff, fields: dict[str, Any]) -> TimeOff:
    """The member changes their own request while it is undecided; admins change any."""
    if not _is_admin(actor) and (
        row.member_id != actor.pk or row.status != TimeOffStatus.REQUESTED
    ):
        raise PermissionDenied("You can change only your own requests that are not decided "
                               "yet.")
    row = TimeOff.objects.select_for_update().select_related("member").get(pk=row.pk)
    start = fields.get("start_date", row.start_date)
    end = fields.get("end_date", row.end_date)
    half_day = fields.get("half_day", row.half_day)
    _check_time_off(row.member, start, end, half_day, exclude=row.pk)
    old = {"start_date": row.start_date, "end_date": row.end_date, "half_day": row.half_day}
    row.start_date, row.end_date, row.half_day = start, end, half_day
    if "note" in fields:
        row.note = (fields["note"] or "")[:500]
    row.save()
    changes = {k: [str(v), str(getattr(row, k))] for k, v in old.items()
               if v != getattr(row, k)}
    if changes:
        _record(actor, "time_off.updated", row, changes)
    return row


@transaction.atomic
def time_off_decide(*, actor: Membership, row: TimeOff, approve: bool) -> TimeOff:
    _require_admin(actor, "approve or reject time off")
    row = TimeOff.objects.select_for_update().get(pk=row.pk)
    new = TimeOffStatus.APPROVED if approve else TimeOffStatus.REJECTED
    if row.status == new:
        raise Conflict(f"This time off is {new} already.", code="invalid_state")
    old = row.status
    row.status, row.decided_by, row.decided_at = new, actor, timezone.now()
    row.save(update_fields=["status", "decided_by", "decided_at"])
    _record(actor, f"time_off.{new}", row, {"status": [old, new]})
    return row


@transaction.atomic
def time_off_delete(*, actor: Membership, row: TimeOff) -> None:
    if not _is_admin(actor) and (
        row.member_id != actor.pk or row.status != TimeOffStatus.REQUESTED
    ):
        raise PermissionDenied("You can withdraw only your own undecided requests.")
    _record(actor, "time_off.deleted", row, {"status": [row.status, None]})
    row.delete()


# --- allocations ------------------------------------------------------------------------


def _check_amount(hours_per_week: Any, percent: Any) -> None:
    if (hours_per_week is None) == (percent is None):
        raise ValidationFailed("Give hours_per_week or percent, not both.",
                               fields={"hours_per_week": ["Give this or percent."]})
    if hours_per_week is not None and not 0 < decimal.Decimal(hours_per_week) <= 168:
        raise ValidationFailed("Hours per week are more than 0 and at most 168.",
                               fields={"hours_per_week": ["Out of range."]})
    if percent is not None and not 0 < decimal.Decimal(percent) <= 100:
        raise ValidationFailed("A percentage is more than 0 and at most 100.",
                               fields={"percent": ["Out of range."]})


@transaction.atomic
def allocation_create(
    *,
    actor: Membership,
    member: Membership,
    board: Board,
    start_date: dt.date,
    end_date: dt.date,
    hours_per_week: decimal.Decimal | None = None,
    percent: decimal.Decimal | None = None,
    note: str = "",
) -> Allocation:
    """`board` must already be resolved through the actor's visibility."""
    _require_admin(actor, "allocate people")
    _check_member(actor, member)
    _check_dates(start_date, end_date)
    _check_amount(hours_per_week, percent)
    row = Allocation.objects.create(
        workspace=actor.workspace, member=member, board=board, start_date=start_date,
        end_date=end_date, hours_per_week=hours_per_week, percent=percent,
        note=(note or "")[:500],
    )
    _record(actor, "allocation.created", row, {
        "board": [None, board.pk], "start_date": [None, str(start_date)],
        "end_date": [None, str(end_date)],
    })
    return row


@transaction.atomic
def allocation_update(
    *, actor: Membership, row: Allocation, fields: dict[str, Any]
) -> Allocation:
    _require_admin(actor, "allocate people")
    names = ("board", "start_date", "end_date", "hours_per_week", "percent", "note")
    old = {name: getattr(row, name) for name in names}
    new = {**old, **{k: v for k, v in fields.items() if k in names}}
    # Switching between hours and percent: giving one clears the other.
    if fields.get("hours_per_week") is not None and "percent" not in fields:
        new["percent"] = None
    if fields.get("percent") is not None and "hours_per_week" not in fields:
        new["hours_per_week"] = None
    _check_dates(new["start_date"], new["end_date"])
    _check_amount(new["hours_per_week"], new["percent"])
    for name, value in new.items():
        setattr(row, name, value)
    row.save()
    plain = {k: (v.pk if isinstance(v, Board) else v) for k, v in old.items()}
    fresh = {k: (v.pk if isinstance(v, Board) else v) for k, v in new.items()}
    changes = {k: [str(plain[k]), str(fresh[k])] for k in names if plain[k] != fresh[k]}
    if changes:
        _record(actor, "allocation.updated", row, changes)
    return row


@transaction.atomic
def allocation_delete(*, actor: Membership, row: Allocation) -> None:
    _require_admin(actor, "allocate people")
    _record(actor, "allocation.deleted", row, {"board": [row.board_id, None]})
    row.delete()
