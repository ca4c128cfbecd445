"""Admin of the rule engine: rules with their versions, runs (filter by status; re-run failed
ones), usage and quotas. A rule's definition is read-only here: it is validated against the
catalogue and versioned by the rule service, which the API calls. Webhooks, schedules and dead
letters have their admin in `automations.admin_hooks`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from automations.models import AutomationSettings, AutomationUsage, Rule, RuleRun, RuleVersion
from automations.services.rules import rules_set_enabled, runs_retry

DEFINITION = ("trigger", "conditions", "actions", "version")


class RuleVersionInline(admin.TabularInline):
    model = RuleVersion
    extra = 0
    fields = readonly_fields = ("version", "trigger", "conditions", "actions", "created_by",
                                "created_at")
    ordering = ("-version",)
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "scope", "board", "enabled", "version",
                    "triggered_by_automations", "updated_at")
    list_filter = ("enabled", "scope", "workspace")
    search_fields = ("name",)
    list_select_related = ("workspace", "board")
    raw_id_fields = ("board", "project", "created_by", "owner")
    readonly_fields = (*DEFINITION, "workspace", "scope", "board", "project", "created_by",
                       "guard_notified_at", "created_at", "updated_at")
    inlines = [RuleVersionInline]
    actions = ["enable", "disable"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rules are written through the API, which validates them

    @admin.action(description="Enable the selected rules")
    def enable(self, request: HttpRequest, queryset: QuerySet) -> None:
        changed = rules_set_enabled(rules=list(queryset), enabled=True)
        self.message_user(request, f"{changed} rule(s) enabled.", messages.SUCCESS)

    @admin.action(description="Disable the selected rules")
    def disable(self, request: HttpRequest, queryset: QuerySet) -> None:
        changed = rules_set_enabled(rules=list(queryset), enabled=False)
        self.message_user(request, f"{changed} rule(s) disabled.", messages.SUCCESS)


@admin.register(RuleRun)
class RuleRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "rule", "workspace", "status", "event_key", "item", "depth",
                    "attempts", "version")
    list_filter = ("status", "workspace")
    search_fields = ("event_key", "rule__name", "error")
    date_hierarchy = "created_at"
    list_select_related = ("rule", "workspace", "item")
    fields = readonly_fields = ("workspace", "rule", "version", "event", "event_key", "item",
                                "status", "depth", "actions", "reason", "error", "attempts",
                                "created_at", "finished_at")
    actions = ["rerun_failed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history; re-run with the action

    @admin.action(description="Re-run the selected failed runs")
    def rerun_failed(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = runs_retry(runs=list(queryset))
        skipped = queryset.count() - len(ids)
        note = f"; {skipped} not failed, left alone" if skipped else ""
        self.message_user(request, f"{len(ids)} run(s) queued again{note}.", messages.SUCCESS)


@admin.register(AutomationUsage)
class AutomationUsageAdmin(admin.ModelAdmin):
    list_display = ("workspace", "month", "runs", "actions", "warned_at_percent")
    list_filter = ("workspace",)
    fields = readonly_fields = ("workspace", "month", "runs", "actions", "warned_at_percent")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AutomationSettings)
class AutomationSettingsAdmin(admin.ModelAdmin):
    list_display = ("workspace", "monthly_run_quota")
    raw_id_fields = ("workspace",)


# Approvals, webhooks, incoming hooks, recurring schedules, dead letters and intake forms
# register themselves there.
from automations import admin_approvals, admin_hooks, admin_intake  # noqa: E402, F401
