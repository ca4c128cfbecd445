"""What one occurrence of a recurring schedule creates: one item from the schedule's
`item_template`, or a copy of a template board's items (with their sub-items), once per member
of the schedule's team when it has one.

Placeholders in names and descriptions: {date} (the occurrence's local date, 2026-03-02),
{week} (2026-W10), {month} (2026-03), {year}, {schedule} (its name) and {member} (the member a
set is for; empty without a team). Nothing else in braces is touched.

Dates are relative to the occurrence's local date: `due_in_days` / `start_in_days` in the item
template; on a template board, a template item's number value under the key `due_in_days` (or
`start_in_days`), else the item template's. A template item's group and status are matched on
the target board by name, else the item template's, else the board's defaults. Items are
assigned to the template item's assignees, else (with a team) to the member.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from automations.models import RecurringSchedule
from automations.services.actor import is_automation_user
from boards.models import Board, Column, Group, Item, Priority, Status
from boards.services.items import item_create
from boards.services.values import values_clean
from workos.errors import ValidationFailed
from workos.tenancy.models import Membership, Workspace

TEMPLATE_KEYS = ("name", "description", "group", "status", "due_in_days", "start_in_days",
                 "assignees", "priority", "values")
OFFSET_KEYS = ("due_in_days", "start_in_days")
MAX_OFFSET_DAYS = 3660
_PLACEHOLDER = re.compile(r"\{(date|week|month|year|schedule|member)\}")


def _bad(key: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"item_template": {key: [message]}})


def _offset(value: Any, key: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise _bad(key, f"{key} is a whole number of days.")
    if not 0 <= value <= MAX_OFFSET_DAYS:
        raise _bad(key, f"{key} is between 0 and {MAX_OFFSET_DAYS}.")
    return int(value)


def template_check(*, workspace: Workspace, board: Board, template: Any, needs_name: bool
                   ) -> dict[str, Any]:
    """The item template, checked against the board it creates items on."""
    template = template or {}
    if not isinstance(template, dict):
        raise ValidationFailed("item_template is a JSON object.",
                               fields={"item_template": ["Not an object."]})
    unknown = sorted(set(template) - set(TEMPLATE_KEYS))
    if unknown:
        raise ValidationFailed(
            f"item_template has unknown keys: {', '.join(unknown)}; use "
            f"{', '.join(TEMPLATE_KEYS)}.", fields={"item_template": {k: ["Unknown."]
                                                                      for k in unknown}})
    clean = dict(template)
    name = template.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > 500):
        raise _bad("name", "The name is text of at most 500 characters.")
    if needs_name and not (name or "").strip():
        raise _bad("name", "Give the item a name (placeholders like {date} allowed), or a "
                           "template_board to copy.")
    if template.get("description") is not None and not isinstance(template["description"], str):
        raise _bad("description", "The description is text.")
    for key in OFFSET_KEYS:
        clean[key] = _offset(template.get(key), key)
    if template.get("group") is not None and not Group.objects.filter(
            board=board, pk=template["group"]).exists():
        raise _bad("group", "Not a group of this board.")
    if template.get("status") is not None and not Status.objects.filter(
            board=board, pk=template["status"]).exists():
        raise _bad("status", "Not a status of this board.")
    if template.get("priority") is not None and template["priority"] not in Priority.values:
        raise _bad("priority", f"Use one of {', '.join(Priority.values)}.")
    assignees = template.get("assignees") or []
    if not isinstance(assignees, list) or not all(isinstance(a, int) for a in assignees):
        raise _bad("assignees", "assignees is a list of member ids.")
    if len(set(assignees)) != Membership.objects.filter(workspace=workspace,
                                                        pk__in=assignees).count():
        raise _bad("assignees", "Not all of these are members of this workspace.")
    if template.get("values"):
        columns = {c.key: c for c in Column.objects.filter(board=board)}
        values_clean(workspace=workspace, columns=columns, values=template["values"])
    return {key: value for key, value in clean.items() if value is not None}


def _fill(text: str, context: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: context[m.group(1)], text or "")


def _context(schedule: RecurringSchedule, day: dt.date, member: Membership | None
             ) -> dict[str, str]:
    year, week, _ = day.isocalendar()
    return {"date": day.isoformat(), "week": f"{year}-W{week:02d}", "month": f"{day:%Y-%m}",
            "year": str(day.year), "schedule": schedule.name,
            "member": member.display_name if member is not None else ""}


def _dates(fields: dict[str, Any], day: dt.date, offsets: dict[str, int | None]) -> None:
    if offsets.get("start_in_days") is not None:
        fields["start_date"] = day + dt.timedelta(days=offsets["start_in_days"])
    if offsets.get("due_in_days") is not None:
        fields["due_date"] = day + dt.timedelta(days=offsets["due_in_days"])
    if fields.get("start_date") and fields.get("due_date") and fields["start_date"] > fields[
            "due_date"]:
        fields["start_date"] = fields["due_date"]


def occurrence_items(*, schedule: RecurringSchedule, actor: Membership, occurs_at: dt.datetime,
                     local_date: dt.date) -> list[int]:
    """Create the occurrence's items as `actor`; returns their ids (sub-items included)."""
    if schedule.template_board_id is None:
        return [_from_item_template(schedule, actor, local_date).pk]
    members: list[Membership | None] = [None]
    if schedule.team_id is not None:
        members = [m for m in schedule.team.members.select_related("user").order_by("id")
                   if not is_automation_user(m.user.email)]
    copier = _TemplateCopier(schedule, actor, local_date)
    return [pk for member in members for pk in copier.copy_for(member)]


