"""Custom column values of items: validated per column type, with references checked.

People values must name members of the workspace, relation values items of the workspace; one
query per kind checks all references of a write at once.
"""

from __future__ import annotations

from typing import Any

from boards.columns import ColumnValueError, is_empty, validate_value
from boards.models import Column, Item
from workos.errors import ValidationFailed
from workos.tenancy.models import Membership, Workspace

PEOPLE_TYPES = frozenset({"people"})
RELATION_TYPES = frozenset({"relation"})


def _ids(value: Any) -> list[int]:
    """The ids inside a people or relation value: an id, a list of ids, or objects with "id"."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, dict):
        return _ids(value.get("id")) + _ids(value.get("ids"))
    if isinstance(value, list | tuple):
        return [i for v in value for i in _ids(v)]
    return []


def values_clean(
    *, workspace: Workspace, columns: dict[str, Column], values: Any
) -> dict[str, Any]:
    """Validate a `values` patch against the board's columns.

    Returns {key: clean value}, with None for keys to remove (an empty value). Raises one
    ValidationFailed naming every bad key.
    """
    if not isinstance(values, dict):
        raise ValidationFailed("values is a JSON object keyed by column key.",
                               fields={"values": ["Not an object."]})
    unknown = sorted(set(values) - set(columns))
    if unknown:
        raise ValidationFailed(
            f"This board has no column with key {', '.join(unknown)}.",
            fields={"values": {key: ["No such column on this board."] for key in unknown}},
        )
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for key, raw in values.items():
        column = columns[key]
        if raw is None or is_empty(raw):
            clean[key] = None
            continue
        try:
            value = validate_value(column.type, column.settings, raw, title=column.title)
        except ColumnValueError as exc:
            errors[key] = [exc.message]
            continue
        clean[key] = None if value is None or is_empty(value) else value
    _check_references(workspace, columns, clean, errors)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, fields={"values": errors})
    return clean


def _check_references(
    workspace: Workspace, columns: dict[str, Column], clean: dict[str, Any],
    errors: dict[str, list[str]],
) -> None:
    people = {k: _ids(v) for k, v in clean.items() if columns[k].type in PEOPLE_TYPES}
    related = {k: _ids(v) for k, v in clean.items() if columns[k].type in RELATION_TYPES}
    wanted_people = {i for ids in people.values() for i in ids}
    wanted_items = {i for ids in related.values() for i in ids}
    if wanted_people:
        found = set(Membership.objects.filter(workspace=workspace, id__in=wanted_people)
                    .values_list("id", flat=True))
        for key, ids in people.items():
            missing = sorted(set(ids) - found)
            if missing:
                errors[key] = [f"{columns[key].title}: no member with id "
                               f"{', '.join(map(str, missing))} in this workspace."]
    if wanted_items:
        boards = dict(Item.objects.filter(workspace=workspace, id__in=wanted_items)
                      .values_list("id", "board_id"))
        for key, ids in related.items():
            missing = sorted(set(ids) - set(boards))
            if missing:
                errors[key] = [f"{columns[key].title}: no item with id "
                               f"{', '.join(map(str, missing))} in this workspace."]
                continue
            # A relation names the board it links to; items of other boards do not belong.
            target = (columns[key].settings or {}).get("board")
            elsewhere = sorted(i for i in ids if target and boards[i] != target)
            if elsewhere:
                errors[key] = [f"{columns[key].title}: items {', '.join(map(str, elsewhere))} "
                               f"are not on the board this column links to."]


def values_merge(current: dict[str, Any], clean: dict[str, Any]) -> dict[str, Any]:
    merged = dict(current)
    for key, value in clean.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged
