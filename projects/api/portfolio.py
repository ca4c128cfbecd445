"""GET workspaces/{ws}/portfolio/: every project the viewer sees with its figures, sorted and
filtered, in pages.

Pages are numbered (`page`, `page_size` up to 500) rather than cursors: the figures one may sort
by (progress, variances) are computed for the whole set, not stored, so there is no column a
cursor could point into; the whole filtered set is measured in a constant number of queries
and then sorted and cut.
"""

from __future__ import annotations

import decimal
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import pagination, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from projects.models import Health, Phase
from projects.selectors.portfolio import (
    ORDERING_FIELDS,
    PortfolioFilters,
    PortfolioRow,
    portfolio_rows,
    portfolio_sort,
)
from workos.api.filters import StrictOrderingFilter
from workos.api.views import WorkspaceAPIView
from workos.tenancy.selectors import membership_list, team_list

CENT = decimal.Decimal("0.01")


class PortfolioPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class PortfolioQuerySerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Phase.choices, required=False)
    health = serializers.ChoiceField(choices=Health.choices, required=False)
    manager = serializers.IntegerField(required=False, help_text="A membership id.")
    team = serializers.IntegerField(
        required=False, help_text="A team's projects only; without it, the whole workspace's."
    )
    ordering = serializers.CharField(
        required=False,
        help_text=f"Comma-separated, `-` for descending: {', '.join(ORDERING_FIELDS)}. "
                  "Phases sort in life-cycle order, health from on track to off track; "
                  "empty values come last. Default `name`.",
    )
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1,
                                         help_text="Up to 500; default 50.")

    def validate_manager(self, value: int) -> int:
        if not membership_list(workspace=self.context["workspace"]).filter(pk=value).exists():
            raise serializers.ValidationError("Not a member of this workspace.")
        return value

    def validate_team(self, value: int) -> int:
        if not team_list(workspace=self.context["workspace"]).filter(pk=value).exists():
            raise serializers.ValidationError("Not a team of this workspace.")
        return value


class LatestStatusSerializer(serializers.Serializer):
    date = serializers.DateField()
    health = serializers.ChoiceField(choices=Health.choices)
    text = serializers.CharField()


class PortfolioRowSerializer(serializers.Serializer):
    """Documents the rows; they are built as plain dicts (500 rows render in a fraction of the
    time a serializer takes)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    board = serializers.IntegerField()
    phase = serializers.ChoiceField(choices=Phase.choices)
    health = serializers.ChoiceField(choices=Health.choices)
    progress = serializers.FloatField(
        allow_null=True, help_text="Percent done: by estimate hours where tasks have "
        "estimates, else by task count; null without tasks.")
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    finish = serializers.DateField(allow_null=True, help_text="The latest due date of the tasks.")
    baseline_finish = serializers.DateField(
        allow_null=True, help_text="The latest due date in the reference baseline.")
    schedule_variance = serializers.IntegerField(
        allow_null=True, help_text="Working days from `baseline_finish` to `finish`; "
        "positive = late. Null without a reference baseline or dated tasks.")
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    actual_cost = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True,
        help_text="Time at the cost rates in force plus expenses; null for guests.")
    budget_variance = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True,
        help_text="Budget minus actual cost (negative = over budget); null without a budget, "
        "and for guests.")
    manager = serializers.IntegerField(allow_null=True)
    manager_name = serializers.CharField(allow_null=True)
    team = serializers.IntegerField(allow_null=True)
    team_name = serializers.CharField(allow_null=True)
    latest_status = LatestStatusSerializer(allow_null=True)


class PortfolioPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    currency = serializers.CharField()
    results = PortfolioRowSerializer(many=True)


def _money(value: decimal.Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT))


def _render(row: PortfolioRow) -> dict[str, Any]:
    project, status = row.project, row.latest_status
    return {
        "id": project.pk, "name": project.name, "board": project.board_id,
        "phase": project.phase, "health": project.health, "progress": row.progress,
        "start_date": project.start_date, "end_date": project.end_date,
        "finish": row.finish, "baseline_finish": row.baseline_finish,
        "schedule_variance": row.schedule_variance,
        "budget": _money(project.budget), "actual_cost": _money(row.actual_cost),
        "budget_variance": _money(row.budget_variance),
        "manager": project.manager_id,
        "manager_name": project.manager.display_name if project.manager else None,
        "team": project.team_id, "team_name": project.team.name if project.team else None,
        "latest_status": (
            {"date": status.date, "health": status.health, "text": status.text}
            if status else None
        ),
    }


class PortfolioView(WorkspaceAPIView):
    """Guests see the projects whose boards are shared with them, without money figures."""

    ordering_fields = ORDERING_FIELDS
    ordering = ["name", "id"]

    @extend_schema(parameters=[PortfolioQuerySerializer], responses=PortfolioPageSerializer)
    def get(self, request: Request, ws: str) -> Response:
        query = PortfolioQuerySerializer(data=request.query_params,
                                         context={"workspace": self.workspace})
        query.is_valid(raise_exception=True)
        params = query.validated_data
        # The allowlist check (a 400 naming the allowed fields) is the shared one.
        ordering = StrictOrderingFilter().get_ordering(request, None, self)
        filters = PortfolioFilters(**{k: params.get(k) for k in ("phase", "health", "manager",
                                                                   "team")})
        rows = portfolio_rows(workspace=self.workspace, membership=self.membership,
                              filters=filters)
        rows = portfolio_sort(rows, list(ordering or self.ordering))
        paginator = PortfolioPagination()
        page = paginator.paginate_queryset(rows, request, view=self) or []
        response = paginator.get_paginated_response([_render(row) for row in page])
        response.data["currency"] = self.workspace.currency
        return response
