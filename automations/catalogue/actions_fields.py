"""Actions that set what an item holds: its status, a core field, a column's value. Each goes
through `boards.services.item_update`, so the item's rules (permissions, validation, completed
dates, activity) are the same as for a person's edit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from automations.catalogue.base import ACTIONS, Action, ConfigError, Field
from automations.catalogue.dates import RELATIVE_HELP, check_date_value, is_relative, resolve_date
from automations.catalogue.placeholders import check_template
from boards.columns import COMPUTED_TYPES, ColumnValueError, validate_value
from boards.models import Item, Priority, Status, StatusCategory
from boards.services import item_update
from workos.errors import ValidationFailed

if TYPE_CHECKING:
    from automations.catalogue.validation import ValidationContext
    from automations.engine.context import RunContext

SETTABLE_FIELDS = ("name", "description", "priority", "start_date", "due_date",
                   "estimate_hours", "is_milestone")
DATE_FIELDS = frozenset({"start_date", "due_date"})
TEXT_FIELDS = frozenset({"name", "description"})
TEMPLATE_COLUMN_TYPES = frozenset({"text", "long_text", "link", "email", "phone"})


def update_item(run: RunContext, fields: dict[str, Any]) -> dict[str, Any]:
    """Apply `fields` to the run's item; the changes as recorded (empty when nothing changed)."""
    item = run.require_item()
    before = item.version
    # A run's actions share one savepoint or transaction, rolled back whenever one raises.
    updated = item_update(actor=run.actor, item=item, fields=fields, savepoint=False)
    run.item = updated
    return {"changed": updated.version != before}


def _status_for(item: Item, config: dict[str, Any]) -> Status:
    statuses = sorted(Status.objects.filter(board_id=item.board_id),
                      key=lambda s: (s.position, s.pk))
    found: Status | None = None
    if "status" in config:
        found = next((s for s in statuses if s.pk == config["status"]), None)
    elif "status_name" in config:
        wanted = config["status_name"].casefold()
        found = next((s for s in statuses if s.name.casefold() == wanted), None)
    else:
        found = next((s for s in statuses if s.category == config["category"]), None)
    if found is None:
        wanted = config.get("status_name") or config.get("category") or config.get("status")
        raise ValidationFailed(f"'{item.board.name}' has no status {wanted!r}.",
                               fields={"status": ["Not a status of the item's board."]})
    return found


@ACTIONS.register
class SetStatus(Action):
    id = "set_status"
    label = "Set the status"
    description = ("A status by id (of the rule's board), by name, or the first status of a "
                   "category (names and categories work on any board).")
    one_of = ("status", "status_name", "category")
    fields = (
        Field("status", "integer", "A status id."),
        Field("status_name", "string", "A status name, any case.", max_length=100),
        Field("category", "string", "The first status of this category.",
              choices=tuple(StatusCategory.values)),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        if len(config) > 1:
            raise ConfigError.on(next(iter(config)), "Give one of status, status_name or "
                                 "category.")
        if "status" in config:
            vctx.status(config["status"], "status")
        return config

    def execute(self, config: dict[str, Any], run: RunContext) -> dict[str, Any]:
        if "status" in config:
            # The update checks the id belongs to the item's board; no need to read them here.
            result = update_item(run, {"status": config["status"]})
            status = run.item.status if run.item is not None else None
            return {"status": status.name if status else None, **result}
        status = _status_for(run.require_item(), config)
        return {"status": status.name, **update_item(run, {"status": status.pk})}

    def preview(self, config: dict[str, Any], run: RunContext) -> str:
        wanted = config.get("status_name") or config.get("category")
        if "status" in config:
            status = run.memo(f"status:{config['status']}",
                              lambda: Status.objects.filter(pk=config["status"]).first())
            wanted = status.name if status else config["status"]
        return f"Set the status to '{wanted}'"


def _check_field_value(field: str, value: Any, vctx: ValidationContext) -> None:
    if field in TEXT_FIELDS:
        if not isinstance(value, str) or (field == "name" and not value.strip()):
            raise ConfigError.on("value", "Give text." if field != "name" else "Give a name.")
        check_template(value, "value", has_item=True)
    elif field == "priority":
        if value not in Priority.values:
            raise ConfigError.on("value", f"Use one of {', '.join(Priority.values)}.")
    elif field in DATE_FIELDS:
        check_date_value(value, "value")
    elif field == "estimate_hours":
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                  or not 0 <= value < 10**6):
            raise ConfigError.on("value", "Give a number of hours from 0, or null.")
    elif field == "is_milestone" and not isinstance(value, bool):
        raise ConfigError.on("value", "Give true or false.")


