"""Serializers of approval flows and requests: plain ids in requests and answers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from automations.models import ApprovalFlow, ApprovalRequest, ApprovalStatus, Decision
from automations.selectors.approvals import step_states

STEPS_HELP = (
    "Ordered steps, each {\"name\", \"approvers\": {\"kind\": \"people\", \"people\": [member "
    "ids], \"mode\": \"any\"|\"all\"} | {\"kind\": \"team\", \"team\": id, \"mode\": "
    "\"any\"|\"all\"} | {\"kind\": \"manager\"}, \"when\": a condition tree as in rules "
    "(optional), \"deadline_hours\", \"remind_hours_before\", \"fallback\": member id}.")
OUTCOME_HELP = (
    "{\"status\": a status name, \"status_category\": backlog|todo|in_progress|done|cancelled "
    "(used when the item's board has no status of that name), \"group\": a group name, "
    "\"notify\": [\"requester\" | \"assignees\" | \"approvers\" | {\"member\": id} | "
    "{\"team\": id}]}; names are looked up on the item's board when the request is decided.")


class ApprovalFlowSerializer(serializers.ModelSerializer):
    pending_requests = serializers.IntegerField(
        read_only=True, help_text="Requests of this flow waiting for a decision.")

    class Meta:
        model = ApprovalFlow
        fields = ["id", "name", "description", "steps", "on_approved", "on_rejected",
                  "enabled", "pending_requests", "created_by", "created_at", "updated_at"]
        read_only_fields = fields


class ApprovalFlowWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    steps = serializers.JSONField(help_text=STEPS_HELP)
    on_approved = serializers.JSONField(required=False, allow_null=True, help_text=OUTCOME_HELP)
    on_rejected = serializers.JSONField(required=False, allow_null=True, help_text=OUTCOME_HELP)
    enabled = serializers.BooleanField(required=False)


class ApprovalRequestSerializer(serializers.ModelSerializer):
    flow_name = serializers.CharField(source="flow.name", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    board = serializers.IntegerField(source="item.board_id", read_only=True)
    current_step_name = serializers.SerializerMethodField()
    pending_approvers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ApprovalRequest
        fields = ["id", "flow", "flow_name", "item", "item_name", "board", "status",
                  "current_step", "current_step_name", "pending_approvers", "requested_by",
                  "requester_email", "submission", "step_due_at", "reminded_at",
                  "escalated_at", "created_at", "decided_at"]
        read_only_fields = fields

    def get_current_step_name(self, request: ApprovalRequest) -> str:
        steps = request.steps or []
        return steps[request.current_step].get("name", "") if request.current_step < len(
            steps) else ""


class DecisionSerializer(serializers.ModelSerializer):
    approver_name = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = ["id", "step", "approver", "approver_name", "decision", "comment",
                  "decided_at"]
        read_only_fields = fields

    def get_approver_name(self, decision: Decision) -> str:
        return decision.approver.display_name if decision.approver_id else ""


class StepStateSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    name = serializers.CharField()
    approvers = serializers.JSONField()
    when = serializers.JSONField(allow_null=True)
    deadline_hours = serializers.IntegerField(allow_null=True)
    state = serializers.ChoiceField(choices=["approved", "rejected", "skipped", "pending",
                                             "waiting", "not_reached", "cancelled"])
    mode = serializers.CharField(allow_null=True, help_text="any or all, once reached.")
    asked = serializers.ListField(child=serializers.IntegerField())
    asked_via = serializers.CharField(
        allow_null=True, help_text="people, team, manager, fallback or admins.")
    escalated_to = serializers.ListField(child=serializers.IntegerField())
    pending = serializers.ListField(child=serializers.IntegerField())
    due_at = serializers.DateTimeField(allow_null=True)


class ApprovalRequestDetailSerializer(ApprovalRequestSerializer):
    steps = serializers.SerializerMethodField()
    decisions = DecisionSerializer(many=True, read_only=True)
    requester_name = serializers.SerializerMethodField()
    can_decide = serializers.SerializerMethodField()

    class Meta(ApprovalRequestSerializer.Meta):
        fields = [*ApprovalRequestSerializer.Meta.fields, "requester_name", "steps",
                  "decisions", "can_decide"]
        read_only_fields = fields

    @extend_schema_field(StepStateSerializer(many=True))
    def get_steps(self, request: ApprovalRequest) -> list[dict[str, Any]]:
        return StepStateSerializer(step_states(request), many=True).data

    def get_requester_name(self, request: ApprovalRequest) -> str:
        if request.requested_by_id:
            return request.requested_by.display_name
        return request.requester_email

    def get_can_decide(self, request: ApprovalRequest) -> bool:
        viewer = self.context.get("membership")
        return bool(viewer is not None and request.status == ApprovalStatus.PENDING
                    and any(m.pk == viewer.pk for m in request.pending_approvers.all()))


class ApprovalStartSerializer(serializers.Serializer):
    flow = serializers.IntegerField(help_text="The approval flow.")
    item = serializers.IntegerField(help_text="The item to approve; you must see its board.")


class DecideSerializer(serializers.Serializer):
    decision = serializers.CharField(help_text="approve or reject.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000,
                                    help_text="Required when rejecting.")


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)
