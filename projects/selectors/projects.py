"""Reads of projects, scoped to the workspace and to the viewer's board visibility: a project
whose board the viewer cannot see answers like a missing one."""

from __future__ import annotations

from django.db.models import QuerySet

from boards.selectors import visible_board_ids
from projects.models import Project
from workos.errors import NotFound
from workos.tenancy.models import Membership, Workspace


def project_list(
    *, workspace: Workspace, membership: Membership, templates: bool | None = None
) -> QuerySet[Project]:
    """`templates`: True for template projects only, False for real projects only, None for
    both (look-ups by id reach either)."""
    rows = (
        Project.objects.filter(
            workspace=workspace,
            board_id__in=visible_board_ids(workspace=workspace, membership=membership),
        )
        .select_related("workspace", "board", "manager")
    )
    if templates is not None:
        rows = rows.filter(is_template=templates)
    return rows


def project_get(*, workspace: Workspace, membership: Membership, id: int) -> Project:
    project = project_list(workspace=workspace, membership=membership).filter(id=id).first()
    if project is None:
        raise NotFound("Project not found.")
    return project
