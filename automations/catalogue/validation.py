"""What a rule's config is checked against when it is saved: the workspace, the person saving it
and the rule's board. A rule acts later as the workspace's automation actor, so everything it
names must be something its editor may change now: boards they edit, members of the workspace,
statuses, groups and columns of the right board."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from automations.catalogue.base import ConfigError
from boards.models import Board, Column, Group, Status
from boards.selectors import board_list, board_role, board_role_at_least
from workos.tenancy.models import Membership, Team, Workspace


@dataclass
class ValidationContext:
    workspace: Workspace
    editor: Membership
    scope: str
    # The rule's board: the board itself, or the project's board; None for workspace rules.
    board: Board | None
    # Whether the trigger hands the actions an item (a period trigger does not).
    has_item: bool = True
    _boards: dict[int, Board | None] = field(default_factory=dict, repr=False)

    def editable_board(self, board_id: Any, name: str) -> Board:
        """A board of the workspace that the editor can see and edit."""
        if isinstance(board_id, bool) or not isinstance(board_id, int):
            raise ConfigError.on(name, "Give a board id.")
        if board_id not in self._boards:
            self._boards[board_id] = (
                board_list(workspace=self.workspace, membership=self.editor)
                .filter(id=board_id).first()
            )
        board = self._boards[board_id]
        if board is None:
            raise ConfigError.on(name, f"There is no board {board_id} in this workspace.")
        if not board_role_at_least(board_role(board, self.editor), "editor"):
            raise ConfigError.on(name, f"You need the editor role on '{board.name}' to let a "
                                 "rule change it.")
        return board

    def target_board(self, board_id: Any, name: str) -> Board | None:
        """The board a setting names, else the rule's own board (None for workspace rules)."""
        if board_id is None:
            return self.board
        return self.editable_board(board_id, name)

    def status(self, status_id: Any, name: str, board: Board | None = None) -> Status:
        qs = Status.objects.filter(board__workspace=self.workspace, id=status_id)
        board = board or self.board
        if board is not None:
            qs = qs.filter(board=board)
        found = qs.first() if isinstance(status_id, int) else None
        if found is None:
            where = f"'{board.name}'" if board is not None else "this workspace"
            raise ConfigError.on(name, f"There is no status {status_id} on {where}.")
        return found

    def group(self, group_id: Any, name: str, board: Board | None = None) -> Group:
        board = board or self.board
        if board is None:
            raise ConfigError.on(name, "A workspace rule cannot name a group; name a board too.")
        found = Group.objects.filter(board=board, id=group_id).first() if isinstance(
            group_id, int) else None
        if found is None:
            raise ConfigError.on(name, f"There is no group {group_id} on '{board.name}'.")
        return found

    def column(self, key: Any, name: str, board: Board | None = None) -> Column | None:
        """The column with this key on the board; for workspace rules None when the key is
        plausible (boards differ, so it is looked up on each item's board when run)."""
        if not isinstance(key, str) or not key:
            raise ConfigError.on(name, "Give a column key.")
        board = board or self.board
        if board is None:
            if not Column.objects.filter(board__workspace=self.workspace, key=key).exists():
                raise ConfigError.on(name, f"No board of this workspace has a column '{key}'.")
            return None
        found = Column.objects.filter(board=board, key=key).first()
        if found is None:
            raise ConfigError.on(name, f"'{board.name}' has no column with key '{key}'.")
        return found

    def member(self, member_id: Any, name: str) -> Membership:
        found = Membership.objects.filter(workspace=self.workspace, id=member_id).first() if (
            isinstance(member_id, int) and not isinstance(member_id, bool)) else None
        if found is None:
            raise ConfigError.on(name, f"There is no member {member_id} in this workspace.")
        return found

    def members(self, ids: list[Any], name: str) -> list[Membership]:
        found = {m.pk: m for m in Membership.objects.filter(workspace=self.workspace, id__in=[
            i for i in ids if isinstance(i, int)])}
        missing = [i for i in ids if i not in found]
        if missing:
            raise ConfigError.on(name, f"No member with id {', '.join(map(str, missing))} in "
                                 "this workspace.")
        return [found[i] for i in ids]

    def team(self, team_id: Any, name: str) -> Team:
        found = Team.objects.filter(workspace=self.workspace, id=team_id).first() if (
            isinstance(team_id, int) and not isinstance(team_id, bool)) else None
        if found is None:
            raise ConfigError.on(name, f"There is no team {team_id} in this workspace.")
        return found
