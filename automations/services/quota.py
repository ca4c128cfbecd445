"""The workspace's automation settings: the monthly run quota admins are warned about."""

from __future__ import annotations

from django.db import transaction

from automations.models import AutomationSettings
from workos.activity.services import activity_record
from workos.errors import PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership, Role, role_at_least


def automation_settings_get(*, workspace_id: int) -> AutomationSettings:
    found = AutomationSettings.objects.filter(workspace_id=workspace_id).first()
    return found or AutomationSettings(workspace_id=workspace_id)


@transaction.atomic
def automation_settings_update(*, actor: Membership, monthly_run_quota: int | None
                               ) -> AutomationSettings:
    """Set the monthly run quota (None for none). Rules never stop at it: admins are warned
    at 80% and 100%."""
    if not role_at_least(actor.role, Role.ADMIN):
        raise PermissionDenied("Only workspace admins set the automation quota.")
    if monthly_run_quota is not None and (
            isinstance(monthly_run_quota, bool) or not isinstance(monthly_run_quota, int)
            or monthly_run_quota < 1):
        raise ValidationFailed("The quota is a whole number of runs from 1, or null.",
                               fields={"monthly_run_quota": ["At least 1, or null."]})
    row, _ = AutomationSettings.objects.select_for_update().get_or_create(
        workspace_id=actor.workspace_id)
    if row.monthly_run_quota != monthly_run_quota:
        activity_record(
            workspace=actor.workspace, actor=actor.user, verb="automation.settings_updated",
            target=actor.workspace,
            changes={"monthly_run_quota": [row.monthly_run_quota, monthly_run_quota]},
        )
        row.monthly_run_quota = monthly_run_quota
        row.save(update_fields=["monthly_run_quota"])
    return row
