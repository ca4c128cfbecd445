"""The item page's fields: every core field and custom column, each with the control that
edits it (the same kinds of control as the board table) and how it reads when it cannot be
edited. Presentation only; values come from the item in the API's shape (computed columns
filled in), and writes go through the items API from `static/js/item-page.js`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from boards.columns.types import COMPUTED_TYPES
from boards.models import Column, Priority, Status

# Shown, never edited here (as in the board table): worked out when read, or links to items
# on another board.
READ_ONLY_TYPES = COMPUTED_TYPES | {"relation"}
# Input types of the plain text-like columns.
TEXT_INPUTS = {"text": "text", "email": "email", "phone": "tel", "link": "url"}


@dataclass
class Option:
    value: Any
    label: str
    color: str = ""
    chosen: bool = False


@dataclass
class Field:
    name: str  # a core field, or "values.<key>"
    title: str
    kind: str  # the control: select, people, multi, tags, date, datetime, timeline, number,
    # input, long_text, checkbox, readonly
    raw: Any = None
    editable: bool = True
    options: list[Option] = field(default_factory=list)
    input_type: str = "text"
    number_type: str = ""  # "int": select values are ids
    links: list[int] = field(default_factory=list)  # related item ids (relation columns)
    start: str = ""
    end: str = ""

    @property
    def raw_json(self) -> str:
        return json.dumps(self.raw, default=str)

    @property
    def dom_id(self) -> str:
        return "f-" + self.name.replace(".", "-")

    @property
    def chosen_labels(self) -> str:
        return ", ".join(o.label for o in self.options if o.chosen)


def _choices(options: list[dict[str, Any]], chosen: set[Any]) -> list[Option]:
    return [Option(value=o["id"], label=o["label"], color=o.get("color", ""),
                   chosen=o["id"] in chosen) for o in options]


def _people(members: list[tuple[int, str]], chosen: list[Any]) -> list[Option]:
    picked = set(chosen or [])
    return [Option(value=pk, label=name, chosen=pk in picked) for pk, name in members]


def _core_fields(row: dict[str, Any], statuses: list[Status],
                 members: list[tuple[int, str]]) -> list[Field]:
    status = row["status"]
    return [
        Field("status", "Status", "select", status, number_type="int", options=[
            Option(value=s.pk, label=s.name, color=s.color, chosen=s.pk == status)
            for s in statuses]),
        Field("assignees", "People", "people", row["assignees"],
              options=_people(members, row["assignees"]), number_type="int"),
        Field("start_date", "Start", "date", row["start_date"]),
        Field("due_date", "Due", "date", row["due_date"]),
        Field("priority", "Priority", "select", row["priority"], options=[
            Option(value=value, label=label, chosen=value == row["priority"])
            for value, label in Priority.choices]),
        Field("estimate_hours", "Estimate (h)", "number", row["estimate_hours"]),
        Field("is_milestone", "Milestone", "checkbox", bool(row["is_milestone"])),
    ]


def _computed_text(kind: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if kind == "time_tracked":
        return f"{float(value):g} h"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _custom_field(column: Column, value: Any, members: list[tuple[int, str]]) -> Field:
    settings = column.settings or {}
    name, kind = f"values.{column.key}", column.type
    base = Field(name=name, title=column.title, kind="input", raw=value)
    if kind in READ_ONLY_TYPES:
        base.kind, base.editable = "readonly", False
        if kind == "relation":
            base.links = [v for v in value or [] if isinstance(v, int)]
        else:
            base.start = _computed_text(kind, value)
    elif kind == "status" or (kind == "dropdown" and not settings.get("multiple")):
        base.kind = "select"
        base.options = _choices(settings.get("options") or [], {value})
    elif kind == "dropdown":
        base.kind = "multi"
        base.options = _choices(settings.get("options") or [], set(value or []))
    elif kind == "tags":
        base.kind = "tags"
        base.options = [Option(value=o["label"], label=o["label"], color=o.get("color", ""))
                        for o in settings.get("options") or []]
        base.start = ", ".join(map(str, value or []))
    elif kind == "people":
        base.kind, base.number_type = "people", "int"
        base.options = _people(members, value or [])
    elif kind == "date":
        base.kind = "datetime" if settings.get("include_time") else "date"
        base.start = str(value or "")[:16 if settings.get("include_time") else 10]
    elif kind == "timeline":
        base.kind = "timeline"
        span = value if isinstance(value, dict) else {}
        base.start, base.end = str(span.get("start") or ""), str(span.get("end") or "")
    elif kind in {"number", "money"}:
        base.kind = "number"
    elif kind == "rating":
        base.kind, base.number_type = "select", "int"
        highest = int(settings.get("max", 5))
        base.options = [Option(value=n, label="★" * n, chosen=value == n)
                        for n in range(1, highest + 1)]
    elif kind == "checkbox":
        base.kind, base.raw = "checkbox", bool(value)
    elif kind == "long_text":
        base.kind = "long_text"
    else:
        base.input_type = TEXT_INPUTS.get(kind, "text")
        base.start = (value or {}).get("url", "") if kind == "link" and isinstance(
            value, dict) else str(value if value is not None else "")
    return base


def item_fields(*, row: dict[str, Any], statuses: list[Status], columns: list[Column],
                members: list[tuple[int, str]], can_edit: bool) -> list[Field]:
    """The item's fields in the board's order: core fields, then custom columns."""
    fields = _core_fields(row, statuses, members)
    values = row.get("values") or {}
    fields += [_custom_field(c, values.get(c.key), members) for c in columns]
    if not can_edit:
        for f in fields:
            f.editable = False
    for f in fields:
        if f.kind == "date":
            f.start = str(f.raw or "")[:10]
        elif f.kind == "number":
            f.start = "" if f.raw is None else str(f.raw)
    return fields
