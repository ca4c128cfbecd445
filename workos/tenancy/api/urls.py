from django.urls import path
from rest_framework.routers import SimpleRouter

from workos.tenancy.api import views

router = SimpleRouter()
router.register("members", views.MemberViewSet, basename="member")
router.register("teams", views.TeamViewSet, basename="team")
router.register("tokens", views.AccessTokenViewSet, basename="token")

# Mounted twice by workos/urls.py: the unscoped routes at /api/v1/, the router under {ws}.
unscoped = [
    path("me/", views.MeView.as_view(), name="me"),
    path("workspaces/", views.WorkspaceListView.as_view(), name="workspace-list"),
]
scoped = [
    path("", views.WorkspaceDetailView.as_view(), name="workspace-detail"),
    *router.urls,
]
