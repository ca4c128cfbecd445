"""Routes of webhooks, incoming webhooks and recurring schedules.

`scoped` is mounted under workspaces/{ws}/ by workos/urls.py; `public` at the site root (the
incoming webhook URL, called without a session)."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from automations.api import incoming, schedules, webhooks

router = SimpleRouter()
router.register("webhooks", webhooks.WebhookViewSet, basename="webhook")
router.register(r"webhooks/(?P<webhook_endpoint_id>\d+)/deliveries",
                webhooks.WebhookDeliveryViewSet, basename="webhook-delivery")
router.register(r"boards/(?P<board_id>\d+)/incoming-webhooks", incoming.IncomingWebhookViewSet,
                basename="board-incoming-webhook")
router.register("recurring", schedules.RecurringScheduleViewSet, basename="recurring-schedule")

scoped = router.urls

public = [
    path("hooks/in/<str:token>/", incoming.IncomingHookView.as_view(), name="incoming-webhook"),
]
