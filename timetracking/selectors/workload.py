"""Workload: per member and day, capacity against assigned and allocated hours.

The arithmetic lives in `timetracking.capacity`; this module loads its inputs in a fixed number
of queries (members, open items with their assignees and tracked time, schedules, time off,
allocations, the unscheduled items), so the cost in queries never grows with members or items.
Tracked time is the items' stored total (`Item.tracked_minutes`), not a sum over entries.
Only items on boards the viewer can see count, so no one learns of work on a hidden board.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from itertools import compress
from typing import Any

from django.db import connections
from django.db.models import (
    Case,
    DateField,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest

from boards.models import Board, Item, StatusCategory
from boards.selectors import board_list
from timetracking.capacity import (
    Booking,
    MemberDays,
    Shares,
    days_between,
    workload_compute_shares,
)
from timetracking.models import Allocation
from timetracking.selectors.planning import calendars_load
from workos.errors import ValidationFailed
from workos.tenancy.models import Membership, Role, Team, Workspace

OPEN_CATEGORIES = (StatusCategory.BACKLOG, StatusCategory.TODO, StatusCategory.IN_PROGRESS)
MAX_DAYS = 366
UNSCHEDULED_LIMIT = 500


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


def _open_items(*, workspace: Workspace, viewer: Membership, board: Board | None) -> QuerySet:
    boards = board_list(workspace=workspace, membership=viewer, archived=False).values("id")
    qs = Item.objects.filter(
        workspace=workspace, archived_at__isnull=True, board_id__in=boards
    ).filter(Q(status__isnull=True) | Q(status__category__in=OPEN_CATEGORIES))
    if board is not None:
        qs = qs.filter(board=board)
    return qs.annotate(
        w_start=Coalesce("start_date", "due_date"), w_end=Coalesce("due_date", "start_date")
    )


@dataclass
class Workload:
    start: dt.date
    end: dt.date
    members: dict[int, MemberDays]
    unscheduled: list[dict[str, Any]]
    unscheduled_total: int


class DaysFrom(Func):
    """Whole days from `origin` to a date expression (negative before it), computed in the
    database so tens of thousands of windows reach Python as small integers, not dates."""

    output_field = IntegerField()
    # SQLite: dates are text, julianday() makes them numbers.
    template = "CAST(julianday(%(expressions)s) AS INTEGER)"
    arg_joiner = ") - julianday("

    def __init__(self, expression: Any, origin: dt.date) -> None:
        super().__init__(expression, Value(origin, output_field=DateField()))

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # date - date is an integer number of days in PostgreSQL.
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ",
                           **extra)


@dataclass
class _OpenWork:
    shares: Shares
    # Items that cannot be placed, with all their assignees.
    unplaced: dict[int, list[int]]


def _open_work(items: QuerySet, start: dt.date, end: dt.date, *, unplaced: bool) -> _OpenWork:
    """One query, one pass over the open items: a row per (item, assignee).

    Scheduled work (an estimate and a window meeting the range) comes with the window as day
    numbers from `start` and the remaining hours: the estimate less the time tracked on the
    item (its stored total, kept by the time entry services); items with nothing left are
    skipped. With `unplaced`, the same pass brings the items that cannot be placed (no dates,
    or dates in the range but no estimate), for the list of unscheduled work.

    Every assignee of an item comes back, since the hours are split between all of them; the
    people outside the requested members are dropped while spreading, which is cheaper than
    filtering items by them in the database.
    """
    remaining = Greatest(
        Cast("estimate_hours", FloatField())
        - Cast("tracked_minutes", FloatField()) / Value(60.0),
        Value(0.0),
    )
    in_range = Q(w_start__lte=end, w_end__gte=start)
    scheduled = Q(in_range, estimate_hours__gt=0, remaining__gt=0)
    wanted = scheduled
    if unplaced:
        no_dates = Q(start_date__isnull=True, due_date__isnull=True)
        no_estimate = Q(in_range, estimate_hours__isnull=True)
        # An estimate of 0 says there is nothing to do: not unscheduled work either.
        wanted = scheduled | (no_dates & ~Q(estimate_hours=0)) | no_estimate
    rows = (
        items.annotate(first=DaysFrom("w_start", start), last=DaysFrom("w_end", start),
                       remaining=remaining,
                       placed=Case(When(scheduled, then=True), default=False))
        .filter(wanted, assignees__isnull=False).order_by()
        .values_list("id", "first", "last", "remaining", "assignees", "placed")
    )
    item_ids, first, last, left, members, placed = _columns(rows, 6)
    waiting: dict[int, list[int]] = {}
    if unplaced and not all(placed):
        for item_id, member_id, is_placed in zip(item_ids, members, placed, strict=True):
            if not is_placed:
                waiting.setdefault(item_id, []).append(member_id)
        item_ids, first, last, left, members = (
            list(compress(column, placed)) for column in (item_ids, first, last, left, members)
        )
    sharers = Counter(item_ids)
    hours = [each / sharers[item_id] for item_id, each in zip(item_ids, left, strict=True)]
    return _OpenWork(Shares(first=first, last=last, hours=hours, member=members), waiting)


def _columns(rows: QuerySet, width: int) -> list[list[Any]]:
    """The columns of a values_list, each one list. On PostgreSQL the database packs each
    column into one array: tens of thousands of rows arrive as a few lists, skipping a tuple
    and the ORM's converters per row. Elsewhere (SQLite, tests) the ORM's rows, transposed."""
    db = connections[rows.db]
    if db.vendor != "postgresql":
        found = list(rows)
        return [list(column) for column in zip(*found, strict=True)] if found else [
            [] for _ in range(width)]
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    names = ", ".join(f"c{n}" for n in range(width))
    packed = ", ".join(f"array_agg(q.c{n})" for n in range(width))
    with db.cursor() as cursor:
        # Our own compiled SQL, wrapped.
        cursor.execute(f"SELECT {packed} FROM ({sql}) AS q({names})", params)  # noqa: S608
        columns = cursor.fetchone()
    return [column or [] for column in columns]


def _unscheduled(unplaced: dict[int, list[int]], member_ids: list[int]
                 ) -> tuple[list[dict], int]:
    """The unplaced items assigned to any of the members: the first few by id, and how many."""
    members = set(member_ids)
    ids = sorted(item_id for item_id, assignees in unplaced.items()
                 if not members.isdisjoint(assignees))
    rows = Item.objects.filter(id__in=ids[:UNSCHEDULED_LIMIT]).order_by("id").values(
        "id", "name", "board_id", "start_date", "due_date", "estimate_hours"
    )
    out = [
        {
            "id": r["id"], "name": r["name"], "board": r["board_id"],
            "assignees": sorted(unplaced[r["id"]]),
            "start_date": r["start_date"], "due_date": r["due_date"],
            "estimate_hours": float(r["estimate_hours"]) if r["estimate_hours"] is not None
            else None,
            "reason": "no_dates" if r["start_date"] is None and r["due_date"] is None
            else "no_estimate",
        }
        for r in rows
    ]
    return out, len(ids)


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
    items = _open_items(workspace=workspace, viewer=viewer, board=board)
    work = (_open_work(items, start, end, unplaced=with_unscheduled) if member_ids
            else _OpenWork(Shares([], [], [], []), {}))
    shares = work.shares
    # Time off is read over every window, since a window reaching past the range still needs
    # its working days counted.
    span_start = start + dt.timedelta(days=min(0, min(shares.first, default=0)))
    span_end = start + dt.timedelta(days=max((end - start).days, max(shares.last, default=0)))
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
    members = workload_compute_shares(
        start=start, end=end, calendars=calendars, shares=shares, bookings=bookings
    )
    unscheduled, total = _unscheduled(work.unplaced, member_ids)
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


class _HoursMemo(dict):
    """`_hours` remembered: capacities and allocations repeat the same few values day after
    day, and rounding is much of the cost of writing tens of thousands of days."""

    def __missing__(self, value: float) -> float:
        self[value] = hours = _hours(value)
        return hours


def workload_as_dict(workload: Workload) -> dict[str, Any]:
    days = days_between(workload.start, workload.end)
    memo = _HoursMemo()
    members = [
        {"member": member_id, "days": [
            {
                "date": day,
                "capacity": memo[capacity],
                "assigned": max(0.0, round(assigned, 2)),  # `_hours`, each value different
                "allocated": memo[allocated],
                "over": assigned + allocated > capacity + 0.005,
            }
            for day, capacity, assigned, allocated in zip(
                days, data.capacity, data.assigned, data.allocated, strict=True
            )
        ]}
        for member_id, data in workload.members.items()
    ]
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
