from rest_framework.routers import SimpleRouter

from projects.api import views

router = SimpleRouter()
router.register("projects", views.ProjectViewSet, basename="project")

# Mounted by workos/urls.py under workspaces/{ws}/.
scoped = router.urls
