"""Rates, work schedules, time off and allocations."""

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
from timetracking.models import Allocation, Rate, TimeOff, WorkSchedule
from timetracking.selectors import AllocationFilters, RateFilters, TimeOffFilters
from workos.api.filters import StrictOrderingFilter
from workos.api.schema import ErrorSerializer
from workos.api.views import WorkspaceViewSet
from workos.tenancy.models import Role

ADMIN_WRITES = {"POST": Role.ADMIN, "PUT": Role.ADMIN, "PATCH": Role.ADMIN,
                "DELETE": Role.ADMIN}
METHODS = ["get", "post", "patch", "delete", "head", "options"]


class _PlanningViewSet(LocalTimeMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       WorkspaceViewSet):
    filter_backends = [StrictOrderingFilter]
    http_method_names = METHODS
    roles = ADMIN_WRITES


class RateViewSet(_PlanningViewSet):
    """Hourly cost and bill rates per member, from a date, optionally per board. Admins and
    owners see and set everyone's; members see only their own; guests none. A change that
    would alter the cost of time already logged is a 409: add a new rate from a date."""

    scoped_model = Rate
    serializer_class = s.RateSerializer
    # Cursor positions are read from the first sort key, so keys are plain values, not
    # relations (a relation would load a row to print it).
    ordering_fields = ["id", "effective_from", "created_at"]
    ordering = ["-effective_from", "-id"]
    roles = {**ADMIN_WRITES, "GET": Role.MEMBER, "HEAD": Role.MEMBER}

    def scoped_queryset(self) -> QuerySet:
        filters = (
            RateFilters(**query(s.RateFilterSerializer, self.request))
            if self.action == "list" else None
        )
        return selectors.rate_list(workspace=self.workspace, viewer=self.membership,
                                   filters=filters)

    @extend_schema(parameters=[s.RateFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.RateWriteSerializer, responses={201: s.RateSerializer})
    def create(self, request: Request, ws: str) -> Response:
        body = s.RateWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        rate = services.rate_create(
            actor=self.membership, member=self.member_of_workspace(data["member"]),
            board=self.visible_board(data.get("board")), cost_rate=data["cost_rate"],
            bill_rate=data["bill_rate"], effective_from=data.get("effective_from"),
        )
        return Response(s.RateSerializer(rate).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RateUpdateSerializer, responses={200: s.RateSerializer, 409:
                   OpenApiResponse(ErrorSerializer, "Time was already costed at this rate.")})
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        rate = self.get_object()
        body = s.RateUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        rate = services.rate_update(actor=self.membership, rate=rate,
                                    fields=dict(body.validated_data))
        return Response(s.RateSerializer(rate).data)

    @extend_schema(responses={204: None, 409: OpenApiResponse(
        ErrorSerializer, "Time was already costed at this rate.")})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.rate_delete(actor=self.membership, rate=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class WorkScheduleViewSet(_PlanningViewSet):
    """Weekly capacity: hours per weekday, Monday first. A member without one works the
    workspace's working days, 8 hours each. Admins and owners set them."""

    scoped_model = WorkSchedule
    serializer_class = s.WorkScheduleSerializer
    ordering_fields = ["id", "updated_at"]
    ordering = ["id"]

    def scoped_queryset(self) -> QuerySet:
        member = (query(s.MemberFilterSerializer, self.request).get("member")
                  if self.action == "list" else None)
        return selectors.schedule_list(workspace=self.workspace, viewer=self.membership,
                                       member=member)

    @extend_schema(parameters=[s.MemberFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.WorkScheduleWriteSerializer,
                   responses={201: s.WorkScheduleSerializer})
    def create(self, request: Request, ws: str) -> Response:
        body = s.WorkScheduleWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        schedule = services.schedule_create(
            actor=self.membership, member=self.member_of_workspace(data["member"]),
            hours=data["hours"],
        )
        return Response(s.WorkScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.WorkScheduleWriteSerializer, responses=s.WorkScheduleSerializer)
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        schedule = self.get_object()
        body = s.WorkScheduleWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        if "hours" in body.validated_data:
            schedule = services.schedule_update(actor=self.membership, schedule=schedule,
                                                hours=body.validated_data["hours"])
        return Response(s.WorkScheduleSerializer(schedule).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.schedule_delete(actor=self.membership, schedule=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TimeOffViewSet(_PlanningViewSet):
    """Absences (whole or half days). Anyone asks for their own; admins approve or reject, and
    may record time off for others (approved at once). Approved time off reduces capacity."""

    scoped_model = TimeOff
    serializer_class = s.TimeOffSerializer
    ordering_fields = ["id", "start_date", "end_date", "created_at"]
    ordering = ["-start_date", "id"]
    roles = {"POST": Role.GUEST, "PATCH": Role.GUEST, "PUT": Role.GUEST, "DELETE": Role.GUEST}
    action_roles = {"approve": Role.ADMIN, "reject": Role.ADMIN}

    def scoped_queryset(self) -> QuerySet:
        filters = (
            TimeOffFilters(**query(s.TimeOffFilterSerializer, self.request))
            if self.action == "list" else None
        )
        return selectors.time_off_list(workspace=self.workspace, viewer=self.membership,
                                       filters=filters)

    @extend_schema(parameters=[s.TimeOffFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.TimeOffWriteSerializer, responses={201: s.TimeOffSerializer})
    def create(self, request: Request, ws: str) -> Response:
        body = s.TimeOffWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        member = self.member_of_workspace(data.pop("member")) if "member" in data else None
        row = services.time_off_create(actor=self.membership, member=member, **data)
        return Response(s.TimeOffSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TimeOffUpdateSerializer, responses=s.TimeOffSerializer)
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        row = self.get_object()
        body = s.TimeOffUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        row = services.time_off_update(actor=self.membership, row=row,
                                       fields=dict(body.validated_data))
        return Response(s.TimeOffSerializer(row).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.time_off_delete(actor=self.membership, row=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=s.TimeOffSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, ws: str, id: str) -> Response:
        row = services.time_off_decide(actor=self.membership, row=self.get_object(),
                                       approve=True)
        return Response(s.TimeOffSerializer(row).data)

    @extend_schema(request=None, responses=s.TimeOffSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, ws: str, id: str) -> Response:
        row = services.time_off_decide(actor=self.membership, row=self.get_object(),
                                       approve=False)
        return Response(s.TimeOffSerializer(row).data)


class AllocationViewSet(_PlanningViewSet):
    """People booked on boards (a project's or an operational one) for a period, in hours per
    week or a percentage of capacity. Admins and owners allocate."""

    scoped_model = Allocation
    serializer_class = s.AllocationSerializer
    ordering_fields = ["id", "start_date", "end_date"]
    ordering = ["start_date", "id"]

    def scoped_queryset(self) -> QuerySet:
        filters = (
            AllocationFilters(**query(s.AllocationFilterSerializer, self.request))
            if self.action == "list" else None
        )
        return selectors.allocation_list(workspace=self.workspace, viewer=self.membership,
                                         filters=filters)

    @extend_schema(parameters=[s.AllocationFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.AllocationWriteSerializer, responses={201: s.AllocationSerializer})
    def create(self, request: Request, ws: str) -> Response:
        body = s.AllocationWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["member"] = self.member_of_workspace(data["member"])
        data["board"] = self.visible_board(data["board"])
        row = services.allocation_create(actor=self.membership, **data)
        return Response(s.AllocationSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AllocationUpdateSerializer, responses=s.AllocationSerializer)
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        row = self.get_object()
        body = s.AllocationUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        if "board" in fields:
            fields["board"] = self.visible_board(fields["board"])
        row = services.allocation_update(actor=self.membership, row=row, fields=fields)
        return Response(s.AllocationSerializer(row).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.allocation_delete(actor=self.membership, row=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
