"""Each item's `tracked_minutes`: the sum of its own entries' minutes, stored on the item.

Workload and estimate-vs-actual read it for tens of thousands of items per request; summing a
million entries there was most of their time. Every write that adds, removes or resizes an
entry, or moves one between items, calls `tracked_add` in its own transaction, so the total
changes exactly when the entries do. `tracked_recompute` finds and repairs totals that
disagree with their entries (rows written around the services, e.g. by hand in SQL).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from boards.models import Item
from timetracking.models import TimeEntry
from workos.tenancy.models import Workspace

RECOMPUTE_CHUNK = 2000


def tracked_delta(pairs: Iterable[tuple[int | None, int]]) -> dict[int, int]:
    """(item id, minutes) pairs summed per item; entries without an item count for nothing."""
    deltas: dict[int, int] = {}
    for item_id, minutes in pairs:
        if item_id is not None and minutes:
            deltas[item_id] = deltas.get(item_id, 0) + minutes
    return {item_id: d for item_id, d in deltas.items() if d}


def tracked_add(deltas: dict[int, int]) -> None:
    """Add minutes to (or take them from) items, in the database (F(), no lost updates).

    Items are updated in id order, so two writes touching the same two items lock them in the
    same order and cannot deadlock. A total never goes below zero: a drifted one is clamped
    rather than making someone's delete fail, and `tracked_recompute` repairs it.
    """
    for item_id in sorted(deltas):
        delta = deltas[item_id]
        value = (F("tracked_minutes") + delta if delta > 0
                 else Greatest(F("tracked_minutes") - (-delta), Value(0)))
        # update(), not save(): tracked time is not an edit of the item (no version bump).
        Item.objects.filter(pk=item_id).update(tracked_minutes=value)


def _entries_sum() -> Coalesce:
    minutes = (
        TimeEntry.objects.filter(item_id=OuterRef("pk")).order_by().values("item_id")
        .annotate(total=Sum("duration_minutes")).values("total")
    )
    return Coalesce(Subquery(minutes, output_field=IntegerField()), Value(0))


def tracked_mismatches(*, workspace: Workspace | None = None) -> QuerySet:
    """Items whose stored total differs from their entries, annotated with `entries_minutes`."""
    items = Item.objects.all() if workspace is None else Item.objects.filter(workspace=workspace)
    return (
        items.annotate(entries_minutes=_entries_sum())
        .exclude(tracked_minutes=F("entries_minutes")).order_by("id")
    )


def tracked_recompute(*, workspace: Workspace | None = None) -> int:
    """Set every disagreeing total to the sum of its entries; returns how many were fixed."""
    ids = list(tracked_mismatches(workspace=workspace).values_list("id", flat=True))
    for at in range(0, len(ids), RECOMPUTE_CHUNK):
        # The sum is taken again in the UPDATE, so an entry written since the scan counts.
        Item.objects.filter(pk__in=ids[at:at + RECOMPUTE_CHUNK]).update(
            tracked_minutes=_entries_sum()
        )
    return len(ids)
