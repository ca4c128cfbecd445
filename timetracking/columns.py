"""The boards "time tracked" column, filled from time entries.

Boards cannot import time tracking, so time tracking registers this provider with
`boards.computed` when the app loads; a page of items asks for all its totals in one call.
Time tracking keeps each item's own total on the item, so this reads items only.
"""

from __future__ import annotations

from boards.models import Item

MAX_DEPTH = 20


def tracked_hours(item_ids: list[int]) -> dict[int, float]:
    """Hours logged on each item and all its sub-items, at any depth (one query for the items,
    then one per level of sub-items). Each item's own time is its stored total
    (`Item.tracked_minutes`, kept by the time entry services), so no entry is read."""
    minutes = dict(Item.objects.filter(id__in=item_ids).values_list("id", "tracked_minutes"))
    children: dict[int, list[int]] = {}
    frontier = list(minutes)
    for _ in range(MAX_DEPTH):
        if not frontier:
            break
        rows = list(Item.objects.filter(parent_id__in=frontier)
                    .values_list("id", "parent_id", "tracked_minutes"))
        frontier = []
        for child_id, parent_id, own in rows:
            children.setdefault(parent_id, []).append(child_id)
            if child_id not in minutes:
                minutes[child_id] = own
                frontier.append(child_id)
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
