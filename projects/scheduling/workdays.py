"""The working-day calendar: which dates are working days, and integer arithmetic over them.

Every working day has an integer *index*; consecutive working days have consecutive indexes, so
"n working days later" is `index + n`. The indexes come from a table built lazily over the range of
dates in use and grown (doubling) when a date or index outside it is asked for; growing never
changes an index already handed out, so indexes stay comparable for the calendar's lifetime.
Indexes mean nothing across two calendars. A calendar is not meant to be shared between threads.

Non-working dates: `index(d)` is the index of the first working day on or after `d`,
`floor_index(d)` of the last one on or before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

_MARGIN = 370  # days of slack added around the requested range whenever the table grows
_ANCHOR = dt.date(2000, 1, 3).toordinal()  # where an empty table starts when asked for an index
_MIN_ORDINAL = 1
_MAX_ORDINAL = dt.date.max.toordinal()


class WorkCalendar:
    """Working weekdays (Monday = 0 … Sunday = 6) minus holidays."""

    __slots__ = ("_dates", "_first", "_holiday_ordinals", "_lo", "_pos", "_week", "holidays",
                 "working_days")

    def __init__(
        self,
        working_days: Iterable[int] = (0, 1, 2, 3, 4),
        holidays: Iterable[dt.date] = (),
    ) -> None:
        days = frozenset(working_days)
        if not days or not days <= frozenset(range(7)):
            raise ValueError("working_days must be a non-empty set of weekdays, Monday = 0")
        self.working_days: frozenset[int] = days
        self.holidays: frozenset[dt.date] = frozenset(holidays)
        self._week = tuple(day in days for day in range(7))
        self._holiday_ordinals = frozenset(day.toordinal() for day in self.holidays)
        self._lo = 0  # ordinal of the table's first day
        self._pos: list[int] = []  # _pos[o - _lo]: index of the first working day on/after o
        self._first = 0  # index of _dates[0]
        self._dates: list[dt.date] = []  # _dates[i - _first]: the working day of index i

    def __repr__(self) -> str:
        return (f"WorkCalendar(working_days={sorted(self.working_days)}, "
                f"holidays={sorted(self.holidays)})")

    # -- dates --------------------------------------------------------------------------------

    def is_working(self, day: dt.date) -> bool:
        return self._week[day.weekday()] and day not in self.holidays

    def next_working(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the first working day after it."""
        return self.date(self.index(day))

    def prev_working(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the last working day before it."""
        return self.date(self.floor_index(day))

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (n > 0) or before it (n < 0); `day` itself need not
        be a working day (Saturday + 1 is Monday, Saturday - 1 is Friday). n = 0 rolls `day`
        forward onto a working day: `next_working(day)`."""
        if n > 0:
            return self.date(self.floor_index(day) + n)
        return self.date(self.index(day) + n)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many working days lie in start..end, both included; 0 when end < start."""
        if end < start:
            return 0
        return self._ceil(end.toordinal() + 1) - self._ceil(start.toordinal())

    def working_day_offset(self, start: dt.date, end: dt.date) -> int:
        """Signed working days from `start` to `end` (`index(end) - index(start)`): how far a
        date slipped. Non-working dates count as the next working day."""
        return self.index(end) - self.index(start)

    # -- indexes ------------------------------------------------------------------------------

    def index(self, day: dt.date) -> int:
        """Index of `day`, or of the first working day after it when it is not one."""
        return self._ceil(day.toordinal())

    def floor_index(self, day: dt.date) -> int:
        """Index of `day`, or of the last working day before it when it is not one."""
        return self._ceil(day.toordinal() + 1) - 1

    def date(self, index: int) -> dt.date:
        """The working day with this index."""
        k = index - self._first
        if not self._pos or k < 0 or k >= len(self._dates):
            self._cover_indexes(index, index)
            k = index - self._first
        return self._dates[k]

    def indexes(self, days: Sequence[dt.date], *, floor: bool = False) -> list[int]:
        """`index` (or `floor_index`) of many dates at once: one table look-up each."""
        if not days:
            return []
        ordinals = [day.toordinal() + floor for day in days]
        self._cover(min(ordinals), max(ordinals) + 1)
        pos, lo = self._pos, self._lo
        if floor:
            return [pos[o - lo] - 1 for o in ordinals]
        return [pos[o - lo] for o in ordinals]

    def dates(self, indexes: Sequence[int]) -> list[dt.date]:
        """`date` of many indexes at once."""
        if not indexes:
            return []
        self._cover_indexes(min(indexes), max(indexes))
        dates, first = self._dates, self._first
        return [dates[i - first] for i in indexes]

    # -- the table ----------------------------------------------------------------------------

    def _ceil(self, ordinal: int) -> int:
        k = ordinal - self._lo
        if k < 0 or k >= len(self._pos):
            self._cover(ordinal, ordinal + 1)
            k = ordinal - self._lo
        return self._pos[k]

    def _cover_indexes(self, low: int, high: int) -> None:
        """Grow the table until it holds the working days of indexes low..high."""
        if not self._pos:
            self._cover(_ANCHOR, _ANCHOR + 1)
        per_week = len(self.working_days)
        while True:
            first, last = self._first, self._first + len(self._dates) - 1
            if first <= low and high <= last:
                return
            old = lo, hi = self._lo, self._lo + len(self._pos)
            if low < first:
                lo = max(_MIN_ORDINAL, lo - (first - low) * 7 // per_week - 7)
            if high > last:
                hi = min(_MAX_ORDINAL + 1, hi + (high - last) * 7 // per_week + 7)
            if (lo, hi) == old:
                raise OverflowError(f"working-day index out of the date range: {low}..{high}")
            self._cover(lo, hi)

    def _cover(self, lo: int, hi: int) -> None:
        """Make the table hold ordinals lo..hi-1 (with a margin), keeping every index it gave."""
        old_lo, old_hi = self._lo, self._lo + len(self._pos)
        if self._pos and old_lo <= lo and hi <= old_hi:
            return
        if lo < _MIN_ORDINAL or hi > _MAX_ORDINAL + 1:
            raise OverflowError("date out of the calendar's range")
        if self._pos:
            span = old_hi - old_lo
            lo = min(lo, old_lo - span) - _MARGIN if lo < old_lo else old_lo
            hi = max(hi, old_hi + span) + _MARGIN if hi > old_hi else old_hi
        else:
            lo, hi = lo - _MARGIN, hi + _MARGIN
        lo, hi = max(lo, _MIN_ORDINAL), min(hi, _MAX_ORDINAL + 1)
        week, holidays = self._week, self._holiday_ordinals
        pos: list[int] = []
        dates: list[dt.date] = []
        index = 0
        fromordinal = dt.date.fromordinal
        for ordinal in range(lo, hi):
            pos.append(index)
            if week[(ordinal + 6) % 7] and ordinal not in holidays:
                dates.append(fromordinal(ordinal))
                index += 1
        shift = self._pos[0] - pos[old_lo - lo] if self._pos else 0
        if shift:
            pos = [p + shift for p in pos]
        self._lo, self._pos, self._first, self._dates = lo, pos, shift, dates
