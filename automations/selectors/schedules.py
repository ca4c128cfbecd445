"""Reads of recurring schedules and their occurrences: a schedule is visible to whoever sees
the board it creates items on."""

from __future__ import annotations

from django.db.models import QuerySet

from automations.models import RecurringOccurrence, RecurringSchedule
from boards.selectors.boards import visible_board_ids
from workos.errors import NotFound
from workos.tenancy.models import Membership, Workspace


def schedule_list(*, workspace: Workspace, membership: Membership) -> QuerySet:
    return (
        RecurringSchedule.objects.filter(
            workspace=workspace,
            board_id__in=visible_board_ids(workspace=workspace, membership=membership),
        )
        .order_by("name", "id")
    )


def schedule_get(*, workspace: Workspace, membership: Membership, id: int) -> RecurringSchedule:
    schedule = (
        schedule_list(workspace=workspace, membership=membership)
        .select_related("board", "template_board", "team").filter(pk=id).first()
    )
    if schedule is None:
        raise NotFound("Recurring schedule not found.")
    return schedule


def occurrence_list(*, schedule: RecurringSchedule) -> QuerySet:
    return RecurringOccurrence.objects.filter(schedule=schedule).order_by("-occurs_at", "-id")
