"""Projects: CRUD and the critical-path schedule."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from projects import selectors, services
from projects.api import serializers as s
from projects.models import Project
from projects.schedule import project_schedule
from workos.api.filters import StrictOrderingFilter
from workos.api.schema import ErrorSerializer
from workos.api.views import WorkspaceViewSet
from workos.tenancy.models import Role


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    """Members create; the services decide who edits (the manager or an admin)."""

    scoped_model = Project
    serializer_class = s.ProjectSerializer
    roles = {"POST": Role.MEMBER, "PATCH": Role.MEMBER, "DELETE": Role.MEMBER}
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ["id", "name", "start_date", "end_date", "created_at"]
    ordering = ["name", "id"]

    def scoped_queryset(self) -> QuerySet:
        return selectors.project_list(workspace=self.workspace, membership=self.membership)

    def _body(self, request: Request, *, partial: bool) -> dict[str, Any]:
        body = s.ProjectWriteSerializer(
            data=request.data, partial=partial, context={"workspace": self.workspace}
        )
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def _render(self, project: Project, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.project_get(workspace=self.workspace, membership=self.membership,
                                      id=project.pk)
        return Response(s.ProjectSerializer(fresh).data, status=code)

    @extend_schema(request=s.ProjectWriteSerializer, responses={201: s.ProjectSerializer})
    def create(self, request: Request, ws: str) -> Response:
        project = services.project_create(actor=self.membership,
                                          **self._body(request, partial=False))
        return self._render(project, status.HTTP_201_CREATED)

    @extend_schema(request=s.ProjectWriteSerializer, responses=s.ProjectSerializer)
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        project = self.get_object()
        data = self._body(request, partial=True)
        project = services.project_update(actor=self.membership, project=project, **data)
        return self._render(project)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.project_delete(actor=self.membership, project=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        responses={
            200: s.ScheduleSerializer,
            409: OpenApiResponse(ErrorSerializer, description="A dependency cycle; "
                                 "`fields.cycle` names its items."),
        },
    )
    @action(detail=True, methods=["get"])
    def schedule(self, request: Request, ws: str, id: str) -> Response:
        result = project_schedule(self.get_object())
        return Response(s.ScheduleSerializer(result).data)
