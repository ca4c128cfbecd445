"""Who may change a project, and when a project may be changed at all: the checks every
projects service shares."""

from __future__ import annotations

from projects.models import Phase, Project
from workos.errors import Conflict, PermissionDenied
from workos.tenancy.models import Membership, Role, role_at_least


def is_workspace_admin(actor: Membership) -> bool:
    return role_at_least(actor.role, Role.ADMIN)


def require_project_edit(*, project: Project, actor: Membership, doing: str) -> None:
    if is_workspace_admin(actor) or project.manager_id == actor.pk:
        return
    raise PermissionDenied(f"{doing} needs the project's manager or a workspace admin.")


def require_workspace_admin(*, actor: Membership, doing: str) -> None:
    if not is_workspace_admin(actor):
        raise PermissionDenied(f"{doing} needs a workspace admin; you are {actor.role}.")


def require_project_open(project: Project) -> None:
    """A closed project is frozen: its record changes only after an admin reopens it."""
    if project.phase == Phase.CLOSED:
        raise Conflict(
            f"The project '{project.name}' is closed; a workspace admin can reopen it to "
            "change it.",
            code="project_closed",
        )
