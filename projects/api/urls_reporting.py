"""Routes of the projects API: reporting (status updates, notes, documents, the activity
stream, expenses, budget, summary and staffing).

Nested kwargs are `project_id`: the cross-workspace walk reads the model it names from it."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from projects.api import reporting, reporting_collab

router = SimpleRouter()
for prefix, viewset, basename in (
    ("status-updates", reporting.StatusUpdateViewSet, "project-status-update"),
    ("expenses", reporting.ExpenseViewSet, "project-expense"),
    ("activity", reporting.ProjectActivityViewSet, "project-activity"),
    ("notes", reporting_collab.NoteViewSet, "project-note"),
    ("documents", reporting_collab.DocumentViewSet, "project-document"),
):
    router.register(rf"projects/(?P<project_id>\d+)/{prefix}", viewset, basename=basename)

scoped: list[URLPattern | URLResolver] = [
    path("projects/<int:project_id>/budget/", reporting.BudgetView.as_view(),
         name="project-budget"),
    path("projects/<int:project_id>/summary/", reporting.SummaryView.as_view(),
         name="project-summary"),
    path("projects/<int:project_id>/staffing/", reporting.StaffingView.as_view(),
         name="project-staffing"),
    *router.urls,
]
