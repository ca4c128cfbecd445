"""Every app's routes meet here; the only module that imports all apps."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from automations import urls_pages as automations_pages
from automations import views_approvals
from automations.api import urls as automations_api
from automations.api import urls_approvals as automations_approvals_api
from automations.api import urls_hooks as automations_hooks_api
from automations.api import urls_intake as automations_intake_api
from boards import urls_pages as boards_pages
from boards.api import collab_urls as boards_collab_api
from boards.api import csv_urls as boards_csv_api
from boards.api import urls as boards_api
from dashboards import urls as dashboard_urls
from projects import urls_pages as projects_pages
from projects.api import urls as projects_api
from timetracking import urls_pages as timetracking_pages
from timetracking.api import urls as timetracking_api
from workos.activity import urls as activity_api
from workos.tenancy import views as tenancy_views
from workos.tenancy.api import urls as tenancy_api

workspace_api = [
    *tenancy_api.scoped,
    *boards_api.scoped,
    *boards_csv_api.scoped,
    *boards_collab_api.scoped,
    *activity_api.scoped,
    *timetracking_api.scoped,
    *projects_api.scoped,
    *automations_api.scoped,
    *automations_hooks_api.scoped,
    *automations_intake_api.scoped,
    *automations_approvals_api.scoped,
]

api_v1 = [
    *tenancy_api.unscoped,
    path("workspaces/<slug:ws>/", include(workspace_api)),
    *automations_intake_api.public,
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", tenancy_views.ThrottledLoginView.as_view(), name="login"),
    path("logout/", tenancy_views.LogoutView.as_view(), name="logout"),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("api/v1/", include(api_v1)),
    *automations_hooks_api.public,
    path("", include(automations_pages)),
    path("w/<slug:ws>/approvals/<int:id>/", views_approvals.approval_page,
         name="approval-page"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("w/<slug:ws>/", include(boards_pages)),
    path("w/<slug:ws>/", include(projects_pages)),
    path("w/<slug:ws>/", include(timetracking_pages)),
    path("", include(dashboard_urls)),
]

handler404 = "workos.views.not_found"
handler500 = "workos.views.server_error"
