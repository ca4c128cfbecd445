"""Admin of approval flows, requests (filter by status and flow) and their decisions, shown
inline. Requests and decisions are history written by the approval services: read-only here;
a flow's steps are validated by the service, so they are read-only too (use the API)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from automations.models import ApprovalFlow, ApprovalRequest, Decision


@admin.register(ApprovalFlow)
class ApprovalFlowAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "enabled", "updated_at")
    list_filter = ("enabled", "workspace")
    search_fields = ("name", "description")
    list_select_related = ("workspace",)
    readonly_fields = ("workspace", "steps", "on_approved", "on_rejected", "created_by",
                       "created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created through the API, which checks the steps


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = readonly_fields = ("step", "decision", "approver", "comment", "decided_at")
    ordering = ("decided_at", "id")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "workspace", "flow", "item", "status", "current_step",
                    "step_due_at", "decided_at")
    list_filter = ("status", "flow", "workspace")
    search_fields = ("item__name", "requester_email")
    date_hierarchy = "created_at"
    list_select_related = ("workspace", "flow", "item")
    fields = readonly_fields = (
        "workspace", "flow", "item", "status", "current_step", "steps", "requested_by",
        "requester_email", "submission", "step_started_at", "step_due_at", "reminded_at",
        "escalated_at", "created_at", "decided_at")
    inlines = [DecisionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
