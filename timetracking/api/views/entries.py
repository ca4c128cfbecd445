"""Time entries, the timer and weekly timesheets."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from timetracking import selectors, services
from timetracking.api import serializers as s
from timetracking.api.views.base import LocalTimeMixin, query
from timetracking.models import TimeEntry, Timesheet
from timetracking.selectors import EntryFilters, TimesheetFilters
from workos.api.filters import StrictOrderingFilter
from workos.api.schema import ErrorSerializer
from workos.api.views import WorkspaceAPIView, WorkspaceViewSet
from workos.tenancy.models import Role

# Anyone in the workspace may write their own time; the services decide about others'.
ANYONE_WRITES = {"POST": Role.GUEST, "PUT": Role.GUEST, "PATCH": Role.GUEST,
                 "DELETE": Role.GUEST}
LOCKED = OpenApiResponse(response=ErrorSerializer,
                         description="The week's timesheet is approved: the time is locked.")


class TimeEntryViewSet(LocalTimeMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       WorkspaceViewSet):
    """Logged time. You see your own, your direct reports' on boards you see, and (admins)
    everyone's. An overlap with another entry is a 400 naming that entry."""

    scoped_model = TimeEntry
    serializer_class = s.TimeEntrySerializer
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ["id", "started_at", "date", "duration_minutes", "created_at"]
    ordering = ["-started_at", "-id"]
    roles = ANYONE_WRITES
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped_queryset(self) -> QuerySet:
        filters = (
            EntryFilters(**query(s.EntryFilterSerializer, self.request))
            if self.action == "list" else None
        )
        return selectors.time_entry_list(
            workspace=self.workspace, viewer=self.membership, filters=filters
        )

    @extend_schema(parameters=[s.EntryFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.TimeEntryWriteSerializer, responses={201: s.TimeEntrySerializer,
                                                                  409: LOCKED})
    def create(self, request: Request, ws: str) -> Response:
        body = s.TimeEntryWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        entry = services.time_entry_create(
            actor=self.membership,
            member=self.member_of_workspace(data["member"]) if "member" in data else None,
            item=self.visible_item(data.get("item")),
            started_at=data["started_at"],
            ended_at=data.get("ended_at"),
            duration_minutes=data.get("duration_minutes"),
            billable=data["billable"],
            note=data["note"],
        )
        return Response(s.TimeEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TimeEntryUpdateSerializer, responses={200: s.TimeEntrySerializer,
                                                                   409: LOCKED})
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        entry = self.get_object()
        body = s.TimeEntryUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        if "item" in fields:
            fields["item"] = self.visible_item(fields["item"])
        entry = services.time_entry_update(actor=self.membership, entry=entry, fields=fields)
        return Response(s.TimeEntrySerializer(entry).data)

    @extend_schema(responses={204: None, 409: LOCKED})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.time_entry_delete(actor=self.membership, entry=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[s.ItemTimeQuerySerializer],
                   responses=s.ItemTimeListSerializer,
                   description="Tracked time per item of a board (the board's \"time "
                               "tracked\" column), rolled up to parents, with estimates.")
    @action(detail=False, methods=["get"])
    def totals(self, request: Request, ws: str) -> Response:
        board = self.visible_board(query(s.ItemTimeQuerySerializer, request)["board"])
        rows = selectors.item_time_totals(
            workspace=self.workspace, viewer=self.membership, board=board
        )
        return Response({"results": s.ItemTimeSerializer(rows, many=True).data})


class TimerView(LocalTimeMixin, WorkspaceAPIView):
    """Your running timer; it lives on the server, so it survives a page reload."""

    @extend_schema(responses=s.TimerStatusSerializer)
    def get(self, request: Request, ws: str) -> Response:
        timer = selectors.timer_running(workspace=self.workspace, member=self.membership)
        return Response(s.TimerStatusSerializer({"timer": timer}).data)


class TimerStartView(LocalTimeMixin, WorkspaceAPIView):
    roles = {"POST": Role.GUEST}

    @extend_schema(request=s.TimerStartSerializer, responses={201: s.TimerResultSerializer},
                   description="Start a timer on an item. A running timer is stopped first "
                               "(a switch); `entries` are what it became.")
    def post(self, request: Request, ws: str) -> Response:
        body = s.TimerStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        timer, entries = services.timer_start(
            actor=self.membership, item=self.visible_item(data.get("item")),
            note=data["note"], billable=data["billable"],
        )
        out = s.TimerResultSerializer({"timer": timer, "entries": entries})
        return Response(out.data, status=status.HTTP_201_CREATED)


class TimerStopView(LocalTimeMixin, WorkspaceAPIView):
    roles = {"POST": Role.GUEST}

    @extend_schema(request=None, responses={200: s.TimerResultSerializer, 409: OpenApiResponse(
        response=ErrorSerializer, description="No timer is running.")},
        description="Stop your timer and log its time, one entry per day in the workspace's "
                    "time zone.")
    def post(self, request: Request, ws: str) -> Response:
        timer, entries = services.timer_stop(actor=self.membership)
        return Response(s.TimerResultSerializer({"timer": timer, "entries": entries}).data)


class TimerDiscardView(LocalTimeMixin, WorkspaceAPIView):
    roles = {"POST": Role.GUEST}

    @extend_schema(request=None, responses=s.TimerStatusSerializer,
                   description="Stop your timer without logging its time.")
    def post(self, request: Request, ws: str) -> Response:
        services.timer_discard(actor=self.membership)
        return Response(s.TimerStatusSerializer({"timer": None}).data)


class TimesheetViewSet(LocalTimeMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       WorkspaceViewSet):
    """A member's ISO week: draft → submitted → approved or rejected. The member's manager or
    an admin decides; approval locks the week's entries."""

    scoped_model = Timesheet
    serializer_class = s.TimesheetSerializer
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ["id", "week_start", "status", "submitted_at"]
    ordering = ["-week_start", "id"]
    roles = ANYONE_WRITES
    http_method_names = ["get", "post", "head", "options"]

    def scoped_queryset(self) -> QuerySet:
        filters = (
            TimesheetFilters(**query(s.TimesheetFilterSerializer, self.request))
            if self.action == "list" else None
        )
        return selectors.timesheet_list(
            workspace=self.workspace, viewer=self.membership, filters=filters
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "membership": self.membership}

    def _render(self, sheet: Timesheet) -> Response:
        fresh = selectors.timesheet_get(workspace=self.workspace, viewer=self.membership,
                                        id=sheet.pk)
        return Response(s.TimesheetSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(parameters=[s.TimesheetFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=s.TimesheetSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, ws: str, id: str) -> Response:
        return self._render(services.timesheet_submit(actor=self.membership,
                                                      sheet=self.get_object()))

    @extend_schema(request=s.TimesheetDecisionSerializer, responses=s.TimesheetSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, ws: str, id: str) -> Response:
        sheet = self.get_object()
        body = s.TimesheetDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._render(services.timesheet_approve(
            actor=self.membership, sheet=sheet, comment=body.validated_data["comment"]))

    @extend_schema(request=s.TimesheetDecisionSerializer, responses=s.TimesheetSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, ws: str, id: str) -> Response:
        sheet = self.get_object()
        body = s.TimesheetDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._render(services.timesheet_reject(
            actor=self.membership, sheet=sheet, comment=body.validated_data["comment"]))
