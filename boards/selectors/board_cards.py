"""Items as cards for the Kanban and calendar pages: what a card shows beyond the item's row
(its assignees' initials, its sub-items' progress, its tags, its status and whether it is
overdue), read for a whole set of cards in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from boards.models import Board, Column, Group, Item, Priority, Status, StatusCategory
from boards.selectors.board_data import SNAPSHOT_FIELDS, item_rows
from boards.selectors.boards import (
    board_role,
    board_role_at_least,
    column_list,
    group_list,
    status_list,
)
from workos.tenancy.models import Membership

# Cards show a few tags; the rest are counted.
MAX_TAGS = 3
CLOSED = frozenset({StatusCategory.DONE, StatusCategory.CANCELLED})
PRIORITY_LABELS = dict(Priority.choices)


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    initials: str


@dataclass(frozen=True)
class Tag:
    label: str
    color: str


@dataclass
class Card:
    """One item as a card; `row` is the item in the API's shape (see `item_rows`)."""

    row: dict[str, Any]
    status: Status | None
    group: Group | None
    people: list[Person] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    more_tags: int = 0
    done: int = 0
    total: int = 0
    overdue: bool = False
    # Dates in another year than today's are shown with their year.
    due_in_other_year: bool = False
    # True when the viewer may not move this card (see CardAccess).
    locked: bool = False

    @property
    def id(self) -> int:
        return self.row["id"]

    @property
    def name(self) -> str:
        return self.row["name"]

    @property
    def version(self) -> int:
        return self.row["version"]

    @property
    def start_date(self) -> dt.date | None:
        return self.row["start_date"]

    @property
    def due_date(self) -> dt.date | None:
        return self.row["due_date"]

    @property
    def priority(self) -> str:
        return self.row["priority"]

    @property
    def priority_label(self) -> str:
        return PRIORITY_LABELS.get(self.row["priority"], "")

    @property
    def is_sub_item(self) -> bool:
        return self.row["parent"] is not None


@dataclass(frozen=True)
class CardContext:
    """A board's structure as cards need it, read once per page."""

    board: Board
    statuses: dict[int, Status]
    groups: dict[int, Group]
    columns: tuple[Column, ...]
    today: dt.date

    @property
    def tag_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.type == "tags")


def workspace_today(board: Board) -> dt.date:
    """Today in the board's workspace time zone (what "overdue" is measured against)."""
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(board.workspace.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return dt.datetime.now(tz=zone).date()


def card_context(*, board: Board) -> CardContext:
    return CardContext(
        board=board,
        statuses={s.pk: s for s in status_list(board=board)},
        groups={g.pk: g for g in group_list(board=board)},
        columns=tuple(column_list(board=board)),
        today=workspace_today(board),
    )


def initials(name: str) -> str:
    words = [w for w in name.replace("@", " ").replace(".", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[-1][0]).upper()


def _people(board: Board, ids: set[int]) -> dict[int, Person]:
    # Removed members drop off cards, as they do from the assignee pickers.
    rows = (Membership.objects.filter(workspace_id=board.workspace_id, id__in=ids)
            .select_related("user").order_by("id"))
    return {m.pk: Person(id=m.pk, name=m.display_name, initials=initials(m.display_name))
            for m in rows}


def _progress(ids: list[int]) -> dict[int, tuple[int, int]]:
    """(done, total) live sub-items of each item that has any."""
    counts = (
        Item.objects.filter(parent_id__in=ids, archived_at__isnull=True)
        .values("parent_id")
        .annotate(total=Count("id"),
                  done=Count("id", filter=Q(status__category=StatusCategory.DONE)))
        .values_list("parent_id", "done", "total")
    )
    return {parent: (done, total) for parent, done, total in counts}


def _tags(row: dict[str, Any], columns: Iterable[Column]) -> list[Tag]:
    tags: list[Tag] = []
    for column in columns:
        value = (row["values"] or {}).get(column.key)
        if not isinstance(value, list):
            continue
        colours = {str(o.get("label", "")).casefold(): o.get("color", "")
                   for o in (column.settings or {}).get("options") or []}
        tags += [Tag(label=t, color=colours.get(t.casefold(), "")) for t in value
                 if isinstance(t, str)]
    return tags


def cards_build(*, context: CardContext, rows: list[dict[str, Any]],
                access: CardAccess | None = None) -> list[Card]:
    """Cards for item rows in the API's shape; two queries whatever the number of rows.
    With `access`, cards the viewer may not move are marked `locked`."""
    if not rows:
        return []
    people = _people(context.board, {pk for row in rows for pk in row["assignees"]})
    tag_columns = context.tag_columns
    progress = _progress([row["id"] for row in rows])
    cards = []
    for row in rows:
        status = context.statuses.get(row["status"]) if row["status"] else None
        tags = _tags(row, tag_columns)
        done, total = progress.get(row["id"], (0, 0))
        due = row["due_date"]
        cards.append(Card(
            row=row, status=status, group=context.groups.get(row["group"]),
            people=[people[pk] for pk in row["assignees"] if pk in people],
            tags=tags[:MAX_TAGS], more_tags=max(0, len(tags) - MAX_TAGS),
            done=done, total=total,
            overdue=due is not None and due < context.today
            and (status is None or status.category not in CLOSED),
            due_in_other_year=due is not None and due.year != context.today.year,
        ))
        if access is not None:
            cards[-1].locked = access.locked(cards[-1])
    return cards


def card_rows(*, board: Board, ids: Iterable[int], hide_time: bool = False
              ) -> list[dict[str, Any]]:
    """The live items of `board` among `ids`, in board order, as API-shaped rows."""
    raw = list(
        Item.objects.filter(board=board, archived_at__isnull=True, id__in=list(ids))
        .order_by("position", "id").values(*SNAPSHOT_FIELDS)
    )
    return item_rows(raw, hide_time=hide_time) if raw else []


@dataclass(frozen=True)
class CardAccess:
    """What the viewer may do to cards on a board page: the services decide every write, this
    only spares people drags that would be refused. `reason` says why cards are read-only."""

    editable: bool
    mine_only: bool
    member_id: int
    reason: str = ""

    def locked(self, card: Card) -> bool:
        return not self.editable or (self.mine_only and self.member_id not in
                                     card.row["assignees"])


def card_access(*, board: Board, membership: Membership) -> CardAccess:
    role = board_role(board, membership)
    reason = ""
    if not board_role_at_least(role, "contributor"):
        reason = "You can view this board but not change it."
    elif board.read_only:
        reason = "This board is read-only because its project is closed."
    elif board.archived_at is not None:
        reason = "This board is archived; restore it to change its items."
    return CardAccess(editable=not reason, mine_only=role == "contributor",
                      member_id=membership.pk, reason=reason)
