"""Items: filtered cursor lists, CRUD with If-Match, move, bulk, upsert and the changes feed."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from boards import selectors, services
from boards.api import serializers as s
from boards.api.views.base import IF_MATCH, BoardsViewSet, conflict, if_match_version
from boards.computed import HAS_COMPUTED
from boards.models import Item
from boards.selectors import ItemFilters, ValueFilter
from workos.api.filters import StrictOrderingFilter
from workos.errors import StaleVersion, ValidationFailed

# The key is matched lazily so that `values.cost__gt` reads as key `cost`, operator `gt`.
VALUE_PARAM = re.compile(r"^values\.([a-z][a-z0-9_]{0,62}?)(?:__(gt|lt|contains|empty))?$")
# Public sort names and the annotations that implement them (missing dates sort last).
SORT_KEYS = {"due_date": "due_sort", "start_date": "start_sort", "priority": "priority_rank"}

LIST_DESCRIPTION = (
    "Items of the boards you can see. Besides the parameters below, filter on custom columns "
    "with `values.<key>=x`, or `values.<key>__gt=`, `__lt=`, `__contains=` and "
    "`__empty=true|false`."
)
STALE = OpenApiResponse(response=s.StaleItemSerializer,
                        description="If-Match named an old version; `current` is the item now.")


class ItemOrderingFilter(StrictOrderingFilter):
    """The allowlist names fields as clients know them; a few sort by an annotation, which is
    added only when the ordering uses it."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        keys = [f.lstrip("-") for f in ordering]
        return selectors.item_sort_keys(queryset, keys).order_by(*ordering)

    def get_ordering(self, request: Request, queryset: QuerySet, view: Any) -> list[str] | None:
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        return [
            ("-" if f.startswith("-") else "") + SORT_KEYS.get(f.lstrip("-"), f.lstrip("-"))
            for f in ordering
        ]


# One instance validates every request's filters (and moves): validation keeps no state on
# it, and binding a dozen fields anew for each request cost more than a query.
_FILTER_PARAMS = s.ItemFilterSerializer()
_MOVE_BODY = s.ItemMoveSerializer()


def _filters(request: Request) -> ItemFilters:
    params = request.query_params
    plain = {k: v for k, v in params.items() if not k.startswith("values.")}
    data = dict(_FILTER_PARAMS.run_validation(plain))
    value_filters = []
    for name, raw in params.items():
        if not name.startswith("values."):
            continue
        match = VALUE_PARAM.match(name)
        if match is None:
            raise ValidationFailed(
                f"'{name}' is not a values filter; use values.<key> with an optional __gt, "
                "__lt, __contains or __empty.", fields={name: ["Unknown filter."]},
            )
        value_filters.append(ValueFilter(key=match[1], op=match[2] or "eq", value=raw))
    parent = data.pop("parent", None)
    archived = data.pop("archived", False)
    return ItemFilters(
        **data,
        parent=parent if isinstance(parent, int) else None,
        top_level=parent == "none",
        archived=archived,
        values=tuple(value_filters),
    )


