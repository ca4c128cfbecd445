"""Reads for the workspace home page."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from workos.activity.models import Activity
from workos.tenancy.models import Membership, Role, Team, Workspace, role_at_least


def home_overview(*, workspace: Workspace, membership: Membership) -> dict[str, Any]:
    teams = (
        Team.objects.filter(workspace=workspace)
        .annotate(member_count=Count("members"))
        .order_by("name")
    )
    my_teams = Team.objects.filter(workspace=workspace, members=membership).order_by("name")
    role_counts = dict(
        Membership.objects.filter(workspace=workspace)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    recent: list[Activity] = []
    if role_at_least(membership.role, Role.ADMIN):
        recent = list(
            Activity.objects.filter(workspace=workspace)
            .select_related("target_type")
            .order_by("-created_at", "-id")[:15]
        )
    return {
        "teams": list(teams),
        "my_teams": list(my_teams),
        "role_counts": role_counts,
        "member_total": sum(role_counts.values()),
        "recent_activity": recent,
    }