def _from_item_template(schedule: RecurringSchedule, actor: Membership, day: dt.date) -> Item:
    template = schedule.item_template
    context = _context(schedule, day, None)
    fields: dict[str, Any] = {"name": _fill(template.get("name", ""), context)}
    if template.get("description"):
        fields["description"] = _fill(template["description"], context)
    for key in ("group", "status", "priority", "assignees", "values"):
        if template.get(key) is not None:
            fields[key] = template[key]
    _dates(fields, day, template)
    return item_create(actor=actor, board=schedule.board, fields=fields)


class _TemplateCopier:
    """Reads the template board once per occurrence, then copies it for each member."""

    def __init__(self, schedule: RecurringSchedule, actor: Membership, day: dt.date) -> None:
        self.schedule, self.actor, self.day = schedule, actor, day
        source = schedule.template_board
        self.items = list(
            Item.objects.filter(board=source, archived_at__isnull=True)
            .select_related("group", "status").prefetch_related("assignees")
            .order_by("position", "id")
        )
        self.children: dict[int | None, list[Item]] = {}
        for item in self.items:
            self.children.setdefault(item.parent_id, []).append(item)
        target = schedule.board
        self.groups = {g.name: g.pk for g in Group.objects.filter(board=target)}
        self.statuses = {s.name: s.pk for s in Status.objects.filter(board=target)}
        source_types = {c.key: c.type for c in Column.objects.filter(board=source)}
        self.copied_keys = {
            c.key for c in Column.objects.filter(board=target)
            if source_types.get(c.key) == c.type and c.key not in OFFSET_KEYS
        }

    def copy_for(self, member: Membership | None) -> list[int]:
        created: list[int] = []
        self._copy(self.children.get(None, []), None, member, created)
        return created

    def _copy(self, items: list[Item], parent: Item | None, member: Membership | None,
              created: list[int]) -> None:
        for source in items:
            made = item_create(actor=self.actor, board=self.schedule.board,
                               fields=self._fields(source, parent, member))
            created.append(made.pk)
            self._copy(self.children.get(source.pk, []), made, member, created)

    def _fields(self, source: Item, parent: Item | None, member: Membership | None
                ) -> dict[str, Any]:
        template = self.schedule.item_template
        context = _context(self.schedule, self.day, member)
        fields: dict[str, Any] = {
            "name": _fill(source.name, context),
            "description": _fill(source.description, context),
            "priority": source.priority,
            "is_milestone": source.is_milestone,
            "estimate_hours": source.estimate_hours,
        }
        if parent is not None:
            fields["parent"] = parent.pk
            fields["group"] = parent.group_id
        elif source.group.name in self.groups:
            fields["group"] = self.groups[source.group.name]
        elif template.get("group") is not None:
            fields["group"] = template["group"]
        if source.status is not None and source.status.name in self.statuses:
            fields["status"] = self.statuses[source.status.name]
        elif template.get("status") is not None:
            fields["status"] = template["status"]
        assignees = [m.pk for m in source.assignees.all()]
        if assignees:
            fields["assignees"] = assignees
        elif member is not None:
            fields["assignees"] = [member.pk]
        values = {k: v for k, v in (source.values or {}).items() if k in self.copied_keys}
        if values:
            fields["values"] = values
        offsets = {key: _own_offset(source, key, template.get(key)) for key in OFFSET_KEYS}
        _dates(fields, self.day, offsets)
        return fields


def _own_offset(source: Item, key: str, default: int | None) -> int | None:
    value = (source.values or {}).get(key)
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= (
            MAX_OFFSET_DAYS):
        return int(value)
    return default
