"""The calendar page of a board: a month or a week of items by due date or by their start-due
span, rendered on the server; the page's script reschedules an item dropped on another day
through the items API and redraws the grid (`?partial=grid`) from the server."""

from __future__ import annotations

import calendar
import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from boards.selectors import board_get
from boards.selectors.board_cards import card_access, card_context
from boards.selectors.calendar_page import VIEWS, calendar_grid, calendar_mode
from workos.pages import page_context, workspace_page
from workos.tenancy.models import Role

# Rows of entries a month's week shows before counting the rest as "+N more".
MONTH_ROWS = 4
WEEK_ROWS = 20
# Dates outside these years are refused as a calendar anchor (they would also overflow).
YEARS = (1900, 2999)


def _anchor(raw: str | None, today: dt.date) -> tuple[dt.date, str]:
    """The date the calendar shows, and a message when the one asked for is not usable."""
    if not raw:
        return today, ""
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return today, f"'{raw}' is not a date like 2026-03-31; showing today."
    if not YEARS[0] <= day.year <= YEARS[1]:
        return today, f"The calendar shows the years {YEARS[0]} to {YEARS[1]}; showing today."
    return day, ""


def _step(view: str, anchor: dt.date, forward: bool) -> dt.date:
    if view == "week":
        return anchor + dt.timedelta(days=7 if forward else -7)
    first = anchor.replace(day=1)
    if forward:
        return (first + dt.timedelta(days=32)).replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def _title(view: str, start: dt.date, end: dt.date, anchor: dt.date) -> str:
    if view == "month":
        return f"{calendar.month_name[anchor.month]} {anchor.year}"
    if start.month == end.month:
        return f"{start.day}\N{EN DASH}{end.day} {calendar.month_name[end.month]} {end.year}"
    first = f"{start.day} {calendar.month_abbr[start.month]}"
    if start.year != end.year:
        first += f" {start.year}"
    return f"{first} \N{EN DASH} {end.day} {calendar.month_abbr[end.month]} {end.year}"


@workspace_page
def board_calendar_page(request: HttpRequest, ws: str, board_id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    board = board_get(workspace=membership.workspace, membership=membership, id=board_id)
    context = card_context(board=board)
    access = card_access(board=board, membership=membership)
    view = request.GET.get("view", "month")
    view = view if view in VIEWS else "month"
    anchor, problem = _anchor(request.GET.get("date"), context.today)
    mode = calendar_mode(board=board, requested=request.GET.get("by"))
    grid = calendar_grid(
        board=board, context=context, access=access, view=view, anchor=anchor, mode=mode,
        max_rows=WEEK_ROWS if view == "week" else MONTH_ROWS,
        hide_time=membership.role == Role.GUEST,
    )
    values = page_context(
        request, section="boards", board=board, project=getattr(board, "project", None),
        tab="calendar", grid=grid, access=access, problem=problem,
        title=_title(view, grid.start, grid.end, anchor),
        previous=_step(view, anchor, forward=False).isoformat(),
        next=_step(view, anchor, forward=True).isoformat(),
        weekdays=[calendar.day_abbr[i] for i in range(7)],
        since=timezone.now().isoformat(),
    )
    if request.GET.get("partial") == "grid":
        return render(request, "boards/calendar_body.html", values)
    return render(request, "boards/calendar.html", values)
