"""Routes of the projects API: planning (task constraints, baselines and their variance).

The schedule itself (`projects/{id}/schedule/`, GET and POST) is an action of ProjectViewSet.
Nested kwargs are `project_id`: the cross-workspace walk reads the model it names from it."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from projects.api import planning

router = SimpleRouter()
router.register(r"projects/(?P<project_id>\d+)/constraints", planning.ConstraintViewSet,
                basename="project-constraint")
router.register(r"projects/(?P<project_id>\d+)/baselines", planning.BaselineViewSet,
                basename="project-baseline")

scoped: list[URLPattern | URLResolver] = list(router.urls)
