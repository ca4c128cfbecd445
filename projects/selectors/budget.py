"""A project's budget against what it has cost and is forecast to cost.

- actual cost: people's time on the project's board at the cost rate in force on each entry's
  date, plus the project's expenses (`projects.selectors.costs`), whatever their date.
- remaining: budget - actual cost (negative: overspent).
- burn rate: actual cost per working day since the project started (its start date, else the
  day it was created) up to today, or up to the day it closed; per working week is that times
  the workspace's working days per week. Null before the first working day.
- forecast at completion (bottom-up): actual cost + the effort still to do, priced at the
  average cost rate paid so far. Effort still to do is, over the open tasks (not done, not
  cancelled, not archived) that have an estimate, the estimate minus the time already logged
  on the task, never below 0. The average cost rate is labour cost / hours logged on the
  board. With effort left but no time logged yet there is no rate to price it: the forecast is
  null. Open tasks without an estimate add nothing; `open_tasks_without_estimate` says how
  many there are, so a reader knows what the forecast misses.
- variance: budget - forecast (negative: forecast to overspend).
- cost by month: labour and expenses per calendar month, every month from the first to the
  last with a cost, and the running total. Each month's labour is rounded to the cent, so
  the months may add up to a cent or two away from the labour total.

A fixed number of queries (six, and a savepoint around each time sum) whatever the size of
the project.
"""

from __future__ import annotations

import datetime as dt
import decimal
import zoneinfo
from typing import Any

from django.db.models import OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from boards.models import Item, StatusCategory
from projects.models import Expense, Project
from projects.schedule import project_calendar
from projects.selectors.costs import ActualCost
from timetracking.models import TimeEntry
from timetracking.selectors import board_actual_cost, time_sums
from workos.tenancy.models import Workspace

CENT = decimal.Decimal("0.01")
ZERO = decimal.Decimal("0.00")
CLOSED = (StatusCategory.DONE, StatusCategory.CANCELLED)


def workspace_today(workspace: Workspace) -> dt.date:
    return timezone.now().astimezone(_zone(workspace)).date()


def _zone(workspace: Workspace) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(workspace.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _cents(value: decimal.Decimal) -> decimal.Decimal:
    return value.quantize(CENT, rounding=decimal.ROUND_HALF_UP)


def _first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _cost_by_month(project: Project) -> tuple[list[dict[str, Any]], int]:
    """The months with their costs, and all minutes logged on the board."""
    labour: dict[dt.date, decimal.Decimal] = {}
    minutes = 0
    for row in time_sums(workspace=project.workspace, group_by="month",
                         board_id=project.board_id):
        minutes += row.minutes
        labour[_first_of_month(row.key)] = row.cost
    expenses = {
        _first_of_month(month): decimal.Decimal(str(total))
        for month, total in Expense.objects.filter(project=project)
        .annotate(month=TruncMonth("date")).order_by().values("month")
        .annotate(total=Sum("amount")).values_list("month", "total")
    }
    months = sorted({*labour, *expenses})
    rows: list[dict[str, Any]] = []
    running = ZERO
    month = months[0] if months else None
    while month is not None and month <= months[-1]:
        spent = labour.get(month, ZERO)
        bought = expenses.get(month, ZERO)
        running += spent + bought
        rows.append({"month": month.strftime("%Y-%m"), "labour": spent, "expenses": bought,
                     "total": spent + bought, "cumulative": running})
        month = _next_month(month)
    return rows, minutes


def _effort_left(project: Project) -> tuple[decimal.Decimal, int]:
    """Hours still to do on the open estimated tasks, and how many open tasks lack an
    estimate. Time logged is summed from the entries, per task."""
    logged = Subquery(
        TimeEntry.objects.filter(item_id=OuterRef("pk")).order_by().values("item_id")
        .annotate(total=Sum("duration_minutes")).values("total")[:1]
    )
    open_tasks = Item.objects.filter(board_id=project.board_id, archived_at__isnull=True).filter(
        Q(status__isnull=True) | ~Q(status__category__in=CLOSED)
    )
    left = ZERO
    unestimated = 0
    for estimate, minutes in open_tasks.annotate(logged=logged).values_list(
        "estimate_hours", "logged"
    ):
        if estimate is None:
            unestimated += 1
            continue
        left += max(ZERO, decimal.Decimal(str(estimate)) - decimal.Decimal(minutes or 0) / 60)
    return left, unestimated


def _burn_period(project: Project, today: dt.date) -> tuple[dt.date, dt.date]:
    start = project.start_date or project.created_at.astimezone(_zone(project.workspace)).date()
    end = today
    if project.closed_at is not None:
        end = min(end, project.closed_at.astimezone(_zone(project.workspace)).date())
    return start, end


def project_budget(project: Project, today: dt.date | None = None) -> dict[str, Any]:
    """The figures of the module's docstring. Money is Decimal (two places), hours float,
    dates `date`; fields without a basis (no budget, no time logged yet) are None."""
    workspace = project.workspace
    today = today or workspace_today(workspace)
    calendar = project_calendar(project)
    months, minutes = _cost_by_month(project)
    # Labour summed once, as `project_actual_cost` does, so the figure agrees to the cent with
    # the portfolio and the close-out (the months are each rounded); expenses are exact sums.
    cost = ActualCost(
        labour=_cents(board_actual_cost(workspace, project.board)),
        expenses=sum((m["expenses"] for m in months), ZERO),
    )
    actual = cost.total
    hours_logged = decimal.Decimal(minutes) / 60
    effort_left, unestimated = _effort_left(project)

    start, end = _burn_period(project, today)
    days = calendar.working_days_between(start, end)
    per_day = actual / days if days else None

    rate = cost.labour / hours_logged if hours_logged else None
    if effort_left == 0:
        forecast: decimal.Decimal | None = actual
    elif rate is not None:
        forecast = actual + effort_left * rate
    else:
        forecast = None

    budget = project.budget
    return {
        "currency": workspace.currency,
        "budget": budget,
        "actual": {"labour": cost.labour, "expenses": cost.expenses, "total": actual},
        "remaining": budget - actual if budget is not None else None,
        "used_percent": (round(float(actual * 100 / budget), 1) if budget else None),
        "hours_logged": round(float(hours_logged), 2),
        "average_cost_rate": _cents(rate) if rate is not None else None,
        "burn_rate": {
            "since": start,
            "until": end,
            "working_days": days,
            "per_working_day": _cents(per_day) if per_day is not None else None,
            "per_working_week": (_cents(per_day * len(calendar.working_days))
                                 if per_day is not None else None),
        },
        "effort_remaining_hours": round(float(effort_left), 2),
        "open_tasks_without_estimate": unestimated,
        "forecast_at_completion": _cents(forecast) if forecast is not None else None,
        "variance": (_cents(budget - forecast)
                     if budget is not None and forecast is not None else None),
        "cost_by_month": months,
    }
