"""Shapes of the project reporting API: status updates, notes, documents, the activity stream,
expenses, and (documentation only; they are built as plain dicts) the budget, summary and
staffing answers. Money is a string with two decimals, as everywhere in the API."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from boards.api.collab import AttachmentUploadSerializer
from projects.models import Expense, Health, Phase, StatusUpdate
from workos.activity.models import Activity, Attachment, Comment

MONEY = {"max_digits": 14, "decimal_places": 2}


def _name(membership: Any) -> str | None:
    return membership.display_name if membership is not None else None


# --- status updates ---------------------------------------------------------------------------


class StatusUpdateSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    text = serializers.CharField(help_text="Sanitised HTML, safe to show as is.")

    class Meta:
        model = StatusUpdate
        fields = ["id", "project", "date", "health", "text", "author", "author_name",
                  "created_at"]
        read_only_fields = fields

    def get_author_name(self, update: StatusUpdate) -> str | None:
        return _name(update.author)


class StatusUpdateWriteSerializer(serializers.Serializer):
    health = serializers.ChoiceField(choices=Health.choices)
    text = serializers.CharField(max_length=20_000, trim_whitespace=False,
                                 help_text="Plain text or HTML (sanitised on the way in).")
    date = serializers.DateField(required=False, help_text="Default: today, in the "
                                 "workspace's time zone; never after today.")


# --- notes and documents ----------------------------------------------------------------------


class NoteSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="target_id", read_only=True)
    author = serializers.IntegerField(source="author_id", read_only=True, allow_null=True)
    author_name = serializers.SerializerMethodField()
    mentions = serializers.ListField(child=serializers.IntegerField(), read_only=True,
                                     help_text="Ids of the members mentioned.")

    class Meta:
        model = Comment
        fields = ["id", "project", "author", "author_name", "body_html", "body_text",
                  "mentions", "created_at", "edited_at"]
        read_only_fields = fields

    def get_author_name(self, note: Comment) -> str | None:
        return _name(note.author)


class NoteWriteSerializer(serializers.Serializer):
    body = serializers.CharField(
        max_length=20_000, trim_whitespace=False,
        help_text="Plain text or HTML (sanitised on the way in). Mention a member with "
                  "`@[Their Name](member:<membership id>)`.",
    )


class DocumentSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="target_id", read_only=True)
    uploaded_by = serializers.IntegerField(source="uploaded_by_id", read_only=True,
                                           allow_null=True)
    download = serializers.SerializerMethodField(help_text="The path to download the file.")

    class Meta:
        model = Attachment
        fields = ["id", "project", "uploaded_by", "original_name", "content_type", "size",
                  "created_at", "download"]
        read_only_fields = fields

    def get_download(self, document: Attachment) -> str:
        return reverse("project-document-download", kwargs={
            "ws": self.context["ws"], "project_id": document.target_id, "id": document.pk})


# Uploading a project document takes the same body as an item attachment.
DocumentUploadSerializer = AttachmentUploadSerializer


# --- the activity stream ----------------------------------------------------------------------


class ProjectActivitySerializer(serializers.ModelSerializer):
    target_type = serializers.SerializerMethodField(help_text='e.g. "boards.item", '
                                                    '"projects.project".')
    changes = serializers.DictField(
        child=serializers.ListField(), help_text="{field: [old, new]} for each field changed.")
    data = serializers.DictField()

    class Meta:
        model = Activity
        fields = ["id", "verb", "actor_label", "target_type", "target_id", "target_repr",
                  "changes", "data", "created_at"]
        read_only_fields = fields

    def get_target_type(self, activity: Activity) -> str:
        return f"{activity.target_type.app_label}.{activity.target_type.model}"


# --- expenses ---------------------------------------------------------------------------------


class ExpenseSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY, read_only=True)
    created_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Expense
        fields = ["id", "project", "date", "amount", "category", "note", "created_by",
                  "created_by_name", "created_at"]
        read_only_fields = fields

    def get_created_by_name(self, expense: Expense) -> str | None:
        return _name(expense.created_by)


class ExpenseWriteSerializer(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="Default: today.")
    amount = serializers.DecimalField(**MONEY, help_text="More than 0, in the workspace "
                                      "currency.")
    category = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                     default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=5_000,
                                 default="")


class ExpenseUpdateSerializer(serializers.Serializer):
    date = serializers.DateField(required=False)
    amount = serializers.DecimalField(**MONEY, required=False)
    category = serializers.CharField(required=False, allow_blank=True, max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5_000)


class ExpenseFilterSerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="From this date, inclusive.")
    end = serializers.DateField(required=False, help_text="Up to this date, inclusive.")
    category = serializers.CharField(required=False, max_length=100,
                                     help_text="The whole category, in any case.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": ["Before start."]})
        return attrs


# --- budget (documentation of the dict) -------------------------------------------------------


class ActualCostSerializer(serializers.Serializer):
    labour = serializers.DecimalField(**MONEY, help_text="Time at the cost rate in force on "
                                      "each entry's date.")
    expenses = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)


class BurnRateSerializer(serializers.Serializer):
    since = serializers.DateField(help_text="The project's start date, else its creation day.")
    until = serializers.DateField(help_text="Today, or the day the project closed.")
    working_days = serializers.IntegerField()
    per_working_day = serializers.DecimalField(**MONEY, allow_null=True,
                                               help_text="Actual cost / working days.")
    per_working_week = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="Per working day x working days per week.")


class MonthCostSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    labour = serializers.DecimalField(**MONEY)
    expenses = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    cumulative = serializers.DecimalField(**MONEY)


class BudgetSerializer(serializers.Serializer):
    currency = serializers.CharField()
    budget = serializers.DecimalField(**MONEY, allow_null=True)
    actual = ActualCostSerializer()
    remaining = serializers.DecimalField(**MONEY, allow_null=True,
                                         help_text="Budget - actual (negative: overspent).")
    used_percent = serializers.FloatField(allow_null=True)
    hours_logged = serializers.FloatField()
    average_cost_rate = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="Labour cost / hours logged; null before any.")
    burn_rate = BurnRateSerializer()
    effort_remaining_hours = serializers.FloatField(
        help_text="Over open tasks with an estimate: estimate - time logged, at least 0.")
    open_tasks_without_estimate = serializers.IntegerField()
    forecast_at_completion = serializers.DecimalField(
        **MONEY, allow_null=True,
        help_text="Actual + remaining effort x average cost rate; null when effort remains "
                  "but no time has been logged to price it.")
    variance = serializers.DecimalField(**MONEY, allow_null=True,
                                        help_text="Budget - forecast (negative: overspend "
                                                  "forecast).")
    cost_by_month = MonthCostSerializer(many=True)


# --- summary (documentation of the dict) ------------------------------------------------------


class ProgressSerializer(serializers.Serializer):
    percent = serializers.FloatField(allow_null=True, help_text="0-100; null without tasks.")
    method = serializers.ChoiceField(choices=["effort", "count"], allow_null=True)
    tasks = serializers.IntegerField(help_text="Non-archived, not cancelled.")
    done = serializers.IntegerField()
    effort_hours = serializers.FloatField()
    done_hours = serializers.FloatField()


class MilestoneSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    name = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    baseline_date = serializers.DateField(allow_null=True)
    slip_days = serializers.IntegerField(allow_null=True, help_text="Working days later than "
                                         "the reference baseline (negative: earlier).")
    done = serializers.BooleanField()
    status_category = serializers.CharField(allow_null=True)


class RiskSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.IntegerField(allow_null=True)
    status_category = serializers.CharField(allow_null=True)
    priority = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)


class RisksSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = RiskSerializer(many=True, help_text="At most 100, earliest due first.")


class UnmetGateItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    rule = serializers.CharField()
    phase = serializers.CharField()
    detail = serializers.CharField()


class NextGateSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Phase.choices)
    next_phase = serializers.ChoiceField(choices=Phase.choices)
    ready = serializers.BooleanField()
    unmet = UnmetGateItemSerializer(many=True)


class LatestStatusUpdateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    health = serializers.ChoiceField(choices=Health.choices)
    text = serializers.CharField()
    author = serializers.IntegerField(allow_null=True)
    author_name = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()


class SummarySerializer(serializers.Serializer):
    project = serializers.IntegerField()
    name = serializers.CharField()
    phase = serializers.ChoiceField(choices=Phase.choices)
    health = serializers.ChoiceField(choices=Health.choices)
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    today = serializers.DateField()
    progress = ProgressSerializer()
    milestones = MilestoneSerializer(many=True)
    schedule_variance_days = serializers.IntegerField(
        allow_null=True, help_text="Working days the finish slipped against the reference "
        "baseline; null without one.")
    reference_baseline = serializers.IntegerField(allow_null=True)
    budget = BudgetSerializer(allow_null=True, help_text="Null for guests.")
    open_risks = RisksSerializer()
    next_gate = NextGateSerializer(allow_null=True, help_text="Null once closed.")
    latest_status_update = LatestStatusUpdateSerializer(allow_null=True)


# --- staffing (documentation of the dict) -----------------------------------------------------


class StaffingQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="Default: Monday of this week.")
    end = serializers.DateField(required=False, help_text="Default: two weeks from start.")


class StaffingAllocationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member = serializers.IntegerField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    hours_per_week = serializers.FloatField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)
    note = serializers.CharField()


class StaffingDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    capacity = serializers.FloatField()
    assigned = serializers.FloatField(help_text="All their work the viewer can see.")
    allocated = serializers.FloatField()
    project_assigned = serializers.FloatField(help_text="This project's part of `assigned`.")
    project_allocated = serializers.FloatField()
    over = serializers.BooleanField()


class StaffingMemberSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    capacity = serializers.FloatField()
    assigned = serializers.FloatField()
    allocated = serializers.FloatField()
    project_assigned = serializers.FloatField()
    project_allocated = serializers.FloatField()
    over_days = serializers.IntegerField()
    days = StaffingDaySerializer(many=True)


class StaffingSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    board = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    allocations = StaffingAllocationSerializer(many=True)
    members = StaffingMemberSerializer(many=True)
