"""Reads of a project's expenses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from projects.models import Expense, Project
from workos.errors import NotFound


@dataclass(frozen=True)
class ExpenseFilters:
    start: dt.date | None = None
    end: dt.date | None = None
    category: str | None = None


def expense_list(*, project: Project, filters: ExpenseFilters | None = None
                 ) -> QuerySet[Expense]:
    """The project's expenses, newest first; dates inclusive, category matched whole and
    without regard to case."""
    f = filters or ExpenseFilters()
    qs = Expense.objects.filter(project=project).select_related("created_by__user")
    if f.start is not None:
        qs = qs.filter(date__gte=f.start)
    if f.end is not None:
        qs = qs.filter(date__lte=f.end)
    if f.category is not None:
        qs = qs.filter(category__iexact=f.category.strip())
    return qs.order_by("-date", "-id")


def expense_get(*, project: Project, id: int) -> Expense:
    expense = expense_list(project=project).filter(pk=id).first()
    if expense is None:
        raise NotFound("Expense not found.")
    return expense
