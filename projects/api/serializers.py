"""Thin serializers of projects and their schedule."""

from __future__ import annotations

from rest_framework import serializers

from projects.models import Health, Phase, Project
from workos.tenancy.models import Membership
from workos.tenancy.selectors import membership_list


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = [
            "id", "name", "outcome", "manager", "start_date", "end_date", "phase", "health",
            "budget", "board", "created_at", "updated_at",
        ]
        read_only_fields = fields


class ProjectWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    outcome = serializers.CharField(required=False, allow_blank=True)
    manager = serializers.IntegerField(required=False, allow_null=True,
                                       help_text="A membership id of this workspace.")
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    phase = serializers.ChoiceField(choices=Phase.choices, required=False)
    health = serializers.ChoiceField(choices=Health.choices, required=False)
    budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0
    )

    def validate_manager(self, value: int | None) -> Membership | None:
        if value is None:
            return None
        manager = membership_list(workspace=self.context["workspace"]).filter(pk=value).first()
        if manager is None:
            raise serializers.ValidationError("Not a member of this workspace.")
        return manager


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
