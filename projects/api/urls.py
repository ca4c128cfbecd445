from rest_framework.routers import SimpleRouter

from projects.api import urls_goals, urls_lifecycle, urls_planning, urls_reporting, views

router = SimpleRouter()
router.register("projects", views.ProjectViewSet, basename="project")

# Mounted by workos/urls.py under workspaces/{ws}/; each area's module adds its own routes.
scoped = (
    router.urls + urls_lifecycle.scoped + urls_planning.scoped + urls_reporting.scoped
    + urls_goals.scoped
)
