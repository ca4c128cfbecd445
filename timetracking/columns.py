"""The boards "time tracked" column, filled from time entries.

Boards cannot import time tracking, so time tracking registers this provider with
`boards.computed` when the app loads; a page of items asks for all its totals in one call.
"""

from __future__ import annotations

from django.db.models import Sum

from boards.models import Item
from timetracking.models import TimeEntry

MAX_DEPTH = 20


def tracked_hours(item_ids: list[int]) -> dict[int, float]:
    """Hours logged on each item and all its sub-items, at any depth (one query per level)."""
    children: dict[int, list[int]] = {}
    seen = set(item_ids)
    frontier = list(item_ids)
    for _ in range(MAX_DEPTH):
        if not frontier:
            break
        rows = list(Item.objects.filter(parent_id__in=frontier).values_list("id", "parent_id"))
        frontier = []
        for child_id, parent_id in rows:
            children.setdefault(parent_id, []).append(child_id)
            if child_id not in seen:
                seen.add(child_id)
                frontier.append(child_id)
    minutes = dict(
        TimeEntry.objects.filter(item_id__in=list(seen)).values("item_id")
        .annotate(total=Sum("duration_minutes")).values_list("item_id", "total")
    )
    totals: dict[int, float] = {}
    for item_id in item_ids:
        total, stack, visited = 0, [item_id], set()
        while stack:
            current = stack.pop()
            if current in visited:
                continue
            visited.add(current)
            total += minutes.get(current) or 0
            stack.extend(children.get(current, []))
        if total:
            totals[item_id] = round(total / 60, 2)
    return totals
