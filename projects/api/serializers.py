"""Thin serializers of projects and their schedule."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from projects.models import Health, Phase, Project, ScheduleMode
from projects.selectors import project_list
from workos.tenancy.models import Membership, Team
from workos.tenancy.selectors import membership_list, team_list


class ProjectSerializer(serializers.ModelSerializer):
    phase = serializers.ChoiceField(choices=Phase.choices, read_only=True,
                                    help_text="Moves only through POST .../advance/.")

    class Meta:
        model = Project
        fields = [
            "id", "name", "outcome", "manager", "team", "start_date", "end_date", "phase",
            "health", "budget", "budget_approved_at", "budget_approved_by", "schedule_mode",
            "board",
            "is_template", "closeout_summary", "closed_at", "created_at", "updated_at",
        ]
        read_only_fields = fields


class ProjectWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    outcome = serializers.CharField(required=False, allow_blank=True)
    manager = serializers.IntegerField(required=False, allow_null=True,
                                       help_text="A membership id of this workspace.")
    team = serializers.IntegerField(required=False, allow_null=True,
                                    help_text="A team id of this workspace.")
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    phase = serializers.ChoiceField(
        choices=Phase.choices, required=False,
        help_text="At creation only (any phase but closed); afterwards the phase moves "
                  "through POST .../advance/, and a PATCH naming it is a 400.")
    health = serializers.ChoiceField(choices=Health.choices, required=False)
    budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0,
        help_text="Changing it withdraws the budget's approval.")
    schedule_mode = serializers.ChoiceField(
        choices=ScheduleMode.choices, required=False,
        help_text="How a moved task's successors follow: flexible (default), strict or none.")
    closeout_summary = serializers.CharField(required=False, allow_blank=True,
                                             help_text="The closing gate asks for it.")

    def validate_manager(self, value: int | None) -> Membership | None:
        if value is None:
            return None
        manager = membership_list(workspace=self.context["workspace"]).filter(pk=value).first()
        if manager is None:
            raise serializers.ValidationError("Not a member of this workspace.")
        return manager

    def validate_team(self, value: int | None) -> Team | None:
        if value is None:
            return None
        team = team_list(workspace=self.context["workspace"]).filter(pk=value).first()
        if team is None:
            raise serializers.ValidationError("Not a team of this workspace.")
        return team


class ProjectCreateSerializer(ProjectWriteSerializer):
    template = serializers.IntegerField(
        required=False, help_text="A template project's id: the new project gets a copy of "
        "its board (and tasks, dates shifted to start_date) and its gate checklists.")
    is_template = serializers.BooleanField(required=False,
                                           help_text="Create a template project.")

    def validate_template(self, value: int) -> Project:
        template = project_list(workspace=self.context["workspace"],
                                membership=self.context["membership"],
                                templates=True).filter(pk=value).first()
        if template is None:
            raise serializers.ValidationError("Not a template project you can see.")
        return template

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("template") is not None and attrs.get("is_template"):
            raise serializers.ValidationError(
                {"is_template": ["A project made from a template is not a template; use "
                                 "save-as-template on it afterwards."]})
        return attrs


class ScheduledTaskSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    duration_days = serializers.IntegerField()
    early_start = serializers.DateField()
    early_finish = serializers.DateField()
    late_start = serializers.DateField()
    late_finish = serializers.DateField()
    total_float = serializers.IntegerField()
    critical = serializers.BooleanField()


class ScheduleSerializer(serializers.Serializer):
    project_start = serializers.DateField()
    project_finish = serializers.DateField()
    critical_path = serializers.ListField(child=serializers.IntegerField())
    tasks = ScheduledTaskSerializer(many=True)
