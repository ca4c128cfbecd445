"""Permission checks shared by every boards service, and the JSON form of recorded changes."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db.models import Model

from boards.models import Board, Item
from boards.selectors import board_role, board_role_at_least
from workos.errors import Conflict, NotFound, PermissionDenied
from workos.tenancy.models import Membership, Role, role_at_least

EDITOR = "editor"
CONTRIBUTOR = "contributor"
VIEWER = "viewer"


def require_board_role(
    *, board: Board, actor: Membership, minimum: str, doing: str, allow_archived: bool = False
) -> str:
    """The actor's role on the board, if at least `minimum`.

    A board the actor cannot see is a 404, as if it did not exist; a visible board with too
    little rights is a 403. Archived boards are read-only until restored.
    """
    role = board_role(board, actor)
    if role is None or board.deleted_at is not None:
        raise NotFound("Board not found.")
    if not board_role_at_least(role, minimum):
        raise PermissionDenied(
            f"{doing} needs the {minimum} role on this board or higher; you are {role}."
        )
    if board.archived_at is not None and not allow_archived:
        raise Conflict(f"The board '{board.name}' is archived; restore it to change it.")
    if minimum != VIEWER:
        require_board_writable(board)
    return role


def require_board_writable(board: Board) -> None:
    """A closed project's board refuses every write (comments aside) until it is reopened."""
    if board.read_only:
        raise Conflict(
            f"The board '{board.name}' is read-only because its project is closed; a workspace "
            "admin can reopen the project to change it.",
            code="read_only",
        )


def require_workspace_member(actor: Membership, doing: str) -> None:
    if not role_at_least(actor.role, Role.MEMBER):
        raise PermissionDenied(f"{doing} needs the member role or higher; you are {actor.role}.")


def assignee_ids(item: Item) -> list[int]:
    """Ids of the item's assignees, from the prefetch cache when there is one."""
    return sorted(m.pk for m in item.assignees.all())


def require_item_write(*, item: Item, actor: Membership, role: str, doing: str) -> None:
    """Viewers never write; contributors write only items assigned to them."""
    if role == VIEWER:
        raise PermissionDenied(f"{doing} needs the contributor role or higher; you are viewer.")
    if role == CONTRIBUTOR and actor.pk not in assignee_ids(item):
        raise PermissionDenied(
            f"As a contributor you can change only items assigned to you; "
            f"'{item.name}' is not."
        )


def jsonable(value: Any) -> Any:
    """A value as it is stored in Activity.changes (plain JSON)."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        key: [jsonable(before.get(key)), jsonable(value)]
        for key, value in after.items()
        if jsonable(before.get(key)) != jsonable(value)
    }
