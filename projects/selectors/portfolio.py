"""The portfolio: every project's phase, health, progress, schedule and budget variance at once.

Each figure is computed for the whole set of projects in a fixed number of queries (the
projects, their latest status updates, one aggregate of all their tasks, one of the reference
baselines, one time-cost sum per board for the workspace, one aggregate of expenses), never one
query per project. The per-project readers (summary, budget, baselines) measure the same things
one project at a time; these must agree with them:

- progress: `projects.selectors.progress.projects_progress` (by effort where estimates exist,
  else by count; cancelled tasks left out; null without tasks).
- schedule variance: `projects.selectors.baselines.projects_finish_variance`, working days from
  the reference baseline's finish to the finish now; positive = later than planned.
- actual cost: time at the cost rate in force on each entry's date, plus expenses;
  budget variance = budget - actual cost (negative = over budget).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max, OuterRef, QuerySet, Subquery, Sum

from boards.models import Item
from projects.models import BaselineTask, Expense, Health, Phase, Project, StatusUpdate
from projects.selectors.baselines import projects_finish_variance
from projects.selectors.progress import projects_progress
from projects.selectors.projects import project_list
from timetracking.selectors import time_sums
from workos.tenancy.models import Membership, Role, Workspace

ZERO = decimal.Decimal("0.00")


@dataclass(frozen=True)
class PortfolioFilters:
    phase: str | None = None
    health: str | None = None
    manager: int | None = None
    team: int | None = None


@dataclass
class PortfolioRow:
    project: Project
    progress: float | None
    finish: dt.date | None
    baseline_finish: dt.date | None
    schedule_variance: int | None
    actual_cost: decimal.Decimal | None
    budget_variance: decimal.Decimal | None
    latest_status: StatusUpdate | None


def _latest_due_by_board(board_ids: list[int]) -> dict[int, dt.date | None]:
    if not board_ids:
        return {}
    return dict(
        Item.objects.filter(board_id__in=board_ids, archived_at__isnull=True).order_by()
        .values("board_id").annotate(finish=Max("due_date")).values_list("board_id", "finish")
    )


def progress_by_project(project_ids: Iterable[int]) -> dict[int, float | None]:
    """Each project's progress (as `projects.selectors.progress` defines it), in two queries."""
    ids = list(project_ids)
    if not ids:
        return {}
    return projects_progress(Project.objects.filter(pk__in=ids).only("id", "board_id"))


def portfolio_projects(
    *, workspace: Workspace, membership: Membership, filters: PortfolioFilters
) -> QuerySet[Project]:
    """The non-template projects the viewer sees, filtered, each with its latest status update's
    id annotated (read in one more query by `portfolio_rows`)."""
    latest = StatusUpdate.objects.filter(project=OuterRef("pk")).order_by("-date", "-id")
    projects = (
        project_list(workspace=workspace, membership=membership)
        .filter(is_template=False)
        # Only what the rows show: no board or workspace row per project.
        .select_related(None).select_related("manager__user", "team")
        .defer("outcome", "closeout_summary", "closeout_report")
        .annotate(latest_status_id=Subquery(latest.values("id")[:1]))
    )
    for field in ("phase", "health"):
        value = getattr(filters, field)
        if value is not None:
            projects = projects.filter(**{field: value})
    if filters.manager is not None:
        projects = projects.filter(manager_id=filters.manager)
    if filters.team is not None:
        projects = projects.filter(team_id=filters.team)
    return projects.order_by("name", "id")


def portfolio_rows(
    *, workspace: Workspace, membership: Membership, filters: PortfolioFilters
) -> list[PortfolioRow]:
    """Every figure of every project in the viewer's portfolio. Guests, who never see rates or
    other people's time, get actual cost and budget variance as null."""
    projects = list(portfolio_projects(workspace=workspace, membership=membership,
                                       filters=filters))
    if not projects:
        return []
    for project in projects:
        project.workspace = workspace  # the calendar of every variance, without a query each
    progress = projects_progress(projects)
    variances = projects_finish_variance(projects)
    finishes = _latest_due_by_board([p.board_id for p in projects])
    references = [p.reference_baseline_id for p in projects if p.reference_baseline_id]
    planned: dict[int, dt.date | None] = {}
    if references:
        planned = dict(
            BaselineTask.objects.filter(baseline_id__in=references).order_by()
            .values("baseline_id").annotate(finish=Max("due_date"))
            .values_list("baseline_id", "finish")
        )
    statuses = {
        s.pk: s for s in StatusUpdate.objects.filter(
            id__in=[p.latest_status_id for p in projects if p.latest_status_id]
        )
    }
    money = membership.role != Role.GUEST
    labour: dict[int, decimal.Decimal] = {}
    expenses: dict[int, decimal.Decimal] = {}
    if money:
        # One sum per board for the whole workspace: cheaper than a filter by 500 boards, and
        # the rate periods are joined once.
        labour = {s.key: s.cost for s in time_sums(workspace=workspace, group_by="board")
                  if s.key is not None}
        expenses = dict(
            Expense.objects.filter(project__in=[p.pk for p in projects]).order_by()
            .values("project_id").annotate(total=Sum("amount"))
            .values_list("project_id", "total")
        )
    rows = []
    for project in projects:
        finish = finishes.get(project.board_id)
        baseline_finish = planned.get(project.reference_baseline_id)
        actual = variance = None
        if money:
            actual = labour.get(project.board_id, ZERO) + expenses.get(project.pk, ZERO)
            if project.budget is not None:
                variance = project.budget - actual
        rows.append(PortfolioRow(
            project=project,
            progress=progress.get(project.pk),
            finish=finish,
            baseline_finish=baseline_finish,
            schedule_variance=variances.get(project.pk),
            actual_cost=actual,
            budget_variance=variance,
            latest_status=statuses.get(project.latest_status_id),
        ))
    return rows


# -- sorting ----------------------------------------------------------------------------------

ORDERING_FIELDS = ("name", "phase", "health", "progress", "schedule_variance",
                   "budget_variance", "end_date", "id")
_PHASE_RANK = {value: n for n, value in enumerate(Phase.values)}
_HEALTH_RANK = {value: n for n, value in enumerate(Health.values)}


def _sort_value(row: PortfolioRow, field: str) -> object:
    project = row.project
    if field == "name":
        return project.name.casefold()
    if field == "phase":
        return _PHASE_RANK.get(project.phase, len(_PHASE_RANK))
    if field == "health":
        return _HEALTH_RANK.get(project.health, len(_HEALTH_RANK))
    if field == "end_date":
        return project.end_date
    if field == "id":
        return project.pk
    return getattr(row, field)


def portfolio_sort(rows: list[PortfolioRow], ordering: list[str]) -> list[PortfolioRow]:
    """Sort by `ordering` (fields of ORDERING_FIELDS, `-` for descending). Phases sort in life
    cycle order and health from on track to off track; empty values come last either way."""
    out = list(rows)
    for spec in reversed(ordering):
        field = spec.lstrip("-")
        if field not in ORDERING_FIELDS:
            raise ValueError(field)
        descending = spec.startswith("-")
        present = [r for r in out if _sort_value(r, field) is not None]
        missing = [r for r in out if _sort_value(r, field) is None]
        present.sort(key=lambda r, f=field: _sort_value(r, f), reverse=descending)  # type: ignore[misc]
        out = present + missing
    return out
