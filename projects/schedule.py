"""A project's scheduling network read from the database, and its critical-path schedule.

`project_network` turns the board's non-archived items into the pure scheduler's Tasks (with
their TaskConstraints) and the dependencies into Links; predecessors on other boards come in as
`external` tasks that keep their dates. Every read is a `values_list` over a join: a project of
10,000 tasks is four queries and no model instances. `project_schedule` is the GET answer;
the rescheduling services (projects.services.reschedule) build on the same network.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from boards.models import Dependency, Item, StatusCategory
from projects.models import Project, TaskConstraint
from projects.scheduling import (
    Link,
    ScheduleCycleError,
    Task,
    Violation,
    WorkCalendar,
    schedule,
)
from projects.scheduling.network import dated_positions, violations, weights
from workos.errors import Conflict
from workos.tenancy.models import Workspace

HOURS_PER_DAY = 8


def workspace_calendar(workspace: Workspace) -> WorkCalendar:
    holidays = [dt.date.fromisoformat(str(day)) for day in workspace.holidays or []]
    return WorkCalendar(workspace.working_days or (0, 1, 2, 3, 4), holidays)


def project_calendar(project: Project) -> WorkCalendar:
    return workspace_calendar(project.workspace)


def task_duration(calendar: WorkCalendar, start: dt.date | None, due: dt.date | None,
                  estimate_hours: Decimal | float | None, is_milestone: bool) -> int:
    """Working days: 0 for a milestone, the days its dates span when it has both, else the
    estimate in 8-hour days rounded up, at least 1 (API.md)."""
    if is_milestone:
        return 0
    if start and due:
        return max(1, calendar.working_days_between(start, due))
    return max(1, math.ceil((estimate_hours or 0) / HOURS_PER_DAY))


@dataclass
class ProjectNetwork:
    """The board's tasks (first, in id order) and their external predecessors (after)."""

    project: Project
    calendar: WorkCalendar
    tasks: list[Task]
    links: list[Link]
    own: set[int]
    board_of: dict[int, int] = field(default_factory=dict)  # external item -> its board

    @property
    def start(self) -> dt.date:
        """Where the schedule starts: the project's start date, else its earliest task date,
        else the day it was created."""
        if self.project.start_date:
            return self.project.start_date
        dates = [d for t in self.tasks if t.id in self.own for d in (t.start, t.finish) if d]
        return min(dates) if dates else self.project.created_at.date()

    def by_id(self) -> dict[int, Task]:
        return {t.id: t for t in self.tasks}


def project_network(project: Project) -> ProjectNetwork:
    calendar = project_calendar(project)
    constraints = {
        item: (snet, fnlt) for item, snet, fnlt in TaskConstraint.objects.filter(
            project=project).values_list("item_id", "start_no_earlier_than",
                                         "finish_no_later_than")
    }
    rows = (
        Item.objects.filter(board_id=project.board_id, archived_at__isnull=True)
        .order_by("id")
        .values_list("id", "start_date", "due_date", "estimate_hours", "is_milestone",
                     "status__category")
    )
    tasks: list[Task] = []
    own: set[int] = set()
    no_limits = (None, None)
    for pk, start, due, hours, milestone, category in rows:
        snet, fnlt = constraints.get(pk, no_limits)
        tasks.append(Task(
            pk, task_duration(calendar, start, due, hours, milestone), start, due, snet, fnlt,
            category == StatusCategory.DONE,
        ))
        own.add(pk)
    deps = (
        Dependency.objects.filter(
            successor__board_id=project.board_id, successor__archived_at__isnull=True,
            predecessor__archived_at__isnull=True,
        )
        .order_by("id")
        .values_list("predecessor_id", "successor_id", "type", "lag_days")
    )
    links = [Link(p, s, kind, lag) for p, s, kind, lag in deps]
    outside = {link.predecessor for link in links} - own
    board_of: dict[int, int] = {}
    if outside:
        for pk, board, start, due, hours, milestone, category in (
            Item.objects.filter(id__in=outside).values_list(
                "id", "board_id", "start_date", "due_date", "estimate_hours", "is_milestone",
                "status__category")
        ):
            tasks.append(Task(pk, task_duration(calendar, start, due, hours, milestone), start,
                              due, done=category == StatusCategory.DONE, external=True))
            board_of[pk] = board
    return ProjectNetwork(project, calendar, tasks, links, own, board_of)


def cycle_conflict(exc: ScheduleCycleError) -> Conflict:
    return Conflict(
        f"The dependencies go round in a circle: items {', '.join(map(str, exc.cycle))}.",
        code="dependency_cycle", fields={"cycle": exc.cycle},
    )


def violation_row(violation: Violation) -> dict[str, Any]:
    link = violation.link
    return {"predecessor": link.predecessor, "successor": link.successor, "type": link.type,
            "lag_days": link.lag, "days": violation.days}


def current_violations(network: ProjectNetwork) -> list[Violation]:
    """The links the items' dates break as they stand (what mode `none` reports): the same
    answer as `reschedule(..., "none", {})`, without its network walk, which a read of a large
    project can't afford."""
    tasks, links = network.tasks, network.links
    position = {t.id: i for i, t in enumerate(tasks)}
    ends = [(position[link.predecessor], position[link.successor]) for link in links]
    now = dated_positions(tasks, network.calendar, [True] * len(tasks))
    durations = [t.duration if p is None else p[1] for t, p in zip(tasks, now, strict=True)]
    return violations(links, ends, weights(links, ends, durations),
                      [None if p is None else p[0] for p in now])


def project_schedule(project: Project) -> dict[str, Any]:
    """The schedule as API.md describes it, plus each task's free float, current dates and
    constraints, the project's rescheduling mode and the links today's dates break. A
    dependency cycle is a 409 naming its items. Dates stay `date` objects (orjson renders
    them)."""
    network = project_network(project)
    try:
        result = schedule(network.tasks, network.links, network.calendar, network.start)
    except ScheduleCycleError as exc:
        raise cycle_conflict(exc) from exc
    own = network.own
    tasks = []
    for task in network.tasks:
        if task.id not in own:
            break  # the external predecessors come last
        t = result.tasks[task.id]
        tasks.append({
            "item": t.id, "duration_days": t.duration, "early_start": t.early_start,
            "early_finish": t.early_finish, "late_start": t.late_start,
            "late_finish": t.late_finish, "total_float": t.total_float,
            "free_float": t.free_float, "critical": t.critical, "done": task.done,
            "start_date": task.start, "due_date": task.finish,
            "start_no_earlier_than": task.start_no_earlier_than,
            "finish_no_later_than": task.finish_no_later_than,
        })
    return {
        "project_start": result.project_start,
        "project_finish": result.project_finish,
        "schedule_mode": project.schedule_mode,
        "critical_path": [i for i in result.critical_path if i in own],
        "tasks": tasks,
        "violations": [violation_row(v) for v in current_violations(network)],
    }
