"""The close-out report: a project's final figures, computed when it closes and then kept
frozen in `Project.closeout_report` (later changes to rates or tasks do not rewrite history).

Dates: planned start and finish are the project's own dates. The actual start is the earliest
start date (a milestone's due date) of the tasks that were not cancelled; the actual finish is
the latest completion day (`completed_at`, in the workspace's time zone) of the done tasks.
Variances are signed working days on the workspace calendar, positive meaning late.
A milestone is hit when it was done on or before its due date, missed when done later or not
done at all; a cancelled milestone is neither.
"""

from __future__ import annotations

import datetime as dt
import decimal
import zoneinfo
from typing import Any

from boards.models import Item, StatusCategory
from projects.models import Project
from projects.schedule import project_calendar
from projects.selectors.costs import project_actual_cost
from timetracking.selectors import time_sums

CENT = decimal.Decimal("0.01")


def _money(value: decimal.Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT))


def _local_day(moment: dt.datetime | None, zone: zoneinfo.ZoneInfo) -> dt.date | None:
    return None if moment is None else moment.astimezone(zone).date()


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _milestone(task: dict[str, Any], done_on: dt.date | None) -> dict[str, Any]:
    category = task["status__category"]
    if category == StatusCategory.CANCELLED:
        outcome = "cancelled"
    elif category == StatusCategory.DONE and (
        task["due_date"] is None or (done_on is not None and done_on <= task["due_date"])
    ):
        outcome = "hit"
    else:
        outcome = "missed"
    return {"item": task["id"], "name": task["name"], "due_date": _iso(task["due_date"]),
            "completed_on": _iso(done_on), "outcome": outcome}


def closeout_figures(project: Project) -> dict[str, Any]:
    """The report as it stands now; `closeout_freeze` stores it when the project closes."""
    workspace = project.workspace
    zone = zoneinfo.ZoneInfo(workspace.timezone or "UTC")
    calendar = project_calendar(project)
    tasks = list(
        Item.objects.filter(board_id=project.board_id, archived_at__isnull=True).order_by("id")
        .values("id", "name", "start_date", "due_date", "completed_at", "is_milestone",
                "status__category")
    )
    done = [t for t in tasks if t["status__category"] == StatusCategory.DONE]
    cancelled = [t for t in tasks if t["status__category"] == StatusCategory.CANCELLED]
    starts = [t["start_date"] or t["due_date"] for t in tasks
              if t["status__category"] != StatusCategory.CANCELLED
              and (t["start_date"] or t["due_date"])]
    finishes = [d for d in (_local_day(t["completed_at"], zone) for t in done) if d]
    actual_start = min(starts) if starts else None
    actual_finish = max(finishes) if finishes else None

    def variance(planned: dt.date | None, actual: dt.date | None) -> int | None:
        if planned is None or actual is None:
            return None
        return calendar.working_day_offset(planned, actual)

    milestones = [_milestone(t, _local_day(t["completed_at"], zone))
                  for t in tasks if t["is_milestone"]]
    cost = project_actual_cost(project)
    budget = project.budget
    minutes = sum(row.minutes for row in time_sums(workspace=workspace, group_by="board",
                                                   board_id=project.board_id))
    return {
        "dates": {
            "planned_start": _iso(project.start_date),
            "planned_finish": _iso(project.end_date),
            "actual_start": _iso(actual_start),
            "actual_finish": _iso(actual_finish),
            "start_variance_days": variance(project.start_date, actual_start),
            "finish_variance_days": variance(project.end_date, actual_finish),
        },
        "cost": {
            "currency": workspace.currency,
            "budget": _money(budget),
            "labour": _money(cost.labour),
            "expenses": _money(cost.expenses),
            "actual": _money(cost.total),
            "variance": _money(budget - cost.total) if budget is not None else None,
            "used_percent": (
                float((cost.total * 100 / budget).quantize(decimal.Decimal("0.1")))
                if budget else None
            ),
            "hours_logged": round(minutes / 60, 2),
        },
        "tasks": {
            "total": len(tasks),
            "done": len(done),
            "cancelled": len(cancelled),
            "open": len(tasks) - len(done) - len(cancelled),
        },
        "milestones": {
            "total": len(milestones),
            "hit": sum(m["outcome"] == "hit" for m in milestones),
            "missed": sum(m["outcome"] == "missed" for m in milestones),
            "cancelled": sum(m["outcome"] == "cancelled" for m in milestones),
            "items": milestones,
        },
        "summary": project.closeout_summary,
    }