@ACTIONS.register
class SetField(Action):
    id = "set_field"
    label = "Set a core field"
    description = ("name and description take placeholders; start_date and due_date take a date "
                   "or an expression. " + RELATIVE_HELP)
    fields = (
        Field("field", "string", "The field.", required=True, choices=SETTABLE_FIELDS),
        Field("value", "any", "The value; null clears it (not for name).", required=True),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        _check_field_value(config["field"], config.get("value"), vctx)
        return config

    def value(self, config: dict[str, Any], run: RunContext) -> Any:
        value = config.get("value")
        if config["field"] in TEXT_FIELDS:
            return run.render(value)
        if config["field"] in DATE_FIELDS:
            return resolve_date(value, today=run.today, item=run.item, calendar=run.calendar)
        return value

    def execute(self, config: dict[str, Any], run: RunContext) -> dict[str, Any]:
        value = self.value(config, run)
        result = update_item(run, {config["field"]: value})
        return {"field": config["field"], "value": _shown(value), **result}

    def preview(self, config: dict[str, Any], run: RunContext) -> str:
        return f"Set {config['field']} to {_shown(self.value(config, run))!r}"


def _shown(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@ACTIONS.register
class SetColumn(Action):
    id = "set_column"
    label = "Set a column's value"
    description = ("The value as the column type takes it; text columns take placeholders, date "
                   "columns an expression (" + RELATIVE_HELP + "); null clears it.")
    fields = (
        Field("column", "string", "The column's key.", required=True),
        Field("value", "any", "The value.", required=True),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        column = vctx.column(config["column"], "column")
        value = config.get("value")
        if column is None or value is None:
            return config
        if column.type in COMPUTED_TYPES:
            raise ConfigError.on("column", f"'{column.title}' is computed; it cannot be set.")
        if column.type == "date" and is_relative(value):
            return config
        if column.type in TEMPLATE_COLUMN_TYPES and isinstance(value, str) and "{" in value:
            check_template(value, "value", has_item=vctx.has_item)
            return config
        try:
            validate_value(column.type, column.settings, value, title=column.title)
        except ColumnValueError as exc:
            raise ConfigError.on("value", exc.message) from exc
        if column.type == "people":
            vctx.members(value if isinstance(value, list) else [value], "value")
        return config

    def value(self, config: dict[str, Any], run: RunContext) -> Any:
        value = config.get("value")
        item = run.require_item()
        column = run.columns(item.board_id).get(config["column"])
        if column is None:
            raise ValidationFailed(f"'{item.board.name}' has no column '{config['column']}'.",
                                   fields={"values": ["No such column."]})
        if column.type == "date" and is_relative(value):
            day = resolve_date(value, today=run.today, item=item, calendar=run.calendar)
            return day.isoformat() if day else None
        if column.type in TEMPLATE_COLUMN_TYPES and isinstance(value, str):
            return run.render(value)
        return value

    def execute(self, config: dict[str, Any], run: RunContext) -> dict[str, Any]:
        value = self.value(config, run)
        result = update_item(run, {"values": {config["column"]: value}})
        return {"column": config["column"], "value": value, **result}

    def preview(self, config: dict[str, Any], run: RunContext) -> str:
        try:
            value = self.value(config, run)
        except ValidationFailed as exc:
            return f"Fail: {exc.message}"
        return f"Set the column {config['column']} to {value!r}"

