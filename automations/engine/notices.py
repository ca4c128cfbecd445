"""Telling people about the engine itself: a rule stopped by the loop guard (its owner, once per
episode), and a workspace nearing or passing its monthly run quota (its admins, once per
threshold and month). Each notice is claimed with a conditional UPDATE first, so two workers
never send the same one."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from automations.models import AutomationSettings, AutomationUsage, Rule
from automations.services.actor import AUTOMATION_EMAIL_DOMAIN
from workos.activity.services import notify
from workos.tenancy.models import Membership, Role, Workspace

# A rule stopped again a day after its owner was told is a new episode worth telling.
GUARD_NOTICE_EVERY = timedelta(days=1)
QUOTA_THRESHOLDS = (100, 80)


def _admins(workspace_id: int) -> list[Membership]:
    return list(Membership.objects.filter(workspace_id=workspace_id,
                                          role__in=[Role.OWNER, Role.ADMIN])
                .exclude(user__username__endswith="@" + AUTOMATION_EMAIL_DOMAIN)
                .select_related("user"))


def _queue_emails(ids: list[int]) -> None:
    from automations.tasks import send_notification_emails

    if ids:
        transaction.on_commit(lambda: send_notification_emails.delay(ids))


def guard_notify(rule: Rule, reason: str, *, now: dt.datetime | None = None) -> bool:
    """Tell the rule's owner (or, when the owner has left, the admins) that the loop guard
    stopped it; at most once per episode."""
    now = now or timezone.now()
    claimed = Rule.objects.filter(pk=rule.pk).filter(
        Q(guard_notified_at__isnull=True) | Q(guard_notified_at__lt=now - GUARD_NOTICE_EVERY)
    ).update(guard_notified_at=now)
    if not claimed:
        return False
    rule.guard_notified_at = now
    owner = rule.owner or rule.created_by
    recipients = [owner] if owner is not None and owner.removed_at is None else _admins(
        rule.workspace_id)
    rows = notify(
        workspace=rule.workspace, recipients=recipients, verb="automation.guard", target=rule,
        title=f"The rule '{rule.name}' was stopped by the loop guard"[:300],
        actor_label=f"Automation: {rule.name}",
        data={"rule": rule.pk, "reason": reason},
    )
    _queue_emails([r.pk for r in rows])
    return True


def month_of(moment: dt.datetime) -> dt.date:
    return moment.date().replace(day=1)


def _usage_bump(workspace_id: int, month: dt.date, runs: int, actions: int
                ) -> tuple[int, int, int, int | None] | None:
    """Add to the month's row in one statement that also reads the quota: (row id, runs,
    warned at percent, quota), or None when the month has no row yet."""
    usage = connection.ops.quote_name(AutomationUsage._meta.db_table)
    settings_table = connection.ops.quote_name(AutomationSettings._meta.db_table)
    sql = (
        f"UPDATE {usage} SET runs = runs + %s, actions = actions + %s "  # noqa: S608
        "WHERE workspace_id = %s AND month = %s RETURNING id, runs, warned_at_percent, "
        f"(SELECT monthly_run_quota FROM {settings_table} WHERE workspace_id = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [runs, actions, workspace_id, month, workspace_id])
        row = cursor.fetchone()
    return tuple(row) if row else None


def usage_add(counts: dict[int, tuple[int, int]], *, now: dt.datetime | None = None) -> None:
    """Add {workspace id: (runs, actions)} to this month's usage, then warn about quotas."""
    month = month_of(now or timezone.now())
    for workspace_id, (runs, actions) in counts.items():
        if not runs and not actions:
            continue
        with transaction.atomic():
            bumped = _usage_bump(workspace_id, month, runs, actions)
        if bumped is None:
            try:
                with transaction.atomic():
                    AutomationUsage.objects.create(workspace_id=workspace_id, month=month,
                                                   runs=runs, actions=actions)
            except IntegrityError:
                with transaction.atomic():
                    _usage_bump(workspace_id, month, runs, actions)
            quota_check(workspace_id, month)
            continue
        _, total, warned, quota = bumped
        if quota and total * 100 // quota >= QUOTA_THRESHOLDS[-1] and warned < 100:
            quota_check(workspace_id, month)


def quota_check(workspace_id: int, month: dt.date) -> int:
    """Warn the admins once at 80% and once at 100% of the monthly run quota; rules keep
    running past it. Returns the threshold warned about now, or 0."""
    quota = (AutomationSettings.objects.filter(workspace_id=workspace_id)
             .values_list("monthly_run_quota", flat=True).first())
    if not quota:
        return 0
    usage = AutomationUsage.objects.filter(workspace_id=workspace_id, month=month).first()
    if usage is None:
        return 0
    percent = usage.runs * 100 // quota
    threshold = next((t for t in QUOTA_THRESHOLDS if percent >= t), 0)
    if not threshold or usage.warned_at_percent >= threshold:
        return 0
    claimed = AutomationUsage.objects.filter(
        pk=usage.pk, warned_at_percent__lt=threshold).update(warned_at_percent=threshold)
    if not claimed:
        return 0
    workspace = Workspace.objects.get(pk=workspace_id)
    title = (f"Automations used {usage.runs} of {quota} runs this month ({percent}%)"
             + ("; rules keep running." if threshold == 100 else "."))
    rows = notify(
        workspace=workspace, recipients=_admins(workspace_id), verb="automation.quota",
        target=workspace, title=title, actor_label="WorkOS",
        data={"runs": usage.runs, "quota": quota, "percent": threshold},
    )
    _queue_emails([r.pk for r in rows])
    return threshold
