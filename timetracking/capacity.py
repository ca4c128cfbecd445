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
and per allocation, however long their windows are.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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


class WorkingDayCounter:
    """Working days of one calendar in any window, in O(1) inside a span read once (prefix
    sums), falling back to the calendar's own count for windows reaching outside it."""

    def __init__(self, calendar: MemberCalendar, start: dt.date, end: dt.date) -> None:
        self.calendar, self.start, self.end = calendar, start, end
        self.prefix = [0]
        for day in days_between(start, end):
            self.prefix.append(self.prefix[-1] + (1 if calendar.is_working(day) else 0))

    def count(self, first: dt.date, last: dt.date) -> int:
        if first < self.start or last > self.end:
            return self.calendar.working_days(first, last)
        return self.prefix[(last - self.start).days + 1] - self.prefix[(first - self.start).days]


# Longest span (in days) the counters precompute; beyond it counting falls back to the
# calendar, so one item dated years ahead cannot make every counter huge.
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


class _Ramp:
    """A difference array: add a constant over an index range in O(1), read all sums once."""

    def __init__(self, size: int) -> None:
        self.steps = [0.0] * (size + 1)

    def add(self, first: int, last: int, amount: float) -> None:
        self.steps[first] += amount
        self.steps[last + 1] -= amount

    def values(self) -> list[float]:
        out, running = [], 0.0
        for step in self.steps[:-1]:
            running += step
            out.append(running)
        return out


def _clip(start: dt.date, end: dt.date, range_start: dt.date, size: int) -> tuple[int, int] | None:
    first = max((start - range_start).days, 0)
    last = min((end - range_start).days, size - 1)
    return (first, last) if first <= last else None


def workload_compute(
    *,
    start: dt.date,
    end: dt.date,
    calendars: dict[int, MemberCalendar],
    demands: Iterable[Demand],
    bookings: Iterable[Booking],
) -> dict[int, MemberDays]:
    """Capacity, assigned and allocated hours per member (keys of `calendars`) per day."""
    days = days_between(start, end)
    size = len(days)
    demands = list(demands)
    span_start = min([start, *(d.window_start for d in demands)])
    span_end = max([end, *(d.window_end for d in demands)])
    if (span_end - span_start).days > COUNTER_SPAN_MAX:
        span_start, span_end = start, end
    counters = {m: WorkingDayCounter(c, span_start, span_end) for m, c in calendars.items()}
    on_working = {m: _Ramp(size) for m in calendars}  # hours per working day
    on_every = {m: _Ramp(size) for m in calendars}  # hours per calendar day (fallback)
    share_of_capacity = {m: _Ramp(size) for m in calendars}
    for demand in demands:
        if demand.remaining_hours <= 0 or not demand.assignees:
            continue
        span = _clip(demand.window_start, demand.window_end, start, size)
        if span is None:
            continue
        share = demand.remaining_hours / len(demand.assignees)
        for member in demand.assignees:
            if member not in counters:
                continue
            working = counters[member].count(demand.window_start, demand.window_end)
            if working:
                on_working[member].add(*span, share / working)
            else:
                length = (demand.window_end - demand.window_start).days + 1
                on_every[member].add(*span, share / length)
    for booking in bookings:
        calendar = calendars.get(booking.member)
        span = _clip(booking.start, booking.end, start, size)
        if calendar is None or span is None:
            continue
        if booking.percent is not None:
            fraction = booking.percent / 100.0
        elif calendar.weekly_total > 0 and booking.hours_per_week is not None:
            fraction = booking.hours_per_week / calendar.weekly_total
        else:
            fraction = 0.0
        share_of_capacity[booking.member].add(*span, fraction)
    result: dict[int, MemberDays] = {}
    for member, calendar in calendars.items():
        capacity = [calendar.capacity(day) for day in days]
        working = on_working[member].values()
        every = on_every[member].values()
        fractions = share_of_capacity[member].values()
        result[member] = MemberDays(
            capacity=capacity,
            assigned=[
                (working[i] if capacity[i] > 0 else 0.0) + every[i] for i in range(size)
            ],
            allocated=[fractions[i] * capacity[i] for i in range(size)],
        )
    return result
