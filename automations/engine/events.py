"""A batch of new activities as the engine reads them: each event's item and board, and the rows
triggers and conditions need, loaded once per batch (one query per kind), never once per event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, prefetch_related_objects

from boards.computed import fill_computed
from boards.models import Column, Item, Status
from workos.activity.models import Activity
from workos.tenancy.models import Membership, Team


def item_type_id() -> int:
    return ContentType.objects.get_for_model(Item, for_concrete_model=False).pk


@dataclass
class Event:
    activity: Activity
    item_id: int | None
    board_id: int | None = None

    @property
    def verb(self) -> str:
        return self.activity.verb

    @property
    def changes(self) -> dict[str, Any]:
        return self.activity.changes or {}

    @property
    def data(self) -> dict[str, Any]:
        return self.activity.data or {}


def subject_item_id(activity: Activity, item_type: int) -> int | None:
    if activity.target_type_id == item_type:
        return activity.target_id
    item = (activity.data or {}).get("item")
    return item if isinstance(item, int) and not isinstance(item, bool) else None


def assignees_prefetch() -> Prefetch:
    return Prefetch("assignees", queryset=Membership.objects.select_related("user"))


def items_query(*, assignees: bool = True) -> Any:
    """Items with what rules read of them; `assignees=False` leaves the assignees to be read
    when a condition or action asks (most rules never do)."""
    qs = Item.objects.select_related("status", "group", "board", "created_by__user")
    return qs.prefetch_related(assignees_prefetch()) if assignees else qs


@dataclass
class Batch:
    events: list[Event]
    _items: dict[int, Item] = field(default_factory=dict)
    _columns: dict[int, dict[str, Column]] = field(default_factory=dict)
    _statuses: dict[int, Status] = field(default_factory=dict)
    _teams: dict[int, set[int]] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, activities: Sequence[Activity]) -> Batch:
        """The events with their items' ids and boards. Items are read only for events whose
        data does not name the board; `preload()` reads the rest once rules are known."""
        item_type = item_type_id()
        events = [Event(a, subject_item_id(a, item_type)) for a in activities]
        batch = cls(events=events)
        unknown = []
        for event in events:
            board = event.data.get("board")
            if isinstance(board, int) and not isinstance(board, bool):
                event.board_id = board
            elif event.item_id is not None:
                unknown.append(event)
        if unknown:
            batch.load_items(e.item_id for e in unknown if e.item_id)
            for event in unknown:
                item = batch._items.get(event.item_id)
                event.board_id = item.board_id if item else None
        return batch

    def preload(self) -> None:
        self.load_items(e.item_id for e in self.events if e.item_id)

    def boards(self) -> set[int]:
        """Every board the events touch: where they happened and, for moves, where from."""
        found = {e.board_id for e in self.events if e.board_id}
        for event in self.events:
            moved = event.changes.get("board")
            if isinstance(moved, list):
                found.update(b for b in moved if isinstance(b, int))
        return found

    # -- items ---------------------------------------------------------------------------------

    def load_items(self, ids: Iterable[int]) -> None:
        wanted = {i for i in ids if i not in self._items}
        if wanted:
            self._items.update({i.pk: i for i in items_query(assignees=False).filter(
                pk__in=wanted)})

    def with_assignees(self) -> None:
        """Read the assignees of every item of the batch at once (before conditions that test
        them, rather than one query per item)."""
        missing = [i for i in self._items.values()
                   if "assignees" not in getattr(i, "_prefetched_objects_cache", {})]
        if missing:
            prefetch_related_objects(missing, assignees_prefetch())

    def item(self, item_id: int | None) -> Item | None:
        if item_id is None:
            return None
        if item_id not in self._items:
            self.load_items([item_id])
        return self._items.get(item_id)

    # -- board structure -----------------------------------------------------------------------

    def columns(self, board_id: int) -> dict[str, Column]:
        if board_id not in self._columns:
            boards = {board_id} | {i.board_id for i in self._items.values()}
            missing = boards - set(self._columns)
            for board in missing:
                self._columns[board] = {}
            for column in Column.objects.filter(board_id__in=missing):
                self._columns[column.board_id][column.key] = column
        return self._columns[board_id]

    def statuses(self, ids: Iterable[Any]) -> dict[int, Status]:
        wanted = {i for i in ids if isinstance(i, int) and i not in self._statuses}
        if wanted:
            self._statuses.update({s.pk: s for s in Status.objects.filter(pk__in=wanted)})
        return self._statuses

    def status_category(self, status_id: Any) -> str | None:
        if status_id is None:
            return None
        status = self.statuses([status_id]).get(status_id)
        return status.category if status else None

    def team_members(self, team_id: int) -> set[int]:
        if team_id not in self._teams:
            self._teams[team_id] = set(
                Team.members.through.objects.filter(team_id=team_id)
                .values_list("membership_id", flat=True)
            )
        return self._teams[team_id]

    def computed(self, item: Item, key: str) -> Any:
        """A computed column's value (formula, rollup, mirror, time tracked), worked out for
        every item of the batch at once the first time one is asked for."""
        def fill() -> dict[int, dict[str, Any]]:
            rows = [
                {"id": i.pk, "board": i.board_id, "values": i.values, "name": i.name,
                 "estimate_hours": i.estimate_hours, "start_date": i.start_date,
                 "due_date": i.due_date, "priority": i.priority}
                for i in self._items.values()
            ]
            return {row["id"]: row["values"] for row in fill_computed(rows)}

        values = self.memo("computed", fill)
        if item.pk not in values:
            self._cache.pop("computed")
            values = self.memo("computed", fill)
        return (values.get(item.pk) or {}).get(key)

    def memo(self, key: str, compute: Any) -> Any:
        """A value computed once per batch (e.g. sub-item counts of the parents in it)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]
