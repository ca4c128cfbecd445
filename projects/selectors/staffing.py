"""Who works on a project over a date range, and how loaded they are.

The project's people are those allocated to its board in the range and those assigned to its
open tasks. For each, time tracking's workload gives, per day, their capacity and everything
asked of them (all their boards the viewer can see), and again what this project alone asks
(`project_assigned`, `project_allocated`), so a manager sees both the share and the total.
A fixed number of queries, whatever the number of people, tasks or days.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db.models import Q

from boards.models import Item, StatusCategory
from projects.models import Project
from timetracking.capacity import MemberDays, days_between
from timetracking.selectors import AllocationFilters, allocation_list, workload_compute_for
from workos.tenancy.models import Membership

OPEN = Q(status__isnull=True) | ~Q(status__category__in=(StatusCategory.DONE,
                                                         StatusCategory.CANCELLED))


def _hours(value: float) -> float:
    return max(0.0, round(value, 2))


def _number(value: decimal.Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _assignee_ids(project: Project) -> set[int]:
    open_items = (Item.objects.filter(board_id=project.board_id, archived_at__isnull=True)
                  .filter(OPEN).values("id"))
    return set(
        Item.assignees.through.objects.filter(item_id__in=open_items)
        .values_list("membership_id", flat=True).distinct()
    )


def project_staffing(*, project: Project, viewer: Membership, start: dt.date,
                     end: dt.date) -> dict[str, Any]:
    workspace = project.workspace
    allocations = list(
        allocation_list(workspace=workspace, viewer=viewer,
                        filters=AllocationFilters(board=project.board_id, start=start, end=end))
        .order_by("start_date", "id")
        .values("id", "member_id", "start_date", "end_date", "hours_per_week", "percent",
                "note")
    )
    member_ids = sorted({a["member_id"] for a in allocations} | _assignee_ids(project))
    names = {
        m.pk: m.display_name for m in Membership.objects.filter(
            workspace=workspace, id__in=member_ids).select_related("user")
    }
    member_ids = [m for m in member_ids if m in names]  # removed members have no workload
    overall = workload_compute_for(workspace=workspace, viewer=viewer, member_ids=member_ids,
                                   start=start, end=end, with_unscheduled=False)
    here = workload_compute_for(workspace=workspace, viewer=viewer, member_ids=member_ids,
                                start=start, end=end, board=project.board,
                                with_unscheduled=False)
    days = days_between(start, end)
    nothing = MemberDays([0.0] * len(days), [0.0] * len(days), [0.0] * len(days))
    people = []
    for member in member_ids:
        total = overall.members.get(member, nothing)
        mine = here.members.get(member, nothing)
        rows = [{
            "date": day,
            "capacity": _hours(total.capacity[i]),
            "assigned": _hours(total.assigned[i]),
            "allocated": _hours(total.allocated[i]),
            "project_assigned": _hours(mine.assigned[i]),
            "project_allocated": _hours(mine.allocated[i]),
            "over": total.assigned[i] + total.allocated[i] > total.capacity[i] + 0.005,
        } for i, day in enumerate(days)]
        people.append({
            "member": member,
            "name": names[member],
            "capacity": _hours(sum(total.capacity)),
            "assigned": _hours(sum(total.assigned)),
            "allocated": _hours(sum(total.allocated)),
            "project_assigned": _hours(sum(mine.assigned)),
            "project_allocated": _hours(sum(mine.allocated)),
            "over_days": sum(1 for row in rows if row["over"]),
            "days": rows,
        })
    return {
        "project": project.pk,
        "board": project.board_id,
        "start": start,
        "end": end,
        "allocations": [
            {"id": a["id"], "member": a["member_id"], "start_date": a["start_date"],
             "end_date": a["end_date"], "hours_per_week": _number(a["hours_per_week"]),
             "percent": _number(a["percent"]), "note": a["note"]}
            for a in allocations
        ],
        "members": people,
    }
