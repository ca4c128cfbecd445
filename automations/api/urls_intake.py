"""Routes of request intake.

`scoped` is mounted under workspaces/{ws}/ by workos/urls.py; `public` under /api/v1/ (a form
by its link, called without a session for public forms)."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from automations.api import forms

router = SimpleRouter()
router.register("forms", forms.FormViewSet, basename="form")
router.register(r"forms/(?P<form_id>\d+)/submissions", forms.SubmissionViewSet,
                basename="form-submission")

scoped = router.urls

public = [
    path("forms/<str:token>/", forms.PublicFormView.as_view(), name="public-form"),
]
