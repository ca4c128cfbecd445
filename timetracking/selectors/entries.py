"""Reads of time entries, timers and timesheets, scoped to a workspace and the viewer.

Whose time a viewer sees: admins and owners see everyone's. A member sees their own and that of
their direct reports (members whose manager they are, so they can approve their timesheets) on
boards they can see. A guest sees only their own. Entries outside that answer 404, like missing
ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum

from boards.models import Board, Item
from boards.selectors import visible_board_ids
from timetracking.models import TimeEntry, Timer, Timesheet, TimesheetStatus, week_start_of
from workos.errors import NotFound
from workos.tenancy.models import Membership, Role, Workspace, role_at_least


def sees_everyones_time(viewer: Membership) -> bool:
    return role_at_least(viewer.role, Role.ADMIN)


def _visible_members_q(viewer: Membership, *, prefix: str = "") -> Q:
    """Rows (entries, timesheets) of members whose time the viewer may see."""
    if sees_everyones_time(viewer):
        return Q()
    own = Q(**{f"{prefix}member": viewer})
    if viewer.role == Role.GUEST:
        return own
    return own | Q(**{f"{prefix}member__manager": viewer})


def _visible_entries_q(*, workspace: Workspace, viewer: Membership) -> Q:
    if sees_everyones_time(viewer):
        return Q()
    own = Q(member=viewer)
    if viewer.role == Role.GUEST:
        return own
    on_visible_board = Q(board__isnull=True) | Q(
        board_id__in=visible_board_ids(workspace=workspace, membership=viewer)
    )
    return own | (Q(member__manager=viewer) & on_visible_board)


@dataclass(frozen=True)
class EntryFilters:
    member: int | None = None
    item: int | None = None
    board: int | None = None
    timesheet: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    billable: bool | None = None
    source: str | None = None


def time_entry_list(
    *, workspace: Workspace, viewer: Membership, filters: EntryFilters | None = None
) -> QuerySet:
    f = filters or EntryFilters()
    qs = (
        TimeEntry.objects.filter(workspace=workspace)
        .filter(_visible_entries_q(workspace=workspace, viewer=viewer))
        .select_related("timesheet")
    )
    exact = {
        "member_id": f.member, "item_id": f.item, "board_id": f.board,
        "timesheet_id": f.timesheet, "billable": f.billable, "source": f.source,
    }
    qs = qs.filter(**{key: value for key, value in exact.items() if value is not None})
    if f.start is not None:
        qs = qs.filter(date__gte=f.start)
    if f.end is not None:
        qs = qs.filter(date__lte=f.end)
    return qs


def time_entry_get(*, workspace: Workspace, viewer: Membership, id: int) -> TimeEntry:
    entry = time_entry_list(workspace=workspace, viewer=viewer).filter(id=id).first()
    if entry is None:
        raise NotFound("Time entry not found.")
    return entry


def entries_overlapping(
    *, member: Membership, started_at: dt.datetime, ended_at: dt.datetime,
    exclude_id: int | None = None,
) -> QuerySet:
    """The member's entries sharing any minute with [started_at, ended_at); touching is fine."""
    qs = TimeEntry.objects.filter(
        member=member, started_at__lt=ended_at, ended_at__gt=started_at
    ).select_related("item")
    if exclude_id is not None:
        qs = qs.exclude(id=exclude_id)
    return qs.order_by("started_at", "id")


def timer_running(*, workspace: Workspace, member: Membership) -> Timer | None:
    return (
        Timer.objects.filter(workspace=workspace, member=member, stopped_at__isnull=True)
        .select_related("item")
        .first()
    )


# --- timesheets -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimesheetFilters:
    member: int | None = None
    status: str | None = None
    week: dt.date | None = None  # any day of the week
    to_approve: bool = False  # submitted, and the viewer may decide them


def timesheet_list(
    *, workspace: Workspace, viewer: Membership, filters: TimesheetFilters | None = None
) -> QuerySet:
    f = filters or TimesheetFilters()
    qs = (
        Timesheet.objects.filter(workspace=workspace)
        .filter(_visible_members_q(viewer))
        .select_related("member")
        .annotate(
            total_minutes=Sum("entries__duration_minutes"),
            billable_minutes=Sum(
                "entries__duration_minutes", filter=Q(entries__billable=True)
            ),
        )
    )
    if f.member is not None:
        qs = qs.filter(member_id=f.member)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.week is not None:
        qs = qs.filter(week_start=week_start_of(f.week))
    if f.to_approve:
        qs = qs.filter(status=TimesheetStatus.SUBMITTED).exclude(member=viewer)
        if not sees_everyones_time(viewer):
            qs = qs.filter(member__manager=viewer)
    return qs


def timesheet_get(*, workspace: Workspace, viewer: Membership, id: int) -> Timesheet:
    sheet = timesheet_list(workspace=workspace, viewer=viewer).filter(id=id).first()
    if sheet is None:
        raise NotFound("Timesheet not found.")
    return sheet


def timesheet_for_week(*, member: Membership, week_start: dt.date) -> Timesheet | None:
    return Timesheet.objects.filter(member=member, week_start=week_start).first()


# --- totals per item (the "time tracked" column, estimate vs actual) ----------------------


@dataclass(frozen=True)
class ItemTime:
    item: int
    parent: int | None
    estimate_hours: float | None
    tracked_minutes: int
    # The item's own time plus that of all its sub-items, at any depth.
    rolled_up_minutes: int


def item_time_totals(
    *, workspace: Workspace, viewer: Membership, board: Board
) -> list[ItemTime]:
    """Tracked time of every item of a (visible) board, rolled up to parents.

    Each item's own time is its stored total (`Item.tracked_minutes`), except for a guest,
    whose totals count only their own time (summed from their entries), as guests never see
    other people's time.
    """
    rows = list(
        Item.objects.filter(workspace=workspace, board=board)
        .order_by("id")
        .values_list("id", "parent_id", "estimate_hours", "tracked_minutes")
    )
    items = [(item_id, parent_id, estimate) for item_id, parent_id, estimate, _ in rows]
    if viewer.role == Role.GUEST:
        tracked = dict(
            TimeEntry.objects.filter(workspace=workspace, item__board=board, member=viewer)
            .order_by().values("item_id").annotate(minutes=Sum("duration_minutes"))
            .values_list("item_id", "minutes")
        )
    else:
        tracked = {item_id: minutes for item_id, _, _, minutes in rows if minutes}
    children: dict[int, list[int]] = {}
    for item_id, parent_id, _ in items:
        if parent_id is not None:
            children.setdefault(parent_id, []).append(item_id)
    rolled: dict[int, int] = {}

    def total(item_id: int) -> int:
        # Iterative post-order: sub-item chains can be deep enough to hit recursion limits.
        stack, order = [item_id], []
        while stack:
            current = stack.pop()
            order.append(current)
            stack.extend(c for c in children.get(current, []) if c not in rolled)
        for current in reversed(order):
            if current not in rolled:
                rolled[current] = tracked.get(current, 0) + sum(
                    rolled.get(c, 0) for c in children.get(current, [])
                )
        return rolled[item_id]

    return [
        ItemTime(
            item=item_id,
            parent=parent_id,
            estimate_hours=float(estimate) if estimate is not None else None,
            tracked_minutes=tracked.get(item_id, 0),
            rolled_up_minutes=total(item_id),
        )
        for item_id, parent_id, estimate in items
    ]
