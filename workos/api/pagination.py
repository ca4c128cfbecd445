"""Cursor pagination: stable pages at any depth, `page_size` up to 500."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.request import Request


class CursorPagination(pagination.CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"

    def paginate_queryset(self, queryset: QuerySet | Any, request: Request, view: Any = None
                          ) -> list[Any] | None:
        # Pages may be read as plain tuples, the cheapest rows there are: from a values_list
        # queryset, or from a statement that names its columns (`names`) and offers the
        # queryset operations used here (order_by, filter on the sort column, slicing). The
        # cursor then finds its sort column by name among the tuple's columns.
        names = getattr(queryset, "names", None)
        if names is None and getattr(queryset, "_fields", None) is not None:
            query = queryset.query
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
        self._columns = {name: i for i, name in enumerate(names)} if names is not None else None
        return super().paginate_queryset(queryset, request, view)

    def _get_position_from_instance(self, instance: Any, ordering: Any) -> str:
        if isinstance(instance, tuple) and self._columns is not None:
            return str(instance[self._columns[ordering[0].lstrip("-")]])
        return super()._get_position_from_instance(instance, ordering)
