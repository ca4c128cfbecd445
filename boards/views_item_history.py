"""An item's history as a person reads it: who did what, and for every field changed its old
and new value by name (a status's name, not its id; a member's name; a column's title).
Presentation only; the rows are read by `boards.selectors.item_detail.item_history`."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from typing import Any

from boards.models import Column, Group, Priority, Status
from boards.selectors.item_detail import members_named
from workos.activity.models import Activity
from workos.tenancy.models import Workspace

VERBS = {
    "item.created": "created the item",
    "item.updated": "changed",
    "item.moved": "moved the item",
    "item.archived": "archived the item",
    "item.restored": "restored the item",
    "comment.added": "commented",
    "comment.edited": "edited a comment",
    "comment.deleted": "deleted a comment",
    "attachment.added": "attached",
    "attachment.deleted": "removed the attachment",
    "approval.requested": "asked for approval",
    "approval.step_decided": "decided an approval step",
    "approval.decided": "an approval was decided",
    "approval.cancelled": "cancelled an approval",
    "approval.escalated": "an approval was escalated",
    "intake.submitted": "submitted the request form",
}
FIELD_TITLES = {
    "name": "Name", "description": "Description", "status": "Status", "group": "Group",
    "assignees": "People", "start_date": "Start", "due_date": "Due", "priority": "Priority",
    "estimate_hours": "Estimate (h)", "is_milestone": "Milestone", "parent": "Parent item",
    "board": "Board", "external_id": "External id", "completed_at": "Completed",
    "archived_at": "Archived",
}
# Changes a person does not read as a change of the item.
QUIET_FIELDS = frozenset({"position"})
PRIORITIES = dict(Priority.choices)
TEXT_SHOWN = 80


@dataclass
class Change:
    title: str
    old: str
    new: str


@dataclass
class Entry:
    id: int
    actor: str
    verb: str
    when: dt.datetime
    detail: str = ""
    changes: list[Change] = field(default_factory=list)


@dataclass
class Names:
    """What ids in changes stand for, read once for a page of history."""

    statuses: dict[int, str]
    groups: dict[int, str]
    members: dict[int, str]
    columns: dict[str, Column]

    @classmethod
    def read(cls, *, workspace: Workspace, activities: list[Activity],
             columns: list[Column]) -> Names:
        status_ids, group_ids, member_ids = set(), set(), set()
        for row in activities:
            for key, pair in (row.changes or {}).items():
                values = [v for v in (pair or []) if v is not None]
                if key == "status":
                    status_ids.update(v for v in values if isinstance(v, int))
                elif key == "group":
                    group_ids.update(v for v in values if isinstance(v, int))
                elif key == "assignees":
                    member_ids.update(m for v in values if isinstance(v, list) for m in v
                                      if isinstance(m, int))
        return cls(
            statuses=dict(Status.objects.filter(id__in=status_ids).values_list("id", "name")),
            groups=dict(Group.objects.filter(id__in=group_ids).values_list("id", "name")),
            members=members_named(workspace=workspace, ids=member_ids),
            columns={c.key: c for c in columns},
        )


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= TEXT_SHOWN else text[:TEXT_SHOWN - 1] + "…"


def _date(value: Any) -> str:
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return _short(value)
    return f"{day.day} {day:%b %Y}"


def _option_label(column: Column, value: Any) -> str:
    options = {o.get("id"): o.get("label") for o in (column.settings or {}).get("options") or []}
    return str(options.get(value, value))


def _value(column: Column | None, value: Any, names: Names) -> str:
    """A custom column's value as text."""
    if value is None or value == [] or value == "":
        return "—"
    kind = column.type if column else ""
    if kind == "people" and isinstance(value, list):
        return ", ".join(names.members.get(m, f"#{m}") for m in value) or "—"
    if kind in {"status", "dropdown"}:
        chosen = value if isinstance(value, list) else [value]
        return ", ".join(_option_label(column, v) for v in chosen)  # type: ignore[arg-type]
    if kind == "checkbox":
        return "checked" if value else "not checked"
    if kind == "timeline" and isinstance(value, dict):
        return f"{_date(value.get('start'))} \N{EN DASH} {_date(value.get('end'))}"
    if kind == "link" and isinstance(value, dict):
        return _short(value.get("text") or value.get("url") or "")
    if kind == "date":
        return _date(value)
    if isinstance(value, list):
        return _short(", ".join(map(str, value)))
    return _short(value)


def _core(key: str, value: Any, names: Names) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if key == "status":
        return names.statuses.get(value, "a removed status")
    if key == "group":
        return names.groups.get(value, "a removed group")
    if key == "assignees":
        return ", ".join(names.members.get(m, f"#{m}") for m in value) or "—"
    if key in {"start_date", "due_date", "completed_at", "archived_at"}:
        return _date(value)
    if key == "priority":
        return PRIORITIES.get(value, str(value))
    if key == "is_milestone":
        return "yes" if value else "no"
    if key == "parent":
        return f"item #{value}"
    if key == "description":
        # Stored after an HTML clean-up that escapes < > &; shown as written.
        return _short(html.unescape(str(value)))
    return _short(value)


def _changes(row: Activity, names: Names) -> list[Change]:
    out = []
    for key, pair in (row.changes or {}).items():
        if key in QUIET_FIELDS or not isinstance(pair, list) or len(pair) != 2:
            continue
        old, new = pair
        if key == "values":
            old, new = old or {}, new or {}
            for column_key in sorted(set(old) | set(new)):
                if old.get(column_key) == new.get(column_key):
                    continue
                column = names.columns.get(column_key)
                out.append(Change(title=column.title if column else column_key,
                                  old=_value(column, old.get(column_key), names),
                                  new=_value(column, new.get(column_key), names)))
            continue
        out.append(Change(title=FIELD_TITLES.get(key, key.replace("_", " ").capitalize()),
                          old=_core(key, old, names), new=_core(key, new, names)))
    return out


def history_entries(*, workspace: Workspace, activities: list[Activity],
                    columns: list[Column]) -> list[Entry]:
    names = Names.read(workspace=workspace, activities=activities, columns=columns)
    entries = []
    for row in activities:
        verb = VERBS.get(row.verb, row.verb.replace(".", " ").replace("_", " "))
        detail = ""
        if row.verb.startswith("attachment."):
            detail = str((row.data or {}).get("name", ""))
        changes = [] if row.verb == "item.created" else _changes(row, names)
        entries.append(Entry(id=row.pk, actor=row.actor_label or "Someone", verb=verb,
                             when=row.created_at, detail=detail, changes=changes))
    return entries
