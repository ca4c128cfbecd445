"""Reads of a project's status updates, newest first (by date, then by id)."""

from __future__ import annotations

from django.db.models import QuerySet

from projects.models import Project, StatusUpdate
from workos.errors import NotFound


def status_update_list(*, project: Project) -> QuerySet[StatusUpdate]:
    return (StatusUpdate.objects.filter(project=project).select_related("author__user")
            .order_by("-date", "-id"))


def status_update_get(*, project: Project, id: int) -> StatusUpdate:
    update = status_update_list(project=project).filter(pk=id).first()
    if update is None:
        raise NotFound("Status update not found.")
    return update


def status_update_latest(*, project: Project) -> StatusUpdate | None:
    """What the project shows as its status: the update of the latest date (the later one
    written, when two share a date)."""
    return status_update_list(project=project).first()
