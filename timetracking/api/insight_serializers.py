"""Shapes of the workload, suggestion and report answers (built as plain dicts for speed;
these serializers document them and validate the query strings)."""

from __future__ import annotations

from rest_framework import serializers


class WorkloadQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="Default: Monday of this week.")
    end = serializers.DateField(required=False, help_text="Default: two weeks from start.")
    team = serializers.IntegerField(required=False)
    board = serializers.IntegerField(required=False,
                                     help_text="Only demand from this board, and its people.")


class WorkloadDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    capacity = serializers.FloatField()
    assigned = serializers.FloatField()
    allocated = serializers.FloatField()
    over = serializers.BooleanField()


class WorkloadMemberSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    days = WorkloadDaySerializer(many=True)


class UnscheduledItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    board = serializers.IntegerField()
    assignees = serializers.ListField(child=serializers.IntegerField())
    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    estimate_hours = serializers.FloatField(allow_null=True)
    reason = serializers.ChoiceField(choices=["no_dates", "no_estimate"])


class WorkloadSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    members = WorkloadMemberSerializer(many=True)
    unscheduled = UnscheduledItemSerializer(many=True)
    unscheduled_total = serializers.IntegerField(
        help_text="How many unscheduled items there are (the list stops at 500)."
    )


class SuggestionQuerySerializer(serializers.Serializer):
    member = serializers.IntegerField()
    date = serializers.DateField()
    end = serializers.DateField(required=False, help_text="Default: the same day.")


class SuggestionSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    spare_hours = serializers.FloatField()


class SuggestionsSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    over_by = serializers.FloatField(help_text="Hours of demand beyond the member's capacity.")
    suggestions = SuggestionSerializer(many=True)


class ReportQuerySerializer(serializers.Serializer):
    group_by = serializers.CharField(
        default="member", help_text="member, board, item, team or week (project when the "
                                    "projects app is installed)."
    )
    start = serializers.DateField()
    end = serializers.DateField()
    member = serializers.IntegerField(required=False, help_text="Admins: one member only.")
    board = serializers.IntegerField(required=False)


class ReportRowSerializer(serializers.Serializer):
    key = serializers.JSONField(help_text="The group's id (a date for weeks), or null.")
    label = serializers.CharField()
    hours = serializers.FloatField()
    billable_hours = serializers.FloatField()
    cost = serializers.FloatField(allow_null=True, help_text="Null for guests.")
    revenue = serializers.FloatField(allow_null=True, help_text="Null for guests.")
    estimate_hours = serializers.FloatField(allow_null=True)
    capacity_hours = serializers.FloatField(allow_null=True)
    utilisation = serializers.FloatField(allow_null=True,
                                         help_text="Billable hours / capacity.")


class ReportTotalsSerializer(serializers.Serializer):
    label = serializers.CharField()
    hours = serializers.FloatField()
    billable_hours = serializers.FloatField()
    cost = serializers.FloatField(allow_null=True)
    revenue = serializers.FloatField(allow_null=True)
    estimate_hours = serializers.FloatField(allow_null=True)
    capacity_hours = serializers.FloatField(allow_null=True)
    utilisation = serializers.FloatField(allow_null=True)


class TimeReportSerializer(serializers.Serializer):
    group_by = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    currency = serializers.CharField()
    rows = ReportRowSerializer(many=True)
    totals = ReportTotalsSerializer()
