"""The time report: database sums (`reports.time_sums`) with labels, estimates, capacity and
utilisation added, for the viewer.

Scope: admins and owners report on everyone; anyone else on their own time only. Cost and
revenue come from rates, so guests (who never see rates) get them as null.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections import defaultdict
from typing import Any

from django.db.models import Sum

from boards.models import Board, Item
from boards.selectors import board_list
from timetracking.capacity import MemberCalendar, days_between
from timetracking.models import TimeEntry
from timetracking.selectors.entries import sees_everyones_time
from timetracking.selectors.planning import calendars_load
from timetracking.selectors.reports import Sums, folder_for, time_sums
from timetracking.selectors.workload import check_range, workload_member_ids
from workos.tenancy.models import Membership, Role, Team, Workspace


def _hours(minutes: int) -> float:
    return round(minutes / 60.0, 2)


def _capacity(calendar: MemberCalendar, days: list[dt.date]) -> float:
    return sum(calendar.capacity(day) for day in days)


def _labels(
    *, workspace: Workspace, viewer: Membership, group_by: str, keys: list[Any]
) -> dict[Any, str]:
    ids = [k for k in keys if k is not None]
    if group_by == "member":
        return {
            m.pk: m.display_name
            # Removed members keep their name on the time they logged.
            for m in Membership.all_objects.filter(workspace=workspace, id__in=ids)
            .select_related("user")
        }
    if group_by == "board":
        # Only boards the viewer can see are named.
        return dict(
            board_list(workspace=workspace, membership=viewer, include_deleted=True)
            .filter(id__in=ids).values_list("id", "name")
        )
    if group_by == "item":
        boards = board_list(workspace=workspace, membership=viewer).values("id")
        return dict(
            Item.objects.filter(workspace=workspace, id__in=ids, board_id__in=boards)
            .values_list("id", "name")
        )
    if group_by == "team":
        return dict(Team.objects.filter(workspace=workspace, id__in=ids).values_list("id", "name"))
    if group_by == "week":
        return {k: f"{k.isocalendar()[0]}-W{k.isocalendar()[1]:02d}" for k in ids}
    return {}


_NONE_LABEL = {"board": "No board", "item": "No item", "team": "No team", "member": "—"}


def _estimates(
    *, workspace: Workspace, group_by: str, entries: Any, keys: list[Any]
) -> dict[Any, float]:
    """Estimates of the items that got time in the period: per item, or summed per board."""
    if group_by == "item":
        rows = Item.objects.filter(workspace=workspace, id__in=[k for k in keys if k])
        return {
            i: float(e) for i, e in rows.values_list("id", "estimate_hours") if e is not None
        }
    if group_by == "board":
        rows = (
            Item.objects.filter(workspace=workspace, id__in=entries.values("item_id"))
            .order_by().values("board_id").annotate(total=Sum("estimate_hours"))
        )
        return {r["board_id"]: float(r["total"]) for r in rows if r["total"] is not None}
    return {}


def time_report(
    *,
    workspace: Workspace,
    viewer: Membership,
    group_by: str,
    start: dt.date,
    end: dt.date,
    member: Membership | None = None,
    board: Board | None = None,
) -> dict[str, Any]:
    check_range(start, end)
    everyone = sees_everyones_time(viewer)
    member_id = member.pk if member is not None else None
    if not everyone:
        member_id = viewer.pk
    show_money = viewer.role != Role.GUEST
    folder = folder_for(group_by)
    sums = time_sums(
        workspace=workspace, group_by="board" if folder else group_by, start=start, end=end,
        member_id=member_id, board_id=board.pk if board else None,
    )
    labels: dict[Any, str]
    if folder is not None:
        sums, labels = _fold(workspace, folder, sums)
    else:
        labels = _labels(
            workspace=workspace, viewer=viewer, group_by=group_by, keys=[s.key for s in sums]
        )
    # Capacity: of the one member in scope, else of everyone with a workload.
    scope = [member_id] if member_id else workload_member_ids(workspace=workspace)
    days = days_between(start, end)
    calendars = calendars_load(workspace=workspace, member_ids=scope, start=start, end=end)
    capacity = _group_capacity(workspace, group_by, sums, calendars, days, start, end)
    if group_by == "member" and board is None:
        present = {s.key for s in sums}
        zero = decimal.Decimal("0.00")
        sums += [Sums(key=m, minutes=0, billable_minutes=0, cost=zero, revenue=zero)
                 for m in scope if m not in present]
        labels.update(_labels(workspace=workspace, viewer=viewer, group_by="member",
                              keys=[m for m in scope if m not in present]))
    entries = TimeEntry.objects.filter(workspace=workspace, date__gte=start, date__lte=end)
    if member_id:
        entries = entries.filter(member_id=member_id)
    if board is not None:
        entries = entries.filter(board=board)
    estimates = _estimates(
        workspace=workspace, group_by=group_by, entries=entries, keys=[s.key for s in sums]
    )
    def label(key: Any) -> str:
        if key is None:
            # A folder may name the row of what belongs to nothing ("No project").
            return labels.get(None) or _NONE_LABEL.get(group_by, "—")
        return labels.get(key, f"#{key}")

    ordered = sorted(sums, key=lambda s: (s.key is None, label(s.key).lower(), str(s.key)))
    rows = [
        _row(s, label(s.key), estimates.get(s.key), capacity.get(s.key), show_money)
        for s in ordered
    ]
    total_capacity = sum(_capacity(calendars[m], days) for m in scope)
    totals = Sums(
        key=None,
        minutes=sum(s.minutes for s in sums if group_by != "team"),
        billable_minutes=sum(s.billable_minutes for s in sums if group_by != "team"),
        cost=sum((s.cost for s in sums), decimal.Decimal("0.00")),
        revenue=sum((s.revenue for s in sums), decimal.Decimal("0.00")),
    )
    if group_by == "team":
        # A member in two teams counts in both rows, but once in the totals.
        totals = time_sums(workspace=workspace, group_by="member", start=start, end=end,
                           member_id=member_id, board_id=board.pk if board else None)
        totals = Sums(key=None, minutes=sum(t.minutes for t in totals),
                      billable_minutes=sum(t.billable_minutes for t in totals),
                      cost=sum((t.cost for t in totals), decimal.Decimal("0.00")),
                      revenue=sum((t.revenue for t in totals), decimal.Decimal("0.00")))
    total_row = _row(totals, "Total", None, total_capacity, show_money)
    total_row.pop("key")
    return {
        "group_by": group_by, "start": start, "end": end, "currency": workspace.currency,
        "rows": rows, "totals": total_row,
    }


def _fold(
    workspace: Workspace, folder: Any, sums: list[Sums]
) -> tuple[list[Sums], dict[Any, str]]:
    mapping = folder(workspace, [s.key for s in sums if s.key is not None])
    merged: dict[Any, list[Sums]] = defaultdict(list)
    labels: dict[Any, str] = {}
    for s in sums:
        key, label = mapping.get(s.key, (None, ""))
        merged[key].append(s)
        if key is not None or label:
            labels[key] = label
    folded = [
        Sums(key=key, minutes=sum(p.minutes for p in parts),
             billable_minutes=sum(p.billable_minutes for p in parts),
             cost=sum((p.cost for p in parts), decimal.Decimal("0.00")),
             revenue=sum((p.revenue for p in parts), decimal.Decimal("0.00")))
        for key, parts in merged.items()
    ]
    return folded, labels


def _group_capacity(
    workspace: Workspace, group_by: str, sums: list[Sums],
    calendars: dict[int, MemberCalendar], days: list[dt.date], start: dt.date, end: dt.date,
) -> dict[Any, float]:
    """Capacity in hours of each row's people: a member, a team's members, everyone in a week."""
    if group_by == "member":
        return {m: _capacity(c, days) for m, c in calendars.items()}
    if group_by == "team":
        team_ids = [s.key for s in sums if s.key is not None]
        out: dict[Any, float] = defaultdict(float)
        for team_id, member_id in Team.members.through.objects.filter(
            team_id__in=team_ids
        ).values_list("team_id", "membership_id"):
            if member_id in calendars:
                out[team_id] += _capacity(calendars[member_id], days)
        return dict(out)
    if group_by == "week":
        out = {}
        for s in sums:
            week = [d for d in days_between(s.key, s.key + dt.timedelta(days=6))
                    if start <= d <= end]
            out[s.key] = sum(_capacity(c, week) for c in calendars.values())
        return out
    return {}


def _row(
    s: Sums, label: str, estimate: float | None, capacity: float | None, show_money: bool
) -> dict[str, Any]:
    billable = _hours(s.billable_minutes)
    return {
        "key": s.key,
        "label": label,
        "hours": _hours(s.minutes),
        "billable_hours": billable,
        "cost": s.cost if show_money else None,
        "revenue": s.revenue if show_money else None,
        "estimate_hours": estimate,
        "capacity_hours": round(capacity, 2) if capacity is not None else None,
        "utilisation": round(s.billable_minutes / 60.0 / capacity, 4) if capacity else None,
    }
