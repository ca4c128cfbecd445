"""One cell of the workload: what a member has on one day, item by item.

The hours follow the workload's own rule (`timetracking.capacity`): an item's remaining
estimate is split between its assignees and spread over the member's working days in the
item's window, so the cell's items add up to the number the heat map shows. Items without an
estimate are listed too (they are work on that day, just not counted), and so are the
allocations that book part of the day. A fixed number of queries, whatever the cell holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, FloatField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Greatest

from boards.models import Item
from boards.selectors import board_list
from timetracking.capacity import MemberCalendar
from timetracking.models import Allocation
from timetracking.selectors.planning import calendars_load
from timetracking.selectors.workload import _open_items
from workos.tenancy.models import Membership, Workspace

CELL_ITEMS = 100


@dataclass
class CellItem:
    id: int
    name: str
    board_id: int
    board_name: str
    start_date: dt.date | None
    due_date: dt.date | None
    estimate_hours: float | None
    remaining_hours: float
    hours: float  # this member's share on this day
    sharers: int
    version: int


@dataclass
class CellBooking:
    board_id: int
    board_name: str
    hours: float


@dataclass
class WorkloadCell:
    member: Membership
    day: dt.date
    capacity: float
    items: list[CellItem] = field(default_factory=list)
    bookings: list[CellBooking] = field(default_factory=list)

    @property
    def assigned(self) -> float:
        return round(sum(i.hours for i in self.items), 2)

    @property
    def allocated(self) -> float:
        return round(sum(b.hours for b in self.bookings), 2)

    @property
    def load(self) -> float:
        return round(self.assigned + self.allocated, 2)

    @property
    def over(self) -> bool:
        return self.load > self.capacity + 0.005


def _share_on(calendar: MemberCalendar, day: dt.date, first: dt.date, last: dt.date,
              hours: float) -> float:
    """The part of `hours` spread over [first, last] that falls on `day`."""
    working = calendar.working_days(first, last)
    if working:
        return hours / working if calendar.is_working(day) else 0.0
    return hours / ((last - first).days + 1)


def workload_cell(*, workspace: Workspace, viewer: Membership, member: Membership,
                  day: dt.date) -> WorkloadCell:
    """Open items assigned to `member` whose window holds `day`, on boards the viewer sees,
    with the hours each puts on that day; and the member's allocations that day."""
    rows = list(
        _open_items(workspace=workspace, viewer=viewer, board=None)
        .filter(assignees=member, w_start__lte=day, w_end__gte=day)
        .annotate(
            # A subquery: the filter above narrows the assignees join to this member.
            sharers=Subquery(Item.assignees.through.objects.filter(item_id=OuterRef("pk"))
                             .order_by().values("item_id").annotate(n=Count("id"))
                             .values("n")[:1]),
            left=Greatest(Cast(F("estimate_hours"), FloatField())
                          - Cast(F("tracked_minutes"), FloatField()) / Value(60.0),
                          Value(0.0)),
        )
        .select_related("board").order_by("due_date", "id")[:CELL_ITEMS]
    )
    first = min([r.w_start for r in rows], default=day)
    last = max([r.w_end for r in rows], default=day)
    calendar = calendars_load(workspace=workspace, member_ids=[member.pk], start=first,
                              end=last)[member.pk]
    cell = WorkloadCell(member=member, day=day, capacity=round(calendar.capacity(day), 2))
    for row in rows:
        estimate = float(row.estimate_hours) if row.estimate_hours is not None else None
        remaining = float(row.left or 0.0) if estimate is not None else 0.0
        share = remaining / max(1, row.sharers)
        cell.items.append(CellItem(
            id=row.pk, name=row.name, board_id=row.board_id, board_name=row.board.name,
            start_date=row.start_date, due_date=row.due_date, estimate_hours=estimate,
            remaining_hours=round(remaining, 2), sharers=row.sharers, version=row.version,
            hours=round(_share_on(calendar, day, row.w_start, row.w_end, share), 2)
            if share > 0 else 0.0,
        ))
    boards = board_list(workspace=workspace, membership=viewer).values("id")
    for booking in (Allocation.objects.filter(workspace=workspace, member=member,
                                               start_date__lte=day, end_date__gte=day,
                                               board_id__in=boards)
                    .select_related("board").order_by("id")):
        if booking.percent is not None:
            fraction = float(booking.percent) / 100.0
        elif calendar.weekly_total > 0 and booking.hours_per_week is not None:
            fraction = float(booking.hours_per_week) / calendar.weekly_total
        else:
            fraction = 0.0
        cell.bookings.append(CellBooking(board_id=booking.board_id,
                                         board_name=booking.board.name,
                                         hours=round(fraction * calendar.capacity(day), 2)))
    return cell
