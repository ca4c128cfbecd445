"""Actions that move, create, copy, archive, comment on and link items, each through the boards
services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from automations.catalogue.base import ACTIONS, Action, ConfigError, Field
from automations.catalogue.dates import check_date_value, resolve_date
from automations.catalogue.placeholders import HELP, check_template
from boards.models import Board, Dependency, DependencyType, Item
from boards.services import dependency_create, item_archive, item_create, item_move
from boards.services.comments import comment_create
from boards.services.items import descendants
from workos.errors import ValidationFailed

if TYPE_CHECKING:
    from automations.catalogue.validation import ValidationContext
    from automations.engine.context import RunContext

MAX_CHECKLIST = 50


def _board(run: RunContext, board_id: int | None) -> Board:
    """The board a config names (still there, in the workspace), else the item's or rule's."""
    if board_id is None:
        if run.item is not None:
            return run.item.board
        if run.rule.board_id is not None:
            return run.rule.board
        raise ValidationFailed("This rule has no board to act on; name one.",
                               fields={"board": ["Required."]})
    board = Board.objects.filter(workspace=run.workspace, id=board_id).first()
    if board is None:
        raise ValidationFailed(f"The board {board_id} no longer exists.",
                               fields={"board": ["Not found."]})
    return board


@ACTIONS.register
class MoveItem(Action):
    id = "move_item"
    label = "Move the item to a group or board"
    description = "To a group of its board, or to another board (and a group there)."
    one_of = ("group", "board")
    fields = (
        Field("board", "integer", "The board to move to."),
        Field("group", "integer", "The group to move to (on that board, or the item's)."),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        board = vctx.editable_board(config["board"], "board") if "board" in config else None
        if "group" in config:
            vctx.group(config["group"], "group", board)
        return config

    def execute(self, config: dict[str, Any], run: RunContext) -> dict[str, Any]:
        item = run.require_item()
        board = _board(run, config["board"]) if "board" in config else None
        moved = item_move(actor=run.actor, item=item, board=board, group=config.get("group"))
        run.item = moved
        return {"board": moved.board_id, "group": moved.group_id}

    def preview(self, config: dict[str, Any], run: RunContext) -> str:
        where = []
        if "board" in config:
            where.append(f"board {config['board']}")
        if "group" in config:
            where.append(f"group {config['group']}")
        return "Move the item to " + " and ".join(where)


def _check_values(values: Any, board: Board | None, vctx: ValidationContext) -> None:
    if values is None:
        return
    if not isinstance(values, dict):
        raise ConfigError.on("values", "Give values as an object keyed by column key.")
    for key, value in values.items():
        vctx.column(key, "values", board)
        if isinstance(value, str):
            check_template(value, "values", has_item=vctx.has_item)


def _render_values(values: dict[str, Any], run: RunContext) -> dict[str, Any]:
    return {k: run.render(v) if isinstance(v, str) else v for k, v in (values or {}).items()}


@ACTIONS.register
class CreateItem(Action):
    id = "create_item"
    label = "Create an item"
    description = "On any board; name, description and text values take placeholders. " + HELP
    needs_item = False
    fields = (
        Field("board", "integer", "The board (default: the trigger item's or the rule's)."),
        Field("group", "integer", "The group (default: the board's first)."),
        Field("name", "string", "The new item's name.", required=True, max_length=500),
        Field("description", "string", "Its description.", max_length=20000),
        Field("status", "integer", "A status of that board."),
        Field("due_date", "string", "A date or an expression such as \"today + 5 working "
              "days\"."),
        Field("values", "object", "Column values keyed by column key."),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        board = vctx.target_board(config.get("board"), "board")
        if board is None and not vctx.has_item:
            raise ConfigError.on("board", "Name the board to create the item on.")
        for key in ("name", "description"):
            check_template(config.get(key), key, has_item=vctx.has_item)
        if "group" in config:
            if board is None:
                raise ConfigError.on("group", "Name the board too.")
            vctx.group(config["group"], "group", board)
        if "status" in config:
            if board is None:
                raise ConfigError.on("status", "Name the board too.")
            vctx.status(config["status"], "status", board)
        check_date_value(config.get("due_date"), "due_date")
        _check_values(config.get("values"), board, vctx)
        return config

    def execute(self, config: dict[str, Any], run: RunContext) -> dict[str, Any]:
        board = _board(run, config.get("board"))
        fields: dict[str, Any] = {"name": run.render(config["name"])}
        if config.get("description"):
            fields["description"] = run.render(config["description"])
        for key in ("group", "status"):
            if key in config:
                fields[key] = config[key]
        if config.get("due_date"):
            fields["due_date"] = resolve_date(config["due_date"], today=run.today,
                                              item=run.item, calendar=run.calendar)
        if config.get("values"):
            fields["values"] = _render_values(config["values"], run)
        created = item_create(actor=run.actor, board=board, fields=fields)
        run.created.append(created)
        return {"created": created.pk, "board": board.pk, "name": created.name}

    def preview(self, config: dict[str, Any], run: RunContext) -> str:
        where = f"board {config['board']}" if "board" in config else "the same board"
        return f"Create the item '{run.render(config['name'])}' on {where}"


@ACTIONS.register
class CreateSubItems(Action):
    id = "create_sub_items"
    label = "Create sub-items from a checklist"
    fields = (
        Field("items", "array", "The sub-items' names, in order; placeholders allowed.",
              required=True, items="string", max_length=MAX_CHECKLIST),
        Field("assign_to_assignees", "boolean", "Give each the item's assignees.",
              default=False),
        Field("due_date", "string", "A date or an expression for each sub-item."),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        if not [n for n in config["items"] if n.strip()]:
            raise ConfigError.on("items", "Give at least one name.")
        for name in config["items"]:
            check_template(name, "items", has_item=True)
        check_date_value(config.get("due_date"), "due_date")
        return config

    def execute(self, config: dict[str, Any], run: RunContext) -> dict[str, Any]:
        item = run.require_item()
        base: dict[str, Any] = {"parent": item.pk, "group": item.group_id}
        if config.get("assign_to_assignees"):
            base["assignees"] = [m.pk for m in item.assignees.all()]
        if config.get("due_date"):
            base["due_date"] = resolve_date(config["due_date"], today=run.today, item=item,
                                            calendar=run.calendar)
        created = []
        for name in config["items"]:
            if name.strip():
                sub = item_create(actor=run.actor, board=item.board,
                                  fields={**base, "name": run.render(name)})
                run.created.append(sub)
                created.append(sub.pk)
        return {"created": created}

    def preview(self, config: dict[str, Any], run: RunContext) -> str:
        names = ", ".join(f"'{run.render(n)}'" for n in config["items"] if n.strip())
        return f"Create the sub-items {names}"


COPIED_FIELDS = ("description", "status", "start_date", "due_date", "estimate_hours",
                 "priority", "is_milestone", "values")


def _copy_fields(item: Item) -> dict[str, Any]:
    fields = {key: getattr(item, key if key != "status" else "status_id") for key in COPIED_FIELDS}
    fields["assignees"] = [m.pk for m in item.assignees.all()]
    return fields


@ACTIONS.register
class DuplicateItem(Action):
    id = "duplicate_item"
    label = "Duplicate the item"
    fields = (
        Field("name", "string", "The copy's name.", default="{item.name} (copy)",
              max_length=500),
        Field("with_sub_items", "boolean", "Copy its sub-items too.", default=False),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        check_template(config.get("name"), "name", has_item=True)
        return config

    def execute(self, config: dict[str, Any], run: RunContext) -> dict[str, Any]:
        item = run.require_item()
        name = run.render(config.get("name") or "{item.name} (copy)")
        copy = item_create(actor=run.actor, board=item.board, fields={
            **_copy_fields(item), "name": name, "group": item.group_id,
            "parent": item.parent_id})
        run.created.append(copy)
        copies = {item.pk: copy.pk}
        if config.get("with_sub_items"):
            for sub in sorted(descendants([item.pk]), key=lambda s: s.pk):
                if sub.archived_at is not None or sub.parent_id not in copies:
                    continue
                clone = item_create(actor=run.actor, board=item.board, fields={
                    **_copy_fields(sub), "name": sub.name, "group": sub.group_id,
                    "parent": copies[sub.parent_id]})
                copies[sub.pk] = clone.pk
        return {"created": copy.pk, "copies": len(copies)}

    def preview(self, config: dict[str, Any], run: RunContext) -> str:
        return f"Duplicate the item as '{run.render(config.get('name') or '{item.name} (copy)')}'"


@ACTIONS.register
class ArchiveItem(Action):
    id = "archive_item"
    label = "Archive the item"

    def execute(self, config: dict[str, Any], run: RunContext) -> dict[str, Any]:
        run.item = item_archive(actor=run.actor, item=run.require_item())
        return {"archived": True}

    def preview(self, config: dict[str, Any], run: RunContext) -> str:
        return "Archive the item (and its sub-items)"


@ACTIONS.register
class AddComment(Action):
    id = "add_comment"
    label = "Add a comment"
    fields = (Field("body", "string", "The comment. " + HELP, required=True, max_length=5000),)

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        check_template(config["body"], "body", has_item=True)
        return config

    def execute(self, config: dict[str, Any], run: RunContext) -> dict[str, Any]:
        comment = comment_create(actor=run.actor, item=run.require_item(),
                                 body=run.render(config["body"]))
        return {"comment": comment.pk}

    def preview(self, config: dict[str, Any], run: RunContext) -> str:
        return f"Comment: {run.render(config['body'])[:200]}"


@ACTIONS.register
class CreateDependency(Action):
    id = "create_dependency"
    label = "Link the item to another"
    description = ("Make another item (by id, or the item an earlier action of this rule "
                   "created) a predecessor or successor of the trigger item.")
    one_of = ("other_item", "other")
    fields = (
        Field("other_item", "integer", "The other item's id."),
        Field("other", "string", "created: the item the previous create action made.",
              choices=("created",)),
        Field("role", "string", "What the other item is to the trigger item.",
              choices=("predecessor", "successor"), default="successor"),
        Field("type", "string", "The link type.", choices=tuple(DependencyType.values),
              default="FS"),
        Field("lag_days", "integer", "Lag in working days (negative: lead).", minimum=-365,
              maximum=365, default=0),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        if "other_item" in config:
            other = Item.objects.filter(workspace=vctx.workspace,
                                        id=config["other_item"]).first()
            if other is None:
                raise ConfigError.on("other_item", f"There is no item {config['other_item']} "
                                     "in this workspace.")
            vctx.editable_board(other.board_id, "other_item")
        return {"role": "successor", "type": "FS", "lag_days": 0, **config}

    def _ends(self, config: dict[str, Any], run: RunContext) -> tuple[int, int]:
        item = run.require_item()
        if config.get("other") == "created":
            if not run.created:
                raise ValidationFailed("No earlier action of this rule created an item to link.",
                                       fields={"other": ["Nothing created."]})
            other = run.created[-1].pk
        else:
            other = config["other_item"]
        if config.get("role", "successor") == "successor":
            return item.pk, other
        return other, item.pk

    def execute(self, config: dict[str, Any], run: RunContext) -> dict[str, Any]:
        predecessor, successor = self._ends(config, run)
        if Dependency.objects.filter(predecessor_id=predecessor, successor_id=successor).exists():
            return {"predecessor": predecessor, "successor": successor, "changed": False}
        link = dependency_create(actor=run.actor, predecessor=predecessor, successor=successor,
                                 type=config.get("type", "FS"), lag_days=config.get("lag_days", 0))
        return {"dependency": link.pk, "predecessor": predecessor, "successor": successor}

    def preview(self, config: dict[str, Any], run: RunContext) -> str:
        other = "the item created above" if config.get("other") else f"item {config['other_item']}"
        return f"Link {other} as a {config.get('role', 'successor')} ({config.get('type', 'FS')})"
