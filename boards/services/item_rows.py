"""The two statements every single-item write runs, written by hand: the re-read of the item
under a row lock (with its board, group and status), and the UPDATE of the columns it changed.

Through the ORM, building either statement cost more than running it, on every change a person
or an automation makes; and PostgreSQL spent longer planning the locked read (four tables) than
running it, so it runs as a prepared statement (`fetch_prepared`). The instances are built as
the ORM builds them (`ModelColumns` applies the same converters), and the UPDATE sends the same
model signals as `save(update_fields=...)`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import signals
from django.utils import timezone

from boards.computed import COMPUTED, HAS_COMPUTED, computed_exists_sql
from boards.models import Board, Group, Item, Status
from workos.errors import NotFound, StaleVersion
from workos.tenancy.models import Membership
from workos.tenancy.prepared import fetch_prepared
from workos.tenancy.rows import ModelColumns

GROUP_COLUMNS = ModelColumns(Group, "g")
_LOCKED = (ModelColumns(Item, "i"), ModelColumns(Board, "b"), GROUP_COLUMNS,
           ModelColumns(Status, "st"))


def _assignees_sql() -> str:
    """The locked item's current assignees as an array column, where arrays exist."""
    if connection.vendor != "postgresql":
        return ""
    quote = connection.ops.quote_name
    through = quote(Item.assignees.through._meta.db_table)
    members = quote(Membership._meta.db_table)
    return (f", ARRAY(SELECT a.membership_id FROM {through} a INNER JOIN {members} m "  # noqa: S608
            "ON m.id = a.membership_id WHERE a.item_id = i.id AND m.removed_at IS NULL "
            "ORDER BY a.membership_id)")


# (connection alias, extras) -> the statement; it depends on nothing else.
_lock_statements: dict[tuple[str, bool], str] = {}


def _lock_sql(extras: bool) -> str:
    key = (connection.alias, extras)
    if key not in _lock_statements:
        _lock_statements[key] = _build_lock_sql(extras)
    return _lock_statements[key]


def _build_lock_sql(extras: bool) -> str:
    quote = connection.ops.quote_name
    tables = {cols.alias: quote(cols.model._meta.db_table) for cols in _LOCKED}
    lock = " FOR UPDATE OF i" if connection.features.has_select_for_update_of else ""
    more = f", {computed_exists_sql('i.board_id')}{_assignees_sql()}" if extras else ""
    return (
        f"SELECT {', '.join(cols.sql(connection) for cols in _LOCKED)}{more} "  # noqa: S608
        f"FROM {tables['i']} i INNER JOIN {tables['b']} b ON b.id = i.board_id "
        f"INNER JOIN {tables['g']} g ON g.id = i.group_id "
        f"LEFT OUTER JOIN {tables['st']} st ON st.id = i.status_id "
        f"WHERE i.id = %s{lock}"
    )


def lock_row(item_id: int, expected_version: int | None, *, extras: bool = False) -> Item:
    """The item re-read under a row lock with its board, group and status, its version
    compared with `expected_version` (If-Match). `extras` also tells whether its board has
    computed columns (HAS_COMPUTED) and, on PostgreSQL, its assignees' ids
    (`assignee_ids_cache`), for an answer that reads neither again."""
    rows = fetch_prepared("boards_item_lock_extras" if extras else "boards_item_lock",
                          _lock_sql(extras), [*(COMPUTED if extras else ()), item_id])
    row = rows[0] if rows else None
    if row is None:
        raise NotFound("Item not found.")
    parts, start = [], 0
    for cols in _LOCKED:
        parts.append(row[start:start + len(cols)])
        start += len(cols)
    item_cols, board_cols, group_cols, status_cols = _LOCKED
    locked = item_cols.build(parts[0], connection)
    locked.board = board_cols.build(parts[1], connection)
    locked.group = group_cols.build(parts[2], connection)
    locked.status = status_cols.build(parts[3], connection) if parts[3][0] is not None else None
    if extras:
        extra = row[start:]
        setattr(locked, HAS_COMPUTED, bool(extra[0]))
        if len(extra) > 1:
            locked.assignee_ids_cache = list(extra[1] or [])
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            f"The item changed since version {expected_version}; it is at version "
            f"{locked.version}. Reload it and apply your change again.",
            current=locked,
        )
    return locked


def save_fields(item: Item, names: Iterable[str]) -> None:
    """`item.save(update_fields=names)` (updated_at always among them), one UPDATE written by
    hand. Only what the write changed is sent, so columns other services keep up to date
    (tracked time) are never written back. Sends the same model signals as `save`."""
    names = frozenset({*names, "updated_at"})
    fields = [Item._meta.get_field(name) for name in sorted(names)]
    using = connection.alias
    signals.pre_save.send(sender=Item, instance=item, raw=False, using=using,
                          update_fields=names)
    item.updated_at = timezone.now()  # auto_now, as save() would set it
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    values = [f.get_db_prep_save(getattr(item, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Item._meta.db_table)} SET {assignments} WHERE id = %s",  # noqa: S608
            [*values, item.pk],
        )
    signals.post_save.send(sender=Item, instance=item, created=False, raw=False, using=using,
                           update_fields=names)
