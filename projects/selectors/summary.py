"""A project at a glance: progress, milestones and their slip, schedule variance, budget, open
risks, the next gate and the latest status update.

- progress: `projects.selectors.progress` (by effort where tasks have estimates, else by count).
- milestones: the board's non-archived milestone items in date order (undated last). A
  milestone's date is its due date (its start date when it has only that). Its slip is the
  signed number of working days from the date the reference baseline holds for the same item
  to its date now: positive is late. No reference baseline, or the item not in it, or a date
  missing on either side: slip is null.
- schedule variance: `projects.selectors.baselines.project_finish_variance`.
- risks: open (not done, not cancelled) non-archived items of the board that carry the tag
  "risk" or "risks" (any case) in one of the board's tags columns.
- next gate: the phase the project would advance to and the unmet items of its current phase's
  gate (what `advance` would refuse with); null once closed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from boards.models import Column, Item, StatusCategory
from projects.models import BaselineTask, Phase, Project, StatusUpdate
from projects.schedule import project_calendar
from projects.selectors.baselines import project_finish_variance
from projects.selectors.budget import project_budget, workspace_today
from projects.selectors.gates import gate_unmet, next_phase
from projects.selectors.progress import (
    project_progress,
    project_progress_figures,
    projects_progress,
)
from projects.selectors.status_updates import status_update_latest

__all__ = ["project_progress", "project_summary", "projects_progress"]

RISK_TAGS = frozenset({"risk", "risks"})
RISKS_SHOWN = 100
CLOSED = (StatusCategory.DONE, StatusCategory.CANCELLED)


def _date_of(start: dt.date | None, due: dt.date | None) -> dt.date | None:
    return due or start


def project_milestones(project: Project) -> list[dict[str, Any]]:
    """Two queries (one without a reference baseline)."""
    rows = list(
        Item.objects.filter(board_id=project.board_id, archived_at__isnull=True,
                            is_milestone=True)
        .order_by("id").values_list("id", "name", "start_date", "due_date", "status__category")
    )
    planned: dict[int, dt.date | None] = {}
    if project.reference_baseline_id is not None and rows:
        planned = {
            item: _date_of(start, due)
            for item, start, due in BaselineTask.objects.filter(
                baseline_id=project.reference_baseline_id, item_id__in=[r[0] for r in rows]
            ).values_list("item_id", "start_date", "due_date")
        }
    calendar = project_calendar(project)
    out = []
    for pk, name, start, due, category in rows:
        date = _date_of(start, due)
        baseline_date = planned.get(pk)
        out.append({
            "item": pk, "name": name, "date": date, "baseline_date": baseline_date,
            "slip_days": (calendar.working_day_offset(baseline_date, date)
                          if date is not None and baseline_date is not None else None),
            "done": category == StatusCategory.DONE,
            "status_category": category,
        })
    out.sort(key=lambda m: (m["date"] is None, m["date"] or dt.date.min, m["item"]))
    return out


def _is_risk(values: dict[str, Any], keys: list[str]) -> bool:
    for key in keys:
        tags = values.get(key)
        if isinstance(tags, list) and any(
            isinstance(tag, str) and tag.strip().casefold() in RISK_TAGS for tag in tags
        ):
            return True
    return False


def project_open_risks(project: Project) -> dict[str, Any]:
    """`{"total": n, "items": [...]}`, at most RISKS_SHOWN items, earliest due first. Two
    queries: the board's tags columns, then the open items with a value in one of them (the
    tag itself is matched here, since JSON containment without case differs per database)."""
    keys = list(Column.objects.filter(board_id=project.board_id, type="tags")
                .order_by("id").values_list("key", flat=True))
    if not keys:
        return {"total": 0, "items": []}
    candidates = (
        Item.objects.filter(board_id=project.board_id, archived_at__isnull=True)
        .filter(Q(status__isnull=True) | ~Q(status__category__in=CLOSED))
        .filter(values__has_any_keys=keys)
        .order_by("id")
        .values("id", "name", "values", "status_id", "status__category", "priority",
                "due_date")
    )
    risks = [
        {"item": row["id"], "name": row["name"], "status": row["status_id"],
         "status_category": row["status__category"], "priority": row["priority"],
         "due_date": row["due_date"]}
        for row in candidates if _is_risk(row["values"] or {}, keys)
    ]
    risks.sort(key=lambda r: (r["due_date"] is None, r["due_date"] or dt.date.min, r["item"]))
    return {"total": len(risks), "items": risks[:RISKS_SHOWN]}


def project_next_gate(project: Project) -> dict[str, Any] | None:
    following = next_phase(project.phase)
    if following is None:
        return None
    unmet = [result.as_unmet() for result in gate_unmet(project, project.phase)]
    return {"phase": project.phase, "next_phase": following, "ready": not unmet,
            "unmet": unmet}


def status_update_dict(update: StatusUpdate | None) -> dict[str, Any] | None:
    if update is None:
        return None
    author = update.author
    return {"id": update.pk, "date": update.date, "health": update.health, "text": update.text,
            "author": update.author_id,
            "author_name": author.display_name if author is not None else None,
            "created_at": update.created_at}


def project_summary(project: Project, today: dt.date | None = None, *,
                    with_money: bool = True) -> dict[str, Any]:
    """Everything the summary endpoint answers, in a fixed number of queries. Money (the
    budget figures) only `with_money`: guests never see rates or others' time, of which the
    actual cost is made."""
    today = today or workspace_today(project.workspace)
    progress = project_progress_figures(project)
    return {
        "project": project.pk,
        "name": project.name,
        "phase": project.phase,
        "health": project.health,
        "start_date": project.start_date,
        "end_date": project.end_date,
        "today": today,
        "progress": progress.as_dict(),
        "milestones": project_milestones(project),
        "schedule_variance_days": project_finish_variance(project),
        "reference_baseline": project.reference_baseline_id,
        "budget": project_budget(project, today) if with_money else None,
        "open_risks": project_open_risks(project),
        "next_gate": project_next_gate(project) if project.phase != Phase.CLOSED else None,
        "latest_status_update": status_update_dict(status_update_latest(project=project)),
    }
