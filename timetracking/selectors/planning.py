"""Reads of rates, work schedules, time off and allocations, and members' calendars.

Rates: admins and owners see everyone's; a member sees only their own; guests see none (the
API refuses them). Schedules and time off are visible to members for planning; a guest sees only
their own. Allocations are visible on the boards the viewer can see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from boards.selectors import visible_board_ids
from timetracking.capacity import MemberCalendar, default_weekly_hours
from timetracking.models import Allocation, Rate, TimeOff, TimeOffStatus, WorkSchedule
from workos.errors import NotFound
from workos.tenancy.models import Membership, Role, Workspace, role_at_least


def _own_unless_member(viewer: Membership) -> Q:
    """Members and above see the workspace's rows; guests only their own."""
    return Q(member=viewer) if viewer.role == Role.GUEST else Q()


# --- rates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateFilters:
    member: int | None = None
    board: int | None = None
    general: bool | None = None  # True: only rates without a board


def rate_list(
    *, workspace: Workspace, viewer: Membership, filters: RateFilters | None = None
) -> QuerySet:
    f = filters or RateFilters()
    qs = Rate.objects.filter(workspace=workspace)
    if not role_at_least(viewer.role, Role.ADMIN):
        # Never anyone else's: rates are pay.
        qs = qs.filter(member=viewer) if viewer.role == Role.MEMBER else qs.none()
    if f.member is not None:
        qs = qs.filter(member_id=f.member)
    if f.board is not None:
        qs = qs.filter(board_id=f.board)
    if f.general is not None:
        qs = qs.filter(board__isnull=f.general)
    return qs


def rate_get(*, workspace: Workspace, viewer: Membership, id: int) -> Rate:
    rate = rate_list(workspace=workspace, viewer=viewer).filter(id=id).first()
    if rate is None:
        raise NotFound("Rate not found.")
    return rate


def rates_in_scope(*, member: Membership, board_id: int | None) -> list[Rate]:
    """The member's rates for one board (or their general rates), oldest first."""
    return list(
        Rate.objects.filter(member=member, board_id=board_id).order_by("effective_from", "id")
    )


# --- schedules and time off -------------------------------------------------------------


def schedule_list(
    *, workspace: Workspace, viewer: Membership, member: int | None = None
) -> QuerySet:
    qs = WorkSchedule.objects.filter(workspace=workspace).filter(_own_unless_member(viewer))
    return qs.filter(member_id=member) if member is not None else qs


def schedule_get(*, workspace: Workspace, viewer: Membership, id: int) -> WorkSchedule:
    schedule = schedule_list(workspace=workspace, viewer=viewer).filter(id=id).first()
    if schedule is None:
        raise NotFound("Work schedule not found.")
    return schedule


@dataclass(frozen=True)
class TimeOffFilters:
    member: int | None = None
    status: str | None = None
    start: dt.date | None = None  # overlapping [start, end]
    end: dt.date | None = None


def time_off_list(
    *, workspace: Workspace, viewer: Membership, filters: TimeOffFilters | None = None
) -> QuerySet:
    f = filters or TimeOffFilters()
    qs = TimeOff.objects.filter(workspace=workspace).filter(_own_unless_member(viewer))
    if f.member is not None:
        qs = qs.filter(member_id=f.member)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.start is not None:
        qs = qs.filter(end_date__gte=f.start)
    if f.end is not None:
        qs = qs.filter(start_date__lte=f.end)
    return qs


def time_off_get(*, workspace: Workspace, viewer: Membership, id: int) -> TimeOff:
    row = time_off_list(workspace=workspace, viewer=viewer).filter(id=id).first()
    if row is None:
        raise NotFound("Time off not found.")
    return row


# --- allocations ------------------------------------------------------------------------


@dataclass(frozen=True)
class AllocationFilters:
    member: int | None = None
    board: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None


def allocation_list(
    *, workspace: Workspace, viewer: Membership, filters: AllocationFilters | None = None
) -> QuerySet:
    f = filters or AllocationFilters()
    qs = Allocation.objects.filter(
        workspace=workspace,
        board_id__in=visible_board_ids(workspace=workspace, membership=viewer),
    ).filter(_own_unless_member(viewer))
    if f.member is not None:
        qs = qs.filter(member_id=f.member)
    if f.board is not None:
        qs = qs.filter(board_id=f.board)
    if f.start is not None:
        qs = qs.filter(end_date__gte=f.start)
    if f.end is not None:
        qs = qs.filter(start_date__lte=f.end)
    return qs


def allocation_get(*, workspace: Workspace, viewer: Membership, id: int) -> Allocation:
    row = allocation_list(workspace=workspace, viewer=viewer).filter(id=id).first()
    if row is None:
        raise NotFound("Allocation not found.")
    return row


# --- calendars --------------------------------------------------------------------------


def workspace_holidays(workspace: Workspace) -> list[dt.date]:
    return [dt.date.fromisoformat(str(day)) for day in workspace.holidays or []]


def calendars_load(
    *, workspace: Workspace, member_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, MemberCalendar]:
    """Each member's calendar, with approved time off between `start` and `end`.

    Two queries whatever the number of members: their schedules and their time off.
    """
    ids = list(member_ids)
    default = default_weekly_hours(workspace.working_days or [])
    weekly = dict(
        WorkSchedule.objects.filter(workspace=workspace, member_id__in=ids)
        .values_list("member_id", "hours")
    )
    time_off: dict[int, list[tuple[dt.date, dt.date, bool]]] = {}
    rows = TimeOff.objects.filter(
        workspace=workspace, member_id__in=ids, status=TimeOffStatus.APPROVED,
        end_date__gte=start, start_date__lte=end,
    ).values_list("member_id", "start_date", "end_date", "half_day")
    for member_id, first, last, half_day in rows:
        time_off.setdefault(member_id, []).append((first, last, half_day))
    holidays = workspace_holidays(workspace)
    return {
        member_id: MemberCalendar.build(
            weekly=weekly.get(member_id) or default,
            holidays=holidays,
            time_off=time_off.get(member_id, ()),
        )
        for member_id in ids
    }
