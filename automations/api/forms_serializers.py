"""Serializers of intake forms, their submissions and the public form endpoint."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from automations.models import ApprovalFlow, Form, FormAccess, Submission
from automations.selectors import intake as selectors
from boards.models import Board
from boards.selectors.boards import board_get
from workos.errors import NotFound
from workos.tenancy.models import Team
from workos.tenancy.selectors import team_get


class FormSerializer(serializers.ModelSerializer):
    public = serializers.SerializerMethodField(help_text="access is public: anyone with the link.")
    teams = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    url = serializers.SerializerMethodField(help_text="The public page of the form.")

    class Meta:
        model = Form
        fields = [
            "id", "board", "name", "description", "access", "public", "teams", "fields",
            "pages", "routing", "routing_default", "approval_flow", "reference_prefix",
            "last_reference", "confirmation_message", "is_open", "token", "url", "created_by",
            "created_at", "updated_at", "archived_at",
        ]
        read_only_fields = fields

    def get_public(self, form: Form) -> bool:
        return form.access == FormAccess.PUBLIC

    def get_url(self, form: Form) -> str:
        return selectors.form_url(form)


class FormWriteSerializer(serializers.Serializer):
    board = serializers.IntegerField(help_text="The board submissions become items on.")
    name = serializers.CharField(max_length=200, min_length=1)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    access = serializers.ChoiceField(choices=FormAccess.choices, required=False,
                                     help_text="public, members (default) or teams.")
    public = serializers.BooleanField(required=False,
                                      help_text="Shorthand: true is access=public.")
    teams = serializers.ListField(child=serializers.IntegerField(), required=False,
                                  help_text="For access=teams: the teams that may submit.")
    fields = serializers.ListField(child=serializers.DictField(), min_length=1,
                                   help_text="The questions, in order (see the API guide).")
    pages = serializers.ListField(child=serializers.DictField(), required=False)
    routing = serializers.ListField(child=serializers.DictField(), required=False)
    routing_default = serializers.DictField(required=False)
    approval_flow = serializers.IntegerField(required=False, allow_null=True)
    reference_prefix = serializers.CharField(required=False, allow_blank=True, max_length=10)
    confirmation_message = serializers.CharField(required=False, allow_blank=True,
                                                 max_length=5000)
    is_open = serializers.BooleanField(required=False)

    def validate_board(self, value: int) -> Board:
        try:
            return board_get(workspace=self.context["workspace"],
                             membership=self.context["membership"], id=value)
        except NotFound as exc:
            raise serializers.ValidationError("No such board.") from exc

    def validate_teams(self, value: list[int]) -> list[Team]:
        try:
            return [team_get(workspace=self.context["workspace"], id=i) for i in value]
        except NotFound as exc:
            raise serializers.ValidationError("No such team.") from exc

    def validate_approval_flow(self, value: int | None) -> ApprovalFlow | None:
        if value is None:
            return None
        try:
            return selectors.approval_flow_for_form(workspace=self.context["workspace"],
                                                    id=value)
        except NotFound as exc:
            raise serializers.ValidationError("No such approval flow.") from exc

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        public = attrs.pop("public", None)
        if public is not None and "access" not in attrs:
            attrs["access"] = FormAccess.PUBLIC if public else FormAccess.MEMBERS
        return attrs


class SubmissionSerializer(serializers.ModelSerializer):
    answers = serializers.SerializerMethodField(help_text="The clean answers, by question key.")
    raw_answers = serializers.SerializerMethodField(help_text="What was sent, as sent.")

    class Meta:
        model = Submission
        fields = [
            "id", "form", "reference", "status", "answers", "raw_answers", "submitter",
            "submitter_email", "item", "error", "attempts", "confirmation_sent_at",
            "created_at", "processed_at",
        ]
        read_only_fields = fields

    def get_answers(self, submission: Submission) -> dict[str, Any]:
        return selectors.submission_answers(submission)

    def get_raw_answers(self, submission: Submission) -> dict[str, Any]:
        return (submission.answers or {}).get(selectors.RAW_KEY) or {}


class PublicFormSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()
    access = serializers.CharField()
    is_open = serializers.BooleanField()
    fields = serializers.ListField(child=serializers.DictField(),
                                   help_text="Questions to show; hidden ones are filled from "
                                             "`prefill` and never listed.")
    pages = serializers.ListField(child=serializers.DictField())
    stamp = serializers.CharField(help_text="Send it back with the answers.")


class PublicSubmitSerializer(serializers.Serializer):
    answers = serializers.JSONField(help_text="By question key; in multipart, a JSON string.")
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    stamp = serializers.CharField(required=False, allow_blank=True, max_length=200)
    website = serializers.CharField(required=False, allow_blank=True, max_length=500,
                                    help_text="Leave empty.")
    prefill = serializers.DictField(required=False,
                                    help_text="Values of hidden questions, as a link gives them.")


class PublicReceiptSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status_url = serializers.CharField()
    message = serializers.CharField()
