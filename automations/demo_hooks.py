"""Demo recurring work for `manage.py seed_demo`: the IT service desk opens its weekly report
item every Monday at 9:00 in the workspace's time zone."""

from __future__ import annotations

from automations.models import RecurringSchedule
from automations.services.schedules import schedule_create
from boards.models import Board
from workos.tenancy.models import Membership, Role, Workspace

WEEKLY_REPORT = "Weekly IT report"


def seed_recurring(workspace: Workspace) -> list[RecurringSchedule]:
    """Schedules on the demo boards, made by the first owner; a missing board is skipped."""
    owner = (Membership.objects.filter(workspace=workspace, role=Role.OWNER)
             .select_related("workspace", "user").order_by("id").first())
    desk = Board.objects.filter(workspace=workspace, name="IT service desk",
                                deleted_at__isnull=True).first()
    if owner is None or desk is None:
        return []
    if RecurringSchedule.objects.filter(workspace=workspace, name=WEEKLY_REPORT).exists():
        return []
    incoming = desk.groups.filter(name="Incoming").values_list("pk", flat=True).first()
    template = {"name": "IT report for week {week}", "due_in_days": 4,
                "description": "Open requests, incidents of the week, what is blocked."}
    if incoming is not None:
        template["group"] = incoming
    return [schedule_create(
        actor=owner, name=WEEKLY_REPORT, board=desk,
        rrule="FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0",
        timezone_name=workspace.timezone or "UTC", item_template=template,
    )]
