"""Writes of projects: create (with its board and default gate checklists), update and delete,
each one transaction that records Activity. Members and above create; the project's manager and
workspace admins edit.

The phase is not an editable field: it moves only through `project_advance`
(`projects.services.lifecycle`), which checks the gates. A project may be created in any phase
but `closed`, for work that is already under way when it is first recorded.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db import transaction

from boards.services import board_create
from projects.models import Health, Phase, Project, ScheduleMode
from projects.services.access import require_project_edit, require_project_open
from projects.services.gates import gates_create_defaults
from workos.activity.services import activity_record, collaboration_purge
from workos.errors import PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership, Role, Team, role_at_least

EDITABLE = ("name", "outcome", "manager", "team", "start_date", "end_date", "health", "budget",
            "schedule_mode", "closeout_summary")
CREATE_ONLY = ("phase", "is_template")
SUMMARY_MAX = 20_000

__all__ = ["EDITABLE", "clean_fields", "field_json", "project_create", "project_delete",
           "project_update", "require_project_edit"]


def field_json(value: Any) -> Any:
    if isinstance(value, Membership | Team):
        return value.pk
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def clean_fields(fields: dict[str, Any], actor: Membership) -> dict[str, Any]:
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name:
            raise ValidationFailed("A project needs a name.", fields={"name": ["Required."]})
        fields["name"] = name[:200]
    if fields.get("phase") is not None:
        if fields["phase"] not in Phase.values:
            raise ValidationFailed("Unknown phase.", fields={"phase": ["Not a phase."]})
        if fields["phase"] == Phase.CLOSED:
            raise ValidationFailed(
                "A project is closed by advancing it from closing, which writes its close-out "
                "report; create it in another phase.", fields={"phase": ["Not at creation."]})
    if fields.get("health") is not None and fields["health"] not in Health.values:
        raise ValidationFailed("Unknown health.", fields={"health": ["Not a health."]})
    if "schedule_mode" in fields and fields["schedule_mode"] not in ScheduleMode.values:
        raise ValidationFailed("Unknown schedule mode; use strict, flexible or none.",
                               fields={"schedule_mode": ["Not a mode."]})
    for key in ("manager", "team"):
        value = fields.get(key)
        if value is not None and value.workspace_id != actor.workspace_id:
            raise ValidationFailed(f"The {key} must belong to this workspace.",
                                   fields={key: ["Not of this workspace."]})
    budget = fields.get("budget")
    if budget is not None and budget < 0:
        raise ValidationFailed("A budget can't be negative.", fields={"budget": ["Negative."]})
    if "closeout_summary" in fields:
        summary = (fields["closeout_summary"] or "").strip()
        if len(summary) > SUMMARY_MAX:
            raise ValidationFailed(f"Keep the close-out summary under {SUMMARY_MAX} characters.",
                                   fields={"closeout_summary": ["Too long."]})
        fields["closeout_summary"] = summary
    return fields


def check_dates(project: Project) -> None:
    if project.start_date and project.end_date and project.end_date < project.start_date:
        raise ValidationFailed("The end date is before the start date.",
                               fields={"end_date": ["Before the start date."]})


def require_may_create(actor: Membership) -> None:
    if not role_at_least(actor.role, Role.MEMBER):
        raise PermissionDenied(f"Creating a project needs the member role; you are {actor.role}.")


def check_known(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    if "phase" in fields and "phase" not in allowed:
        raise ValidationFailed(
            "The phase changes only by advancing the project (POST .../advance/), which "
            "checks its gate checklist.", fields={"phase": ["Use the advance endpoint."]})
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {sorted(unknown)}.")


@transaction.atomic
def project_create(*, actor: Membership, name: str, **fields: Any) -> Project:
    require_may_create(actor)
    check_known(fields, EDITABLE + CREATE_ONLY)
    data = clean_fields({"name": name, **fields}, actor)
    is_template = bool(data.pop("is_template", False))
    board = board_create(actor=actor, name=data["name"], is_template=is_template)
    project = Project(workspace=actor.workspace, board=board, is_template=is_template, **data)
    if "manager" not in fields:
        project.manager = actor
    check_dates(project)
    project.save()
    gates_create_defaults(project)
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="project.created", target=project,
        changes={k: [None, field_json(getattr(project, k))]
                 for k in (*EDITABLE, *CREATE_ONLY)},
    )
    return project


@transaction.atomic
def project_update(*, actor: Membership, project: Project, **fields: Any) -> Project:
    """Changing the budget withdraws its approval: the planning gate asks for it again."""
    require_project_edit(project=project, actor=actor, doing="Changing a project")
    check_known(fields, EDITABLE)
    project = Project.objects.select_for_update().get(pk=project.pk)
    require_project_open(project)
    data = clean_fields(dict(fields), actor)
    changes: dict[str, list[Any]] = {}
    for key, value in data.items():
        old = getattr(project, key)
        if old != value:
            changes[key] = [field_json(old), field_json(value)]
            setattr(project, key, value)
    check_dates(project)
    if "budget" in changes and project.budget_approved_at is not None:
        changes["budget_approved_at"] = [field_json(project.budget_approved_at), None]
        project.budget_approved_at = project.budget_approved_by = None
    if changes:
        project.save()
        activity_record(workspace=actor.workspace, actor=actor.user, verb="project.updated",
                        target=project, changes=changes)
    return project


@transaction.atomic
def project_delete(*, actor: Membership, project: Project) -> None:
    """A closed project's board is read-only; deleting the project would leave it frozen with
    no project to reopen, so a closed project is reopened before it is deleted."""
    require_project_edit(project=project, actor=actor, doing="Deleting a project")
    require_project_open(project)
    activity_record(workspace=actor.workspace, actor=actor.user, verb="project.deleted",
                    target=project, changes={"name": [project.name, None]})
    # Project notes and documents hang off the project by a generic key: no cascade reaches them.
    collaboration_purge(workspace=actor.workspace, model=Project, ids=[project.pk])
    project.delete()
