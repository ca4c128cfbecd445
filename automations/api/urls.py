"""Routes of the rules API; mounted by workos/urls.py under workspaces/{ws}/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from automations.api import rules

router = SimpleRouter()
router.register("rules", rules.RuleViewSet, basename="rule")
router.register(r"rules/(?P<rule_id>\d+)/runs", rules.RuleRunViewSet, basename="rule-run")
router.register(r"rules/(?P<rule_id>\d+)/versions", rules.RuleVersionViewSet,
                basename="rule-version")

scoped = [
    path("automations/usage/", rules.AutomationUsageView.as_view(), name="automation-usage"),
    path("automations/settings/", rules.AutomationSettingsView.as_view(),
         name="automation-settings"),
    *router.urls,
]
