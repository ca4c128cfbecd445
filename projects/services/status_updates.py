"""Status updates: a dated health and a few words about a project.

Posting one sets the project's health to the update's, so the project always shows the health
of what was last said about it; an update dated before the latest one (written up after the
fact) is kept in the history but changes nothing. Updates are not dated in the future.

The project's manager, workspace admins and editors of its board post them; guests never do,
even as board editors (a status update speaks for the project). A closed project is frozen and
takes none.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from boards.selectors import board_role
from projects.models import Health, Project, StatusUpdate
from projects.selectors.budget import workspace_today
from projects.selectors.status_updates import status_update_latest
from projects.services.access import is_workspace_admin, require_project_open
from workos.activity.richtext import render
from workos.activity.services import activity_record
from workos.errors import NotFound, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership, Role

TEXT_MAX_CHARS = 20_000
EDITOR_ROLES = frozenset({"editor", "admin"})


def require_project_voice(*, project: Project, actor: Membership, doing: str) -> None:
    """The manager, a workspace admin, or a (non-guest) editor of the project's board."""
    if actor.role == Role.GUEST:
        raise PermissionDenied(f"{doing} needs the member role or higher; you are guest.")
    if is_workspace_admin(actor) or project.manager_id == actor.pk:
        return
    role = board_role(project.board, actor)
    if role is None:
        raise NotFound("Project not found.")
    if role not in EDITOR_ROLES:
        raise PermissionDenied(
            f"{doing} needs the project's manager, a workspace admin or an editor of its "
            f"board; you are {role} on it."
        )


def clean_rich_text(text: str, *, field: str, what: str) -> str:
    """Sanitised HTML (as comments are), refused when too long or empty once cleaned."""
    if not isinstance(text, str) or len(text) > TEXT_MAX_CHARS:
        raise ValidationFailed(f"Keep {what} under {TEXT_MAX_CHARS} characters.",
                               fields={field: [f"At most {TEXT_MAX_CHARS} characters."]})
    rich = render(text)
    if not rich.text:
        raise ValidationFailed(f"{what[0].upper()}{what[1:]} needs some text.",
                               fields={field: ["Empty."]})
    return rich.html


@transaction.atomic
def status_update_create(
    *, actor: Membership, project: Project, health: str, text: str, date: dt.date | None = None
) -> StatusUpdate:
    require_project_voice(project=project, actor=actor, doing="Posting a status update")
    project = Project.objects.select_for_update().select_related("workspace", "board").get(
        pk=project.pk)
    require_project_open(project)
    if health not in Health.values:
        raise ValidationFailed(
            f"Health is one of {', '.join(Health.values)}.", fields={"health": ["Unknown."]})
    html = clean_rich_text(text, field="text", what="a status update")
    today = workspace_today(project.workspace)
    if date is not None and date > today:
        raise ValidationFailed(f"A status update can't be dated after today ({today}).",
                               fields={"date": ["In the future."]})
    update = StatusUpdate.objects.create(
        project=project, author=actor, health=health, text=html, date=date or today,
    )
    activity_record(
        workspace=project.workspace, actor=actor.user, verb="status_update.created",
        target=update,
        changes={"health": [None, health], "date": [None, update.date.isoformat()]},
        data={"project": project.pk},
    )
    if project.health != health and status_update_latest(project=project) == update:
        old = project.health
        project.health = health
        project.save(update_fields=["health", "updated_at"])
        activity_record(
            workspace=project.workspace, actor=actor.user, verb="project.updated",
            target=project, changes={"health": [old, health]},
            data={"status_update": update.pk},
        )
    return update
