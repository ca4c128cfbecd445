"""Admin of intake forms and their submissions (filter by form and status; process failed ones
again). A form's definition is validated by the intake service, which the API calls, so it is
read-only here; submissions are records of what people sent."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from automations.models import Form, Submission
from automations.services.intake_processing import submissions_retry


@admin.register(Form)
class FormAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "board", "access", "is_open", "last_reference",
                    "archived_at", "updated_at")
    list_filter = ("access", "is_open", "workspace")
    search_fields = ("name", "description", "token")
    list_select_related = ("workspace", "board")
    raw_id_fields = ("board", "approval_flow", "created_by")
    filter_horizontal = ("teams",)
    readonly_fields = ("workspace", "board", "token", "access", "teams", "fields", "pages",
                       "routing", "routing_default", "last_reference", "created_by",
                       "created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made through the API, which checks the definition against the board


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("reference", "form", "workspace", "status", "submitter_email", "item",
                    "attempts", "created_at", "processed_at")
    list_filter = ("status", "form", "workspace")
    search_fields = ("reference", "submitter_email", "error")
    date_hierarchy = "created_at"
    list_select_related = ("form", "workspace", "item")
    raw_id_fields = ("form", "submitter", "item")
    fields = readonly_fields = ("workspace", "form", "reference", "status", "answers",
                                "submitter", "submitter_email", "item", "error", "attempts",
                                "confirmation_sent_at", "created_at", "processed_at")
    actions = ["process_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Process the selected failed submissions again")
    def process_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = submissions_retry(ids=list(queryset.values_list("id", flat=True)))
        self.message_user(request, f"{len(ids)} submission(s) queued again.", messages.SUCCESS)
