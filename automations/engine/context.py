"""What an action sees while it runs: the rule, its event and item, the automation actor acting
for it, the trigger's values for placeholders, and the workspace's today and calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse

from automations.catalogue.dates import workspace_calendar, workspace_today
from automations.catalogue.placeholders import render
from automations.models import Rule, RuleRun
from boards.models import Column, Item
from projects.scheduling import WorkCalendar
from workos.activity.models import Activity
from workos.tenancy.models import Membership, Workspace


def item_url(item: Item, workspace: Workspace) -> str:
    return reverse("item-detail", kwargs={"ws": workspace.slug, "id": item.pk})


@dataclass
class RunContext:
    workspace: Workspace
    rule: Rule
    actor: Membership
    item: Item | None
    event: Activity | None
    run: RuleRun | None
    trigger: dict[str, Any] = field(default_factory=dict)
    # A simulation describes actions and writes nothing.
    simulate: bool = False
    # Items created by earlier actions of this run, for actions that refer to "the new item".
    created: list[Item] = field(default_factory=list)
    # Look-ups previews share across the runs of one simulation (and a simulated round-robin).
    shared: dict[str, Any] = field(default_factory=dict)
    _today: dt.date | None = None
    _calendar: WorkCalendar | None = None
    _columns: dict[int, dict[str, Column]] = field(default_factory=dict)

    @property
    def actor_label(self) -> str:
        return f"Automation: {self.rule.name}"[:200]

    @property
    def today(self) -> dt.date:
        if self._today is None:
            self._today = workspace_today(self.workspace)
        return self._today

    @property
    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            self._calendar = workspace_calendar(self.workspace)
        return self._calendar

    def columns(self, board_id: int) -> dict[str, Column]:
        if board_id not in self._columns:
            self._columns[board_id] = {c.key: c for c in Column.objects.filter(board_id=board_id)}
        return self._columns[board_id]

    def memo(self, key: str, compute: Any) -> Any:
        if key not in self.shared:
            self.shared[key] = compute()
        return self.shared[key]

    def require_item(self) -> Item:
        if self.item is None:
            raise LookupError("This action needs an item and the run has none.")
        return self.item

    def placeholder(self, name: str) -> Any:
        item = self.item
        if name == "rule.name":
            return self.rule.name
        if name == "today":
            return self.today.isoformat()
        if name.startswith("trigger."):
            return self.trigger.get(name.split(".", 1)[1])
        if item is None:
            return ""
        if name.startswith("column."):
            return (item.values or {}).get(name.split(".", 1)[1])
        key = name.split(".", 1)[1]
        if key == "url":
            return settings.SITE_URL.rstrip("/") + item_url(item, self.workspace)
        if key in {"status", "group", "board"}:
            related = getattr(item, key)
            return related.name if related is not None else ""
        if key == "assignees":
            return [m.display_name for m in item.assignees.all()]
        if key == "creator":
            return item.created_by.display_name if item.created_by_id else ""
        value = getattr(item, key if key != "id" else "pk", "")
        return value.isoformat() if isinstance(value, dt.date) else value

    def render(self, template: str) -> str:
        return render(template, self.placeholder)
