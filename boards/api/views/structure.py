"""A board's groups, statuses, columns and members, under `boards/{board_id}/`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from boards import selectors, services
from boards.api import serializers as s
from boards.api.views.base import BoardChildViewSet, conflict
from boards.models import BoardMember, Column, Group, Status
from workos.errors import NotFound, ValidationFailed
from workos.tenancy.selectors import membership_get

MOVE_TO = OpenApiParameter(
    "move_to", int, description="Where the deleted one's items go (same board)."
)


def _move_to(request: Request) -> int | None:
    raw = request.query_params.get("move_to")
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("move_to is an id.", fields={"move_to": ["Not an id."]}) from exc


class _ListRetrieve(mixins.ListModelMixin, mixins.RetrieveModelMixin, BoardChildViewSet):
    ordering_fields = ["id", "position"]
    ordering = ["position", "id"]


class GroupViewSet(_ListRetrieve):
    scoped_model = Group
    serializer_class = s.GroupSerializer

    def scoped_queryset(self) -> QuerySet:
        return selectors.group_list(board=self.board)

    def _group(self, group_id: int | None) -> Group | None:
        return selectors.group_get(board=self.board, id=group_id) if group_id else None

    @extend_schema(request=s.GroupWriteSerializer, responses={201: s.GroupSerializer})
    def create(self, request: Request, ws: str, board_id: str) -> Response:
        board = self.board
        body = s.GroupWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        group = services.group_create(
            actor=self.membership, board=board, name=data["name"], color=data.get("color", ""),
            before=self._group(data.get("before")), after=self._group(data.get("after")),
        )
        return Response(s.GroupSerializer(group).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.GroupWriteSerializer, responses=s.GroupSerializer)
    def partial_update(self, request: Request, ws: str, board_id: str, id: str) -> Response:
        group = self.get_object()
        body = s.GroupWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        group = services.group_update(
            actor=self.membership, group=group, name=data.get("name"), color=data.get("color"),
            archived=data.get("archived"), before=self._group(data.get("before")),
            after=self._group(data.get("after")),
        )
        return Response(s.GroupSerializer(group).data)

    @extend_schema(parameters=[MOVE_TO], responses={
        204: None, 409: conflict("The group still holds items and no move_to was given.")})
    def destroy(self, request: Request, ws: str, board_id: str, id: str) -> Response:
        group = self.get_object()
        services.group_delete(actor=self.membership, group=group,
                              move_to=self._group(_move_to(request)))
        return Response(status=status.HTTP_204_NO_CONTENT)


class StatusViewSet(_ListRetrieve):
    scoped_model = Status
    serializer_class = s.StatusSerializer

    def scoped_queryset(self) -> QuerySet:
        return selectors.status_list(board=self.board)

    @extend_schema(request=s.StatusWriteSerializer, responses={
        201: s.StatusSerializer, 409: conflict("The board has a status of that name.")})
    def create(self, request: Request, ws: str, board_id: str) -> Response:
        board = self.board
        body = s.StatusWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.status_create(actor=self.membership, board=board, **body.validated_data)
        return Response(s.StatusSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.StatusWriteSerializer, responses=s.StatusSerializer)
    def partial_update(self, request: Request, ws: str, board_id: str, id: str) -> Response:
        row = self.get_object()
        body = s.StatusWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        row = services.status_update(actor=self.membership, status=row, **body.validated_data)
        return Response(s.StatusSerializer(row).data)

    @extend_schema(parameters=[MOVE_TO], responses={204: None})
    def destroy(self, request: Request, ws: str, board_id: str, id: str) -> Response:
        row = self.get_object()
        move_to = _move_to(request)
        target = selectors.status_get(board=self.board, id=move_to) if move_to else None
        services.status_delete(actor=self.membership, status=row, move_to=target)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ColumnViewSet(_ListRetrieve):
    scoped_model = Column
    serializer_class = s.ColumnSerializer

    def scoped_queryset(self) -> QuerySet:
        return selectors.column_list(board=self.board)

    @extend_schema(request=s.ColumnWriteSerializer, responses={
        201: s.ColumnSerializer, 409: conflict("The board has a column with that key.")})
    def create(self, request: Request, ws: str, board_id: str) -> Response:
        board = self.board
        body = s.ColumnWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        column = services.column_create(actor=self.membership, board=board,
                                        **body.validated_data)
        return Response(s.ColumnSerializer(column).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ColumnWriteSerializer, responses=s.ColumnUpdatedSerializer)
    def partial_update(self, request: Request, ws: str, board_id: str, id: str) -> Response:
        column = self.get_object()
        body = s.ColumnWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(body.validated_data)
        if "key" in data and data.pop("key") != column.key:
            raise ValidationFailed("A column's key is fixed once created; integrations use it.",
                                   fields={"key": ["Cannot change."]})
        column, unconverted = services.column_update(actor=self.membership, column=column,
                                                     **data)
        column.unconverted = unconverted
        return Response(s.ColumnUpdatedSerializer(column).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, board_id: str, id: str) -> Response:
        services.column_delete(actor=self.membership, column=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class BoardMemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BoardChildViewSet):
    """Who may see a private board, and everyone's role on a board beyond their default."""

    scoped_model = BoardMember
    serializer_class = s.BoardMemberSerializer
    ordering_fields = ["id", "created_at"]
    ordering = ["id"]

    def scoped_queryset(self) -> QuerySet:
        return selectors.board_member_list(board=self.board)

    @extend_schema(request=s.BoardMemberWriteSerializer, responses={
        201: s.BoardMemberSerializer, 409: conflict("Already a member of the board.")})
    def create(self, request: Request, ws: str, board_id: str) -> Response:
        board = self.board
        body = s.BoardMemberWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            membership = membership_get(workspace=self.workspace, id=data["membership"])
        except NotFound as exc:
            raise ValidationFailed("No such member in this workspace.",
                                   fields={"membership": ["Unknown member."]}) from exc
        row = services.board_member_add(actor=self.membership, board=board,
                                        membership=membership, role=data["role"])
        return Response(s.BoardMemberSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.BoardMemberWriteSerializer, responses=s.BoardMemberSerializer)
    def partial_update(self, request: Request, ws: str, board_id: str, id: str) -> Response:
        row = self.get_object()
        body = s.BoardMemberWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        if "role" in body.validated_data:
            row = services.board_member_update(actor=self.membership, row=row,
                                               role=body.validated_data["role"])
        return Response(s.BoardMemberSerializer(row).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, board_id: str, id: str) -> Response:
        services.board_member_remove(actor=self.membership, row=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
