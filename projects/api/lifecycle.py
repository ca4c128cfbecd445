"""Life-cycle endpoints of a project: its gate checklists (`projects/{project_id}/gate-items/`)
and the project actions `gates/`, `advance/`, `approve-budget/`, `closeout/`, `reopen/` and
`save-as-template/`, which ProjectViewSet takes from `ProjectLifecycleActions`.

Reads need any role that sees the project; writes need the member role here, and the services
decide the rest (gate edits and advancing: the project's manager or a workspace admin;
overriding a gate, approving a budget and reopening: a workspace admin).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from projects.api.serializers import ProjectSerializer
from projects.models import GateCheck, GateItem, Phase, PhaseTransition, Project
from projects.selectors import project_get
from projects.selectors.gates import (
    GateResult,
    gate_item_list,
    gate_status,
    gates_evaluate,
    next_phase,
    transition_list,
)
from projects.services import gates as gate_services
from projects.services import lifecycle as lifecycle_services
from projects.services import templates as template_services
from workos.api.filters import StrictOrderingFilter
from workos.api.schema import ErrorSerializer
from workos.api.views import WorkspaceViewSet
from workos.errors import Conflict
from workos.tenancy.models import Role, role_at_least

GATED = [p.value for p in Phase if p != Phase.CLOSED]
WRITES = {"POST": Role.MEMBER, "PATCH": Role.MEMBER, "DELETE": Role.MEMBER}


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


# -- serializers ------------------------------------------------------------------------------


class GateItemSerializer(serializers.ModelSerializer):
    done = serializers.SerializerMethodField(help_text="Manual items: ticked.")
    met = serializers.SerializerMethodField(
        help_text="Rule items: evaluated now; manual items: ticked.")
    detail = serializers.SerializerMethodField(help_text="Why it is met or not, and what to "
                                               "do about it.")

    class Meta:
        model = GateItem
        fields = ["id", "project", "phase", "label", "rule", "position", "done", "done_at",
                  "done_by", "met", "detail"]
        read_only_fields = fields

    def _result(self, item: GateItem) -> GateResult:
        return self.context["results"][item.pk]

    def get_done(self, item: GateItem) -> bool:
        return item.done_at is not None

    def get_met(self, item: GateItem) -> bool:
        return self._result(item).met

    def get_detail(self, item: GateItem) -> str:
        return self._result(item).detail


class GateItemWriteSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Phase.choices, help_text="The phase this item "
                                    "gates (it must be met to leave it): any but closed. "
                                    "Creation only.")
    label = serializers.CharField(max_length=200)
    rule = serializers.ChoiceField(choices=GateCheck.choices, required=False,
                                   help_text="manual (default) or a check the system "
                                   "evaluates. Creation only.")
    position = serializers.IntegerField(required=False, min_value=0,
                                        help_text="0-based place within the phase; the end "
                                        "by default.")
    done = serializers.BooleanField(required=False, help_text="Tick or untick a manual item "
                                    "(PATCH only).")


class UnmetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    rule = serializers.ChoiceField(choices=GateCheck.choices)
    phase = serializers.CharField()
    detail = serializers.CharField()


class TransitionSerializer(serializers.ModelSerializer):
    unmet = UnmetSerializer(many=True, read_only=True,
                            help_text="The gate items an admin overrode.")

    class Meta:
        model = PhaseTransition
        fields = ["id", "from_phase", "to_phase", "actor", "overridden", "unmet", "reason",
                  "created_at"]
        read_only_fields = fields


class GatePhaseSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Phase.choices)
    met = serializers.BooleanField()
    items = GateItemSerializer(many=True)


class GateStatusSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Phase.choices)
    next_phase = serializers.ChoiceField(choices=Phase.choices, allow_null=True)
    can_advance = serializers.BooleanField(help_text="The current phase's gate is met.")
    phases = GatePhaseSerializer(many=True)
    transitions = TransitionSerializer(many=True, help_text="Newest first.")


class AdvanceSerializer(serializers.Serializer):
    override_reason = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=2000,
        help_text="Workspace admins: advance past unmet gate items, for this reason.")


class AdvanceAnswerSerializer(serializers.Serializer):
    project = ProjectSerializer()
    transition = TransitionSerializer()


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class SaveAsTemplateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                 help_text="Default: the project's name + ' (template)'.")


class CloseoutDatesSerializer(serializers.Serializer):
    planned_start = serializers.DateField(allow_null=True)
    planned_finish = serializers.DateField(allow_null=True)
    actual_start = serializers.DateField(allow_null=True, help_text="Earliest start of the "
                                         "tasks not cancelled.")
    actual_finish = serializers.DateField(allow_null=True, help_text="Latest completion day "
                                          "of the done tasks.")
    start_variance_days = serializers.IntegerField(allow_null=True)
    finish_variance_days = serializers.IntegerField(allow_null=True, help_text="Working days; "
                                                    "positive = late.")


class CloseoutCostSerializer(serializers.Serializer):
    currency = serializers.CharField()
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    labour = serializers.DecimalField(max_digits=14, decimal_places=2)
    expenses = serializers.DecimalField(max_digits=14, decimal_places=2)
    actual = serializers.DecimalField(max_digits=14, decimal_places=2)
    variance = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True,
                                        help_text="Budget minus actual; negative = over.")
    used_percent = serializers.FloatField(allow_null=True)
    hours_logged = serializers.FloatField()


class CloseoutTasksSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    open = serializers.IntegerField(help_text="Not zero only when an admin overrode the gate.")


class CloseoutMilestoneSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    name = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    outcome = serializers.ChoiceField(choices=["hit", "missed", "cancelled"])


class CloseoutMilestonesSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    hit = serializers.IntegerField()
    missed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    items = CloseoutMilestoneSerializer(many=True)


class CloseoutSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    closed_at = serializers.DateTimeField()
    closed_by = serializers.IntegerField(allow_null=True)
    dates = CloseoutDatesSerializer()
    cost = CloseoutCostSerializer(allow_null=True, help_text="Null for guests.")
    tasks = CloseoutTasksSerializer()
    milestones = CloseoutMilestonesSerializer()
    summary = serializers.CharField()


# -- rendering --------------------------------------------------------------------------------


def _items_data(project: Project, items: list[GateItem]) -> list[dict[str, Any]]:
    results = {r.item.pk: r for r in gates_evaluate(project, items)}
    return GateItemSerializer(items, many=True, context={"results": results}).data


def gate_status_data(project: Project) -> dict[str, Any]:
    phases = gate_status(project)
    results = {r.item.pk: r for phase in phases for r in phase.results}
    current = next((p for p in phases if p.phase == project.phase), None)
    return {
        "phase": project.phase,
        "next_phase": None if project.is_template else next_phase(project.phase),
        "can_advance": bool(current and current.met and not project.is_template),
        "phases": [
            {"phase": p.phase, "met": p.met,
             "items": GateItemSerializer([r.item for r in p.results], many=True,
                                         context={"results": results}).data}
            for p in phases
        ],
        "transitions": TransitionSerializer(transition_list(project=project), many=True).data,
    }


# -- gate items -------------------------------------------------------------------------------


class GateItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    """A project's gate checklists, in life-cycle order, each item with `met` evaluated now."""

    scoped_model = GateItem
    serializer_class = GateItemSerializer
    roles = WRITES
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ["id", "position"]
    ordering = ["phase_rank", "position", "id"]

    @cached_property
    def project(self) -> Project:
        return project_get(workspace=self.workspace, membership=self.membership,
                           id=int(self.kwargs["project_id"]))

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.project  # noqa: B018 - another workspace's project is a 404 before the body is read

    def scoped_queryset(self) -> QuerySet:
        phase = self.request.query_params.get("phase") if self.action == "list" else None
        if phase is not None and phase not in GATED:
            phase = "-"  # no item has it: an unknown phase lists nothing
        return gate_item_list(project=self.project, phase=phase)

    def _render(self, item: GateItem, code: int = status.HTTP_200_OK) -> Response:
        fresh = gate_item_list(project=self.project).get(pk=item.pk)
        return Response(_items_data(self.project, [fresh])[0], status=code)

    @extend_schema(parameters=[OpenApiParameter("phase", str, enum=GATED,
                                                description="One phase's items only.")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())) or [])
        return self.get_paginated_response(_items_data(self.project, page))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(_items_data(self.project, [self.get_object()])[0])

    @extend_schema(request=GateItemWriteSerializer, responses={
        201: GateItemSerializer, 409: _error("The project is closed.")})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = GateItemWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = {k: v for k, v in body.validated_data.items() if k != "done"}
        item = gate_services.gate_item_create(actor=self.membership, project=self.project,
                                              **data)
        return self._render(item, status.HTTP_201_CREATED)

    @extend_schema(request=GateItemWriteSerializer, responses={
        200: GateItemSerializer,
        400: _error("Ticking an item the system checks (`code` gate_rule_item), or bad input."),
        409: _error("The project is closed.")})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = GateItemWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = {k: v for k, v in body.validated_data.items() if k in {"label", "position",
                                                                       "done"}}
        item = gate_services.gate_item_update(actor=self.membership, item=self.get_object(),
                                              **data)
        return self._render(item)

    @extend_schema(responses={204: None, 409: _error("The project is closed.")})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        gate_services.gate_item_delete(actor=self.membership, item=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# -- project actions --------------------------------------------------------------------------


class ProjectLifecycleActions(WorkspaceViewSet):
    """The life-cycle actions of ProjectViewSet (which provides `scoped_queryset`)."""

    def _project_data(self, project: Project) -> dict[str, Any]:
        fresh = project_get(workspace=self.workspace, membership=self.membership, id=project.pk)
        return ProjectSerializer(fresh).data

    @extend_schema(responses=GateStatusSerializer)
    @action(detail=True, methods=["get"])
    def gates(self, request: Request, ws: str, id: str) -> Response:
        """Every phase's gate checklist evaluated now, and the phase transitions so far."""
        return Response(gate_status_data(self.get_object()))

    @extend_schema(request=AdvanceSerializer, responses={
        200: AdvanceAnswerSerializer,
        403: _error("Not the project's manager nor a workspace admin; or overriding a gate "
                    "without being a workspace admin."),
        409: _error("`gate_unmet`: the current phase's gate has unmet items, listed in "
                    "`fields.unmet` (id, label, rule, phase, detail); `project_closed`; "
                    "`template`."),
    })
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, ws: str, id: str) -> Response:
        """Move the project to its next phase. Leaving closing closes it: its board becomes
        read-only and the close-out report is written."""
        project = self.get_object()
        body = AdvanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        transition = lifecycle_services.project_advance(
            actor=self.membership, project=project,
            override_reason=body.validated_data.get("override_reason"),
        )
        return Response({"project": self._project_data(project),
                         "transition": TransitionSerializer(transition).data})

    @extend_schema(request=None, responses={
        200: ProjectSerializer, 400: _error("The project has no budget."),
        403: _error("Workspace admins approve budgets."), 409: _error("The project is closed.")})
    @action(detail=True, methods=["post"], url_path="approve-budget")
    def approve_budget(self, request: Request, ws: str, id: str) -> Response:
        """Approve the current budget; changing the budget later withdraws the approval."""
        project = lifecycle_services.project_budget_approve(actor=self.membership,
                                                            project=self.get_object())
        return Response(self._project_data(project))

    @extend_schema(responses={200: CloseoutSerializer,
                              409: _error("`not_closed`: the report is written at closing.")})
    @action(detail=True, methods=["get"])
    def closeout(self, request: Request, ws: str, id: str) -> Response:
        """The close-out report frozen when the project closed."""
        project = self.get_object()
        if project.phase != Phase.CLOSED or not project.closeout_report:
            raise Conflict(f"The project '{project.name}' is in {project.phase}; its close-out "
                           "report is written when it closes.", code="not_closed")
        report = dict(project.closeout_report)
        if not role_at_least(self.membership.role, Role.MEMBER):
            report["cost"] = None  # guests see no money and nobody else's time
        return Response({"project": project.pk, **report})

    @extend_schema(request=ReopenSerializer, responses={
        200: AdvanceAnswerSerializer, 403: _error("Workspace admins reopen projects."),
        409: _error("`not_closed`: the project is not closed.")})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, ws: str, id: str) -> Response:
        """Back to closing: the board is writable again and the close-out report is dropped."""
        project = self.get_object()
        body = ReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        transition = lifecycle_services.project_reopen(
            actor=self.membership, project=project, reason=body.validated_data["reason"])
        return Response({"project": self._project_data(project),
                         "transition": TransitionSerializer(transition).data})

    @extend_schema(request=SaveAsTemplateSerializer, responses={201: ProjectSerializer})
    @action(detail=True, methods=["post"], url_path="save-as-template")
    def save_as_template(self, request: Request, ws: str, id: str) -> Response:
        """A new template project from this one: its board and tasks (statuses back to to-do)
        and its gate checklists (unticked). This project is unchanged."""
        project = self.get_object()
        body = SaveAsTemplateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        template = template_services.project_save_as_template(
            actor=self.membership, project=project, name=body.validated_data.get("name"))
        return Response(self._project_data(template), status=status.HTTP_201_CREATED)
