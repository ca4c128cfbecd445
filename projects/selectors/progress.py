"""How far along projects are, one project or many at once.

Progress counts the project's non-archived tasks that are not cancelled (a cancelled task is
work nobody will do, so it neither helps nor hurts). When any of them has an estimate, progress
is by effort: the estimate hours of the done tasks over the estimate hours of all of them
(tasks without an estimate weigh nothing then). Otherwise it is by count: done tasks over
tasks. A project without such tasks has no progress (None), not 0 %.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from boards.models import Item, StatusCategory
from projects.models import Project

DONE = Q(status__category=StatusCategory.DONE)
NOT_CANCELLED = Q(status__isnull=True) | ~Q(status__category=StatusCategory.CANCELLED)
EFFORT, COUNT = "effort", "count"


@dataclass(frozen=True)
class Progress:
    tasks: int
    done: int
    effort_hours: decimal.Decimal
    done_hours: decimal.Decimal

    @property
    def method(self) -> str | None:
        if self.effort_hours > 0:
            return EFFORT
        return COUNT if self.tasks else None

    @property
    def percent(self) -> float | None:
        if self.effort_hours > 0:
            return round(float(self.done_hours * 100 / self.effort_hours), 1)
        if self.tasks:
            return round(self.done * 100 / self.tasks, 1)
        return None

    def as_dict(self) -> dict[str, object]:
        return {"percent": self.percent, "method": self.method, "tasks": self.tasks,
                "done": self.done, "effort_hours": float(self.effort_hours),
                "done_hours": float(self.done_hours)}


NO_TASKS = Progress(0, 0, decimal.Decimal(0), decimal.Decimal(0))


def _hours(value: object) -> decimal.Decimal:
    # Sums arrive as Decimal on PostgreSQL and may be float on SQLite.
    return decimal.Decimal(str(value)) if value is not None else decimal.Decimal(0)


def progress_by_board(board_ids: Iterable[int]) -> dict[int, Progress]:
    """The figures of each board's tasks, in one query (boards without tasks are left out)."""
    ids = list(board_ids)
    if not ids:
        return {}
    rows = (
        Item.objects.filter(board_id__in=ids, archived_at__isnull=True).filter(NOT_CANCELLED)
        .order_by().values("board_id")
        .annotate(tasks=Count("id"), done=Count("id", filter=DONE),
                  effort=Sum("estimate_hours"), effort_done=Sum("estimate_hours", filter=DONE))
    )
    return {
        row["board_id"]: Progress(row["tasks"], row["done"], _hours(row["effort"]),
                                  _hours(row["effort_done"]))
        for row in rows
    }


def project_progress_figures(project: Project) -> Progress:
    return progress_by_board([project.board_id]).get(project.board_id, NO_TASKS)


def project_progress(project: Project) -> float | None:
    """Percent done (0-100, one decimal), or None without tasks. One query."""
    return project_progress_figures(project).percent


def projects_progress(projects: Iterable[Project]) -> dict[int, float | None]:
    """`project_progress` of many projects in one query, whatever their number:
    {project id: percent or None}."""
    projects = list(projects)
    figures = progress_by_board(p.board_id for p in projects)
    return {p.pk: figures.get(p.board_id, NO_TASKS).percent for p in projects}
