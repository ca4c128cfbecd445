"""Planning endpoints of a project: task constraints, baselines and their variance, and the
answers of `projects/{id}/schedule/` (GET the schedule, POST apply it).

Routes nest under `projects/{project_id}/`; the project is resolved once through the viewer's
visibility, so another workspace's or a hidden project answers 404 first. Reads need any
role that sees the project; writes need the member role here, and the services decide the
rest (constraints: the board's editor role; baselines: the project's manager or an admin).
Large answers (schedule, variance) are plain dicts rendered by orjson: the serializers below
only describe them in the schema.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from projects.models import Baseline, Project, TaskConstraint
from projects.selectors import project_get
from projects.selectors.baselines import baseline_get, baseline_list, baseline_variance
from projects.selectors.constraints import constraint_get, constraint_list
from projects.services import baselines as baseline_services
from projects.services import constraints as constraint_services
from projects.services.reschedule import project_schedule_apply
from workos.api.filters import StrictOrderingFilter
from workos.api.schema import ErrorSerializer
from workos.api.views import WorkspaceViewSet
from workos.errors import ValidationFailed
from workos.tenancy.models import Membership

METHODS = ["get", "post", "patch", "delete", "head", "options"]


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


# -- the schedule ------------------------------------------------------------------------------


class ScheduledTaskSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    duration_days = serializers.IntegerField()
    early_start = serializers.DateField()
    early_finish = serializers.DateField()
    late_start = serializers.DateField()
    late_finish = serializers.DateField()
    total_float = serializers.IntegerField(help_text="Working days; negative when a "
                                           "finish-no-later-than can't be met.")
    free_float = serializers.IntegerField(help_text="Working days it can slip without moving "
                                          "any successor.")
    critical = serializers.BooleanField()
    done = serializers.BooleanField(help_text="Done tasks keep their dates.")
    start_date = serializers.DateField(allow_null=True, help_text="The item's date now.")
    due_date = serializers.DateField(allow_null=True, help_text="The item's date now.")
    start_no_earlier_than = serializers.DateField(allow_null=True)
    finish_no_later_than = serializers.DateField(allow_null=True)


class ViolationSerializer(serializers.Serializer):
    predecessor = serializers.IntegerField()
    successor = serializers.IntegerField()
    type = serializers.CharField()
    lag_days = serializers.IntegerField()
    days = serializers.IntegerField(help_text="Working days the successor is too early by.")


class ScheduleAnswerSerializer(serializers.Serializer):
    project_start = serializers.DateField()
    project_finish = serializers.DateField()
    schedule_mode = serializers.CharField(help_text="strict, flexible or none.")
    critical_path = serializers.ListField(child=serializers.IntegerField())
    tasks = ScheduledTaskSerializer(many=True)
    violations = ViolationSerializer(
        many=True, help_text="Dependencies the items' current dates break (what mode `none` "
        "leaves for people to fix).")


class MoveSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    project = serializers.IntegerField()
    old_start = serializers.DateField(allow_null=True)
    old_finish = serializers.DateField(allow_null=True)
    new_start = serializers.DateField(allow_null=True)
    new_finish = serializers.DateField(allow_null=True)


class ProjectViolationSerializer(ViolationSerializer):
    project = serializers.IntegerField()


class ApplyAnswerSerializer(serializers.Serializer):
    moved = MoveSerializer(many=True, help_text="Every item moved, here and in projects "
                           "that depend on this one.")
    violations = ProjectViolationSerializer(many=True)


APPLY_DESCRIPTION = (
    "Sets every task that isn't done to its early dates (undated tasks get dates), then "
    "reschedules other projects' tasks that depend on what moved, per their own mode. One "
    "transaction; one Activity per moved item, caused by one `project.rescheduled`."
)


def schedule_apply(project: Project, membership: Membership) -> dict[str, Any]:
    """The POST answer of `projects/{id}/schedule/`."""
    return project_schedule_apply(actor=membership, project=project).as_dict()


# -- nesting under a project -----------------------------------------------------------------


class ProjectChildViewSet(WorkspaceViewSet):
    http_method_names = METHODS
    filter_backends = [StrictOrderingFilter]

    @cached_property
    def project(self) -> Project:
        return project_get(workspace=self.workspace, membership=self.membership,
                           id=int(self.kwargs["project_id"]))

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["project"] = self.project
        return context


# -- constraints -----------------------------------------------------------------------------


class ConstraintSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskConstraint
        fields = ["id", "project", "item", "start_no_earlier_than", "finish_no_later_than"]
        read_only_fields = fields


class ConstraintWriteSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="A task on the project's board; set on create.")
    start_no_earlier_than = serializers.DateField(required=False, allow_null=True)
    finish_no_later_than = serializers.DateField(required=False, allow_null=True)


class ConstraintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectChildViewSet):
    """A task's "start no earlier than" / "finish no later than", one set per task."""

    scoped_model = TaskConstraint
    serializer_class = ConstraintSerializer
    ordering_fields = ["id", "item"]
    ordering = ["id"]

    def scoped_queryset(self) -> QuerySet:
        return constraint_list(project=self.project)

    def _body(self, request: Request, *, partial: bool) -> dict[str, Any]:
        body = ConstraintWriteSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    @extend_schema(request=ConstraintWriteSerializer, responses={
        201: ConstraintSerializer, 409: _error("The task already has constraints.")})
    def create(self, request: Request, ws: str, project_id: str) -> Response:
        constraint = constraint_services.constraint_create(
            actor=self.membership, project=self.project, **self._body(request, partial=False))
        return Response(ConstraintSerializer(constraint).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ConstraintWriteSerializer, responses=ConstraintSerializer)
    def partial_update(self, request: Request, ws: str, project_id: str, id: str) -> Response:
        constraint = constraint_get(project=self.project, id=int(id))
        data = self._body(request, partial=True)
        item = data.pop("item", constraint.item_id)
        if item != constraint.item_id:
            raise ValidationFailed("A constraint stays on its task; delete it and create one "
                                   "on the other task.", fields={"item": ["Can't change."]})
        constraint = constraint_services.constraint_update(
            actor=self.membership, constraint=constraint, **data)
        return Response(ConstraintSerializer(constraint).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, project_id: str, id: str) -> Response:
        constraint = constraint_get(project=self.project, id=int(id))
        constraint_services.constraint_delete(actor=self.membership, constraint=constraint)
        return Response(status=status.HTTP_204_NO_CONTENT)


