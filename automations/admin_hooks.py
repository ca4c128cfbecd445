"""Admin of webhooks (endpoints, deliveries with a "retry" action), incoming webhooks,
recurring schedules and their occurrences, and the dead letters (with "replay"). Imported by
automations/admin.py. Rows are written by the services; the admin inspects and acts through
them, so secrets and counters are never edited by hand."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from automations.models import (
    DeadLetter,
    IncomingWebhook,
    RecurringOccurrence,
    RecurringSchedule,
    TaskDelivery,
    WebhookDelivery,
    WebhookEndpoint,
)
from automations.reliability import dead_letter_replay
from automations.services.schedules import schedule_run
from automations.services.webhooks import delivery_retry_now
from workos.errors import DomainError


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _report(model_admin: admin.ModelAdmin, request: HttpRequest, done: int, verb: str,
            refused: list[str]) -> None:
    model_admin.message_user(request, f"{done} {verb}.", messages.SUCCESS)
    if refused:
        model_admin.message_user(request, "Left alone: " + "; ".join(refused[:10]),
                                 messages.WARNING)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("id", "url", "workspace", "enabled", "consecutive_failures", "disabled_at",
                    "created_at")
    list_filter = ("enabled", "workspace")
    search_fields = ("url", "description")
    list_select_related = ("workspace",)
    # The secret signs payloads: it is shown once to the workspace admin, never here.
    exclude = ("secret",)
    readonly_fields = ("workspace", "url", "event_types", "consecutive_failures", "disabled_at",
                       "disabled_reason", "created_by", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created through the API, which validates the URL and makes the secret


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(_ReadOnly):
    list_display = ("id", "created_at", "workspace", "endpoint", "event_type", "status",
                    "attempts", "response_status", "next_attempt_at", "delivered_at")
    list_filter = ("status", "event_type", "workspace")
    search_fields = ("url", "error")
    date_hierarchy = "created_at"
    list_select_related = ("workspace", "endpoint")
    raw_id_fields = ("endpoint", "activity", "rule_run")
    actions = ["retry"]

    @admin.action(description="Retry the selected deliveries now")
    def retry(self, request: HttpRequest, queryset: QuerySet) -> None:
        done, refused = 0, []
        for delivery in queryset:
            try:
                delivery_retry_now(delivery=delivery)
                done += 1
            except DomainError as exc:
                refused.append(f"#{delivery.pk}: {exc.message}")
        _report(self, request, done, "delivery(ies) queued again", refused)


@admin.register(IncomingWebhook)
class IncomingWebhookAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "board", "workspace", "token_prefix", "enabled",
                    "last_used_at")
    list_filter = ("enabled", "workspace")
    search_fields = ("name", "token_prefix", "board__name")
    list_select_related = ("board", "workspace")
    fields = ("workspace", "board", "name", "token_prefix", "enabled", "created_by",
              "created_at", "last_used_at")
    readonly_fields = ("workspace", "board", "token_prefix", "created_by", "created_at",
                       "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the URL's token is made, and shown once, by the API


class RecurringOccurrenceInline(admin.TabularInline):
    model = RecurringOccurrence
    extra = 0
    fields = readonly_fields = ("occurs_at", "item_ids", "created_at")
    ordering = ("-occurs_at",)
    can_delete = False
    max_num = 0


@admin.register(RecurringSchedule)
class RecurringScheduleAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "board", "rrule", "timezone", "enabled",
                    "last_occurrence_at", "next_occurrence_at")
    list_filter = ("enabled", "timezone", "workspace")
    search_fields = ("name", "rrule")
    list_select_related = ("workspace", "board")
    readonly_fields = ("workspace", "board", "rrule", "timezone", "starts_at", "item_template",
                       "template_board", "team", "last_occurrence_at", "next_occurrence_at",
                       "created_by", "created_at")
    inlines = [RecurringOccurrenceInline]
    actions = ["run_due"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created through the API, which validates the rule and template

    @admin.action(description="Create the due occurrences of the selected schedules now")
    def run_due(self, request: HttpRequest, queryset: QuerySet) -> None:
        made = sum(schedule_run(schedule_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, f"{made} occurrence(s) created.", messages.SUCCESS)


@admin.register(RecurringOccurrence)
class RecurringOccurrenceAdmin(_ReadOnly):
    list_display = ("schedule", "occurs_at", "item_ids", "created_at")
    list_filter = ("schedule__workspace",)
    date_hierarchy = "occurs_at"
    list_select_related = ("schedule",)


class ReplayedFilter(admin.SimpleListFilter):
    title = "replayed"
    parameter_name = "replayed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("no", "Not yet"), ("yes", "Replayed")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in {"yes", "no"}:
            return queryset.filter(replayed_at__isnull=self.value() == "no")
        return queryset


@admin.register(DeadLetter)
class DeadLetterAdmin(_ReadOnly):
    """Messages that kept killing workers, or failed for good: fix the cause, then replay."""

    list_display = ("id", "task", "deliveries", "short_error", "created_at", "replayed_at")
    list_filter = (ReplayedFilter, "task")
    search_fields = ("task", "error")
    date_hierarchy = "created_at"
    actions = ["replay"]

    @admin.display(description="error")
    def short_error(self, letter: DeadLetter) -> str:
        return letter.error[:120]

    @admin.action(description="Replay the selected dead letters")
    def replay(self, request: HttpRequest, queryset: QuerySet) -> None:
        done, refused = 0, []
        for letter in queryset:
            try:
                dead_letter_replay(dead_letter=letter)
                done += 1
            except DomainError as exc:
                refused.append(f"#{letter.pk}: {exc.message}")
        _report(self, request, done, "message(s) sent again", refused)


@admin.register(TaskDelivery)
class TaskDeliveryAdmin(_ReadOnly):
    """Messages delivered more than once without finishing (a worker was lost meanwhile)."""

    list_display = ("key", "deliveries", "updated_at")
    search_fields = ("key",)
