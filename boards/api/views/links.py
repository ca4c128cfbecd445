"""Dependencies between items, and saved views."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from boards import selectors, services
from boards.api import serializers as s
from boards.api.views.base import BoardsViewSet, conflict
from boards.models import Dependency, View
from workos.errors import ValidationFailed


def _id_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit():
        raise ValidationFailed(f"{name} is an id.", fields={name: ["Not an id."]})
    return int(raw)


class DependencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BoardsViewSet):
    scoped_model = Dependency
    serializer_class = s.DependencySerializer
    ordering_fields = ["id", "created_at"]
    ordering = ["id"]

    def scoped_queryset(self) -> QuerySet:
        item = _id_param(self.request, "item") if self.action == "list" else None
        return selectors.dependency_list(workspace=self.workspace, membership=self.membership,
                                         item=item)

    @extend_schema(parameters=[OpenApiParameter("item", int, description="Links of this item.")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.DependencyWriteSerializer, responses={
        201: s.DependencySerializer,
        409: conflict("A cycle (`fields.cycle` lists the item ids in it) or a repeated link."),
    })
    def create(self, request: Request, ws: str) -> Response:
        body = s.DependencyWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        dependency = services.dependency_create(actor=self.membership, **body.validated_data)
        return Response(s.DependencySerializer(dependency).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DependencyWriteSerializer, responses={
        200: s.DependencySerializer,
        409: conflict("A cycle (`fields.cycle` lists the item ids in it) or a repeated link."),
    })
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        dependency = self.get_object()
        body = s.DependencyWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        dependency = services.dependency_update(actor=self.membership, dependency=dependency,
                                                **body.validated_data)
        return Response(s.DependencySerializer(dependency).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.dependency_delete(actor=self.membership, dependency=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ViewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BoardsViewSet):
    scoped_model = View
    serializer_class = s.ViewSerializer
    ordering_fields = ["id", "name", "created_at", "updated_at"]
    ordering = ["name", "id"]

    def scoped_queryset(self) -> QuerySet:
        board = _id_param(self.request, "board") if self.action == "list" else None
        return selectors.view_list(workspace=self.workspace, membership=self.membership,
                                   board=board)

    @extend_schema(parameters=[OpenApiParameter("board", int, description="Views of a board.")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.ViewWriteSerializer, responses={201: s.ViewSerializer})
    def create(self, request: Request, ws: str) -> Response:
        body = s.ViewWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        board = selectors.board_get(workspace=self.workspace, membership=self.membership,
                                    id=data.pop("board"))
        view = services.view_create(actor=self.membership, board=board, **data)
        return Response(s.ViewSerializer(view).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ViewWriteSerializer, responses=s.ViewSerializer)
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        view = self.get_object()
        body = s.ViewWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "board" in data and data.pop("board") != view.board_id:
            raise ValidationFailed("A view stays on its board; save a new one instead.",
                                   fields={"board": ["Cannot change."]})
        view = services.view_update(actor=self.membership, view=view, **data)
        return Response(s.ViewSerializer(view).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.view_delete(actor=self.membership, view=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
