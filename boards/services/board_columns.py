"""Writes of a board's columns. Editors and admins only.

A column's type may change: every item's value is converted to the new type, and the ids of
items whose value could not convert are reported (their old values stay in the Activity).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from boards.columns import COLUMN_TYPES, ColumnValueError, convert_value, validate_settings
from boards.computed import FORMULA_CORE_FIELDS
from boards.models import Board, Column, Item, column_key_validator
from boards.services.access import diff, jsonable
from boards.services.structure import UNSET, name_clean, record, require_structure
from workos.activity.services import activities_record
from workos.errors import Conflict, ValidationFailed
from workos.tenancy.models import Membership


def _check_type(column_type: str) -> str:
    if column_type not in COLUMN_TYPES:
        raise ValidationFailed(
            f"'{column_type}' is not a column type; use one of {', '.join(sorted(COLUMN_TYPES))}.",
            fields={"type": ["Unknown type."]},
        )
    return column_type


def _check_settings(board: Board, column_type: str, settings: Any) -> dict[str, Any]:
    if settings is None:
        settings = {}
    if not isinstance(settings, dict):
        raise ValidationFailed("Column settings are a JSON object.",
                               fields={"settings": ["Not an object."]})
    keys = set(Column.objects.filter(board=board).values_list("key", flat=True))
    keys |= set(FORMULA_CORE_FIELDS)  # formulas may also read these core fields
    try:
        clean = validate_settings(column_type, settings, known_keys=keys)
    except ColumnValueError as exc:
        raise ValidationFailed(exc.message, fields={"settings": [exc.message]}) from exc
    return clean if isinstance(clean, dict) else settings


def _column_key(board: Board, key: str | None, title: str) -> str:
    taken = set(Column.objects.filter(board=board).values_list("key", flat=True))
    if key:
        try:
            column_key_validator(key)
        except Exception as exc:
            raise ValidationFailed(
                f"'{key}' cannot be a column key: use lower-case letters, digits and "
                "underscores, starting with a letter.", fields={"key": ["Invalid key."]},
            ) from exc
        if key in taken:
            raise Conflict(f"This board already has a column with key '{key}'.",
                           fields={"key": ["Taken."]})
        return key
    base = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:55] or "column"
    if not base[0].isalpha():
        base = f"c_{base}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    return candidate


@transaction.atomic
def column_create(
    *, actor: Membership, board: Board, title: str, type: str, key: str | None = None,
    settings: dict[str, Any] | None = None, width: int | None = None,
    position: int | None = None,
) -> Column:
    require_structure(board, actor, "Adding a column")
    title = name_clean(title, "A column")
    column_type = _check_type(type)
    column = Column.objects.create(
        board=board, key=_column_key(board, key, title), title=title, type=column_type,
        settings=_check_settings(board, column_type, settings), width=width,
        position=Column.objects.filter(board=board).count() if position is None else position,
    )
    record(actor, "column.created", column,
            {"key": [None, column.key], "type": [None, column.type]})
    return column


def _convert_values(
    column: Column, new_type: str, new_settings: dict[str, Any]
) -> tuple[list[Item], dict[int, Any]]:
    """Convert every item's value of the column; return the changed items and the old values
    of the ones that could not convert (those lose the value)."""
    changed: list[Item] = []
    failed: dict[int, Any] = {}
    now = timezone.now()
    for item in Item.objects.filter(board=column.board, values__has_key=column.key):
        old = item.values.get(column.key)
        converted, new = convert_value(column.type, column.settings, new_type, new_settings, old)
        if not converted:
            failed[item.pk] = old
        if new is None:
            item.values.pop(column.key, None)
        else:
            item.values[column.key] = new
        if new != old:
            item.version += 1
            item.updated_at = now
            changed.append(item)
    return changed, failed


@transaction.atomic
def column_update(
    *, actor: Membership, column: Column, title: str | None = None, type: str | None = None,
    settings: dict[str, Any] | None = None, width: Any = UNSET, position: int | None = None,
) -> tuple[Column, list[int]]:
    """Change a column. A new type converts every item's value; the answer lists the ids of
    items whose value did not convert (their old value is kept in the Activity)."""
    board = column.board
    require_structure(board, actor, "Changing a column")
    new_type = _check_type(type) if type is not None else column.type
    wanted: dict[str, Any] = {}
    if title is not None:
        wanted["title"] = name_clean(title, "A column")
    if type is not None or settings is not None:
        wanted["settings"] = _check_settings(
            board, new_type, settings if settings is not None else column.settings
        )
        wanted["type"] = new_type
    if width is not UNSET:
        wanted["width"] = width
    if position is not None:
        wanted["position"] = position
    changes = diff({k: getattr(column, k) for k in wanted}, wanted)
    failed: dict[int, Any] = {}
    if "type" in changes:
        changed, failed = _convert_values(column, new_type, wanted["settings"])
        Item.objects.bulk_update(changed, ["values", "version", "updated_at"], batch_size=500)
    for key in changes:
        setattr(column, key, wanted[key])
    if changes:
        column.save(update_fields=list(changes))
        data = {"board": board.pk, "unconverted": {str(k): jsonable(v) for k, v in failed.items()}}
        record(actor, "column.updated", column, changes, data)
    return column, sorted(failed)


@transaction.atomic
def column_delete(*, actor: Membership, column: Column) -> None:
    """Delete a column and strip its values from the board's items."""
    board = column.board
    require_structure(board, actor, "Deleting a column")
    items = list(Item.objects.filter(board=board, values__has_key=column.key))
    now = timezone.now()
    for item in items:
        item.values.pop(column.key, None)
        item.version += 1
        item.updated_at = now
    Item.objects.bulk_update(items, ["values", "version", "updated_at"], batch_size=500)
    activities_record(
        workspace=actor.workspace, actor=actor.user,
        entries=[("column.deleted", column, {"key": [column.key, None]},
                  {"board": board.pk, "items": [i.pk for i in items]})],
    )
    column.delete()
