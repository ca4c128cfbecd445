"""Reporting endpoints of a project: status updates, expenses, the activity stream, budget,
summary and staffing (notes and documents are in `reporting_collab`).

Every route is under `projects/{project_id}/`, and the project is resolved through the viewer's
visibility before anything else (body parsing included), so another workspace's project, or
one whose board the caller cannot see, is a 404 like a missing one. Money (expenses, budget,
staffing) is for members and above: guests never see rates or others' time, of which costs
are made; a guest's summary has `budget: null`.
"""

from __future__ import annotations

import datetime as dt
import decimal
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from projects.api import reporting_serializers as s
from projects.models import Expense, Project, StatusUpdate
from projects.selectors import project_get
from projects.selectors.budget import project_budget, workspace_today
from projects.selectors.expenses import ExpenseFilters, expense_get, expense_list
from projects.selectors.staffing import project_staffing
from projects.selectors.status_updates import status_update_get, status_update_list
from projects.selectors.stream import project_activity
from projects.selectors.summary import project_summary
from projects.services.expenses import expense_create, expense_delete, expense_update
from projects.services.status_updates import status_update_create
from timetracking.models import week_start_of
from workos.activity.models import Activity
from workos.api.filters import StrictOrderingFilter
from workos.api.views import WorkspaceAPIView, WorkspaceViewSet
from workos.tenancy.models import Role

CENT = decimal.Decimal("0.01")


def money_as_text(value: Any) -> Any:
    """Decimals as strings with two decimals, as the rest of the API writes money."""
    if isinstance(value, decimal.Decimal):
        return str(value.quantize(CENT))
    if isinstance(value, dict):
        return {key: money_as_text(v) for key, v in value.items()}
    if isinstance(value, list):
        return [money_as_text(v) for v in value]
    return value


def query(serializer: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    body = serializer(data=request.query_params)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


class ProjectScoped:
    """Routes under `projects/{project_id}/`: the project, resolved once and first."""

    kwargs: dict[str, Any]

    @cached_property
    def project(self) -> Project:
        return project_get(workspace=self.workspace, membership=self.membership,  # type: ignore[attr-defined]
                           id=int(self.kwargs["project_id"]))

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if not getattr(self, "swagger_fake_view", False):
            self.project  # noqa: B018 - a hidden project is a 404 before the body is read

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()  # type: ignore[misc]
        return {**context, "ws": self.kwargs.get("ws")}


class ProjectChildViewSet(ProjectScoped, WorkspaceViewSet):
    filter_backends = [StrictOrderingFilter]


# --- status updates ---------------------------------------------------------------------------


class StatusUpdateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          ProjectChildViewSet):
    """Anyone who sees the project reads them; its manager, admins and editors of its board
    (not guests) post them. Posting sets the project's health."""

    scoped_model = StatusUpdate
    serializer_class = s.StatusUpdateSerializer
    roles = {"POST": Role.MEMBER}
    http_method_names = ["get", "post", "head", "options"]
    ordering_fields = ["date", "created_at", "id"]
    ordering = ["-date", "-id"]

    def scoped_queryset(self) -> QuerySet:
        return status_update_list(project=self.project)

    @extend_schema(request=s.StatusUpdateWriteSerializer, responses={201: s.StatusUpdateSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.StatusUpdateWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        update = status_update_create(actor=self.membership, project=self.project,
                                      **body.validated_data)
        fresh = status_update_get(project=self.project, id=update.pk)
        return Response(s.StatusUpdateSerializer(fresh).data, status=status.HTTP_201_CREATED)


# --- expenses ---------------------------------------------------------------------------------


class ExpenseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectChildViewSet):
    """Members and above read a project's expenses; its manager and admins change them."""

    scoped_model = Expense
    serializer_class = s.ExpenseSerializer
    roles = {"GET": Role.MEMBER, "HEAD": Role.MEMBER, "OPTIONS": Role.MEMBER}
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    ordering_fields = ["date", "amount", "category", "created_at", "id"]
    ordering = ["-date", "-id"]

    def scoped_queryset(self) -> QuerySet:
        filters = ExpenseFilters()
        if self.action == "list":
            filters = ExpenseFilters(**query(s.ExpenseFilterSerializer, self.request))
        return expense_list(project=self.project, filters=filters)

    def _render(self, expense: Expense, code: int = status.HTTP_200_OK) -> Response:
        fresh = expense_get(project=self.project, id=expense.pk)
        return Response(s.ExpenseSerializer(fresh).data, status=code)

    @extend_schema(parameters=[s.ExpenseFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.ExpenseWriteSerializer, responses={201: s.ExpenseSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.ExpenseWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        expense = expense_create(actor=self.membership, project=self.project,
                                 **body.validated_data)
        return self._render(expense, status.HTTP_201_CREATED)

    @extend_schema(request=s.ExpenseUpdateSerializer, responses=s.ExpenseSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expense = self.get_object()
        body = s.ExpenseUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        expense = expense_update(actor=self.membership, expense=expense, **body.validated_data)
        return self._render(expense)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expense_delete(actor=self.membership, expense=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- the activity stream ----------------------------------------------------------------------


class ProjectActivityViewSet(mixins.ListModelMixin, ProjectChildViewSet):
    """What happened to the project and its tasks, status updates, expenses (not for guests),
    baselines and constraints, newest first."""

    scoped_model = Activity
    serializer_class = s.ProjectActivitySerializer
    http_method_names = ["get", "head", "options"]
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]

    def scoped_queryset(self) -> QuerySet:
        return project_activity(project=self.project,
                                with_money=self.membership.role != Role.GUEST)


# --- budget, summary, staffing ----------------------------------------------------------------


class ProjectView(ProjectScoped, WorkspaceAPIView):
    pass


class BudgetView(ProjectView):
    roles = {"GET": Role.MEMBER, "HEAD": Role.MEMBER}

    @extend_schema(responses=s.BudgetSerializer, description=(
        "Planned budget, actual cost (labour at the cost rates in force plus expenses), "
        "remaining, burn rate, forecast at completion (actual + remaining estimated effort x "
        "average cost rate so far), variance (budget - forecast) and cost by month."))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(money_as_text(project_budget(self.project)))


class SummaryView(ProjectView):
    @extend_schema(responses=s.SummarySerializer, description=(
        "Progress, milestones with their slip against the reference baseline, schedule "
        "variance, budget figures (null for guests), open risks (open items tagged `risk`), "
        "the next gate and the latest status update."))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        summary = project_summary(self.project,
                                  with_money=self.membership.role != Role.GUEST)
        return Response(money_as_text(summary))


class StaffingView(ProjectView):
    roles = {"GET": Role.MEMBER, "HEAD": Role.MEMBER}

    @extend_schema(parameters=[s.StaffingQuerySerializer], responses=s.StaffingSerializer,
                   description=(
        "The project's allocations in the range, and for everyone allocated to it or "
        "assigned to its open tasks, their workload per day: capacity, everything assigned "
        "and allocated to them, and this project's part of it."))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = query(s.StaffingQuerySerializer, request)
        start: dt.date = params.get("start") or week_start_of(workspace_today(self.workspace))
        end: dt.date = params.get("end") or start + dt.timedelta(days=13)
        return Response(project_staffing(project=self.project, viewer=self.membership,
                                         start=start, end=end))
