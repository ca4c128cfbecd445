"""The rule catalogue: every trigger, condition and action, each a small class with a stable id,
a label and a declared config (see `base`). Importing this package fills the registries."""

from __future__ import annotations

from typing import Any

from automations.catalogue import (  # noqa: F401 - each module registers its entries
    actions_external,
    actions_fields,
    actions_items,
    actions_people,
    conditions,
    triggers,
    triggers_timed,
)
from automations.catalogue.base import (
    ACTIONS,
    CONDITIONS,
    TRIGGERS,
    Action,
    Condition,
    ConfigError,
    Match,
    Trigger,
)
from automations.catalogue.conditions import (
    GROUP_KEYS,
    MAX_DEPTH,
    MAX_LEAVES,
    TreeError,
    conditions_clean,
    conditions_hold,
)
from automations.catalogue.validation import ValidationContext

__all__ = [
    "ACTIONS", "CONDITIONS", "TRIGGERS", "Action", "Condition", "ConfigError", "Match",
    "TreeError", "Trigger", "ValidationContext", "catalogue_describe", "conditions_clean",
    "conditions_hold", "listened_verbs",
]


def listened_verbs() -> frozenset[str]:
    """Every activity verb some trigger looks at; other events cost the engine nothing."""
    return frozenset(verb for trigger in TRIGGERS for verb in trigger.verbs)


def catalogue_describe() -> dict[str, Any]:
    return {
        "triggers": [
            {**t.describe(), "timed": t.timed, "has_item": t.has_item} for t in TRIGGERS
        ],
        "conditions": [c.describe() for c in CONDITIONS],
        "condition_groups": {
            "description": (
                "conditions is {} (always), or a group {\"all\": [...]} (AND) or {\"any\": [...]}"
                " (OR) whose entries are groups or {\"type\": <condition id>, \"config\": {...}}"
                f"; groups nest up to {MAX_DEPTH} deep, with at most {MAX_LEAVES} conditions."
            ),
            "keys": list(GROUP_KEYS),
        },
        "actions": [a.describe() for a in ACTIONS],
    }
