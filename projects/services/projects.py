"""Writes of projects: create (with its board), update and delete, each one transaction that
records Activity. Members and above create; the project's manager and workspace admins edit."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db import transaction

from boards.services import board_create
from projects.models import Health, Phase, Project
from workos.activity.services import activity_record
from workos.errors import PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership, Role, role_at_least

EDITABLE = ("name", "outcome", "manager", "start_date", "end_date", "phase", "health", "budget")


def _json(value: Any) -> Any:
    if isinstance(value, Membership):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _clean(fields: dict[str, Any], actor: Membership) -> dict[str, Any]:
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name:
            raise ValidationFailed("A project needs a name.", fields={"name": ["Required."]})
        fields["name"] = name[:200]
    if fields.get("phase") is not None and fields["phase"] not in Phase.values:
        raise ValidationFailed("Unknown phase.", fields={"phase": ["Not a phase."]})
    if fields.get("health") is not None and fields["health"] not in Health.values:
        raise ValidationFailed("Unknown health.", fields={"health": ["Not a health."]})
    manager = fields.get("manager")
    if manager is not None and manager.workspace_id != actor.workspace_id:
        raise ValidationFailed("The manager must be a member of this workspace.",
                               fields={"manager": ["Not a member of this workspace."]})
    budget = fields.get("budget")
    if budget is not None and budget < 0:
        raise ValidationFailed("A budget can't be negative.", fields={"budget": ["Negative."]})
    return fields


def _check_dates(project: Project) -> None:
    if project.start_date and project.end_date and project.end_date < project.start_date:
        raise ValidationFailed("The end date is before the start date.",
                               fields={"end_date": ["Before the start date."]})


def require_project_edit(*, project: Project, actor: Membership, doing: str) -> None:
    if role_at_least(actor.role, Role.ADMIN) or project.manager_id == actor.pk:
        return
    raise PermissionDenied(f"{doing} needs the project's manager or a workspace admin.")


@transaction.atomic
def project_create(*, actor: Membership, name: str, **fields: Any) -> Project:
    if not role_at_least(actor.role, Role.MEMBER):
        raise PermissionDenied(f"Creating a project needs the member role; you are {actor.role}.")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {sorted(unknown)}.")
    data = _clean({"name": name, **fields}, actor)
    board = board_create(actor=actor, name=data["name"])
    project = Project(workspace=actor.workspace, board=board, **data)
    if "manager" not in fields:
        project.manager = actor
    _check_dates(project)
    project.save()
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="project.created", target=project,
        changes={k: [None, _json(getattr(project, k))] for k in EDITABLE},
    )
    return project


@transaction.atomic
def project_update(*, actor: Membership, project: Project, **fields: Any) -> Project:
    require_project_edit(project=project, actor=actor, doing="Changing a project")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {sorted(unknown)}.")
    project = Project.objects.select_for_update().get(pk=project.pk)
    data = _clean(dict(fields), actor)
    changes: dict[str, list[Any]] = {}
    for key, value in data.items():
        old = getattr(project, key)
        if old != value:
            changes[key] = [_json(old), _json(value)]
            setattr(project, key, value)
    _check_dates(project)
    if changes:
        project.save()
        activity_record(workspace=actor.workspace, actor=actor.user, verb="project.updated",
                        target=project, changes=changes)
    return project


@transaction.atomic
def project_delete(*, actor: Membership, project: Project) -> None:
    require_project_edit(project=project, actor=actor, doing="Deleting a project")
    activity_record(workspace=actor.workspace, actor=actor.user, verb="project.deleted",
                    target=project, changes={"name": [project.name, None]})
    project.delete()
