"""What the board table page knows about its board and viewer, read once per request: the
viewer's rights, the columns shown, the people and statuses cells name, and the data the page's
script receives (as a JSON block, since the page allows no inline script)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from boards.models import Board, Column, Group, Priority, Status, StatusCategory, ViewKind
from boards.selectors import board_role, view_list
from boards.selectors.table_grouping import (
    CATEGORY_COLORS,
    PRIORITY_COLORS,
    Grouping,
    grouping_for,
)
from boards.selectors.table_page import TablePage
from boards.selectors.view_config import COLUMN_KINDS, CORE_FILTERS, KIND_OPS, MULTI
from boards.views_table_cells import CellContext, TableColumn, table_columns
from workos.tenancy.models import Membership
from workos.tenancy.selectors import membership_list

WRITERS = frozenset({"contributor", "editor", "admin"})
STRUCTURE = frozenset({"editor", "admin"})
CORE_TITLES = {
    "name": "Name", "status": "Status", "status_category": "Status category", "group": "Group",
    "priority": "Priority", "assignee": "People", "due_date": "Due date",
    "start_date": "Start date", "estimate_hours": "Estimate (h)", "is_milestone": "Milestone",
    "created_at": "Created", "updated_at": "Updated", "completed_at": "Completed",
}
# Column types the table offers when a column is added (relations, mirrors and rollups need
# settings naming other columns or boards; they are added through the API).
ADDABLE_TYPES = ("text", "long_text", "number", "money", "date", "timeline", "people", "status",
                 "dropdown", "tags", "checkbox", "rating", "link", "email", "phone", "formula")


@dataclass
class TableSetup:
    board: Board
    membership: Membership
    role: str | None
    can_edit: bool
    can_structure: bool
    columns: list[Column]
    statuses: list[Status]
    shown: list[TableColumn]
    hidden: list[TableColumn]
    members: list[tuple[int, str]]
    grouping: Grouping
    cells: CellContext

    @classmethod
    def read(cls, *, board: Board, membership: Membership, columns: list[Column],
             config: dict[str, Any], statuses: list[Status] | None = None) -> TableSetup:
        role = board_role(board, membership)
        writable = not board.read_only and board.archived_at is None
        if statuses is None:
            statuses = list(Status.objects.filter(board=board).order_by("position", "id"))
        members = [(m.pk, m.display_name)
                   for m in membership_list(workspace=board.workspace)]
        shown, hidden = table_columns(columns, config)
        today = _today(board.workspace.timezone)
        can_edit = writable and role in WRITERS
        cells = CellContext(statuses={s.pk: s for s in statuses}, members=dict(members),
                            workspace=board.workspace.slug,
                            currency=board.workspace.currency, today=today, can_edit=can_edit,
                            me=membership.pk, contributor=role == "contributor")
        return cls(board=board, membership=membership, role=role, can_edit=can_edit,
                   can_structure=writable and role in STRUCTURE, columns=columns,
                   statuses=statuses, shown=shown, hidden=hidden, members=members,
                   grouping=grouping_for(config, columns), cells=cells)

    @property
    def colspan(self) -> int:
        """Cells in a row: the selection box, the name, the shown columns, the add column."""
        return len(self.shown) + 2 + (1 if self.can_structure else 0)

    def battery(self, pairs: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
        """A section's status mix, in the board's status order, as parts of a bar."""
        by_status = {p["status"]: p["count"] for p in pairs}
        parts = []
        for status in self.statuses:
            if by_status.get(status.pk):
                parts.append({"label": status.name, "count": by_status[status.pk],
                              "color": status.color or CATEGORY_COLORS.get(status.category)})
        if by_status.get(None):
            parts.append({"label": "No status", "count": by_status[None], "color": "#e4e7ec"})
        for part in parts:
            part["percent"] = round(100 * part["count"] / count) if count else 0
        return parts


def _today(zone_name: str) -> dt.date:
    """Today in the workspace's time zone (overdue dates are the workspace's)."""
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return timezone.localdate(timezone=zone)


def view_choices(board: Board, membership: Membership) -> list[dict[str, Any]]:
    views = view_list(workspace=board.workspace, membership=membership, board=board.pk)
    return [{"id": v.pk, "name": v.name, "shared": v.is_shared}
            for v in views.filter(kind=ViewKind.TABLE)]


def _options(column: Column, members: list[tuple[int, str]]) -> list[dict[str, Any]]:
    settings = column.settings or {}
    if column.type in {"status", "dropdown"}:
        return [{"value": o["id"], "label": o["label"]} for o in settings.get("options") or []]
    if column.type == "tags":
        return [{"value": o["label"], "label": o["label"]} for o in settings.get("options") or []]
    if column.type == "people":
        return [{"value": "me", "label": "Me"}, *({"value": i, "label": n} for i, n in members)]
    return []


def filter_fields(setup: TableSetup, groups: list[Group]) -> list[dict[str, Any]]:
    """Fields the filter and sort controls offer, each with its kind (which decides the
    operators) and, for choices, the options."""
    core_options: dict[str, list[dict[str, Any]]] = {
        "status": [{"value": s.pk, "label": s.name} for s in setup.statuses],
        "status_category": [{"value": c, "label": label}
                             for c, label in StatusCategory.choices],
        "group": [{"value": g.pk, "label": g.name} for g in groups],
        "priority": [{"value": p, "label": label} for p, label in Priority.choices],
        "assignee": [{"value": "me", "label": "Me"},
                     *({"value": i, "label": n} for i, n in setup.members)],
    }
    fields = [{"name": name, "title": CORE_TITLES[name], "kind": kind,
               "options": core_options.get(name, [])} for name, kind in CORE_FILTERS.items()
              if name != "parent"]
    for column in setup.columns:
        kind = COLUMN_KINDS.get(column.type)
        if kind is None or column.type == "relation":
            continue
        if column.type == "dropdown" and (column.settings or {}).get("multiple"):
            kind = MULTI
        fields.append({"name": f"values.{column.key}", "title": column.title, "kind": kind,
                       "options": _options(column, setup.members)})
    return fields


def _group_choices(setup: TableSetup) -> list[dict[str, str]]:
    choices = [{"value": "group", "label": "Group"}, {"value": "status", "label": "Status"},
               {"value": "priority", "label": "Priority"},
               {"value": "status_category", "label": "Status category"}]
    for column in setup.columns:
        settings = column.settings or {}
        if column.type == "status" or (column.type == "dropdown"
                                       and not settings.get("multiple")):
            choices.append({"value": f"values.{column.key}", "label": column.title})
    return choices


def _column_data(col: TableColumn, shown: bool) -> dict[str, Any]:
    column = col.column
    return {"name": col.name, "title": col.title, "type": col.type, "core": col.core,
            "shown": shown, "editable": col.editable,
            "id": column.pk if column else None, "key": column.key if column else None,
            "settings": (column.settings or {}) if column else {},
            "width": column.width if column else None}


def table_script_data(request: HttpRequest, *, board: Board, page: TablePage,
                      setup: TableSetup, query: str) -> dict[str, Any]:
    ws = board.workspace.slug
    view = page.view
    may_manage = view is not None and (
        (view.is_shared and setup.role in STRUCTURE)
        or (not view.is_shared and view.created_by_id == setup.membership.pk))
    return {
        "board": board.pk, "workspace": ws, "me": setup.membership.pk, "role": setup.role,
        "canEdit": setup.can_edit, "canStructure": setup.can_structure,
        "statuses": [{"id": s.pk, "name": s.name, "category": s.category,
                      "color": s.color or CATEGORY_COLORS.get(s.category, "")}
                     for s in setup.statuses],
        "groups": [{"id": g.pk, "name": g.name} for g in page.groups],
        "members": [{"id": i, "name": n} for i, n in setup.members],
        "priorities": [{"value": p, "label": label, "color": PRIORITY_COLORS[p]}
                       for p, label in Priority.choices],
        "columns": [*(_column_data(c, True) for c in setup.shown),
                    *(_column_data(c, False) for c in setup.hidden)],
        "addableTypes": list(ADDABLE_TYPES),
        "fields": filter_fields(setup, page.groups),
        "ops": {kind: sorted(ops) for kind, ops in KIND_OPS.items()},
        "groupChoices": _group_choices(setup),
        "grouping": page.grouping.field,
        "config": page.config,
        "view": {"id": view.pk, "name": view.name, "shared": view.is_shared,
                 "config": view.config or {}, "canManage": may_manage} if view else None,
        "query": query,
        "since": timezone.now().isoformat(),
        "urls": {
            "page": reverse("board-table-page", kwargs={"ws": ws, "id": board.pk}),
            "rows": reverse("board-table-rows", kwargs={"ws": ws, "id": board.pk}),
            "changes": reverse("board-table-changes", kwargs={"ws": ws, "id": board.pk}),
            "item": f"/w/{ws}/items/",
        },
    }
