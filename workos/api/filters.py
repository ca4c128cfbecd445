"""Sorting over an allowlist: an unknown field is a 400, not silently ignored."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request


class StrictOrderingFilter(OrderingFilter):
    ordering_param = "ordering"

    def get_ordering(self, request: Request, queryset: QuerySet, view: Any) -> list[str] | None:
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",") if param.strip()]
            allowed = set(getattr(view, "ordering_fields", []))
            unknown = [f for f in fields if f.lstrip("-") not in allowed]
            if unknown:
                raise exceptions.ValidationError(
                    {
                        "ordering": [
                            f"Cannot sort by {', '.join(unknown)}; "
                            f"use one of {', '.join(sorted(allowed))}."
                        ]
                    }
                )
            # A unique last key keeps cursor pages stable when values repeat.
            if not any(f.lstrip("-") in {"id", "pk"} for f in fields):
                fields.append("id" if not fields[0].startswith("-") else "-id")
            return fields
        return self.get_default_ordering(view)
