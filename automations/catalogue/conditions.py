"""Conditions: tests on the trigger's item, combined in nested AND / OR groups.

The stored form is a tree: `{}` (always true), a group `{"all": [...]}` or `{"any": [...]}`, whose
entries are groups again or leaves `{"type": <condition id>, "config": {...}}`. Conditions are
checked against the item as it is when the event is handled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from automations.catalogue.base import CONDITIONS, Condition, ConfigError, Field
from automations.catalogue.values import (
    CORE_FIELDS,
    OPERATORS,
    UNARY,
    column_value,
    compare,
    core_value,
)
from boards.models import Item, StatusCategory

if TYPE_CHECKING:
    from automations.catalogue.validation import ValidationContext
    from automations.engine.events import Batch

MAX_DEPTH = 5
MAX_LEAVES = 50
GROUP_KEYS = ("all", "any")


OP = Field("op", "string", "How to compare.", required=True, choices=OPERATORS)
VALUE = Field("value", "any", "What to compare with; a list for `in`. Not needed for "
              "is_empty and is_not_empty.")


def _needs_value(config: dict[str, Any]) -> None:
    if config["op"] not in UNARY and "value" not in config:
        raise ConfigError.on("value", f"Give a value to compare with ({config['op']}).")
    if config["op"] == "in" and not isinstance(config.get("value"), list):
        raise ConfigError.on("value", "`in` compares with a list of values.")


@CONDITIONS.register
class FieldCondition(Condition):
    id = "field"
    label = "A core field compares to a value"
    description = "Fields: " + "; ".join(f"{k} ({v})" for k, v in CORE_FIELDS.items()) + "."
    fields = (
        Field("field", "string", "The core field.", required=True, choices=tuple(CORE_FIELDS)),
        OP, VALUE,
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        _needs_value(config)
        return config

    def test(self, config: dict[str, Any], item: Item, batch: Batch) -> bool:
        return compare(config["op"], core_value(item, config["field"]), config.get("value"),
                       field=config["field"])


@CONDITIONS.register
class ColumnCondition(Condition):
    id = "column"
    label = "A column's value compares to a value"
    description = ("Any column type, computed ones included. Dropdown and status columns compare "
                   "by option label, people by member id, dates as YYYY-MM-DD, a timeline by "
                   "its end date.")
    fields = (Field("column", "string", "The column's key.", required=True), OP, VALUE)

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        vctx.column(config["column"], "column")
        _needs_value(config)
        return config

    def test(self, config: dict[str, Any], item: Item, batch: Batch) -> bool:
        key = config["column"]
        column = batch.columns(item.board_id).get(key)
        if column is None:
            return config["op"] == "is_empty"
        stored = batch.computed(item, key) if column.type in COMPUTED else (
            item.values or {}).get(key)
        return compare(config["op"], column_value(column, stored), config.get("value"))


COMPUTED = frozenset({"formula", "mirror", "rollup", "time_tracked"})


@CONDITIONS.register
class StatusCategoryCondition(Condition):
    id = "status_category"
    label = "The status is in a category"
    fields = (
        Field("op", "string", required=True, choices=("eq", "ne", "in")),
        Field("value", "any", "A category, or a list of them for `in`.", required=True),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        values = config["value"] if isinstance(config["value"], list) else [config["value"]]
        bad = [v for v in values if v not in StatusCategory.values]
        if bad:
            raise ConfigError.on("value", f"Not a category: {', '.join(map(str, bad))}; use "
                                 f"{', '.join(StatusCategory.values)}.")
        return config

    def test(self, config: dict[str, Any], item: Item, batch: Batch) -> bool:
        category = item.status.category if item.status_id else None
        return compare(config["op"], category, config["value"])


@CONDITIONS.register
class AssigneeInTeamCondition(Condition):
    id = "assignee_in_team"
    label = "The assignees are in a team"
    fields = (
        Field("team", "integer", "The team's id.", required=True),
        Field("match", "string", "any: at least one assignee is in the team; all: every "
              "assignee is (and there is one); none: no assignee is.",
              choices=("any", "all", "none"), default="any"),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        vctx.team(config["team"], "team")
        return {"match": "any", **config}

    def test(self, config: dict[str, Any], item: Item, batch: Batch) -> bool:
        team = batch.team_members(config["team"])
        assignees = [m.pk for m in item.assignees.all()]
        inside = [m for m in assignees if m in team]
        match = config.get("match", "any")
        if match == "all":
            return bool(assignees) and len(inside) == len(assignees)
        if match == "none":
            return not inside
        return bool(inside)


# -- the tree -----------------------------------------------------------------------------------


class TreeError(Exception):
    def __init__(self, fields: dict[str, Any], message: str) -> None:
        super().__init__(message)
        self.fields = fields
        self.message = message


def _error_at(path: list[str], fields: dict[str, Any]) -> dict[str, Any]:
    for key in reversed(path):
        fields = {key: fields}
    return fields


def _first(fields: dict[str, Any], path: str = "") -> str:
    key, value = next(iter(fields.items()))
    where = f"{path}.{key}" if path else key
    if isinstance(value, dict):
        return _first(value, where)
    return f"{where}: {value[0]}"


def conditions_clean(tree: Any, vctx: ValidationContext) -> dict[str, Any]:
    """The tree with each leaf's config validated; TreeError names the bad spot."""
    if tree in (None, {}):
        return {}
    leaves = [0]

    def walk(node: Any, path: list[str], depth: int) -> dict[str, Any]:
        if not isinstance(node, dict):
            raise TreeError(_error_at(path, {"non_field_errors": ["Expected an object."]}),
                            "A condition is an object.")
        groups = [k for k in GROUP_KEYS if k in node]
        if groups:
            if len(node) != 1 or not isinstance(node[groups[0]], list):
                fields = _error_at(path, {groups[0]: ["A group is {\"all\": [...]} or "
                                                      "{\"any\": [...]} and nothing else."]})
                raise TreeError(fields, _first(fields))
            if depth > MAX_DEPTH:
                fields = _error_at(path, {groups[0]: [f"Nest groups at most {MAX_DEPTH} deep."]})
                raise TreeError(fields, _first(fields))
            key = groups[0]
            return {key: [walk(child, [*path, key, str(i)], depth + 1)
                          for i, child in enumerate(node[key])]}
        leaves[0] += 1
        if leaves[0] > MAX_LEAVES:
            fields = _error_at(path, {"type": [f"Use at most {MAX_LEAVES} conditions."]})
            raise TreeError(fields, _first(fields))
        condition = CONDITIONS.get(node.get("type")) if isinstance(node.get("type"), str) else None
        extra = set(node) - {"type", "config"}
        if condition is None or extra:
            fields = _error_at(path, {"type": [
                f"Unknown key {', '.join(sorted(extra))}." if condition and extra else
                f"Not a condition; use one of {', '.join(CONDITIONS.ids())}, or a group "
                "{\"all\": [...]} / {\"any\": [...]}."]})
            raise TreeError(fields, _first(fields))
        try:
            config = condition.validate(node.get("config"), vctx)
        except ConfigError as exc:
            fields = _error_at([*path, "config"], exc.fields)
            raise TreeError(fields, _first(fields)) from exc
        return {"type": condition.id, "config": config}

    cleaned = walk(tree, [], 1)
    if "type" in cleaned:
        cleaned = {"all": [cleaned]}  # a single leaf is a group of one
    return cleaned


def conditions_hold(tree: dict[str, Any], item: Item | None, batch: Batch) -> bool:
    """Whether the tree holds for the item; a rule without an item has no conditions to test."""
    if not tree:
        return True
    if item is None:
        return False

    def holds(node: dict[str, Any]) -> bool:
        if "all" in node:
            return all(holds(child) for child in node["all"])
        if "any" in node:
            return any(holds(child) for child in node["any"])
        condition = CONDITIONS.get(node.get("type", ""))
        return condition is not None and condition.test(node.get("config") or {}, item, batch)

    return holds(tree)
