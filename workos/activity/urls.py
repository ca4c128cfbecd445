"""Routes of the activity app, mounted by workos/urls.py under workspaces/{ws}/."""

from rest_framework.routers import SimpleRouter

from workos.activity import api

router = SimpleRouter()
router.register("notifications", api.NotificationViewSet, basename="notification")

scoped = router.urls