# -- baselines -------------------------------------------------------------------------------


class BaselineSerializer(serializers.ModelSerializer):
    task_count = serializers.IntegerField(read_only=True, help_text="Tasks frozen in it.")
    is_reference = serializers.SerializerMethodField(
        help_text="Whether the project's variance is measured against it.")

    class Meta:
        model = Baseline
        fields = ["id", "project", "name", "created_by", "created_at", "task_count",
                  "is_reference"]
        read_only_fields = fields

    def get_is_reference(self, baseline: Baseline) -> bool:
        return self.context["project"].reference_baseline_id == baseline.pk


class BaselineWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)


class VarianceTaskSerializer(serializers.Serializer):
    item = serializers.IntegerField(allow_null=True, help_text="Null once the item is deleted.")
    name = serializers.CharField()
    change = serializers.ChoiceField(choices=["kept", "added", "removed"])
    baseline_start = serializers.DateField(allow_null=True)
    baseline_finish = serializers.DateField(allow_null=True)
    current_start = serializers.DateField(allow_null=True)
    current_finish = serializers.DateField(allow_null=True)
    start_variance_days = serializers.IntegerField(
        allow_null=True, help_text="Working days, positive = later than the baseline.")
    finish_variance_days = serializers.IntegerField(
        allow_null=True, help_text="Working days, positive = later than the baseline.")


class VarianceSerializer(serializers.Serializer):
    baseline = serializers.IntegerField()
    finish_variance_days = serializers.IntegerField(
        allow_null=True, help_text="The project's latest task date now against the baseline's, "
        "in working days (positive = late).")
    tasks = VarianceTaskSerializer(many=True)


class BaselineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectChildViewSet):
    """Named frozen copies of the project's task dates; one is the reference for variance."""

    scoped_model = Baseline
    serializer_class = BaselineSerializer
    ordering_fields = ["id", "name", "created_at"]
    ordering = ["id"]

    def scoped_queryset(self) -> QuerySet:
        return baseline_list(project=self.project)

    def _render(self, baseline: Baseline, code: int = status.HTTP_200_OK) -> Response:
        fresh = baseline_get(project=self.project, id=baseline.pk)
        return Response(BaselineSerializer(fresh, context={"project": self.project}).data,
                        status=code)

    def _name(self, request: Request) -> str:
        body = BaselineWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data["name"]

    @extend_schema(request=BaselineWriteSerializer, responses={
        201: BaselineSerializer, 409: _error("A baseline of that name exists.")})
    def create(self, request: Request, ws: str, project_id: str) -> Response:
        baseline = baseline_services.baseline_create(
            actor=self.membership, project=self.project, name=self._name(request))
        self.project.reference_baseline_id = (
            self.project.reference_baseline_id or baseline.pk)
        return self._render(baseline, status.HTTP_201_CREATED)

    @extend_schema(request=BaselineWriteSerializer, responses={
        200: BaselineSerializer, 409: _error("A baseline of that name exists.")})
    def partial_update(self, request: Request, ws: str, project_id: str, id: str) -> Response:
        baseline = baseline_get(project=self.project, id=int(id))
        baseline = baseline_services.baseline_update(
            actor=self.membership, baseline=baseline, name=self._name(request))
        return self._render(baseline)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, project_id: str, id: str) -> Response:
        baseline = baseline_get(project=self.project, id=int(id))
        baseline_services.baseline_delete(actor=self.membership, baseline=baseline)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=BaselineSerializer,
                   summary="Make this the project's reference baseline")
    @action(detail=True, methods=["post"])
    def reference(self, request: Request, ws: str, project_id: str, id: str) -> Response:
        baseline = baseline_get(project=self.project, id=int(id))
        project = baseline_services.baseline_make_reference(actor=self.membership,
                                                            baseline=baseline)
        self.project.reference_baseline_id = project.reference_baseline_id
        return self._render(baseline)

    @extend_schema(responses=VarianceSerializer,
                   summary="Each task's variance against this baseline, in working days")
    @action(detail=True, methods=["get"])
    def variance(self, request: Request, ws: str, project_id: str, id: str) -> Response:
        baseline = baseline_get(project=self.project, id=int(id))
        return Response(baseline_variance(self.project, baseline))
