"""A project's critical-path schedule: its board's items and dependencies turned into the pure
scheduler's Tasks and Links, over the workspace's working calendar."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from boards.models import Dependency, Item, StatusCategory
from projects.models import Project
from projects.scheduling import (
    Link,
    Schedule,
    ScheduleCycleError,
    Task,
    WorkCalendar,
    schedule,
)
from workos.errors import Conflict

HOURS_PER_DAY = 8


def project_calendar(project: Project) -> WorkCalendar:
    workspace = project.workspace
    holidays = [dt.date.fromisoformat(str(day)) for day in workspace.holidays or []]
    return WorkCalendar(workspace.working_days or (0, 1, 2, 3, 4), holidays)


def _duration(item: Item, calendar: WorkCalendar) -> int:
    if item.is_milestone:
        return 0
    if item.start_date and item.due_date:
        return max(1, calendar.working_days_between(item.start_date, item.due_date))
    hours = item.estimate_hours or 0
    return max(1, math.ceil(hours / HOURS_PER_DAY))


def _task(item: Item, calendar: WorkCalendar, *, external: bool = False) -> Task:
    done = item.status is not None and item.status.category == StatusCategory.DONE
    return Task(
        id=item.pk, duration=_duration(item, calendar), start=item.start_date,
        finish=item.due_date, done=done, external=external,
    )


def _project_start(project: Project, items: list[Item]) -> dt.date:
    if project.start_date:
        return project.start_date
    dates = [d for item in items for d in (item.start_date, item.due_date) if d]
    return min(dates) if dates else project.created_at.date()


def project_schedule(project: Project) -> dict[str, Any]:
    """The schedule as API.md describes it; a dependency cycle is a 409 naming its items."""
    calendar = project_calendar(project)
    items = list(
        Item.objects.filter(board=project.board, archived_at__isnull=True)
        .select_related("status").order_by("id")
    )
    ids = {item.pk for item in items}
    deps = list(
        Dependency.objects.filter(successor_id__in=ids).select_related("predecessor__status")
        .order_by("id")
    )
    tasks = [_task(item, calendar) for item in items]
    externals: dict[int, Item] = {}
    links: list[Link] = []
    for dep in deps:
        if dep.predecessor_id not in ids:
            if dep.predecessor.archived_at is not None:
                continue
            externals[dep.predecessor_id] = dep.predecessor
        links.append(Link(dep.predecessor_id, dep.successor_id, dep.type, dep.lag_days))
    tasks += [_task(item, calendar, external=True) for item in externals.values()]
    try:
        result = schedule(tasks, links, calendar, _project_start(project, items))
    except ScheduleCycleError as exc:
        raise Conflict(
            f"The dependencies go round in a circle: items {', '.join(map(str, exc.cycle))}.",
            code="dependency_cycle", fields={"cycle": exc.cycle},
        ) from exc
    return _shape(result, ids)


def _shape(result: Schedule, ids: set[int]) -> dict[str, Any]:
    return {
        "project_start": result.project_start,
        "project_finish": result.project_finish,
        "critical_path": [i for i in result.critical_path if i in ids],
        "tasks": [
            {
                "item": t.id, "duration_days": t.duration, "early_start": t.early_start,
                "early_finish": t.early_finish, "late_start": t.late_start,
                "late_finish": t.late_finish, "total_float": t.total_float,
                "critical": t.critical,
            }
            for t in result.tasks.values() if t.id in ids
        ],
    }
