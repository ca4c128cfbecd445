"""Rules: CRUD, the catalogue, simulation, run history (with re-run of failed runs), versions,
and the workspace's automation usage and quota."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from automations.api import rules_serializers as s
from automations.catalogue import catalogue_describe
from automations.engine.simulate import simulate
from automations.models import Rule, RuleRun, RuleVersion
from automations.selectors import rules as selectors
from automations.services import quota, rules
from workos.api.filters import StrictOrderingFilter
from workos.api.views import WorkspaceAPIView, WorkspaceViewSet
from workos.tenancy.models import Role

STATUS = OpenApiParameter("status", str, enum=["running", "succeeded", "failed", "skipped"],
                          description="Only runs with this status.")


class RuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    """Members read the rules of boards they see; the rule service decides who may change one
    (board editors for board and project rules, admins for workspace rules)."""

    scoped_model = Rule
    serializer_class = s.RuleSerializer
    roles = {"GET": Role.MEMBER, "POST": Role.MEMBER, "PATCH": Role.MEMBER,
             "DELETE": Role.MEMBER}
    action_roles = {"catalogue": Role.GUEST}
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ["id", "name", "created_at", "updated_at"]
    ordering = ["name", "id"]

    def scoped_queryset(self) -> QuerySet:
        return selectors.rule_list(workspace=self.workspace, membership=self.membership)

    def _body(self, request: Request, *, partial: bool) -> dict[str, Any]:
        body = s.RuleWriteSerializer(data=request.data, partial=partial, context={
            "workspace": self.workspace, "membership": self.membership})
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def _render(self, rule: Rule, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.RuleSerializer(rule).data, status=code)

    @extend_schema(request=s.RuleWriteSerializer, responses={201: s.RuleSerializer})
    def create(self, request: Request, ws: str) -> Response:
        rule = rules.rule_create(actor=self.membership, **self._body(request, partial=False))
        return self._render(rule, status.HTTP_201_CREATED)

    @extend_schema(request=s.RuleWriteSerializer, responses=s.RuleSerializer)
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        rule = rules.rule_update(actor=self.membership, rule=self.get_object(),
                                 **self._body(request, partial=True))
        return self._render(rule)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        rules.rule_delete(actor=self.membership, rule=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=s.CatalogueSerializer)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def catalogue(self, request: Request, ws: str) -> Response:
        return Response(catalogue_describe())

    @extend_schema(request=s.SimulateSerializer, responses=s.SimulationSerializer)
    @action(detail=True, methods=["post"])
    def simulate(self, request: Request, ws: str, id: str) -> Response:
        rule = self.get_object()
        body = s.SimulateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if {"trigger", "conditions", "actions"} & set(data):
            # A draft: checked like a save, simulated on an unsaved copy.
            rules.may_manage(self.membership, rule)
            draft = rules.rule_clean(
                actor=self.membership, scope=rule.scope, board=rule.board,
                trigger=data.get("trigger", rule.trigger),
                conditions=data.get("conditions", rule.conditions),
                actions=data.get("actions", rule.actions))
            rule.trigger, rule.conditions, rule.actions = draft
        return Response(simulate(rule, actor=self.membership, days=data["days"]))


class RuleChildViewSet(WorkspaceViewSet):
    roles = {"GET": Role.MEMBER, "POST": Role.MEMBER}

    @cached_property
    def rule(self) -> Rule:
        return selectors.rule_get(workspace=self.workspace, membership=self.membership,
                                  id=int(self.kwargs["rule_id"]))


class RuleRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RuleChildViewSet):
    """A rule's runs, newest first; re-run a failed one."""

    scoped_model = RuleRun
    serializer_class = s.RuleRunSerializer
    http_method_names = ["get", "post", "head", "options"]

    def scoped_queryset(self) -> QuerySet:
        wanted = s.status_param(self.request.query_params.get("status"))
        return selectors.run_list(rule=self.rule, status=wanted)

    @extend_schema(parameters=[STATUS])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=s.RuleRunSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, ws: str, rule_id: str, id: str) -> Response:
        run = rules.run_retry(actor=self.membership, run=self.get_object())
        return Response(s.RuleRunSerializer(run).data)


class RuleVersionViewSet(mixins.ListModelMixin, RuleChildViewSet):
    """Every version of a rule's definition, newest first."""

    scoped_model = RuleVersion
    serializer_class = s.RuleVersionSerializer
    http_method_names = ["get", "head", "options"]

    def scoped_queryset(self) -> QuerySet:
        return selectors.version_list(rule=self.rule)


class AutomationUsageView(WorkspaceAPIView):
    """Runs and actions this month (and the months before) against the quota."""

    roles = {"GET": Role.MEMBER}

    @extend_schema(responses=s.UsageSerializer)
    def get(self, request: Request, ws: str) -> Response:
        return Response(s.UsageSerializer(selectors.usage_summary(workspace=self.workspace)).data)


class AutomationSettingsView(WorkspaceAPIView):
    """The monthly run quota; admins set it."""

    roles = {"GET": Role.MEMBER, "PATCH": Role.ADMIN}

    @extend_schema(responses=s.AutomationSettingsSerializer)
    def get(self, request: Request, ws: str) -> Response:
        row = quota.automation_settings_get(workspace_id=self.workspace.pk)
        return Response({"monthly_run_quota": row.monthly_run_quota})

    @extend_schema(request=s.AutomationSettingsSerializer,
                   responses=s.AutomationSettingsSerializer)
    def patch(self, request: Request, ws: str) -> Response:
        body = s.AutomationSettingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = quota.automation_settings_update(
            actor=self.membership, monthly_run_quota=body.validated_data["monthly_run_quota"])
        return Response({"monthly_run_quota": row.monthly_run_quota})

