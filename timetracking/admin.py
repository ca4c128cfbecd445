"""Operations staff's view of time: entries filterable by member, board, week and approval
state. Staff inspect and correct here; locks and overlaps are the services' business, so the
admin shows time rather than offering bulk edits that would bypass them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from timetracking.models import (
    Allocation,
    Rate,
    TimeEntry,
    TimeOff,
    Timer,
    Timesheet,
    WorkSchedule,
    week_start_of,
)
from timetracking.services.tracked import tracked_add, tracked_delta

WEEKS_LISTED = 12


class WeekFilter(admin.SimpleListFilter):
    title = "week"
    parameter_name = "week"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        this_week = week_start_of(timezone.localdate())
        weeks = [this_week - dt.timedelta(weeks=n) for n in range(WEEKS_LISTED)]
        return [(w.isoformat(), f"{w.isocalendar()[0]}-W{w.isocalendar()[1]:02d} ({w})")
                for w in weeks]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        try:
            start = dt.date.fromisoformat(self.value())
        except ValueError:
            return queryset.none()
        return queryset.filter(date__gte=start, date__lte=start + dt.timedelta(days=6))


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ("id", "member", "board", "item", "date", "started_at", "duration_minutes",
                    "billable", "source", "approval")
    # Only members and boards that have time are offered, not every one there is.
    list_filter = (WeekFilter, "timesheet__status", ("member", admin.RelatedOnlyFieldListFilter),
                   ("board", admin.RelatedOnlyFieldListFilter), "billable", "source")
    search_fields = ("note", "member__user__email", "board__name", "item__name")
    raw_id_fields = ("workspace", "member", "item", "board", "timesheet")
    list_select_related = ("member__user", "board", "item", "timesheet")
    date_hierarchy = "date"

    @admin.display(description="approval", ordering="timesheet__status")
    def approval(self, entry: TimeEntry) -> str:
        return entry.timesheet.status

    # A correction here keeps the items' tracked totals right, as the services do.
    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: TimeEntry, form: Any, change: bool) -> None:
        old = (TimeEntry.objects.filter(pk=obj.pk).values_list("item_id", "duration_minutes")
               .first() if change else None)
        super().save_model(request, obj, form, change)
        pairs = [(obj.item_id, obj.duration_minutes)]
        if old is not None:
            pairs.append((old[0], -old[1]))
        tracked_add(tracked_delta(pairs))

    @transaction.atomic
    def delete_model(self, request: HttpRequest, obj: TimeEntry) -> None:
        super().delete_model(request, obj)
        tracked_add(tracked_delta([(obj.item_id, -obj.duration_minutes)]))

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        pairs = [(i, -m) for i, m in queryset.values_list("item_id", "duration_minutes")]
        super().delete_queryset(request, queryset)
        tracked_add(tracked_delta(pairs))


@admin.register(Timesheet)
class TimesheetAdmin(admin.ModelAdmin):
    list_display = ("id", "member", "week_start", "status", "submitted_at", "decided_by",
                    "reminded_at")
    list_filter = ("status", "workspace")
    search_fields = ("member__user__email",)
    raw_id_fields = ("workspace", "member", "decided_by")
    list_select_related = ("member__user", "decided_by__user")
    date_hierarchy = "week_start"


@admin.register(Timer)
class TimerAdmin(admin.ModelAdmin):
    list_display = ("id", "member", "item", "started_at", "stopped_at")
    list_filter = ("workspace",)
    raw_id_fields = ("workspace", "member", "item")


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin):
    list_display = ("id", "member", "board", "cost_rate", "bill_rate", "effective_from")
    list_filter = ("workspace",)
    search_fields = ("member__user__email", "board__name")
    raw_id_fields = ("workspace", "member", "board", "created_by")


@admin.register(WorkSchedule)
class WorkScheduleAdmin(admin.ModelAdmin):
    list_display = ("id", "member", "hours", "updated_at")
    raw_id_fields = ("workspace", "member")


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ("id", "member", "start_date", "end_date", "half_day", "status")
    list_filter = ("status", "workspace")
    raw_id_fields = ("workspace", "member", "decided_by")


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = ("id", "member", "board", "start_date", "end_date", "hours_per_week",
                    "percent")
    list_filter = ("workspace",)
    raw_id_fields = ("workspace", "member", "board")
