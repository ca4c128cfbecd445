"""Public intake pages, mounted by workos/urls.py at the site root: a form by its link and the
requester's status page."""

from django.urls import path

from automations import views_intake

urlpatterns = [
    path("f/<str:token>/", views_intake.form_page, name="intake-form"),
    path("f/<str:token>/s/<str:status_token>/", views_intake.status_page, name="intake-status"),
]
