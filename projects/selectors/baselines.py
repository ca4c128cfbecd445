"""Reads of baselines and their variance against the project as it is now.

Variance is counted in working days of the workspace calendar and signed: positive means
later than the baseline (a slip), negative earlier. A date on a non-working day counts as the
next working day. A project's finish is the latest due date (or start date, for a task with
only that) of its non-archived tasks, or of the baseline's tasks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.db.models.functions import Coalesce

from boards.models import Item
from projects.models import Baseline, BaselineTask, Project
from projects.schedule import workspace_calendar
from projects.scheduling import WorkCalendar
from workos.errors import NotFound

KEPT, ADDED, REMOVED = "kept", "added", "removed"


def baseline_list(*, project: Project) -> QuerySet[Baseline]:
    """The project's baselines with `task_count`."""
    return Baseline.objects.filter(project=project).annotate(task_count=Count("tasks"))


def baseline_get(*, project: Project, id: int) -> Baseline:
    baseline = (baseline_list(project=project).select_related("project__board")
                .filter(pk=id).first())
    if baseline is None:
        raise NotFound("Baseline not found.")
    return baseline


def _offset(calendar: WorkCalendar, planned: dt.date | None, actual: dt.date | None
            ) -> int | None:
    if planned is None or actual is None:
        return None
    return calendar.working_day_offset(planned, actual)


def _finish(rows: Iterable[tuple[dt.date | None, dt.date | None]]) -> dt.date | None:
    ends = [due or start for start, due in rows if due or start]
    return max(ends) if ends else None


def baseline_variance(project: Project, baseline: Baseline) -> dict[str, Any]:
    """Each task's baseline dates against its current ones, and the project's finish.

    Returns ``{"baseline": id, "finish_variance_days": int | None, "tasks": [...]}``; each task
    is ``{"item", "name", "change", "baseline_start", "baseline_finish", "current_start",
    "current_finish", "start_variance_days", "finish_variance_days"}`` with dates as `date`
    objects (None when missing), `change` one of "kept", "added" (on the board, not in the
    baseline) or "removed" (in the baseline, since archived, moved off the board or deleted;
    `item` is None once deleted). Baseline tasks first in baseline order, then the added ones
    by id. Variances are None when either date is missing. Three queries.
    """
    calendar = workspace_calendar(project.workspace)
    current = {
        pk: (name, start, due) for pk, name, start, due in
        Item.objects.filter(board_id=project.board_id, archived_at__isnull=True)
        .order_by("id").values_list("id", "name", "start_date", "due_date")
    }
    frozen = list(
        BaselineTask.objects.filter(baseline=baseline).order_by("id")
        .values_list("item_id", "name", "start_date", "due_date")
    )
    tasks: list[dict[str, Any]] = []
    seen: set[int] = set()
    for item, name, b_start, b_due in frozen:
        now = current.get(item) if item is not None else None
        if now is None:
            tasks.append(_row(calendar, item, name, REMOVED, b_start, b_due, None, None))
            continue
        seen.add(item)
        tasks.append(_row(calendar, item, now[0], KEPT, b_start, b_due, now[1], now[2]))
    for item, (name, start, due) in current.items():
        if item not in seen:
            tasks.append(_row(calendar, item, name, ADDED, None, None, start, due))
    planned = _finish((start, due) for _, _, start, due in frozen)
    actual = _finish((start, due) for _, start, due in current.values())
    return {
        "baseline": baseline.pk,
        "finish_variance_days": _offset(calendar, planned, actual),
        "tasks": tasks,
    }


def _row(calendar: WorkCalendar, item: int | None, name: str, change: str,
         b_start: dt.date | None, b_due: dt.date | None, start: dt.date | None,
         due: dt.date | None) -> dict[str, Any]:
    return {
        "item": item, "name": name, "change": change,
        "baseline_start": b_start, "baseline_finish": b_due,
        "current_start": start, "current_finish": due,
        "start_variance_days": _offset(calendar, b_start, start),
        "finish_variance_days": _offset(calendar, b_due, due),
    }


_END = Coalesce("due_date", "start_date")


def project_finish_variance(project: Project) -> int | None:
    """Working days the project's finish slipped against its reference baseline (negative:
    ahead); None without a reference baseline or without dates. Two queries (three when
    `project.workspace` isn't loaded yet)."""
    return projects_finish_variance([project])[project.pk]


def projects_finish_variance(projects: Iterable[Project]) -> dict[int, int | None]:
    """`project_finish_variance` of many projects in two queries, whatever their number (the
    projects' workspaces should be loaded with them: `select_related("workspace")`)."""
    projects = list(projects)
    referenced = [p for p in projects if p.reference_baseline_id is not None]
    answer: dict[int, int | None] = {p.pk: None for p in projects}
    if not referenced:
        return answer
    actual = dict(
        Item.objects.filter(board_id__in=[p.board_id for p in referenced],
                            archived_at__isnull=True)
        .order_by().values("board_id").annotate(end=Max(_END)).values_list("board_id", "end")
    )
    planned = dict(
        BaselineTask.objects.filter(baseline_id__in=[p.reference_baseline_id for p in referenced])
        .order_by().values("baseline_id").annotate(end=Max(_END))
        .values_list("baseline_id", "end")
    )
    calendars: dict[int, WorkCalendar] = {}
    for project in referenced:
        if project.workspace_id not in calendars:
            calendars[project.workspace_id] = workspace_calendar(project.workspace)
        answer[project.pk] = _offset(calendars[project.workspace_id],
                                     planned.get(project.reference_baseline_id),
                                     actual.get(project.board_id))
    return answer
