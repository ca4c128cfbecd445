"""The calendar page's read: a board's items on the weeks of a month or on one week, by due date
or by their start-due span, packed into rows so that entries never overlap; and the items with
no date, listed aside.

A span that crosses a week boundary is drawn once per week it touches, clipped to that week.
When more rows are needed than the view shows, the entries left out are counted per day
("+2 more"), so nothing disappears silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from boards.models import Board, Item
from boards.selectors.board_cards import Card, CardAccess, CardContext, cards_build
from boards.selectors.board_data import SNAPSHOT_FIELDS, item_rows

MODES = ("due", "timeline")
VIEWS = ("month", "week")
# A calendar range shows at most this many items; more is a sign to use the table instead.
MAX_ITEMS = 1500
UNSCHEDULED_SHOWN = 50
DAY = dt.timedelta(days=1)


@dataclass
class Entry:
    card: Card
    start: dt.date  # the item's whole span, not clipped
    end: dt.date
    column: int  # 1 to 7 within its week
    span: int
    row: int = 0
    continues_before: bool = False
    continues_after: bool = False

    @property
    def length(self) -> int:
        return (self.end - self.start).days + 1


@dataclass
class Day:
    date: dt.date
    in_period: bool
    is_today: bool
    working: bool
    hidden: int = 0


@dataclass
class Week:
    start: dt.date
    days: list[Day]
    entries: list[Entry] = field(default_factory=list)


@dataclass
class CalendarGrid:
    view: str
    mode: str
    anchor: dt.date
    start: dt.date
    end: dt.date
    weeks: list[Week]
    unscheduled: list[Card]
    unscheduled_count: int
    truncated: bool


def calendar_mode(*, board: Board, requested: str | None) -> str:
    """`due` or `timeline` as asked; otherwise timeline when some live item has a start date."""
    if requested in MODES:
        return requested  # type: ignore[return-value]
    live = Item.objects.filter(board=board, archived_at__isnull=True)
    return "timeline" if live.filter(start_date__isnull=False).exists() else "due"


def calendar_range(*, view: str, anchor: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day shown: whole weeks, Monday first."""
    if view == "week":
        start = anchor - dt.timedelta(days=anchor.weekday())
        return start, start + dt.timedelta(days=6)
    first = anchor.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - DAY
    return (first - dt.timedelta(days=first.weekday()),
            last + dt.timedelta(days=6 - last.weekday()))


def span_of(row: dict[str, Any], mode: str) -> tuple[dt.date, dt.date] | None:
    """The days an item covers on the calendar, or None when it has no date for this mode."""
    start, due = row["start_date"], row["due_date"]
    if mode == "due":
        return (due, due) if due else None
    if start is None and due is None:
        return None
    return (start or due, due or start)


def _dated_q(mode: str, start: dt.date, end: dt.date) -> Q:
    if mode == "due":
        return Q(due_date__range=(start, end))
    return (Q(start_date__lte=end, due_date__gte=start)
            | Q(start_date__isnull=True, due_date__range=(start, end))
            | Q(due_date__isnull=True, start_date__range=(start, end)))


def _undated_q(mode: str) -> Q:
    if mode == "due":
        return Q(due_date__isnull=True)
    return Q(due_date__isnull=True, start_date__isnull=True)


def _pack(week: Week, entries: list[Entry], max_rows: int) -> None:
    """Rows for the week's entries, longest first on each day; those past `max_rows` are
    counted on the days they cover."""
    taken: list[set[int]] = []
    entries.sort(key=lambda e: (e.column, -e.span, e.card.row["position"], e.card.id))
    for entry in entries:
        columns = set(range(entry.column, entry.column + entry.span))
        row = next((i for i, used in enumerate(taken) if not used & columns), len(taken))
        if row >= max_rows:
            for column in columns:
                week.days[column - 1].hidden += 1
            continue
        if row == len(taken):
            taken.append(set())
        taken[row] |= columns
        entry.row = row + 1
        week.entries.append(entry)


def calendar_grid(
    *, board: Board, context: CardContext, access: CardAccess, view: str, anchor: dt.date,
    mode: str, max_rows: int, hide_time: bool = False,
) -> CalendarGrid:
    """The weeks shown with their entries, and the first undated items; a fixed number of
    queries whatever the number of items."""
    start, end = calendar_range(view=view, anchor=anchor)
    live = Item.objects.filter(board=board, archived_at__isnull=True)
    raw = list(live.filter(_dated_q(mode, start, end)).order_by("position", "id")
               .values(*SNAPSHOT_FIELDS)[:MAX_ITEMS + 1])
    undated = live.filter(_undated_q(mode)).order_by("position", "id")
    undated_raw = list(undated.values(*SNAPSHOT_FIELDS)[:UNSCHEDULED_SHOWN])
    rows = item_rows(raw[:MAX_ITEMS] + undated_raw, hide_time=hide_time)
    cards = cards_build(context=context, rows=rows, access=access)
    dated, unscheduled = cards[:min(len(raw), MAX_ITEMS)], cards[min(len(raw), MAX_ITEMS):]
    working = set(board.workspace.working_days or [])
    weeks = []
    week_start = start
    while week_start <= end:
        week = Week(start=week_start, days=[
            Day(date=day, in_period=view == "week" or day.month == anchor.month,
                is_today=day == context.today, working=day.weekday() in working)
            for day in (week_start + dt.timedelta(days=i) for i in range(7))
        ])
        week_end = week_start + dt.timedelta(days=6)
        entries = []
        for card in dated:
            span = span_of(card.row, mode)
            if span is None or span[1] < week_start or span[0] > week_end:
                continue
            first, last = max(span[0], week_start), min(span[1], week_end)
            entries.append(Entry(
                card=card, start=span[0], end=span[1], column=(first - week_start).days + 1,
                span=(last - first).days + 1, continues_before=span[0] < week_start,
                continues_after=span[1] > week_end,
            ))
        _pack(week, entries, max_rows)
        weeks.append(week)
        week_start += dt.timedelta(days=7)
    unscheduled_count = (len(unscheduled) if len(unscheduled) < UNSCHEDULED_SHOWN
                         else undated.count())
    return CalendarGrid(
        view=view, mode=mode, anchor=anchor, start=start, end=end, weeks=weeks,
        unscheduled=unscheduled, unscheduled_count=unscheduled_count,
        truncated=len(raw) > MAX_ITEMS,
    )
