"""Hooks run inside an item write's transaction, registered by apps above boards (a project
reschedules the successors of a task whose dates changed) so that boards never imports them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from boards.models import Item
from workos.activity.models import Activity
from workos.tenancy.models import Membership

# (actor, item after the change, {field: [old, new]}, the change's Activity)
ItemChanged = Callable[[Membership, Item, dict[str, Any], Activity], None]

_item_changed: dict[str, ItemChanged] = {}


def item_changed_register(name: str, hook: ItemChanged) -> None:
    """Run `hook` after every single-item update, in its transaction; a hook that raises a
    DomainError refuses the whole change."""
    _item_changed[name] = hook


def item_changed_run(actor: Membership, item: Item, changes: dict[str, Any],
                     activity: Activity) -> None:
    for hook in _item_changed.values():
        hook(actor, item, changes, activity)
