"""The building blocks of rules: triggers, conditions and actions as small classes with a stable
id, a label and a declared config, gathered in registries that also serve the catalogue endpoint.

A config is declared as a tuple of `Field`s. The same declaration checks the shape of a config
(types, required keys, choices, ranges) and renders its JSON Schema, so what the catalogue
promises is exactly what validation accepts. Checks that need the database (does this status
belong to the board?) live in each entry's `clean()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

if TYPE_CHECKING:
    from automations.catalogue.validation import ValidationContext
    from automations.engine.context import RunContext
    from automations.engine.events import Batch, Event
    from boards.models import Item

_KINDS = {
    "string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list,
    "object": dict,
}


class ConfigError(Exception):
    """A config that cannot be accepted: {field: [messages]} of one entry's config."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__(next(iter(fields.values()))[0] if fields else "Invalid config.")
        self.fields = fields

    @classmethod
    def on(cls, name: str, message: str) -> ConfigError:
        return cls({name: [message]})


@dataclass(frozen=True)
class Field:
    """One key of a config. `kind` is a JSON type, or "any" for a value whose type depends on
    another key (a column's value); None is accepted only when `nullable`."""

    name: str
    kind: str
    description: str = ""
    required: bool = False
    choices: tuple[Any, ...] | None = None
    items: str | None = None  # the JSON type of an array's elements
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    nullable: bool = False
    default: Any = None

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.kind != "any":
            out["type"] = [self.kind, "null"] if self.nullable else self.kind
        if self.description:
            out["description"] = self.description
        if self.choices is not None:
            out["enum"] = list(self.choices)
        if self.items:
            out["items"] = {"type": self.items}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        if self.max_length is not None:
            out["maxLength" if self.kind == "string" else "maxItems"] = self.max_length
        if self.default is not None:
            out["default"] = self.default
        return out

    def _is(self, value: Any, kind: str) -> bool:
        if kind == "any":
            return True
        if kind in {"integer", "number"} and isinstance(value, bool):
            return False
        return isinstance(value, _KINDS[kind])

    def check(self, value: Any) -> Any:
        """The value if it has the declared shape; raises ConfigError naming this field."""
        if value is None:
            if self.nullable or self.kind == "any":
                return None
            raise ConfigError.on(self.name, "Give a value." if self.required else "Not null.")
        if not self._is(value, self.kind):
            raise ConfigError.on(self.name, f"Expected {_article(self.kind)}.")
        if self.choices is not None and value not in self.choices:
            raise ConfigError.on(
                self.name, f"'{value}' is not one of {', '.join(map(str, self.choices))}."
            )
        if self.kind in {"integer", "number"}:
            if self.minimum is not None and value < self.minimum:
                raise ConfigError.on(self.name, f"At least {self.minimum}.")
            if self.maximum is not None and value > self.maximum:
                raise ConfigError.on(self.name, f"At most {self.maximum}.")
        if self.max_length is not None and isinstance(value, str | list) and (
            len(value) > self.max_length
        ):
            raise ConfigError.on(self.name, f"At most {self.max_length} "
                                 f"{'characters' if isinstance(value, str) else 'entries'}.")
        if self.kind == "string" and self.required and not value.strip():
            raise ConfigError.on(self.name, "Give a value.")
        if self.items and not all(self._is(v, self.items) for v in value):
            raise ConfigError.on(self.name, f"Each entry is {_article(self.items)}.")
        return value


def _article(kind: str) -> str:
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


