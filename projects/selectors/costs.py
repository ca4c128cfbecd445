"""A project's actual cost: people's time on its board at the cost rates in force on each
entry's date (from time tracking), plus its expenses. The budget, the summary, the portfolio and
the close-out report all read it from here."""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass

from django.db.models import Sum

from projects.models import Expense, Project
from timetracking.selectors import board_actual_cost

ZERO = decimal.Decimal("0.00")


@dataclass(frozen=True)
class ActualCost:
    labour: decimal.Decimal
    expenses: decimal.Decimal

    @property
    def total(self) -> decimal.Decimal:
        return self.labour + self.expenses


def project_actual_cost(
    project: Project, *, start: dt.date | None = None, end: dt.date | None = None
) -> ActualCost:
    """Labour and expenses between two dates (inclusive; open-ended when None)."""
    labour = board_actual_cost(project.workspace, project.board, start, end)
    expenses = Expense.objects.filter(project=project)
    if start is not None:
        expenses = expenses.filter(date__gte=start)
    if end is not None:
        expenses = expenses.filter(date__lte=end)
    spent = expenses.aggregate(total=Sum("amount"))["total"] or ZERO
    return ActualCost(labour=labour.quantize(decimal.Decimal("0.01")), expenses=spent)
