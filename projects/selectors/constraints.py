"""Reads of a project's task constraints (start no earlier than, finish no later than). The
project comes from `project_get`, already scoped to the workspace and the viewer."""

from __future__ import annotations

from django.db.models import QuerySet

from projects.models import Project, TaskConstraint
from workos.errors import NotFound


def constraint_list(*, project: Project) -> QuerySet[TaskConstraint]:
    return TaskConstraint.objects.filter(project=project)


def constraint_get(*, project: Project, id: int) -> TaskConstraint:
    constraint = (constraint_list(project=project).select_related("project__board")
                  .filter(pk=id).first())
    if constraint is None:
        raise NotFound("Constraint not found.")
    return constraint
