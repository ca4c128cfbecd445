"""Time-tracking pages: the workload heat map (people by days, load against capacity), one of
its cells (the items a person has that day), and an item's time (entries and the timer), a
part the item page loads. Reads go through time tracking's selectors; the pages' writes (move
or reassign an item, start or stop the timer) are calls to the REST API from
`static/js/workload.js` and `static/js/item-page.js`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from boards.selectors import item_get
from timetracking.models import week_start_of
from timetracking.selectors import workload_as_dict, workload_compute_for, workload_member_ids
from timetracking.selectors.item_time import item_time_view
from timetracking.selectors.workload_cell import workload_cell
from timetracking.services import local_date
from timetracking.views_workload import grid_rows, week_days
from workos.errors import PermissionDenied
from workos.pages import page_context, workspace_page
from workos.tenancy.models import Membership, Role, role_at_least
from workos.tenancy.selectors import membership_get, membership_list, team_list

WEEK_CHOICES = (1, 2, 4, 6)
DEFAULT_WEEKS = 2
UNSCHEDULED_SHOWN = 50


def _require_member(membership: Membership) -> None:
    # As the workload API: guests see neither others' capacity nor their load.
    if not role_at_least(membership.role, Role.MEMBER):
        raise PermissionDenied("The workload is for members; ask an admin for access.")


def _day(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _weeks(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) in WEEK_CHOICES else DEFAULT_WEEKS


@require_GET
@workspace_page
def workload_page(request: HttpRequest, ws: str) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    _require_member(membership)
    workspace = membership.workspace
    today = local_date(workspace, timezone.now())
    start = week_start_of(_day(request.GET.get("start")) or today)
    weeks = _weeks(request.GET.get("weeks"))
    end = start + dt.timedelta(days=7 * weeks - 1)
    teams = list(team_list(workspace=workspace))
    team = next((t for t in teams if str(t.pk) == request.GET.get("team")), None)
    member_ids = workload_member_ids(workspace=workspace, team=team)
    workload = workload_as_dict(workload_compute_for(
        workspace=workspace, viewer=membership, member_ids=member_ids, start=start, end=end))
    names = {m.pk: m.display_name for m in membership_list(workspace=workspace)
             .filter(id__in=member_ids)}
    unscheduled = workload["unscheduled"][:UNSCHEDULED_SHOWN]
    for entry in unscheduled:
        entry["assignee_names"] = ", ".join(names[m] for m in entry["assignees"] if m in names)
    context: dict[str, Any] = {
        "days": week_days(start, end, today, workspace.working_days or []),
        "rows": grid_rows(workload, names),
        "unscheduled": unscheduled, "unscheduled_total": workload["unscheduled_total"],
        "start": start, "end": end, "weeks": weeks, "today": today,
        "team": team, "teams": teams, "week_choices": WEEK_CHOICES,
        "previous_start": start - dt.timedelta(days=7 * weeks),
        "next_start": start + dt.timedelta(days=7 * weeks),
        "this_week": week_start_of(today),
    }
    if request.GET.get("part") == "grid":
        return render(request, "timetracking/workload_grid.html",
                      {**context, "workspace": workspace})
    return render(request, "timetracking/workload.html",
                  page_context(request, section="workload", **context))


@require_GET
@workspace_page
def workload_cell_page(request: HttpRequest, ws: str) -> HttpResponse:
    """The items of one person on one day (`member`, `date`), with what each puts on it."""
    membership = request.membership  # type: ignore[attr-defined]
    _require_member(membership)
    day = _day(request.GET.get("date"))
    raw_member = request.GET.get("member", "")
    if day is None or not raw_member.isdigit() or len(raw_member) > 18:
        return HttpResponseBadRequest("Give member (an id) and date (YYYY-MM-DD).")
    member = membership_get(workspace=membership.workspace, id=int(raw_member))
    cell = workload_cell(workspace=membership.workspace, viewer=membership, member=member,
                         day=day)
    return render(request, "timetracking/workload_cell.html", {
        "workspace": membership.workspace, "cell": cell,
        "people": list(membership_list(workspace=membership.workspace)
                       .filter(id__in=workload_member_ids(workspace=membership.workspace))),
    })


def duration_text(minutes: int) -> str:
    hours, rest = divmod(int(minutes or 0), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d} min" if rest else f"{hours} h"


@require_GET
@workspace_page
def item_time(request: HttpRequest, ws: str, id: int) -> HttpResponse:
    """An item's time entries (those the viewer may see) and the viewer's timer on it."""
    membership = request.membership  # type: ignore[attr-defined]
    workspace = membership.workspace
    item = item_get(workspace=workspace, membership=membership, id=id)
    view = item_time_view(item=item, viewer=membership)
    for entry in view.entries:
        entry.duration_text = duration_text(entry.duration_minutes)
    return render(request, "timetracking/item_time.html", {
        "workspace": workspace, "item": item, "total_minutes": view.total_minutes,
        "total_text": duration_text(view.total_minutes), "entries": view.entries,
        "more_entries": view.more, "timer": view.timer,
        "timing_here": view.timer is not None and view.timer.item_id == item.pk,
        "can_time": not item.board.read_only and item.archived_at is None,
    })
