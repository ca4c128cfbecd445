"""Shapes of the rules API. Triggers, conditions and actions are JSON checked against the
catalogue by the rule service, which answers a 400 naming each bad field."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from automations.models import Rule, RuleRun, RuleVersion, RunStatus, Scope
from automations.services.rules import MAX_RUNS_PER_MINUTE
from boards.models import Board
from boards.selectors import board_list
from projects.models import Project
from projects.selectors import project_list

ENTRY = {
    "type": "object",
    "properties": {"type": {"type": "string"}, "config": {"type": "object"}},
    "required": ["type"],
}


@extend_schema_field(ENTRY)
class TriggerField(serializers.JSONField):
    """{"type": <trigger id>, "config": {...}} — see rules/catalogue/."""


@extend_schema_field({"type": "object", "description": "{} or {\"all\": [...]} / "
                      "{\"any\": [...]} of {\"type\", \"config\"} conditions and groups."})
class ConditionsField(serializers.JSONField):
    pass


@extend_schema_field({"type": "array", "items": ENTRY})
class ActionsField(serializers.JSONField):
    pass


class RuleSerializer(serializers.ModelSerializer):
    trigger = TriggerField()
    conditions = ConditionsField()
    actions = ActionsField()
    board = serializers.IntegerField(source="board_id", allow_null=True)
    project = serializers.IntegerField(source="project_id", allow_null=True)
    created_by = serializers.IntegerField(source="created_by_id", allow_null=True)
    owner = serializers.IntegerField(source="owner_id", allow_null=True)

    class Meta:
        model = Rule
        fields = [
            "id", "name", "scope", "board", "project", "enabled", "version", "trigger",
            "conditions", "actions", "triggered_by_automations",
            "max_runs_per_item_per_minute", "created_by", "owner", "guard_notified_at",
            "created_at", "updated_at",
        ]
        read_only_fields = fields


class RuleWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    scope = serializers.ChoiceField(choices=Scope.choices, required=False, default=Scope.BOARD)
    board = serializers.IntegerField(required=False, allow_null=True,
                                     help_text="The board, for scope=board.")
    project = serializers.IntegerField(required=False, allow_null=True,
                                       help_text="The project, for scope=project.")
    trigger = TriggerField()
    conditions = ConditionsField(required=False, allow_null=True)
    actions = ActionsField()
    enabled = serializers.BooleanField(required=False)
    triggered_by_automations = serializers.BooleanField(
        required=False, help_text="Also run on changes other rules made (off by default).")
    max_runs_per_item_per_minute = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_RUNS_PER_MINUTE)

    def validate_board(self, value: int | None) -> Board | None:
        if value is None:
            return None
        board = board_list(workspace=self.context["workspace"],
                           membership=self.context["membership"]).filter(id=value).first()
        if board is None:
            raise serializers.ValidationError(f"There is no board {value} in this workspace.")
        return board

    def validate_project(self, value: int | None) -> Project | None:
        if value is None:
            return None
        project = project_list(workspace=self.context["workspace"],
                               membership=self.context["membership"]).filter(id=value).first()
        if project is None:
            raise serializers.ValidationError(f"There is no project {value} in this workspace.")
        return project


class RuleRunSerializer(serializers.ModelSerializer):
    event = serializers.IntegerField(source="event_id", allow_null=True,
                                     help_text="The activity that caused the run.")
    event_verb = serializers.SerializerMethodField()
    item = serializers.IntegerField(source="item_id", allow_null=True)
    actions = serializers.JSONField(help_text="What each action did.")

    class Meta:
        model = RuleRun
        fields = [
            "id", "event", "event_verb", "event_key", "item", "status", "version", "depth",
            "actions", "reason", "error", "attempts", "created_at", "finished_at",
        ]
        read_only_fields = fields

    def get_event_verb(self, run: RuleRun) -> str | None:
        return run.event.verb if run.event_id else None


class RuleVersionSerializer(serializers.ModelSerializer):
    trigger = TriggerField()
    conditions = ConditionsField()
    actions = ActionsField()
    created_by = serializers.IntegerField(source="created_by_id", allow_null=True)

    class Meta:
        model = RuleVersion
        fields = ["id", "version", "trigger", "conditions", "actions", "created_by",
                  "created_at"]
        read_only_fields = fields


class SimulateSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=90, default=7,
                                    help_text="How many days of past events to replay.")
    trigger = TriggerField(required=False, help_text="Try a draft trigger instead.")
    conditions = ConditionsField(required=False)
    actions = ActionsField(required=False)


class SimulatedRunSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    event = serializers.DictField(allow_null=True)
    item = serializers.DictField(allow_null=True)
    trigger = serializers.DictField()
    actions = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField(allow_blank=True)


class SimulationSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    events_examined = serializers.IntegerField()
    matched = serializers.IntegerField()
    truncated = serializers.BooleanField()
    runs = SimulatedRunSerializer(many=True)


class CatalogueSerializer(serializers.Serializer):
    triggers = serializers.ListField(child=serializers.DictField())
    conditions = serializers.ListField(child=serializers.DictField())
    condition_groups = serializers.DictField()
    actions = serializers.ListField(child=serializers.DictField())


class UsageMonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    runs = serializers.IntegerField()
    actions = serializers.IntegerField()


class UsageSerializer(serializers.Serializer):
    month = serializers.DateField()
    runs = serializers.IntegerField()
    actions = serializers.IntegerField()
    quota = serializers.IntegerField(allow_null=True)
    percent_of_quota = serializers.IntegerField(allow_null=True)
    history = UsageMonthSerializer(many=True)


class AutomationSettingsSerializer(serializers.Serializer):
    monthly_run_quota = serializers.IntegerField(
        allow_null=True, min_value=1, help_text="Runs per month before admins are warned (at 80%"
        " and 100%); null for none. Rules never stop at the quota.")


def status_param(raw: Any) -> str | None:
    if raw in (None, ""):
        return None
    if raw not in RunStatus.values:
        raise serializers.ValidationError(
            {"status": [f"Use one of {', '.join(RunStatus.values)}."]})
    return raw
