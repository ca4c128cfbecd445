"""Placeholders in the text a rule writes: {item.name}, {item.id}, {trigger.old}, {trigger.new},
{column.<key>} and the like, filled from the run's item and trigger. Unknown placeholders are
refused when the rule is saved, so a typo never reaches an item."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from automations.catalogue.base import ConfigError

ITEM_PLACEHOLDERS = (
    "item.id", "item.name", "item.url", "item.status", "item.group", "item.board",
    "item.priority", "item.due_date", "item.start_date", "item.assignees", "item.creator",
    "trigger.field", "trigger.old", "trigger.new",
)
ALWAYS = ("rule.name", "today")
_PATTERN = re.compile(r"\{([a-z_]+(?:\.[a-z0-9_]+)?)\}")
HELP = ("Text; placeholders: " + ", ".join("{" + p + "}" for p in (*ITEM_PLACEHOLDERS, *ALWAYS))
        + " and {column.<key>} for a column's value.")


def names_in(text: str) -> list[str]:
    return _PATTERN.findall(text or "")


def check_template(text: Any, name: str, *, has_item: bool) -> None:
    if not isinstance(text, str):
        return
    allowed = set(ALWAYS) | (set(ITEM_PLACEHOLDERS) if has_item else set())
    for found in names_in(text):
        if found in allowed or (has_item and found.startswith("column.")):
            continue
        if found in ITEM_PLACEHOLDERS or found.startswith("column."):
            raise ConfigError.on(name, f"{{{found}}} needs an item, and this trigger has none.")
        raise ConfigError.on(name, f"Unknown placeholder {{{found}}}; use "
                             + ", ".join("{" + p + "}" for p in sorted(allowed)) + ".")


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(text_of(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {text_of(v)}" for k, v in value.items())
    return str(value)


def render(text: str, lookup: Callable[[str], Any]) -> str:
    """The text with each known placeholder replaced by `lookup(name)` as text."""
    return _PATTERN.sub(lambda m: text_of(lookup(m.group(1))), text or "")
