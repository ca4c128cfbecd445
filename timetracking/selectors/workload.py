"""Workload: per member and day, capacity against assigned and allocated hours.

The arithmetic lives in `timetracking.capacity`; this module loads its inputs in a fixed number
of queries (members, open items, their tracked time, their assignees, schedules, time off,
allocations, the unscheduled items), so the cost in queries never grows with members or items.
Only items on boards the viewer can see count, so no one learns of work on a hidden board.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import (
    Exists,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest

from boards.models import Board, Item, StatusCategory
from boards.selectors import board_list
from timetracking.capacity import (
    Booking,
    Demand,
    MemberDays,
    days_between,
    workload_compute,
)
from timetracking.models import Allocation, TimeEntry
from timetracking.selectors.planning import calendars_load
from workos.errors import ValidationFailed
from workos.tenancy.models import Membership, Role, Team, Workspace

OPEN_CATEGORIES = (StatusCategory.BACKLOG, StatusCategory.TODO, StatusCategory.IN_PROGRESS)
MAX_DAYS = 366
UNSCHEDULED_LIMIT = 500
Assignees = Item.assignees.through


def check_range(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationFailed("The end date is before the start date.",
                               fields={"end": ["Before start."]})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationFailed(f"Ask for at most {MAX_DAYS} days at a time.",
                               fields={"end": ["Range too long."]})


def workload_member_ids(*, workspace: Workspace, team: Team | None = None) -> list[int]:
    """Who has a workload: everyone but guests, and guests given a work schedule."""
    qs = Membership.objects.filter(workspace=workspace).filter(
        Q(role__in=[Role.OWNER, Role.ADMIN, Role.MEMBER]) | Q(work_schedule__isnull=False)
    )
    if team is not None:
        qs = qs.filter(teams=team)
    return list(qs.order_by("id").values_list("id", flat=True))


def _open_items(
    *, workspace: Workspace, viewer: Membership, member_ids: list[int], board: Board | None
) -> QuerySet:
    boards = board_list(workspace=workspace, membership=viewer, archived=False).values("id")
    qs = Item.objects.filter(
        workspace=workspace, archived_at__isnull=True, board_id__in=boards
    ).filter(Q(status__isnull=True) | Q(status__category__in=OPEN_CATEGORIES))
    if board is not None:
        qs = qs.filter(board=board)
    # EXISTS rather than a join, which would repeat an item once per assignee.
    assigned = Assignees.objects.filter(item_id=OuterRef("pk"), membership_id__in=member_ids)
    return qs.filter(Exists(assigned)).annotate(
        w_start=Coalesce("start_date", "due_date"), w_end=Coalesce("due_date", "start_date")
    )


@dataclass
class Workload:
    start: dt.date
    end: dt.date
    members: dict[int, MemberDays]
    unscheduled: list[dict[str, Any]]
    unscheduled_total: int


def _demands(items: QuerySet) -> list[Demand]:
    """One query: a row per (item, assignee), each with the item's window, estimate and the
    time tracked on it (a correlated sum that reads the entries' (item, minutes) index)."""
    tracked = Subquery(
        TimeEntry.objects.filter(item_id=OuterRef("pk")).order_by().values("item_id")
        .annotate(total=Sum("duration_minutes")).values("total")[:1]
    )
    # Remaining hours are worked out in the database: one float per row, no Decimal.
    remaining = Greatest(
        Cast("estimate_hours", FloatField())
        - Cast(Coalesce(tracked, Value(0)), FloatField()) / Value(60.0),
        Value(0.0),
    )
    rows = items.annotate(remaining=remaining).order_by().values_list(
        "id", "w_start", "w_end", "remaining", "assignees"
    )
    by_item: dict[int, list[Any]] = {}
    for item_id, w_start, w_end, left, member_id in _fetch(rows):
        row = by_item.get(item_id)
        if row is None:
            by_item[item_id] = row = [w_start, w_end, left, []]
        row[3].append(member_id)
    return [Demand(*row) for row in by_item.values()]


def _fetch(rows: QuerySet) -> Any:
    """The rows of a values_list, read straight from the cursor on PostgreSQL, whose driver
    already returns dates and floats: tens of thousands of rows skip the ORM's per-row
    converters. Elsewhere (SQLite answers dates as text) through the ORM."""
    db = connections[rows.db]
    if db.vendor != "postgresql":
        return rows
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _unscheduled(items: QuerySet, start: dt.date, end: dt.date) -> tuple[list[dict], int]:
    no_dates = Q(start_date__isnull=True, due_date__isnull=True)
    no_estimate_in_range = Q(estimate_hours__isnull=True, w_start__lte=end, w_end__gte=start)
    qs = items.filter(no_dates | no_estimate_in_range).exclude(estimate_hours=0).order_by("id")
    rows = list(
        qs.values("id", "name", "board_id", "start_date", "due_date", "estimate_hours")[
            :UNSCHEDULED_LIMIT
        ]
    )
    total = len(rows) if len(rows) < UNSCHEDULED_LIMIT else qs.count()
    assignees: dict[int, list[int]] = {}
    for item_id, member_id in Assignees.objects.filter(
        item_id__in=[r["id"] for r in rows]
    ).values_list("item_id", "membership_id"):
        assignees.setdefault(item_id, []).append(member_id)
    out = [
        {
            "id": r["id"], "name": r["name"], "board": r["board_id"],
            "assignees": sorted(assignees.get(r["id"], [])),
            "start_date": r["start_date"], "due_date": r["due_date"],
            "estimate_hours": float(r["estimate_hours"]) if r["estimate_hours"] is not None
            else None,
            "reason": "no_dates" if r["start_date"] is None and r["due_date"] is None
            else "no_estimate",
        }
        for r in rows
    ]
    return out, total


def workload_compute_for(
    *,
    workspace: Workspace,
    viewer: Membership,
    member_ids: list[int],
    start: dt.date,
    end: dt.date,
    board: Board | None = None,
    with_unscheduled: bool = True,
) -> Workload:
    check_range(start, end)
    items = _open_items(workspace=workspace, viewer=viewer, member_ids=member_ids, board=board)
    scheduled = items.filter(estimate_hours__gt=0, w_start__lte=end, w_end__gte=start)
    demands = _demands(scheduled) if member_ids else []
    # Time off is read over every window, since a window reaching past the range still needs
    # its working days counted.
    span_start = min([start, *(d.window_start for d in demands)])
    span_end = max([end, *(d.window_end for d in demands)])
    calendars = calendars_load(
        workspace=workspace, member_ids=member_ids, start=span_start, end=span_end
    )
    allocations = Allocation.objects.filter(
        workspace=workspace, member_id__in=member_ids, end_date__gte=start, start_date__lte=end,
        board_id__in=board_list(workspace=workspace, membership=viewer).values("id"),
    )
    if board is not None:
        allocations = allocations.filter(board=board)
    bookings = [
        Booking(member=m, start=s, end=e, percent=float(p) if p is not None else None,
                hours_per_week=float(h) if h is not None else None)
        for m, s, e, h, p in allocations.values_list(
            "member_id", "start_date", "end_date", "hours_per_week", "percent"
        )
    ] if member_ids else []
    members = workload_compute(
        start=start, end=end, calendars=calendars, demands=demands, bookings=bookings
    )
    unscheduled, total = _unscheduled(items, start, end) if with_unscheduled else ([], 0)
    if board is not None:
        # Filtered by board: only the people that board asks something of.
        involved = {m for u in unscheduled for m in u["assignees"]}
        members = {
            m: days for m, days in members.items()
            if m in involved or any(days.assigned) or any(days.allocated)
        }
    return Workload(start=start, end=end, members=members, unscheduled=unscheduled,
                    unscheduled_total=total)


def _hours(value: float) -> float:
    # Clamp the float noise of sums (-0.0, 1e-16) to what a person reads.
    return max(0.0, round(value, 2))


def workload_as_dict(workload: Workload) -> dict[str, Any]:
    days = days_between(workload.start, workload.end)
    members = []
    for member_id, data in workload.members.items():
        rows = []
        for i, day in enumerate(days):
            capacity, assigned, allocated = data.capacity[i], data.assigned[i], data.allocated[i]
            rows.append({
                "date": day,
                "capacity": _hours(capacity),
                "assigned": _hours(assigned),
                "allocated": _hours(allocated),
                "over": assigned + allocated > capacity + 0.005,
            })
        members.append({"member": member_id, "days": rows})
    return {
        "start": workload.start,
        "end": workload.end,
        "members": members,
        "unscheduled": workload.unscheduled,
        "unscheduled_total": workload.unscheduled_total,
    }


def workload_suggestions(
    *, workspace: Workspace, viewer: Membership, member: Membership, start: dt.date,
    end: dt.date,
) -> dict[str, Any]:
    """Teammates (people sharing a team with `member`, or everyone when they have no team)
    with spare capacity in [start, end], most spare first."""
    team_ids = list(member.teams.values_list("id", flat=True))
    everyone = workload_member_ids(workspace=workspace)
    if team_ids:
        mates = set(
            Membership.objects.filter(workspace=workspace, teams__in=team_ids)
            .values_list("id", flat=True)
        )
        candidates = [m for m in everyone if m in mates]
    else:
        candidates = everyone
    ids = sorted({*candidates, member.pk})
    workload = workload_compute_for(
        workspace=workspace, viewer=viewer, member_ids=ids, start=start, end=end,
        with_unscheduled=False,
    )
    own = workload.members[member.pk]
    over_by = sum(
        max(0.0, own.assigned[i] + own.allocated[i] - own.capacity[i])
        for i in range(len(own.capacity))
    )
    suggestions = []
    for mate in ids:
        if mate == member.pk:
            continue
        days = workload.members[mate]
        spare = sum(
            max(0.0, days.capacity[i] - days.assigned[i] - days.allocated[i])
            for i in range(len(days.capacity))
        )
        if spare >= 0.01:
            suggestions.append({"member": mate, "spare_hours": _hours(spare)})
    suggestions.sort(key=lambda row: (-row["spare_hours"], row["member"]))
    return {
        "member": member.pk, "start": start, "end": end, "over_by": _hours(over_by),
        "suggestions": suggestions,
    }
