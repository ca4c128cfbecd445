"""The structure of a board an item write needs (groups, statuses, columns, the actor's role),
read at most once per write, and shared across the writes of a block that asks for it.

An automation worker applies hundreds of changes a second, in transactions of many runs each;
re-reading the statuses of the same board for every one of them was a fifth of its database
time. Inside `board_structure_shared()`, the first write to a board reads each part it needs
and the later ones reuse it. The role and the board's own state (archived, read-only) are still
checked on every write, from the board row each write reads under its lock.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from boards.models import Board, Column, Group, Status, StatusCategory
from boards.services.access import require_board_role, require_board_writable
from workos.errors import ValidationFailed
from workos.tenancy.models import Membership

# board id -> part name -> the part, while a block shares them; None outside such a block.
_shared: contextvars.ContextVar[dict[int, dict[str, Any]] | None] = contextvars.ContextVar(
    "board_structure_shared", default=None
)


@contextlib.contextmanager
def board_structure_shared() -> Iterator[None]:
    """Item writes inside this block read each board's groups, statuses and columns once.

    For short blocks that change no board structure themselves (one transaction of automation
    runs): a group, status or column another process adds meanwhile is seen from the next
    block on, as it would be by a write that started a moment earlier.
    """
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def _part(board_id: int, name: str, load: Callable[[], Any]) -> Any:
    shared = _shared.get()
    if shared is None:
        return load()
    parts = shared.setdefault(board_id, {})
    if name not in parts:
        parts[name] = load()
    return parts[name]


@dataclass
class BoardContext:
    """A board's structure, read at most once per write (or once per board in a bulk write).

    Each part is loaded on first use, so a status change never reads the columns and a
    rename reads nothing at all.
    """

    board: Board
    role: str
    _groups: dict[int, Group] | None = field(default=None, repr=False)
    _statuses: dict[int, Status] | None = field(default=None, repr=False)
    _columns: dict[str, Column] | None = field(default=None, repr=False)

    @classmethod
    def load(cls, board: Board, role: str) -> BoardContext:
        return cls(board=board, role=role)

    @property
    def groups(self) -> dict[int, Group]:
        if self._groups is None:
            self._groups = _part(self.board.pk, "groups", lambda: {
                g.pk: g for g in Group.objects.filter(board=self.board)})
        return self._groups

    @property
    def statuses(self) -> dict[int, Status]:
        if self._statuses is None:
            self._statuses = _part(self.board.pk, "statuses", lambda: {
                s.pk: s for s in Status.objects.filter(board=self.board)})
        return self._statuses

    @property
    def columns(self) -> dict[str, Column]:
        if self._columns is None:
            self._columns = _part(self.board.pk, "columns", lambda: {
                c.key: c for c in Column.objects.filter(board=self.board)})
        return self._columns

    def group(self, group_id: int) -> Group:
        if group_id not in self.groups:
            raise ValidationFailed(f"This board has no group {group_id}.",
                                   fields={"group": ["Not a group of this board."]})
        return self.groups[group_id]

    def status(self, status_id: int | None) -> Status | None:
        if status_id is None:
            return None
        if status_id not in self.statuses:
            raise ValidationFailed(f"This board has no status {status_id}.",
                                   fields={"status": ["Not a status of this board."]})
        return self.statuses[status_id]

    def default_group(self) -> Group:
        live = sorted((g for g in self.groups.values() if g.archived_at is None),
                      key=lambda g: (g.position, g.pk))
        if not live:
            raise ValidationFailed("This board has no group to put items in; add one first.",
                                   fields={"group": ["Required."]})
        return live[0]

    def default_status(self) -> Status | None:
        ordered = sorted(self.statuses.values(), key=lambda s: (s.position, s.pk))
        todo = [s for s in ordered if s.category == StatusCategory.TODO]
        return (todo or ordered or [None])[0]


def board_context(*, board: Board, actor: Membership, doing: str) -> BoardContext:
    """The structure of a board about to be written to: every caller writes items."""
    role = require_board_role(board=board, actor=actor, minimum="viewer", doing=doing)
    require_board_writable(board)
    return BoardContext.load(board, role)
