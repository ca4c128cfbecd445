"""Capacity arithmetic: a member's working calendar and how demand is spread over it.

Pure functions over plain values, no database, so the workload numbers can be checked by hand.

- Capacity of a day = the schedule's hours for that weekday, 0 on a workspace holiday, minus
  approved time off (a half day off halves it).
- A working day of a member is a day with capacity left (a half day off still counts).
- Assigned work: each open item's remaining estimate is split evenly between its assignees, and
  each share is spread evenly over that assignee's working days in the item's window
  (start date to due date; a missing one is taken to be the other). When the window holds no
  working day of the assignee (time off, a weekend), the share is spread over every day of the
  window, so the work still shows up as more than the capacity instead of vanishing.
- Allocations are a share of capacity: `percent` of each day's capacity, or hours per week as
  the fraction hours_per_week / weekly scheduled hours. Holidays and time off reduce them too.

Spreading uses difference arrays over the requested range, so the cost is one step per item
and per allocation, however long their windows are; each member's days are read once.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import NamedTuple

HOURS_PER_WORKING_DAY = 8.0


def default_weekly_hours(working_days: Iterable[int]) -> tuple[float, ...]:
    days = set(working_days)
    return tuple(HOURS_PER_WORKING_DAY if d in days else 0.0 for d in range(7))


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


@dataclass(frozen=True)
class MemberCalendar:
    weekly: tuple[float, ...]
    holidays: tuple[dt.date, ...] = ()  # sorted
    # Approved time off: 1.0 for a day off, 0.5 for half a day.
    off: dict[dt.date, float] = field(default_factory=dict)
    _full_off: tuple[dt.date, ...] = field(default=(), repr=False)

    @classmethod
    def build(
        cls,
        *,
        weekly: Sequence[float],
        holidays: Iterable[dt.date] = (),
        time_off: Iterable[tuple[dt.date, dt.date, bool]] = (),
    ) -> MemberCalendar:
        off: dict[dt.date, float] = {}
        for start, end, half_day in time_off:
            for day in days_between(start, end):
                # Overlapping requests never take more than the whole day.
                off[day] = min(1.0, off.get(day, 0.0) + (0.5 if half_day else 1.0))
        return cls(
            weekly=tuple(float(h) for h in weekly),
            holidays=tuple(sorted(set(holidays))),
            off=off,
            _full_off=tuple(sorted(d for d, share in off.items() if share >= 1.0)),
        )

    @property
    def weekly_total(self) -> float:
        return sum(self.weekly)

    def is_holiday(self, day: dt.date) -> bool:
        index = bisect.bisect_left(self.holidays, day)
        return index < len(self.holidays) and self.holidays[index] == day

    def capacity(self, day: dt.date) -> float:
        if self.is_holiday(day):
            return 0.0
        return self.weekly[day.weekday()] * (1.0 - self.off.get(day, 0.0))

    def is_working(self, day: dt.date) -> bool:
        return self.capacity(day) > 0

    def capacities(self, first: dt.date, count: int) -> list[float]:
        """`capacity(day)` of `count` days from `first`, a week pattern at a time rather
        than a lookup per day: the workload asks for tens of thousands."""
        shift = first.weekday()
        week = list(self.weekly[shift:] + self.weekly[:shift])
        out = (week * (count // 7 + 1))[:count]
        last = first + dt.timedelta(days=count - 1)
        for day, share in self.off.items():
            if first <= day <= last:
                index = (day - first).days
                out[index] = out[index] * (1.0 - share)
        for day in self._dates_in(self.holidays, first, last):
            out[(day - first).days] = 0.0
        return out

    def working_days(self, start: dt.date, end: dt.date) -> int:
        """How many working days lie in [start, end], without walking the days one by one:
        the weekday pattern counts whole weeks, then holidays and days off are taken away."""
        if end < start:
            return 0
        pattern = [h > 0 for h in self.weekly]
        total_days = (end - start).days + 1
        weeks, rest = divmod(total_days, 7)
        count = weeks * sum(pattern)
        first = start.weekday()
        count += sum(pattern[(first + n) % 7] for n in range(rest))
        for day in self._dates_in(self.holidays, start, end):
            if pattern[day.weekday()]:
                count -= 1
        for day in self._dates_in(self._full_off, start, end):
            if pattern[day.weekday()] and not self.is_holiday(day):
                count -= 1
        return count

    @staticmethod
    def _dates_in(dates: tuple[dt.date, ...], start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
        return dates[bisect.bisect_left(dates, start): bisect.bisect_right(dates, end)]


# Longest span (in days) whose working days are counted up front; beyond it counting falls
# back to the calendar, so one item dated years ahead cannot make every member's count huge.
COUNTER_SPAN_MAX = 3 * 366


class Demand(NamedTuple):
    """An open item's remaining hours over its window, for its assignees. A tuple, because
    tens of thousands are built per request."""

    window_start: dt.date
    window_end: dt.date
    remaining_hours: float
    assignees: Sequence[int]


@dataclass(slots=True)
class Booking:
    """An allocation of one member: hours per week or percent of capacity, over dates."""

    member: int
    start: dt.date
    end: dt.date
    hours_per_week: float | None = None
    percent: float | None = None


@dataclass
class MemberDays:
    capacity: list[float]
    assigned: list[float]
    allocated: list[float]


@dataclass(slots=True)
class Shares:
    """Each assignee's share of each item, as parallel columns (one entry per item and
    assignee): the window as day numbers from the range's first day (negative before it), the
    hours, the member. Columns, because the workload query hands over tens of thousands and
    a list of numbers is one object, where a row is one more for the garbage collector."""

    first: Sequence[int]
    last: Sequence[int]
    hours: Sequence[float]
    member: Sequence[int | None]


def shares_of(demands: Iterable[Demand], start: dt.date) -> Shares:
    """Remaining hours split evenly between each demand's assignees."""
    shares = Shares([], [], [], [])
    for d in demands:
        if not d.assignees:
            continue
        first, last = (d.window_start - start).days, (d.window_end - start).days
        for member in d.assignees:
            shares.first.append(first)
            shares.last.append(last)
            shares.hours.append(d.remaining_hours / len(d.assignees))
            shares.member.append(member)
    return shares


