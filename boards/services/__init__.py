"""Every write of the boards app. Each public function takes the acting membership, checks
the board role, runs in one transaction and records Activity in it."""

from boards.services.board_columns import column_create, column_delete, column_update
from boards.services.boards import (
    board_archive,
    board_create,
    board_delete,
    board_duplicate,
    board_member_add,
    board_member_remove,
    board_member_update,
    board_restore,
    board_update,
)
from boards.services.bulk import BULK_ACTIONS, BULK_LIMIT, items_bulk
from boards.services.dependencies import (
    dependency_create,
    dependency_delete,
    dependency_update,
    find_cycle,
)
from boards.services.items import (
    item_archive,
    item_create,
    item_delete,
    item_restore,
    item_update,
    item_upsert,
)
from boards.services.moves import item_move
from boards.services.structure import (
    group_create,
    group_delete,
    group_update,
    status_create,
    status_delete,
    status_update,
)
from boards.services.views import view_create, view_delete, view_update

__all__ = [
    "BULK_ACTIONS",
    "BULK_LIMIT",
    "board_archive",
    "board_create",
    "board_delete",
    "board_duplicate",
    "board_member_add",
    "board_member_remove",
    "board_member_update",
    "board_restore",
    "board_update",
    "column_create",
    "column_delete",
    "column_update",
    "dependency_create",
    "dependency_delete",
    "dependency_update",
    "find_cycle",
    "group_create",
    "group_delete",
    "group_update",
    "item_archive",
    "item_create",
    "item_delete",
    "item_move",
    "item_restore",
    "item_update",
    "item_upsert",
    "items_bulk",
    "status_create",
    "status_delete",
    "status_update",
    "view_create",
    "view_delete",
    "view_update",
]
