"""Projects: CRUD, the critical-path schedule, and (from `projects.api.lifecycle`) the
life-cycle actions: gates, advance, approve-budget, closeout, reopen, save-as-template."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from projects import selectors, services
from projects.api import planning
from projects.api import serializers as s
from projects.api.lifecycle import ProjectLifecycleActions
from projects.models import Project
from projects.schedule import project_schedule
from projects.services import templates as template_services
from workos.api.filters import StrictOrderingFilter
from workos.api.schema import ErrorSerializer
from workos.errors import ValidationFailed
from workos.tenancy.models import Role

TEMPLATES = OpenApiParameter("templates", bool, description="true: template projects only; "
                             "default: projects that are not templates.")


def _templates_flag(request: Request) -> bool:
    raw = (request.query_params.get("templates") or "").lower()
    if raw in {"", "0", "false", "no"}:
        return False
    if raw in {"1", "true", "yes"}:
        return True
    raise ValidationFailed("templates is true or false.",
                           fields={"templates": ["Use true or false."]})


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectLifecycleActions):
    """Members create; the services decide who edits (the manager or an admin)."""

    scoped_model = Project
    serializer_class = s.ProjectSerializer
    roles = {"POST": Role.MEMBER, "PATCH": Role.MEMBER, "DELETE": Role.MEMBER}
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ["id", "name", "start_date", "end_date", "created_at"]
    ordering = ["name", "id"]

    def scoped_queryset(self) -> QuerySet:
        # Templates stay out of the project list unless asked for; by id, either is found.
        templates = _templates_flag(self.request) if self.action == "list" else None
        return selectors.project_list(workspace=self.workspace, membership=self.membership,
                                      templates=templates)

    def _body(self, request: Request, *, partial: bool) -> dict[str, Any]:
        serializer = s.ProjectWriteSerializer if partial else s.ProjectCreateSerializer
        body = serializer(
            data=request.data, partial=partial,
            context={"workspace": self.workspace, "membership": self.membership},
        )
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def _render(self, project: Project, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.project_get(workspace=self.workspace, membership=self.membership,
                                      id=project.pk)
        return Response(s.ProjectSerializer(fresh).data, status=code)

    @extend_schema(parameters=[TEMPLATES])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.ProjectCreateSerializer, responses={201: s.ProjectSerializer})
    def create(self, request: Request, ws: str) -> Response:
        data = self._body(request, partial=False)
        template = data.pop("template", None)
        if template is not None:
            data.pop("is_template", None)  # validated false: a copy is never a template
            project = template_services.project_create_from_template(
                actor=self.membership, template=template, **data)
        else:
            project = services.project_create(actor=self.membership, **data)
        return self._render(project, status.HTTP_201_CREATED)

    @extend_schema(request=s.ProjectWriteSerializer, responses={
        200: s.ProjectSerializer,
        409: OpenApiResponse(ErrorSerializer, description="`project_closed`: a closed project "
                             "is frozen until an admin reopens it.")})
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        project = self.get_object()
        data = self._body(request, partial=True)
        project = services.project_update(actor=self.membership, project=project, **data)
        return self._render(project)

    @extend_schema(responses={
        204: None,
        409: OpenApiResponse(ErrorSerializer, description="`project_closed`: reopen a closed "
                             "project before deleting it.")})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.project_delete(actor=self.membership, project=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"],
        responses={
            200: planning.ScheduleAnswerSerializer,
            409: OpenApiResponse(ErrorSerializer, description="A dependency cycle; "
                                 "`fields.cycle` names its items."),
        },
    )
    @extend_schema(
        methods=["POST"], request=None, description=planning.APPLY_DESCRIPTION,
        responses={
            200: planning.ApplyAnswerSerializer,
            409: OpenApiResponse(ErrorSerializer, description="A dependency cycle, a closed "
                                 "project, or tasks changed meanwhile."),
        },
    )
    @action(detail=True, methods=["get", "post"])
    def schedule(self, request: Request, ws: str, id: str) -> Response:
        """GET the critical-path schedule; POST moves the open tasks to it."""
        project = self.get_object()
        if request.method == "POST":
            return Response(planning.schedule_apply(project, self.membership))
        return Response(project_schedule(project))
