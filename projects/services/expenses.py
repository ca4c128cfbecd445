"""Expenses: a project's costs other than people's time (travel, licences, hardware).

The project's manager and workspace admins record, change and remove them; each write is one
transaction with one Activity that names the project in `data`, so the project's stream keeps
it after the expense is deleted. A closed project's figures are frozen: its expenses too.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db import transaction

from projects.models import Expense, Project
from projects.selectors.budget import workspace_today
from projects.services.access import require_project_edit, require_project_open
from workos.activity.services import activity_record
from workos.errors import ValidationFailed
from workos.tenancy.models import Membership

CATEGORY_MAX = 100
NOTE_MAX = 5_000
# The model's column: 14 digits, two after the point.
AMOUNT_MAX = decimal.Decimal("999999999999.99")
_UNSET: Any = object()


def _json(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    if "amount" in out:
        amount = out["amount"]
        if not isinstance(amount, decimal.Decimal) or not amount.is_finite() or amount <= 0:
            raise ValidationFailed("An expense's amount is more than 0.",
                                   fields={"amount": ["Must be more than 0."]})
        if amount > AMOUNT_MAX or amount != amount.quantize(decimal.Decimal("0.01")):
            raise ValidationFailed(
                f"An amount has at most two decimals and is at most {AMOUNT_MAX}.",
                fields={"amount": ["Out of range."]})
    if "date" in out and not isinstance(out["date"], dt.date):
        raise ValidationFailed("An expense needs a date.", fields={"date": ["Required."]})
    if "category" in out:
        category = " ".join((out["category"] or "").split())
        if len(category) > CATEGORY_MAX:
            raise ValidationFailed(f"Keep a category under {CATEGORY_MAX} characters.",
                                   fields={"category": ["Too long."]})
        out["category"] = category
    if "note" in out:
        note = (out["note"] or "").strip()
        if len(note) > NOTE_MAX:
            raise ValidationFailed(f"Keep a note under {NOTE_MAX} characters.",
                                   fields={"note": ["Too long."]})
        out["note"] = note
    return out


def _require(actor: Membership, project: Project, doing: str) -> None:
    require_project_edit(project=project, actor=actor, doing=doing)
    require_project_open(project)


@transaction.atomic
def expense_create(
    *, actor: Membership, project: Project, amount: decimal.Decimal,
    date: dt.date | None = None, category: str = "", note: str = "",
) -> Expense:
    _require(actor, project, "Recording an expense")
    data = _clean({"amount": amount, "date": date or workspace_today(project.workspace),
                   "category": category, "note": note})
    expense = Expense.objects.create(project=project, created_by=actor, **data)
    activity_record(
        workspace=project.workspace, actor=actor.user, verb="expense.created", target=expense,
        changes={key: [None, _json(value)] for key, value in data.items()},
        data={"project": project.pk},
    )
    return expense


@transaction.atomic
def expense_update(
    *, actor: Membership, expense: Expense, amount: Any = _UNSET, date: Any = _UNSET,
    category: Any = _UNSET, note: Any = _UNSET,
) -> Expense:
    project = expense.project
    _require(actor, project, "Changing an expense")
    given = {key: value for key, value in
             {"amount": amount, "date": date, "category": category, "note": note}.items()
             if value is not _UNSET}
    data = _clean(given)
    expense = Expense.objects.select_for_update().get(pk=expense.pk)
    changes = {}
    for key, value in data.items():
        old = getattr(expense, key)
        if old != value:
            changes[key] = [_json(old), _json(value)]
            setattr(expense, key, value)
    if changes:
        expense.save(update_fields=list(changes))
        activity_record(
            workspace=project.workspace, actor=actor.user, verb="expense.updated",
            target=expense, changes=changes, data={"project": project.pk},
        )
    return expense


@transaction.atomic
def expense_delete(*, actor: Membership, expense: Expense) -> None:
    project = expense.project
    _require(actor, project, "Removing an expense")
    activity_record(
        workspace=project.workspace, actor=actor.user, verb="expense.deleted", target=expense,
        changes={"amount": [_json(expense.amount), None]},
        data={"project": project.pk, "category": expense.category,
              "date": expense.date.isoformat()},
    )
    expense.delete()
