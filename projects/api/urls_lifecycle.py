"""Routes of the projects API: life cycle (gate checklists). The project actions (gates,
advance, approve-budget, closeout, reopen, save-as-template) are ProjectViewSet's.

The nested kwarg is `project_id`: the cross-workspace walk reads the model it names from it."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from projects.api import lifecycle

router = SimpleRouter()
router.register(r"projects/(?P<project_id>\d+)/gate-items", lifecycle.GateItemViewSet,
                basename="project-gate-item")

scoped: list[URLPattern | URLResolver] = list(router.urls)
