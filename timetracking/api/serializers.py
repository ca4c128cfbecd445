"""Shapes of the time-tracking API: ids are plain values; hours and money are numbers.

Date-times are read and written in the workspace's time zone (a value without an offset means
local time there) — the views activate it for the request.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from timetracking.models import (
    MINUTES_PER_DAY,
    Allocation,
    EntrySource,
    Rate,
    TimeEntry,
    TimeOff,
    TimeOffStatus,
    Timer,
    Timesheet,
    TimesheetStatus,
    WorkSchedule,
)
from timetracking.services import may_decide


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False,
                                    min_value=0, **kwargs)


class TimeEntrySerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", read_only=True)
    item = serializers.IntegerField(source="item_id", read_only=True, allow_null=True)
    board = serializers.IntegerField(source="board_id", read_only=True, allow_null=True)
    timesheet = serializers.IntegerField(source="timesheet_id", read_only=True)
    locked = serializers.SerializerMethodField(
        help_text="True while the week's timesheet is approved: changes answer 409."
    )

    class Meta:
        model = TimeEntry
        fields = [
            "id", "member", "item", "board", "timesheet", "started_at", "ended_at",
            "duration_minutes", "date", "billable", "note", "source", "locked", "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_locked(self, entry: TimeEntry) -> bool:
        return entry.timesheet.is_locked


class TimeEntryWriteSerializer(serializers.Serializer):
    member = serializers.IntegerField(required=False, help_text="Default: you.")
    item = serializers.IntegerField(required=False, allow_null=True)
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(required=False, allow_null=True)
    duration_minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MINUTES_PER_DAY - 1
    )
    billable = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class TimeEntryUpdateSerializer(TimeEntryWriteSerializer):
    member = None
    started_at = serializers.DateTimeField(required=False)
    billable = serializers.BooleanField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class EntryFilterSerializer(serializers.Serializer):
    member = serializers.IntegerField(required=False)
    item = serializers.IntegerField(required=False)
    board = serializers.IntegerField(required=False)
    timesheet = serializers.IntegerField(required=False)
    start = serializers.DateField(required=False, help_text="Entries on or after this date.")
    end = serializers.DateField(required=False, help_text="Entries on or before this date.")
    billable = serializers.BooleanField(required=False, allow_null=True, default=None)
    source = serializers.ChoiceField(choices=EntrySource.choices, required=False)


class ItemTimeSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    parent = serializers.IntegerField(allow_null=True)
    estimate_hours = serializers.FloatField(allow_null=True)
    tracked_minutes = serializers.IntegerField()
    rolled_up_minutes = serializers.IntegerField(
        help_text="The item's time plus that of all its sub-items."
    )


class ItemTimeListSerializer(serializers.Serializer):
    results = ItemTimeSerializer(many=True)


class ItemTimeQuerySerializer(serializers.Serializer):
    board = serializers.IntegerField()


# --- timer ------------------------------------------------------------------------------


class TimerSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", read_only=True)
    item = serializers.IntegerField(source="item_id", read_only=True, allow_null=True)
    elapsed_minutes = serializers.SerializerMethodField()

    class Meta:
        model = Timer
        fields = ["id", "member", "item", "billable", "note", "started_at", "stopped_at",
                  "elapsed_minutes"]
        read_only_fields = fields

    def get_elapsed_minutes(self, timer: Timer) -> int:
        end = timer.stopped_at or timezone.now()
        return max(0, int((end - timer.started_at).total_seconds() // 60))


class TimerStatusSerializer(serializers.Serializer):
    timer = TimerSerializer(allow_null=True, help_text="Your running timer, or null.")


class TimerResultSerializer(serializers.Serializer):
    timer = TimerSerializer(help_text="The timer started, or the one stopped.")
    entries = TimeEntrySerializer(many=True, help_text="Entries the stopped timer became.")


class TimerStartSerializer(serializers.Serializer):
    item = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    billable = serializers.BooleanField(required=False, default=True)


# --- timesheets -------------------------------------------------------------------------


class TimesheetSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", read_only=True)
    decided_by = serializers.IntegerField(source="decided_by_id", read_only=True,
                                          allow_null=True)
    week_end = serializers.DateField(read_only=True)
    total_minutes = serializers.SerializerMethodField()
    billable_minutes = serializers.SerializerMethodField()
    can_decide = serializers.SerializerMethodField(
        help_text="Whether you may approve or reject it."
    )

    class Meta:
        model = Timesheet
        fields = [
            "id", "member", "week_start", "week_end", "status", "total_minutes",
            "billable_minutes", "submitted_at", "decided_at", "decided_by", "comment",
            "can_decide",
        ]
        read_only_fields = fields

    def get_total_minutes(self, sheet: Timesheet) -> int:
        return getattr(sheet, "total_minutes", None) or 0

    def get_billable_minutes(self, sheet: Timesheet) -> int:
        return getattr(sheet, "billable_minutes", None) or 0

    def get_can_decide(self, sheet: Timesheet) -> bool:
        viewer = self.context.get("membership")
        return viewer is not None and may_decide(viewer, sheet)


class TimesheetFilterSerializer(serializers.Serializer):
    member = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(choices=TimesheetStatus.choices, required=False)
    week = serializers.DateField(required=False, help_text="Any day of the week.")
    to_approve = serializers.BooleanField(
        required=False, default=False, help_text="Only submitted timesheets you may decide."
    )


class TimesheetDecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                    default="", help_text="Required to reject.")


# --- rates, schedules, time off, allocations --------------------------------------------


class RateSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", read_only=True)
    board = serializers.IntegerField(source="board_id", read_only=True, allow_null=True)
    cost_rate = _money(read_only=True)
    bill_rate = _money(read_only=True)

    class Meta:
        model = Rate
        fields = ["id", "member", "board", "cost_rate", "bill_rate", "effective_from",
                  "created_at"]
        read_only_fields = fields


class RateWriteSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    board = serializers.IntegerField(required=False, allow_null=True,
                                     help_text="Override on one board; null for the general "
                                               "rate.")
    cost_rate = _money(help_text="Per hour, in the workspace currency.")
    bill_rate = _money(help_text="Per hour, in the workspace currency.")
    effective_from = serializers.DateField(required=False, help_text="Default: today.")


class RateUpdateSerializer(serializers.Serializer):
    cost_rate = _money(required=False)
    bill_rate = _money(required=False)
    effective_from = serializers.DateField(required=False)


class RateFilterSerializer(serializers.Serializer):
    member = serializers.IntegerField(required=False)
    board = serializers.IntegerField(required=False)
    general = serializers.BooleanField(required=False, allow_null=True, default=None)


class WorkScheduleSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", read_only=True)
    hours = serializers.ListField(child=serializers.FloatField(), read_only=True)

    class Meta:
        model = WorkSchedule
        fields = ["id", "member", "hours", "updated_at"]
        read_only_fields = fields


class WorkScheduleWriteSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    hours = serializers.ListField(
        child=serializers.FloatField(min_value=0, max_value=24), min_length=7, max_length=7,
        help_text="Hours for each weekday, Monday first.",
    )


class MemberFilterSerializer(serializers.Serializer):
    member = serializers.IntegerField(required=False)


class TimeOffSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", read_only=True)
    decided_by = serializers.IntegerField(source="decided_by_id", read_only=True,
                                          allow_null=True)

    class Meta:
        model = TimeOff
        fields = ["id", "member", "start_date", "end_date", "half_day", "status", "note",
                  "decided_by", "decided_at", "created_at"]
        read_only_fields = fields


class TimeOffWriteSerializer(serializers.Serializer):
    member = serializers.IntegerField(required=False, help_text="Default: you.")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    half_day = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class TimeOffUpdateSerializer(serializers.Serializer):
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False)
    half_day = serializers.BooleanField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class DateRangeFilterSerializer(serializers.Serializer):
    member = serializers.IntegerField(required=False)
    start = serializers.DateField(required=False, help_text="Overlapping from this date.")
    end = serializers.DateField(required=False, help_text="Overlapping up to this date.")


class TimeOffFilterSerializer(DateRangeFilterSerializer):
    status = serializers.ChoiceField(choices=TimeOffStatus.choices, required=False)


class AllocationFilterSerializer(DateRangeFilterSerializer):
    board = serializers.IntegerField(required=False)


class AllocationSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", read_only=True)
    board = serializers.IntegerField(source="board_id", read_only=True)
    hours_per_week = serializers.DecimalField(max_digits=6, decimal_places=2,
                                              coerce_to_string=False, read_only=True,
                                              allow_null=True)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False,
                                       read_only=True, allow_null=True)

    class Meta:
        model = Allocation
        fields = ["id", "member", "board", "start_date", "end_date", "hours_per_week",
                  "percent", "note", "created_at"]
        read_only_fields = fields


class AllocationWriteSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    board = serializers.IntegerField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    hours_per_week = serializers.DecimalField(max_digits=6, decimal_places=2, required=False,
                                              allow_null=True, default=None)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False,
                                       allow_null=True, default=None,
                                       help_text="Share of the member's capacity.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class AllocationUpdateSerializer(AllocationWriteSerializer):
    member = None
    board = serializers.IntegerField(required=False)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False)
    hours_per_week = serializers.DecimalField(max_digits=6, decimal_places=2, required=False,
                                              allow_null=True)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False,
                                       allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