class Entry:
    """What triggers, conditions and actions share: identity, declared config, validation."""

    id: ClassVar[str]
    label: ClassVar[str]
    description: ClassVar[str] = ""
    fields: ClassVar[tuple[Field, ...]] = ()
    # Keys of which at least one must be given (e.g. a status, or a category).
    one_of: ClassVar[tuple[str, ...]] = ()

    def config_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {f.name: f.schema() for f in self.fields},
            "required": [f.name for f in self.fields if f.required],
            "additionalProperties": False,
        }
        if self.one_of:
            schema["anyOf"] = [{"required": [name]} for name in self.one_of]
        return schema

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "description": self.description,
                "config_schema": self.config_schema()}

    def check_shape(self, config: Any) -> dict[str, Any]:
        if config is None:
            config = {}
        if not isinstance(config, dict):
            raise ConfigError.on("config", "The config is a JSON object.")
        known = {f.name: f for f in self.fields}
        errors: dict[str, list[str]] = {}
        for key in sorted(set(config) - set(known)):
            errors[key] = [f"Unknown setting; {self.id} takes "
                           f"{', '.join(known) or 'no settings'}."]
        out: dict[str, Any] = {}
        for name, spec in known.items():
            if name not in config:
                if spec.required:
                    errors[name] = ["Required."]
                continue
            try:
                out[name] = spec.check(config[name])
            except ConfigError as exc:
                errors.update(exc.fields)
        if self.one_of and not errors and all(out.get(k) in (None, "") for k in self.one_of):
            errors[self.one_of[0]] = [f"Give one of {', '.join(self.one_of)}."]
        if errors:
            raise ConfigError(errors)
        return out

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        """Checks against the workspace; the config to store."""
        return config

    def validate(self, config: Any, vctx: ValidationContext) -> dict[str, Any]:
        return self.clean(self.check_shape(config), vctx)


@dataclass
class Match:
    """A trigger fired for `item_id` (None for triggers about no item). `values` feed the
    {trigger.*} placeholders; `key` makes the run's event key when one event fires for several
    items (a predecessor done fires for each successor); `event_key` replaces the event key
    altogether, for triggers that fire once per state rather than once per event."""

    item_id: int | None
    values: dict[str, Any] = field(default_factory=dict)
    key: str | None = None
    event_key: str | None = None

    def run_key(self, activity_id: int) -> str:
        if self.event_key:
            return self.event_key
        return f"activity:{activity_id}" + (f":{self.key}" if self.key else "")


class Trigger(Entry):
    # Activity verbs this trigger looks at; empty for the clock-driven ones.
    verbs: ClassVar[frozenset[str]] = frozenset()
    timed: ClassVar[bool] = False
    # Whether runs have an item to act on (a period trigger has none).
    has_item: ClassVar[bool] = True

    def match(self, config: dict[str, Any], event: Event, batch: Batch) -> list[Match]:
        raise NotImplementedError


class Condition(Entry):
    def test(self, config: dict[str, Any], item: Item, batch: Batch) -> bool:
        raise NotImplementedError


class Action(Entry):
    needs_item: ClassVar[bool] = True
    # False for actions described in the catalogue that cannot be used yet.
    available: ClassVar[bool] = True

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "needs_item": self.needs_item,
                "available": self.available}

    def execute(self, config: dict[str, Any], run: RunContext) -> dict[str, Any]:
        """Do it through the services, inside the run's transaction; what was done."""
        raise NotImplementedError

    def preview(self, config: dict[str, Any], run: RunContext) -> str:
        """What it would do, in words, without writing anything."""
        raise NotImplementedError


E = TypeVar("E", bound=Entry)


class Registry(Generic[E]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, E] = {}

    def register(self, cls: type[E]) -> type[E]:
        if cls.id in self._entries:
            raise ValueError(f"{self.kind} {cls.id} is registered twice")
        self._entries[cls.id] = cls()
        return cls

    def get(self, entry_id: str) -> E | None:
        return self._entries.get(entry_id)

    def __iter__(self) -> Iterator[E]:
        return iter(self._entries.values())

    def ids(self) -> list[str]:
        return list(self._entries)


TRIGGERS: Registry[Trigger] = Registry("trigger")
CONDITIONS: Registry[Condition] = Registry("condition")
ACTIONS: Registry[Action] = Registry("action")
