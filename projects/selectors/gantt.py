"""What the Gantt chart draws, in one JSON-ready answer: the project's tasks in board order
(sub-items under their parent), their dependencies, the critical-path schedule, the reference
baseline's dates and the working-day calendar.

Dates are ISO strings: the page embeds the answer with `json_script` and re-reads it after a
change. `read_at` is the server time the plan was read, from which the page asks the items API
what changed since. A dependency cycle leaves the schedule out (`schedule_error` says which
items) rather than refusing the chart: the tasks are still worth seeing, and the cycle is what
to fix. Links to or from another board are left out; the schedule still counts them. A fixed
number of queries whatever the size of the project.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from boards.models import Dependency, Item, StatusCategory
from boards.selectors import board_role, board_role_at_least
from projects.models import Project
from projects.schedule import project_schedule
from projects.selectors.baselines import baseline_get, baseline_variance
from projects.selectors.budget import workspace_today
from workos.errors import Conflict
from workos.tenancy.models import Membership

# What the chart uses of each task's schedule (the rest of the answer is the API's).
SCHEDULE_FIELDS = ("duration_days", "early_start", "early_finish", "total_float", "critical",
                   "finish_no_later_than")


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _in_tree_order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Board order, each task followed by its sub-items (depth set); a sub-item whose parent
    is not on the chart stands at the top level."""
    present = {row["id"] for row in rows}
    children: dict[int, list[dict[str, Any]]] = {}
    top: list[dict[str, Any]] = []
    for row in rows:
        parent = row["parent"]
        if parent is not None and parent in present:
            children.setdefault(parent, []).append(row)
        else:
            top.append(row)
    ordered: list[dict[str, Any]] = []
    stack = [(row, 0) for row in reversed(top)]
    while stack:
        row, depth = stack.pop()
        row["depth"] = depth
        ordered.append(row)
        stack.extend((child, depth + 1) for child in reversed(children.get(row["id"], [])))
    return ordered


def _tasks(project: Project) -> list[dict[str, Any]]:
    rows = (
        Item.objects.filter(board_id=project.board_id, archived_at__isnull=True)
        .order_by("group__position", "group_id", "position", "id")
        .values_list("id", "name", "parent_id", "start_date", "due_date", "is_milestone",
                     "version", "status__name", "status__category")
    )
    return _in_tree_order([
        {"id": pk, "name": name, "parent": parent, "start_date": _iso(start),
         "due_date": _iso(due), "is_milestone": milestone, "version": version,
         "status": status, "done": category == StatusCategory.DONE}
        for pk, name, parent, start, due, milestone, version, status, category in rows
    ])


def _links(project: Project, tasks: set[int]) -> list[dict[str, Any]]:
    # Filtered as the schedule's network is (by the successor's board), then to predecessors
    # on the chart here: a second board condition on the join makes SQLite plan it badly.
    rows = (
        Dependency.objects.filter(
            successor__board_id=project.board_id, successor__archived_at__isnull=True,
            predecessor__archived_at__isnull=True,
        )
        .order_by("id").values_list("id", "predecessor_id", "successor_id", "type", "lag_days")
    )
    return [{"id": pk, "predecessor": p, "successor": s, "type": kind, "lag_days": lag}
            for pk, p, s, kind, lag in rows if p in tasks]


def _baseline(project: Project) -> tuple[dict[str, Any] | None, dict[int, dict[str, Any]]]:
    if project.reference_baseline_id is None:
        return None, {}
    baseline = baseline_get(project=project, id=project.reference_baseline_id)
    variance = baseline_variance(project, baseline)
    dates = {
        row["item"]: {"baseline_start": _iso(row["baseline_start"]),
                      "baseline_finish": _iso(row["baseline_finish"])}
        for row in variance["tasks"] if row["item"] is not None and row["change"] != "added"
    }
    return ({"id": baseline.pk, "name": baseline.name,
             "finish_variance_days": variance["finish_variance_days"]}, dates)


def gantt_editable(project: Project, membership: Membership) -> bool:
    """Whether the viewer may drag bars at all: a writer of a board that is not read-only.
    The item services still decide each change (a contributor edits only their own tasks)."""
    if project.board.read_only or project.board.archived_at is not None:
        return False
    return board_role_at_least(board_role(project.board, membership), "contributor")


def gantt_data(project: Project, membership: Membership) -> dict[str, Any]:
    """The chart's data; `project` comes from `project_get` (so the viewer sees it)."""
    workspace = project.workspace
    read_at = timezone.now()  # before the reads: a change made meanwhile is picked up later
    tasks = _tasks(project)
    schedule_error = None
    try:
        plan: dict[str, Any] | None = project_schedule(project)
    except Conflict as exc:
        plan, schedule_error = None, exc.message
    scheduled = {t["item"]: t for t in (plan["tasks"] if plan else [])}
    baseline, planned = _baseline(project)
    for task in tasks:
        found = scheduled.get(task["id"], {})
        for key in SCHEDULE_FIELDS:
            value = found.get(key)
            task[key] = _iso(value) if isinstance(value, dt.date) else value
        task.update(planned.get(task["id"], {"baseline_start": None, "baseline_finish": None}))
    return {
        "project": {"id": project.pk, "name": project.name, "board": project.board_id,
                    "phase": project.phase, "schedule_mode": project.schedule_mode,
                    "start_date": _iso(project.start_date), "end_date": _iso(project.end_date),
                    "read_only": project.board.read_only},
        "editable": gantt_editable(project, membership),
        "today": _iso(workspace_today(workspace)),
        "working_days": list(workspace.working_days or [0, 1, 2, 3, 4]),
        "holidays": [str(day) for day in workspace.holidays or []],
        "tasks": tasks,
        "links": _links(project, {task["id"] for task in tasks}),
        "critical_path": plan["critical_path"] if plan else [],
        "project_start": _iso(plan["project_start"]) if plan else None,
        "project_finish": _iso(plan["project_finish"]) if plan else None,
        "violations": plan["violations"] if plan else [],
        "schedule_error": schedule_error,
        "baseline": baseline,
        "read_at": read_at.isoformat(),
    }
