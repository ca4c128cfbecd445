"""Recurring schedules (`recurring/`): an RRULE in a time zone that creates items on a board."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from automations.models import RecurringOccurrence, RecurringSchedule
from automations.selectors import schedules as selectors
from automations.services import schedules as services
from boards.models import Board
from boards.selectors.boards import board_get
from workos.api.views import WorkspaceViewSet
from workos.errors import NotFound
from workos.tenancy.models import Role, Team
from workos.tenancy.selectors import team_get


class RecurringScheduleSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecurringSchedule
        fields = [
            "id", "name", "board", "rrule", "timezone", "starts_at", "item_template",
            "template_board", "team", "enabled", "last_occurrence_at", "next_occurrence_at",
            "created_by", "created_at",
        ]
        read_only_fields = fields


class RecurringScheduleWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, min_length=1)
    board = serializers.IntegerField(help_text="The board the items are created on.")
    rrule = serializers.CharField(
        max_length=1000, min_length=1,
        help_text="One RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0.")
    timezone = serializers.CharField(
        max_length=64, required=False,
        help_text="IANA zone the rule is read in; the workspace's by default.")
    starts_at = serializers.DateTimeField(required=False, help_text="Now by default.")
    item_template = serializers.DictField(
        required=False,
        help_text="name (with {date}, {week}, {month}, {year}, {member}, {schedule}), "
                  "description, group, status, due_in_days, start_in_days, assignees, "
                  "priority, values.")
    template_board = serializers.IntegerField(
        required=False, allow_null=True,
        help_text="Copy this board's items (and sub-items) at each occurrence.")
    team = serializers.IntegerField(
        required=False, allow_null=True,
        help_text="With template_board: one copy per member of this team.")
    enabled = serializers.BooleanField(required=False)

    def _board(self, value: int) -> Board:
        ctx = self.context
        return board_get(workspace=ctx["workspace"], membership=ctx["membership"], id=value)

    def validate_board(self, value: int) -> Board:
        try:
            return self._board(value)
        except NotFound as exc:
            raise serializers.ValidationError("No such board.") from exc

    def validate_template_board(self, value: int | None) -> Board | None:
        if value is None:
            return None
        try:
            return self._board(value)
        except NotFound as exc:
            raise serializers.ValidationError("No such board.") from exc

    def validate_team(self, value: int | None) -> Team | None:
        if value is None:
            return None
        try:
            return team_get(workspace=self.context["workspace"], id=value)
        except NotFound as exc:
            raise serializers.ValidationError("No such team.") from exc


class RecurringOccurrenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecurringOccurrence
        fields = ["id", "occurs_at", "item_ids", "created_at"]
        read_only_fields = fields


class RecurringScheduleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                               WorkspaceViewSet):
    """Members who edit the target board manage its schedules; items are created by the
    workspace's automation actor, so a schedule outlives its author."""

    scoped_model = RecurringSchedule
    serializer_class = RecurringScheduleSerializer
    roles = {"POST": Role.MEMBER, "PATCH": Role.MEMBER, "DELETE": Role.MEMBER}
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped_queryset(self) -> QuerySet:
        return selectors.schedule_list(workspace=self.workspace, membership=self.membership)

    def _body(self, request: Request, *, partial: bool) -> dict[str, Any]:
        body = RecurringScheduleWriteSerializer(
            data=request.data, partial=partial,
            context={"workspace": self.workspace, "membership": self.membership})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "timezone" in data:
            data["timezone_name"] = data.pop("timezone")
        return data

    @extend_schema(request=RecurringScheduleWriteSerializer,
                   responses={201: RecurringScheduleSerializer})
    def create(self, request: Request, ws: str) -> Response:
        schedule = services.schedule_create(actor=self.membership,
                                            **self._body(request, partial=False))
        return Response(RecurringScheduleSerializer(schedule).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=RecurringScheduleWriteSerializer,
                   responses=RecurringScheduleSerializer)
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        schedule = services.schedule_update(actor=self.membership, schedule=self.get_object(),
                                            **self._body(request, partial=True))
        return Response(RecurringScheduleSerializer(schedule).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.schedule_delete(actor=self.membership, schedule=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=RecurringOccurrenceSerializer(many=True))
    @action(detail=True, methods=["get"])
    def occurrences(self, request: Request, ws: str, id: str) -> Response:
        """The occurrences created so far, newest first, with the ids of their items."""
        rows = selectors.occurrence_list(schedule=self.get_object())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RecurringOccurrenceSerializer(page, many=True).data)
