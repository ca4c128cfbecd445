"""Project templates: a project with `is_template` whose board is a template board. Creating
from one copies its board (structure, and its tasks with their dependencies when it has any)
and its gate checklists; saving a project as a template copies it the other way.

Dates of copied tasks move with the new project: when a start date is given, every task date
shifts by the working days between the template's start (its start date, else its earliest
task date) and the new start, so tasks keep their working-day spacing and land on working days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from boards.models import Item, Status, StatusCategory
from boards.services import board_duplicate
from projects.models import Phase, Project
from projects.schedule import project_calendar
from projects.scheduling import WorkCalendar
from projects.services.gates import gates_copy
from projects.services.projects import (
    EDITABLE,
    check_dates,
    check_known,
    clean_fields,
    field_json,
    require_may_create,
)
from workos.activity.services import activity_record
from workos.errors import ValidationFailed
from workos.tenancy.models import Membership

# What a new project takes from its template unless the request says otherwise.
INHERITED = ("outcome", "team", "schedule_mode")
OPEN_CATEGORIES = (StatusCategory.BACKLOG, StatusCategory.TODO)


def _anchor(template: Project) -> dt.date | None:
    if template.start_date:
        return template.start_date
    dates = [d for pair in Item.objects.filter(board_id=template.board_id,
                                               archived_at__isnull=True)
             .values_list("start_date", "due_date") for d in pair if d]
    return min(dates) if dates else None


def _shift_tasks(project: Project, calendar: WorkCalendar, offset: int) -> None:
    rows = list(Item.objects.filter(board_id=project.board_id).only("id", "start_date",
                                                                      "due_date"))
    for row in rows:
        if row.start_date:
            row.start_date = calendar.add_working_days(row.start_date, offset)
        if row.due_date:
            row.due_date = calendar.add_working_days(row.due_date, offset)
    Item.objects.bulk_update(rows, ["start_date", "due_date"], batch_size=500)


@transaction.atomic
def project_create_from_template(
    *, actor: Membership, template: Project, name: str, **fields: Any
) -> Project:
    require_may_create(actor)
    if not template.is_template:
        raise ValidationFailed(f"'{template.name}' is not a template.",
                               fields={"template": ["Not a template project."]})
    check_known(fields, (*EDITABLE, "phase"))
    data = clean_fields({"name": name, **fields}, actor)
    with_items = Item.objects.filter(board_id=template.board_id,
                                     archived_at__isnull=True).exists()
    board = board_duplicate(actor=actor, board=template.board, name=data["name"],
                            with_items=with_items, is_template=False)
    project = Project(workspace=actor.workspace, board=board, **data)
    for key in INHERITED:
        if key not in fields:
            setattr(project, key, getattr(template, key))
    if "manager" not in fields:
        project.manager = actor
    offset = 0
    anchor = _anchor(template)
    if project.start_date and anchor:
        calendar = project_calendar(project)
        offset = calendar.working_day_offset(anchor, project.start_date)
        if "end_date" not in fields and template.end_date:
            project.end_date = calendar.add_working_days(template.end_date, offset)
        if offset:
            _shift_tasks(project, calendar, offset)
    check_dates(project)
    project.save()
    gates_copy(source=template, target=project)
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="project.created", target=project,
        changes={k: [None, field_json(getattr(project, k))] for k in (*EDITABLE, "phase")},
        data={"template": template.pk, "shifted_working_days": offset},
    )
    return project


@transaction.atomic
def project_save_as_template(
    *, actor: Membership, project: Project, name: str | None = None
) -> Project:
    """A new template from a project: its board with its tasks, every task back to the board's
    first to-do status, and its gate checklists unticked. The project itself is unchanged."""
    require_may_create(actor)
    name = (name or "").strip() or f"{project.name} (template)"
    board = board_duplicate(actor=actor, board=project.board, name=name[:200], with_items=True,
                            is_template=True)
    todo = (Status.objects.filter(board=board, category=StatusCategory.TODO)
            .order_by("position", "id").first())
    Item.objects.filter(board=board).exclude(status__category__in=OPEN_CATEGORIES).update(
        status=todo)
    Item.objects.filter(board=board).update(completed_at=None)
    template = Project.objects.create(
        workspace=actor.workspace, board=board, name=board.name, outcome=project.outcome,
        manager=actor, team=project.team, start_date=project.start_date,
        end_date=project.end_date, schedule_mode=project.schedule_mode, is_template=True,
        phase=Phase.INITIATION,
    )
    gates_copy(source=project, target=template)
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="project.created", target=template,
        changes={"name": [None, template.name], "is_template": [None, True]},
        data={"saved_from": project.pk},
    )
    return template
