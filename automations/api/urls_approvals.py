"""Routes of approval flows and requests; `scoped` is mounted under workspaces/{ws}/ by
workos/urls.py."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from automations.api import approvals

router = SimpleRouter()
router.register("approval-flows", approvals.ApprovalFlowViewSet, basename="approval-flow")
router.register("approvals", approvals.ApprovalRequestViewSet, basename="approval")

scoped = router.urls