class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BoardsViewSet):
    scoped_model = Item
    serializer_class = s.ItemSerializer
    filter_backends = [ItemOrderingFilter]
    ordering_fields = ["id", "name", "position", "created_at", "updated_at", "due_date",
                       "start_date", "priority"]
    ordering = ["id"]

    def scoped_queryset(self) -> QuerySet:
        # One item is found archived or not; lists take the query's filters. A move re-reads
        # the item under its lock and answers with that, so it looks up a bare reference.
        if self.action == "move":
            return selectors.item_ref_queryset(workspace=self.workspace,
                                               membership=self.membership)
        if self.action != "list":
            return selectors.item_one_queryset(workspace=self.workspace,
                                               membership=self.membership)
        sort = ItemOrderingFilter().get_ordering(self.request, None, self) or []
        return selectors.item_rows_page(workspace=self.workspace, membership=self.membership,
                                        filters=_filters(self.request), sort=sort)

    def _board(self, board_id: int | None) -> Any:
        if board_id is None:
            return None
        return selectors.board_get(workspace=self.workspace, membership=self.membership,
                                   id=board_id)

    def _render(self, item: Item, code: int = status.HTTP_200_OK, *,
                before: Item | None = None) -> Response:
        """Render the written item; re-read it only when the write left its assignees unknown.

        `before` is the item as read before the write, with its assignees prefetched: the
        write held the row lock, so unless it changed the assignees they are still those.
        """
        if getattr(item, "assignee_ids_cache", None) is None and before is not None:
            known = getattr(before, "assignee_ids_cache", None)
            item.assignee_ids_cache = (
                known if known is not None else sorted(m.pk for m in before.assignees.all())
            )
        if (before is not None and not hasattr(item, HAS_COMPUTED)
                and hasattr(before, HAS_COMPUTED) and item.board_id == before.board_id):
            setattr(item, HAS_COMPUTED, getattr(before, HAS_COMPUTED))
        if getattr(item, "assignee_ids_cache", None) is not None:
            response = Response(s.ItemSerializer(item, context=self.get_serializer_context()).data,
                                status=code)
            response["ETag"] = f'"{item.version}"'
            return response
        fresh = selectors.item_get(workspace=self.workspace, membership=self.membership,
                                   id=item.pk)
        response = Response(s.ItemSerializer(fresh, context=self.get_serializer_context()).data,
                            status=code)
        response["ETag"] = f'"{fresh.version}"'
        return response

    @extend_schema(parameters=[s.ItemFilterSerializer], description=LIST_DESCRIPTION)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Pages are read as plain tuples, not model instances, and shaped like ItemSerializer
        # (boards.selectors.item_page): a page of 100 costs a few milliseconds, not tens.
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(selectors.page_rows(
            list(page or []), names=selectors.row_names(queryset), hide_time=self.hide_time,
        ))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = f'"{response.data["version"]}"'
        return response

    @extend_schema(request=s.ItemWriteSerializer, responses={
        201: s.ItemSerializer, 409: conflict("The external id is taken on this board.")})
    def create(self, request: Request, ws: str) -> Response:
        body = s.ItemWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        if "board" not in fields:
            raise ValidationFailed("Name the board the item goes on.",
                                   fields={"board": ["Required."]})
        board = self._board(fields.pop("board"))
        item = services.item_create(actor=self.membership, board=board, fields=fields)
        return self._render(item, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ItemWriteSerializer, parameters=[IF_MATCH],
        responses={200: s.ItemSerializer, 409: conflict("The external id is taken."),
                   412: STALE},
    )
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        item = self.get_object()
        expected = if_match_version(request)
        body = s.ItemWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        if "board" in fields and fields.pop("board") != item.board_id:
            raise ValidationFailed("Move an item to another board with items/{id}/move/.",
                                   fields={"board": ["Use move."]})
        with _current_on_stale():
            written = services.item_update(actor=self.membership, item=item, fields=fields,
                                           expected_version=expected)
        return self._render(written, before=item)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.item_delete(actor=self.membership, item=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=s.ItemMoveSerializer, parameters=[IF_MATCH],
                   responses={200: s.ItemSerializer, 412: STALE})
    @action(detail=True, methods=["post"])
    def move(self, request: Request, ws: str, id: str) -> Response:
        item = self.get_object()
        expected = if_match_version(request)
        data = _MOVE_BODY.run_validation(request.data)
        with _current_on_stale():
            moved = services.item_move(
                actor=self.membership, item=item, board=self._board(data.get("board")),
                group=data.get("group"), status=data.get("status"),
                status_given="status" in data, before=data.get("before"),
                after=data.get("after"), expected_version=expected,
            )
        return self._render(moved, before=item)

    @extend_schema(request=None, responses=s.ItemSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, ws: str, id: str) -> Response:
        return self._render(services.item_archive(actor=self.membership, item=self.get_object()))

    @extend_schema(request=None, responses=s.ItemSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, ws: str, id: str) -> Response:
        return self._render(services.item_restore(actor=self.membership, item=self.get_object()))

    @extend_schema(request=s.ItemBulkSerializer, responses=s.ItemListSerializer)
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request, ws: str) -> Response:
        body = s.ItemBulkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        move = dict(data.get("move") or {})
        if "board" in move:
            move["board"] = self._board(move["board"])
        items = services.items_bulk(
            actor=self.membership, ids=data["ids"], action=data["action"],
            fields=dict(data.get("fields") or {}), move=move,
        )
        fresh = selectors.item_list(
            workspace=self.workspace, membership=self.membership,
            filters=ItemFilters(archived=None),
        ).filter(id__in=[i.pk for i in items]).order_by("id")
        return Response({"results": s.ItemSerializer(
            fresh, many=True, context=self.get_serializer_context()).data})

    @extend_schema(request=s.ItemUpsertSerializer,
                   responses={200: s.ItemSerializer, 201: s.ItemSerializer,
                              409: conflict("The board is archived.")})
    @action(detail=False, methods=["post"])
    def upsert(self, request: Request, ws: str) -> Response:
        body = s.ItemUpsertSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        board = self._board(fields.pop("board"))
        external_id = fields.pop("external_id")
        item, created = services.item_upsert(actor=self.membership, board=board,
                                             external_id=external_id, fields=fields)
        return self._render(item, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        parameters=[OpenApiParameter("since", str, required=True,
                                     description="An ISO date-time, e.g. the last `until`.")],
        responses=s.ItemChangesSerializer,
    )
    @action(detail=False, methods=["get"])
    def changes(self, request: Request, ws: str) -> Response:
        until = timezone.now()
        body = s.ItemChangesSerializer(data={**request.query_params.dict(), "until": until,
                                             "archived": [], "deleted": []})
        body.is_valid(raise_exception=True)
        since = body.validated_data["since"]
        found = selectors.item_changes(workspace=self.workspace, membership=self.membership,
                                       since=since)
        return Response({"since": since, "until": until, **found})


class _current_on_stale:
    """Turn a StaleVersion's item into the JSON the client gets in `current`."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> bool:
        if isinstance(exc, StaleVersion) and isinstance(exc.current, Item):
            exc.current = s.ItemSerializer(exc.current).data
        return False
