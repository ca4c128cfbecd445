"""Whole-board reads: the kanban columns with their first cards, and the streaming snapshot.

Both are built to keep their query count independent of the number of cards: the kanban takes
the first N cards of every column in one windowed query, and the snapshot reads plain rows in
chunks without building model instances.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform

from boards.computed import fill_computed
from boards.models import Board, Column, Item
from boards.selectors.boards import group_list, status_list
from workos.errors import ValidationFailed

KANBAN_BY = ("status", "group")
SNAPSHOT_FIELDS = (
    "id", "board_id", "group_id", "status_id", "name", "description", "parent_id", "start_date",
    "due_date", "estimate_hours", "priority", "position", "is_milestone", "values", "version",
    "external_id", "created_at", "updated_at", "completed_at", "archived_at",
)


def _live_items(board: Board) -> QuerySet:
    return Item.objects.filter(board=board, archived_at__isnull=True)


@dataclass(frozen=True)
class Lanes:
    """What a kanban's lanes are: statuses, groups, or the options of a single-choice column."""

    by: str
    column: Column | None = None

    @property
    def field(self) -> str:
        return f"{self.by}_id"

    def q(self, lane_id: Any) -> Q:
        if self.column is None:
            return Q(**({f"{self.field}__isnull": True} if lane_id is None
                        else {self.field: lane_id}))
        key = f"values__{self.column.key}"
        if lane_id is None:
            return Q(**{f"{key}__isnull": True}) | Q(**{key: None})
        return Q(**{key: lane_id})

    def lane_of_row(self, row: dict[str, Any]) -> Any:
        """The lane of an item row in the API's shape."""
        if self.column is None:
            return row[self.by]
        value = (row["values"] or {}).get(self.column.key)
        return value if isinstance(value, str) else None


def kanban_lanes(*, board: Board, by: str) -> Lanes:
    if by in KANBAN_BY:
        return Lanes(by=by)
    column = Column.objects.filter(board=board, key=by).first()
    if column is None or not (
        column.type == "status"
        or (column.type == "dropdown" and not (column.settings or {}).get("multiple"))
    ):
        raise ValidationFailed(
            f"Cannot lay out a kanban by '{by}'; use status, group or the key of a "
            "single-choice dropdown or status column.",
            fields={"by": ["Not a status, a group or a single-choice column."]},
        )
    return Lanes(by=by, column=column)


def kanban_columns(*, board: Board, lanes: Lanes) -> list[dict[str, Any]]:
    """The lanes of a kanban with their counts; a "no value" lane when items lack one."""
    live = _live_items(board)
    if lanes.column is None:
        field = lanes.field
        counts = dict(live.values_list(field).annotate(n=Count("id")).values_list(field, "n"))
    else:
        key = KeyTextTransform(lanes.column.key, "values")
        counts = dict(
            live.annotate(lane=key).values_list("lane").annotate(n=Count("id"))
            .values_list("lane", "n")
        )
    out: list[dict[str, Any]] = []
    if lanes.by == "status":
        for status in status_list(board=board):
            out.append({
                "id": status.pk, "name": status.name, "category": status.category,
                "color": status.color, "wip_limit": status.wip_limit,
                "count": counts.get(status.pk, 0),
            })
    elif lanes.by == "group":
        for group in group_list(board=board, archived=False):
            out.append({
                "id": group.pk, "name": group.name, "category": None, "color": group.color,
                "wip_limit": None, "count": counts.get(group.pk, 0),
            })
    else:
        for option in (lanes.column.settings or {}).get("options") or []:
            out.append({
                "id": option["id"], "name": option["label"], "category": None,
                "color": option.get("color", ""), "wip_limit": None,
                "count": counts.get(option["id"], 0),
            })
    known = {lane["id"] for lane in out}
    missing = sum(n for lane_id, n in counts.items() if lane_id not in known)
    if lanes.by != "group" and missing:
        out.append({"id": None, "name": "No value" if lanes.column else "No status",
                    "category": None, "color": "", "wip_limit": None, "count": missing})
    return out


def kanban_cards(
    *, board: Board, lanes: Lanes, lane_ids: list[Any], per_column: int,
    after: tuple[str, int] | None = None, hide_time: bool = False,
) -> dict[Any, list[dict[str, Any]]]:
    """Up to `per_column` + 1 cards of each lane in `lane_ids` (the extra one tells whether
    there is more), each lane starting after the (position, id) `after` when given, as rows in
    the item's API shape.

    Where the database can limit each part of a UNION (PostgreSQL), all lanes are read in one
    query, each part an index range scan; elsewhere one query per lane.
    """
    qs = _live_items(board)
    if after is not None:
        position, item_id = after
        qs = qs.filter(Q(position__gt=position) | Q(position=position, id__gt=item_id))
    limit = per_column + 1
    parts = [qs.filter(lanes.q(lane_id)).order_by("position", "id")
             .values(*SNAPSHOT_FIELDS)[:limit] for lane_id in lane_ids]
    raw: list[dict[str, Any]] = []
    if parts and connection.features.supports_slicing_ordering_in_compound:
        combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        raw = list(combined)
    else:
        for part in parts:
            raw += list(part)
    raw.sort(key=lambda row: (row["position"], row["id"]))
    cards: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in item_rows(raw, hide_time=hide_time):
        cards[lanes.lane_of_row(row)].append(row)
    return cards


def snapshot_rows(
    *, board: Board, chunk_size: int = 2000, hide_time: bool = False
) -> Iterator[list[dict[str, Any]]]:
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
            yield item_rows(chunk, hide_time=hide_time)
            chunk = []
    if chunk:
        yield item_rows(chunk, hide_time=hide_time)


def item_rows(chunk: list[dict[str, Any]], *, hide_time: bool = False) -> list[dict[str, Any]]:
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
            # Times stay datetimes: the JSON renderer writes them as the serializers do.
            "external_id": row["external_id"], "created_at": row["created_at"],
            "updated_at": row["updated_at"], "completed_at": row["completed_at"],
            "archived_at": row["archived_at"],
        })
    fill_computed(out, hide_time=hide_time)
    return out
