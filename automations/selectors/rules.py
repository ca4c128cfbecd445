"""Reads of rules, their runs and versions, and the workspace's automation usage.

Who sees a rule: admins and owners see every rule; members see the rules of boards (and
projects' boards) they can see, but not workspace-wide rules, which may name boards hidden from
them. Guests see none (the API refuses them by role). Another workspace's rule is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from automations.engine.notices import month_of
from automations.models import AutomationSettings, AutomationUsage, Rule, RuleRun, RuleVersion
from automations.models import Scope as RuleScope
from boards.selectors import visible_board_ids
from workos.errors import NotFound
from workos.tenancy.models import Membership, Role, Workspace, role_at_least

USAGE_MONTHS = 12


def rule_list(*, workspace: Workspace, membership: Membership) -> QuerySet:
    qs = Rule.objects.filter(workspace=workspace).select_related("created_by", "owner")
    if role_at_least(membership.role, Role.ADMIN):
        return qs
    return qs.exclude(scope=RuleScope.WORKSPACE).filter(
        board_id__in=visible_board_ids(workspace=workspace, membership=membership))


def rule_get(*, workspace: Workspace, membership: Membership, id: int) -> Rule:
    rule = rule_list(workspace=workspace, membership=membership).select_related(
        "board", "project", "workspace").filter(id=id).first()
    if rule is None:
        raise NotFound("Rule not found.")
    return rule


def run_list(*, rule: Rule, status: str | None = None) -> QuerySet:
    qs = RuleRun.objects.filter(rule=rule, workspace_id=rule.workspace_id).select_related(
        "event")
    if status:
        qs = qs.filter(status=status)
    return qs


def run_get(*, rule: Rule, id: int) -> RuleRun:
    run = run_list(rule=rule).select_related("rule").filter(id=id).first()
    if run is None:
        raise NotFound("Run not found.")
    return run


def version_list(*, rule: Rule) -> QuerySet:
    return RuleVersion.objects.filter(rule=rule).select_related("created_by__user")


def usage_summary(*, workspace: Workspace, now: dt.datetime | None = None) -> dict[str, Any]:
    """This month's runs and actions against the quota, and the months before."""
    month = month_of(now or timezone.now())
    rows = list(AutomationUsage.objects.filter(workspace=workspace).order_by("-month")
                [:USAGE_MONTHS])
    quota = (AutomationSettings.objects.filter(workspace=workspace)
             .values_list("monthly_run_quota", flat=True).first())
    current = next((r for r in rows if r.month == month), None)
    runs = current.runs if current else 0
    return {
        "month": month,
        "runs": runs,
        "actions": current.actions if current else 0,
        "quota": quota,
        "percent_of_quota": (runs * 100 // quota) if quota else None,
        "history": [{"month": r.month, "runs": r.runs, "actions": r.actions} for r in rows],
    }
