"""Whole-board reads: the kanban columns with their first cards, and the streaming snapshot.

Both are built to keep their query count independent of the number of cards: the kanban takes
the first N cards of every column in one windowed query, and the snapshot reads plain rows in
chunks without building model instances.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.utils import timezone

from boards.computed import fill_computed
from boards.models import Board, Group, Item, Status
from boards.selectors.boards import group_list, status_list
from boards.selectors.items import assignee_prefetch
from workos.errors import ValidationFailed

KANBAN_BY = ("status", "group")
SNAPSHOT_FIELDS = (
    "id", "board_id", "group_id", "status_id", "name", "description", "parent_id", "start_date",
    "due_date", "estimate_hours", "priority", "position", "is_milestone", "values", "version",
    "external_id", "created_at", "updated_at", "completed_at", "archived_at",
)


def _live_items(board: Board) -> QuerySet:
    return Item.objects.filter(board=board, archived_at__isnull=True)


def kanban_columns(*, board: Board, by: str) -> list[dict[str, Any]]:
    """The lanes of a kanban: statuses (and "no status" when used) or groups, with counts."""
    if by not in KANBAN_BY:
        raise ValidationFailed(
            f"Cannot lay out a kanban by '{by}'; use status or group.",
            fields={"by": [f"Use one of {', '.join(KANBAN_BY)}."]},
        )
    field = f"{by}_id"
    counts = dict(
        _live_items(board).values_list(field).annotate(n=Count("id")).values_list(field, "n")
    )
    lanes: list[dict[str, Any]] = []
    if by == "status":
        for status in status_list(board=board):
            lanes.append({
                "id": status.pk, "name": status.name, "category": status.category,
                "color": status.color, "wip_limit": status.wip_limit,
                "count": counts.get(status.pk, 0),
            })
        if counts.get(None):
            lanes.append({"id": None, "name": "No status", "category": None, "color": "",
                          "wip_limit": None, "count": counts[None]})
    else:
        for group in group_list(board=board, archived=False):
            lanes.append({
                "id": group.pk, "name": group.name, "category": None, "color": group.color,
                "wip_limit": None, "count": counts.get(group.pk, 0),
            })
    return lanes


def kanban_cards(
    *, board: Board, by: str, per_column: int, lane: int | None = None,
    after: tuple[str, int] | None = None, only_lane: bool = False,
) -> dict[int | None, list[Item]]:
    """Up to `per_column` + 1 cards per lane (the extra one tells whether there is more).

    With `only_lane`, only the lane `lane` is read, starting after the (position, id) `after`.
    """
    field = f"{by}_id"
    qs = _live_items(board)
    if only_lane:
        qs = qs.filter(**{field: lane})
        if after is not None:
            position, item_id = after
            qs = qs.filter(Q(position__gt=position) | Q(position=position, id__gt=item_id))
    cards: dict[int | None, list[Item]] = defaultdict(list)
    for item in _first_cards(board, qs, field, per_column + 1, lane if only_lane else ...):
        cards[getattr(item, field)].append(item)
    return cards


def _first_cards(board: Board, qs: QuerySet, field: str, limit: int, lane: Any) -> list[Item]:
    """The first `limit` cards of each lane.

    Where the database can limit each part of a UNION (PostgreSQL), every lane is one index
    range scan on (board, lane, position, id); elsewhere a window function ranks all cards.
    """
    ordered = ("position", "id")
    if lane is not ...:
        return list(qs.order_by(*ordered).prefetch_related(assignee_prefetch())[:limit])
    if connection.features.supports_slicing_ordering_in_compound:
        lane_model = Status if field == "status_id" else Group
        lane_ids: list[int | None] = list(
            lane_model.objects.filter(board=board).values_list("id", flat=True)
        )
        if field == "status_id":
            lane_ids.append(None)
        parts = [
            qs.filter(**({f"{field}__isnull": True} if lane_id is None else {field: lane_id}))
            .order_by(*ordered)[:limit]
            for lane_id in lane_ids
        ]
        if not parts:
            return []
        combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        items = list(combined)
        prefetch_related_objects(items, assignee_prefetch())
        items.sort(key=lambda item: (getattr(item, field) is None, item.position, item.pk))
        return items
    ranked = qs.annotate(
        lane_rank=Window(
            RowNumber(), partition_by=[F(field)], order_by=[F("position").asc(), F("id").asc()]
        )
    ).filter(lane_rank__lte=limit)
    return list(ranked.order_by(field, *ordered).prefetch_related(assignee_prefetch()))


def snapshot_rows(*, board: Board, chunk_size: int = 2000) -> Iterator[list[dict[str, Any]]]:
    """Every live item of the board as plain dicts, a chunk at a time, assignees included.

    One query streams the items; one more per chunk reads that chunk's assignees.
    """
    rows = _live_items(board).order_by("id").values(*SNAPSHOT_FIELDS).iterator(
        chunk_size=chunk_size
    )
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= chunk_size:
            yield item_rows(chunk)
            chunk = []
    if chunk:
        yield item_rows(chunk)


def _iso(moment: dt.datetime | None) -> str | None:
    """A time written as the API's serializers write it (UTC as `Z`)."""
    if moment is None:
        return None
    text = timezone.localtime(moment).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def item_rows(chunk: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows read with `.values(*SNAPSHOT_FIELDS)` in the item's API shape, with assignees
    read in one query for the whole chunk and times as the API writes them."""
    through = Item.assignees.through
    assigned: dict[int, list[int]] = defaultdict(list)
    pairs = through.objects.filter(item_id__in=[row["id"] for row in chunk]).order_by(
        "membership_id"
    ).values_list("item_id", "membership_id")
    for item_id, membership_id in pairs:
        assigned[item_id].append(membership_id)
    out = []
    for row in chunk:
        out.append({
            "id": row["id"], "board": row["board_id"], "group": row["group_id"],
            "status": row["status_id"], "name": row["name"], "description": row["description"],
            "parent": row["parent_id"], "assignees": assigned.get(row["id"], []),
            "start_date": row["start_date"], "due_date": row["due_date"],
            "estimate_hours": row["estimate_hours"], "priority": row["priority"],
            "position": row["position"], "is_milestone": row["is_milestone"],
            "values": row["values"], "version": row["version"],
            "external_id": row["external_id"], "created_at": _iso(row["created_at"]),
            "updated_at": _iso(row["updated_at"]), "completed_at": _iso(row["completed_at"]),
            "archived_at": _iso(row["archived_at"]),
        })
    fill_computed(out)
    return out