def workload_compute(
    *,
    start: dt.date,
    end: dt.date,
    calendars: dict[int, MemberCalendar],
    demands: Iterable[Demand],
    bookings: Iterable[Booking],
) -> dict[int, MemberDays]:
    """Capacity, assigned and allocated hours per member (keys of `calendars`) per day."""
    return workload_compute_shares(start=start, end=end, calendars=calendars,
                                   shares=shares_of(demands, start), bookings=bookings)


def workload_compute_shares(
    *,
    start: dt.date,
    end: dt.date,
    calendars: dict[int, MemberCalendar],
    shares: Shares,
    bookings: Iterable[Booking],
) -> dict[int, MemberDays]:
    """`workload_compute` over shares already split between assignees.

    Each member's days are read once over the span all windows cover (capacities, and a
    prefix sum of working days), so a share costs a subtraction; spreading adds to difference
    arrays (two steps per share), summed once per member at the end.
    """
    size = (end - start).days + 1
    low = min(0, min(shares.first, default=0))
    high = max(size - 1, max(shares.last, default=0))
    if high - low > COUNTER_SPAN_MAX:
        low, high = 0, size - 1
    span_first = start + dt.timedelta(days=low)
    # member -> (capacity per day of the span, working days before each day of it, steps of
    # hours per working day, steps of hours per calendar day)
    state: dict[int, tuple[list[float], list[int], list[float], list[float]]] = {}
    for member, calendar in calendars.items():
        capacity = calendar.capacities(span_first, high - low + 1)
        working_before = list(accumulate((1 if c > 0 else 0 for c in capacity), initial=0))
        state[member] = (capacity, working_before, [0.0] * (size + 1), [0.0] * (size + 1))
    for first, last, hours, member in zip(
        shares.first, shares.last, shares.hours, shares.member, strict=True
    ):
        member_state = state.get(member)  # type: ignore[arg-type]
        if member_state is None or hours <= 0:
            continue
        lo = first if first > 0 else 0
        hi = last if last < size else size - 1
        if lo > hi:
            continue
        if first >= low and last <= high:
            working_before = member_state[1]
            working = working_before[last - low + 1] - working_before[first - low]
        else:
            working = calendars[member].working_days(  # type: ignore[index]
                start + dt.timedelta(days=first), start + dt.timedelta(days=last))
        if working:
            steps, amount = member_state[2], hours / working
        else:
            steps, amount = member_state[3], hours / (last - first + 1)
        steps[lo] += amount
        steps[hi + 1] -= amount
    fractions: dict[int, list[float]] = {}
    for booking in bookings:
        calendar = calendars.get(booking.member)
        first, last = (booking.start - start).days, (booking.end - start).days
        lo, hi = max(first, 0), min(last, size - 1)
        if calendar is None or lo > hi:
            continue
        if booking.percent is not None:
            fraction = booking.percent / 100.0
        elif calendar.weekly_total > 0 and booking.hours_per_week is not None:
            fraction = booking.hours_per_week / calendar.weekly_total
        else:
            fraction = 0.0
        steps = fractions.setdefault(booking.member, [0.0] * (size + 1))
        steps[lo] += fraction
        steps[hi + 1] -= fraction
    result: dict[int, MemberDays] = {}
    zeros = [0.0] * size
    for member, (capacity, _, on_working, on_every) in state.items():
        capacity = capacity[-low:size - low]
        working = accumulate(on_working[:size])
        every = accumulate(on_every[:size])
        share = fractions.get(member)
        result[member] = MemberDays(
            capacity=capacity,
            assigned=[(w if c > 0 else 0.0) + e
                      for c, w, e in zip(capacity, working, every, strict=True)],
            allocated=(zeros.copy() if share is None else
                       [f * c for f, c in zip(accumulate(share[:size]), capacity, strict=True)]),
        )
    return result
