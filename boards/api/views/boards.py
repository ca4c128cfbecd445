"""Boards: CRUD, duplicate, archive/restore, the kanban and the streamed snapshot."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from typing import Any

import orjson
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from boards import selectors, services
from boards.api import serializers as s
from boards.api.views.base import BoardsViewSet
from boards.models import Board
from workos.api.renderers import json_dumps
from workos.errors import ValidationFailed

ARCHIVED = OpenApiParameter("archived", bool, description="true: archived boards only; "
                            "default: boards that are not archived.")


def _flag(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in {"true", "1", "yes"}:
        return True
    if raw.lower() in {"false", "0", "no"}:
        return False
    raise ValidationFailed(f"{name} is true or false.", fields={name: ["Use true or false."]})


def encode_cursor(position: str, item_id: int) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([position, item_id])).decode()


def decode_cursor(raw: str) -> tuple[str, int]:
    try:
        position, item_id = orjson.loads(base64.urlsafe_b64decode(raw.encode()))
        return str(position), int(item_id)
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError) as exc:
        raise ValidationFailed("That cursor is not one this API gave out.",
                               fields={"cursor": ["Invalid cursor."]}) from exc


class BoardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BoardsViewSet):
    scoped_model = Board
    serializer_class = s.BoardSerializer
    ordering_fields = ["id", "name", "created_at", "updated_at"]
    ordering = ["name", "id"]

    def scoped_queryset(self) -> QuerySet:
        # Restoring reaches boards deleted in the last 30 days; nothing else sees them.
        restoring = getattr(self, "action", None) == "restore"
        archived = _flag(self.request, "archived") if self.action == "list" else None
        if self.action == "list" and archived is None:
            archived = False
        return selectors.board_list(
            workspace=self.workspace, membership=self.membership, archived=archived,
            include_deleted=restoring,
        )

    def _render(self, board: Board, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.board_get(workspace=self.workspace, membership=self.membership,
                                    id=board.pk)
        return Response(s.BoardSerializer(fresh, context=self.get_serializer_context()).data,
                        status=code)

    @extend_schema(parameters=[ARCHIVED])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.BoardWriteSerializer, responses={201: s.BoardSerializer})
    def create(self, request: Request, ws: str) -> Response:
        body = s.BoardWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        board = services.board_create(actor=self.membership, **body.validated_data)
        return self._render(board, status.HTTP_201_CREATED)

    @extend_schema(request=s.BoardWriteSerializer, responses=s.BoardSerializer)
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        board = self.get_object()
        body = s.BoardWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = {k: v for k, v in body.validated_data.items() if k != "groups"}
        board = services.board_update(actor=self.membership, board=board, **data)
        return self._render(board)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.board_delete(actor=self.membership, board=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.BoardDuplicateSerializer, responses={201: s.BoardSerializer})
    @action(detail=True, methods=["post"])
    def duplicate(self, request: Request, ws: str, id: str) -> Response:
        board = self.get_object()
        body = s.BoardDuplicateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        copy = services.board_duplicate(actor=self.membership, board=board,
                                        **body.validated_data)
        return self._render(copy, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.BoardSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, ws: str, id: str) -> Response:
        board = services.board_archive(actor=self.membership, board=self.get_object())
        return self._render(board)

    @extend_schema(request=None, responses=s.BoardSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, ws: str, id: str) -> Response:
        board = services.board_restore(actor=self.membership, board=self.get_object())
        return self._render(board)

    @extend_schema(
        parameters=[
            OpenApiParameter("by", str,
                             description="Lanes: `status` (default), `group`, or the key of a "
                                         "status column or single-choice dropdown column."),
            OpenApiParameter("per_column", int, description="Cards per lane, 1 to 200."),
            OpenApiParameter("column", str, description="Load more of this lane only (its "
                             "id, or `none` for items without a status)."),
            OpenApiParameter("cursor", str, description="The lane's `next` from before."),
        ],
        responses=s.KanbanSerializer,
    )
    @action(detail=True, methods=["get"])
    def kanban(self, request: Request, ws: str, id: str) -> Response:
        board = self.get_object()
        by = request.query_params.get("by", "status")
        per_column = self._per_column(request)
        spec = selectors.kanban_lanes(board=board, by=by)
        lanes = selectors.kanban_columns(board=board, lanes=spec)
        lane_param = request.query_params.get("column")
        after = None
        if lane_param is not None:
            if lane_param.lower() in {"none", "null"}:
                lane_id: Any = None
            else:
                lane_id = lane_param if spec.column is not None else self._int(lane_param)
            lanes = [lane for lane in lanes if lane["id"] == lane_id]
            if not lanes:
                raise ValidationFailed(f"This board has no {by} {lane_param}.",
                                       fields={"column": ["Unknown lane."]})
            cursor = request.query_params.get("cursor")
            after = decode_cursor(cursor) if cursor else None
        cards = selectors.kanban_cards(
            board=board, lanes=spec, lane_ids=[lane["id"] for lane in lanes],
            per_column=per_column, after=after, hide_time=self.hide_time,
        )
        for lane in lanes:
            rows = cards.get(lane["id"], [])
            more = len(rows) > per_column
            lane["items"] = rows[:per_column]
            last = lane["items"][-1] if more else None
            lane["next"] = encode_cursor(last["position"], last["id"]) if last else None
        return Response({"board": board.pk, "by": by, "columns": lanes})

    @staticmethod
    def _int(raw: str) -> int:
        if not raw.isdigit():
            raise ValidationFailed(f"'{raw}' is not an id.", fields={"column": ["Not an id."]})
        return int(raw)

    @staticmethod
    def _per_column(request: Request) -> int:
        raw = request.query_params.get("per_column", "50")
        if not raw.isdigit() or not 1 <= int(raw) <= 200:
            raise ValidationFailed("per_column is a number from 1 to 200.",
                                   fields={"per_column": ["From 1 to 200."]})
        return int(raw)

    @extend_schema(responses={(200, "application/json"): s.SnapshotSerializer})
    @action(detail=True, methods=["get"])
    def snapshot(self, request: Request, ws: str, id: str) -> StreamingHttpResponse:
        """Every item of the board that is not archived, with its values, as one JSON
        document written in chunks, so a board of any size streams in constant memory."""
        board = self.get_object()
        context = self.get_serializer_context()
        head = {
            "board": s.BoardSerializer(board, context=context).data,
            "groups": s.GroupSerializer(selectors.group_list(board=board), many=True).data,
            "statuses": s.StatusSerializer(selectors.status_list(board=board), many=True).data,
            "columns": s.ColumnSerializer(selectors.column_list(board=board), many=True).data,
        }
        response = StreamingHttpResponse(_snapshot_chunks(board, head, self.hide_time),
                                         content_type="application/json")
        response["Cache-Control"] = "no-store"
        return response


def _snapshot_chunks(board: Board, head: dict[str, Any], hide_time: bool) -> Iterator[bytes]:
    yield json_dumps(head)[:-1] + b',"items":['
    first = True
    for rows in selectors.snapshot_rows(board=board, hide_time=hide_time):
        body = json_dumps(rows)[1:-1]  # the rows without the list's brackets
        if body:
            yield body if first else b"," + body
            first = False
    yield b"]}"
