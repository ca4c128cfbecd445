"""Workload, staffing suggestions and the time report (JSON, or CSV with `?format=csv`)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from timetracking import selectors
from timetracking.api import insight_serializers as s
from timetracking.api.views.base import LocalTimeMixin, query
from timetracking.models import week_start_of
from timetracking.services import local_date
from workos.api.renderers import ORJSONRenderer
from workos.api.views import WorkspaceAPIView
from workos.errors import ValidationFailed
from workos.tenancy import selectors as tenancy
from workos.tenancy.models import Role

REPORT_COLUMNS = ("key", "label", "hours", "billable_hours", "cost", "revenue",
                  "estimate_hours", "capacity_hours", "utilisation")


class CSVRenderer(BaseRenderer):
    """The time report as CSV: one line per row, then the totals. Errors, which have no rows,
    come out as a `code,message` line so a client still reads why."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: Any = None) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        if not isinstance(data, dict) or "rows" not in data:
            body = data if isinstance(data, dict) else {}
            writer.writerow(["code", "message"])
            writer.writerow([body.get("code", ""), body.get("message", "")])
            return out.getvalue().encode()
        writer.writerow(REPORT_COLUMNS)
        for row in [*data["rows"], {**data["totals"], "key": ""}]:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in REPORT_COLUMNS])
        return out.getvalue().encode()


class WorkloadView(LocalTimeMixin, WorkspaceAPIView):
    roles = {"GET": Role.MEMBER, "HEAD": Role.MEMBER}

    @extend_schema(
        parameters=[s.WorkloadQuerySerializer], responses=s.WorkloadSerializer,
        description=(
            "Per member and day: `capacity` (schedule minus time off and holidays), "
            "`assigned` (remaining estimate of open assigned items, shared between assignees "
            "and spread over the working days of each item's start..due window), "
            "`allocated` (allocations as a share of capacity) and `over`. Items that cannot "
            "be placed (no dates, or dates but no estimate) are listed in `unscheduled`."
        ),
    )
    def get(self, request: Request, ws: str) -> Response:
        params = query(s.WorkloadQuerySerializer, request)
        start = params.get("start") or week_start_of(local_date(self.workspace, timezone.now()))
        end = params.get("end") or start + dt.timedelta(days=13)
        team = (tenancy.team_get(workspace=self.workspace, id=params["team"])
                if "team" in params else None)
        board = self.visible_board(params.get("board"))
        members = selectors.workload_member_ids(workspace=self.workspace, team=team)
        workload = selectors.workload_compute_for(
            workspace=self.workspace, viewer=self.membership, member_ids=members, start=start,
            end=end, board=board,
        )
        return Response(selectors.workload_as_dict(workload))


class WorkloadSuggestionsView(LocalTimeMixin, WorkspaceAPIView):
    roles = {"GET": Role.MEMBER, "HEAD": Role.MEMBER}

    @extend_schema(
        parameters=[s.SuggestionQuerySerializer], responses=s.SuggestionsSerializer,
        description="For a member and a day (or `date`..`end`), the teammates — people "
                    "sharing a team with them, or everyone if they have none — with spare "
                    "capacity then, most spare first.",
    )
    def get(self, request: Request, ws: str) -> Response:
        params = query(s.SuggestionQuerySerializer, request)
        member = self.member_of_workspace(params["member"])
        data = selectors.workload_suggestions(
            workspace=self.workspace, viewer=self.membership, member=member,
            start=params["date"], end=params.get("end") or params["date"],
        )
        return Response(data)


class TimeReportView(LocalTimeMixin, WorkspaceAPIView):
    renderer_classes = [ORJSONRenderer, CSVRenderer]

    @extend_schema(
        parameters=[s.ReportQuerySerializer],
        responses={200: OpenApiResponse(s.TimeReportSerializer,
                                        "JSON, or CSV with `?format=csv`."),
                   (200, "text/csv"): OpenApiTypes.STR},
        description=(
            "Hours, billable hours, cost and revenue (at the rate in force on each entry's "
            "date), estimate vs actual and utilisation (billable hours / capacity) per group. "
            "Admins and owners report on everyone; others on their own time."
        ),
    )
    def get(self, request: Request, ws: str) -> Response:
        params = query(s.ReportQuerySerializer, request)
        group_by = params["group_by"]
        if group_by not in selectors.report_groupings():
            raise ValidationFailed(
                f"Cannot group by '{group_by}'; use one of "
                f"{', '.join(selectors.report_groupings())}.",
                fields={"group_by": ["Unknown grouping."]},
            )
        data = selectors.time_report(
            workspace=self.workspace, viewer=self.membership, group_by=group_by,
            start=params["start"], end=params["end"],
            member=self.member_of_workspace(params["member"]) if "member" in params else None,
            board=self.visible_board(params.get("board")),
        )
        response = Response(data)
        if request.accepted_renderer.format == "csv":
            name = f"time-{group_by}-{params['start']}-{params['end']}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
