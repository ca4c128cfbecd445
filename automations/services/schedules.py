"""Recurring schedules: saving them, and creating each occurrence's items exactly once.

Invariant: `next_occurrence_at` is the earliest occurrence not yet created (None once the rule
has ended). `schedule_run` takes the schedule's row lock (SELECT ... FOR UPDATE SKIP LOCKED,
so a second beat at the same tick skips it instead of waiting), then for each due occurrence
inserts its RecurringOccurrence row (unique per schedule and time, the last guard) and the items
in one savepoint, and moves `next_occurrence_at` on. Occurrences missed while beat was down are
created late, once each, oldest first, at most CATCH_UP_PER_RUN per run (the next run, a
minute later, goes on). Saving a schedule, or enabling it again, starts from now: what fell due
while it was disabled is not made up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from automations.models import RecurringOccurrence, RecurringSchedule
from automations.recurrence import RecurrenceError, recurrence, recurrence_check
from automations.schedule_items import TEMPLATE_KEYS, occurrence_items, template_check
from automations.services.actor import automation_actor, human_admins
from boards.models import Board
from boards.services.access import VIEWER, require_board_role
from workos.activity.services import activity_record, notify
from workos.errors import DomainError, ValidationFailed
from workos.tenancy.models import Membership, Team

CATCH_UP_PER_RUN = 10
_RULE_FIELDS = ("rrule", "timezone", "starts_at")


def _check_boards(actor: Membership, board: Board, template_board: Board | None) -> None:
    require_board_role(board=board, actor=actor, minimum="editor",
                       doing="Scheduling recurring work on a board")
    if template_board is not None:
        if template_board.pk == board.pk:
            raise ValidationFailed("The template board must be another board than the one the "
                                   "items are made on.",
                                   fields={"template_board": ["Same as board."]})
        require_board_role(board=template_board, actor=actor, minimum=VIEWER,
                           doing="Using a board as a template", allow_archived=True)


def _check_team(actor: Membership, team: Team | None, template_board: Board | None) -> None:
    if team is None:
        return
    if team.workspace_id != actor.workspace_id:
        raise ValidationFailed("No such team in this workspace.", fields={"team": ["Unknown."]})
    if template_board is None:
        raise ValidationFailed("A team makes one set of items per member: give a template_board "
                               "too.", fields={"team": ["Needs template_board."]})


def _next_occurrence(fields: dict[str, Any], now: dt.datetime) -> dt.datetime:
    try:
        return recurrence_check(fields["rrule"], fields["timezone"], fields["starts_at"], now)
    except RecurrenceError as exc:
        field = "timezone" if "time zone" in str(exc) else "rrule"
        raise ValidationFailed(str(exc), fields={field: [str(exc)]}) from exc


@transaction.atomic
def schedule_create(
    *, actor: Membership, name: str, board: Board, rrule: str, timezone_name: str | None = None,
    starts_at: dt.datetime | None = None, item_template: dict[str, Any] | None = None,
    template_board: Board | None = None, team: Team | None = None, enabled: bool = True,
    now: dt.datetime | None = None,
) -> RecurringSchedule:
    now = now or timezone.now()
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Name the schedule.", fields={"name": ["Required."]})
    _check_boards(actor, board, template_board)
    _check_team(actor, team, template_board)
    template = template_check(workspace=actor.workspace, board=board, template=item_template,
                              needs_name=template_board is None)
    fields = {"rrule": (rrule or "").strip(),
              "timezone": timezone_name or actor.workspace.timezone or "UTC",
              "starts_at": starts_at or now}
    schedule = RecurringSchedule.objects.create(
        workspace=actor.workspace, name=name[:200], board=board, item_template=template,
        template_board=template_board, team=team, enabled=enabled, created_by=actor,
        next_occurrence_at=_next_occurrence(fields, now), **fields,
    )
    activity_record(workspace=actor.workspace, actor=actor.user, verb="recurring.created",
                    target=schedule, data={"rrule": schedule.rrule, "board": board.pk})
    return schedule


@transaction.atomic
def schedule_update(
    *, actor: Membership, schedule: RecurringSchedule, now: dt.datetime | None = None,
    **fields: Any,
) -> RecurringSchedule:
    now = now or timezone.now()
    schedule = RecurringSchedule.objects.select_for_update().get(pk=schedule.pk)
    if "timezone_name" in fields:
        fields["timezone"] = fields.pop("timezone_name")
    board = fields.get("board", schedule.board)
    template_board = fields.get("template_board", schedule.template_board)
    _check_boards(actor, board, template_board)
    _check_team(actor, fields.get("team", schedule.team), template_board)
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()[:200]
        if not fields["name"]:
            raise ValidationFailed("Name the schedule.", fields={"name": ["Required."]})
    if "item_template" in fields or "board" in fields or "template_board" in fields:
        fields["item_template"] = template_check(
            workspace=actor.workspace, board=board,
            template=fields.get("item_template", schedule.item_template),
            needs_name=template_board is None)
    changes = {key: [str(getattr(schedule, key)), str(value)] for key, value in fields.items()
               if getattr(schedule, key) != value}
    for key in changes:
        setattr(schedule, key, fields[key])
    restart = any(key in changes for key in _RULE_FIELDS) or changes.get("enabled") == [
        "False", "True"]
    if restart:
        schedule.next_occurrence_at = _next_occurrence(
            {key: getattr(schedule, key) for key in _RULE_FIELDS}, now)
    if changes:
        schedule.save()
        activity_record(workspace=actor.workspace, actor=actor.user, verb="recurring.updated",
                        target=schedule, changes=changes)
    return schedule


@transaction.atomic
def schedule_delete(*, actor: Membership, schedule: RecurringSchedule) -> None:
    require_board_role(board=schedule.board, actor=actor, minimum="editor",
                       doing="Deleting a recurring schedule", allow_archived=True)
    activity_record(workspace=actor.workspace, actor=actor.user, verb="recurring.deleted",
                    target=schedule, data={"name": schedule.name})
    schedule.delete()


# --- running -----------------------------------------------------------------------------------


def schedules_run_due(*, now: dt.datetime | None = None) -> int:
    """Create the due occurrences of every enabled schedule; returns how many were created."""
    now = now or timezone.now()
    due = list(
        RecurringSchedule.objects.filter(enabled=True, next_occurrence_at__lte=now)
        .order_by("next_occurrence_at", "id").values_list("id", flat=True)
    )
    return sum(schedule_run(schedule_id=schedule_id, now=now) for schedule_id in due)


@transaction.atomic
def schedule_run(*, schedule_id: int, now: dt.datetime | None = None) -> int:
    """Create the schedule's occurrences due by `now` (at most CATCH_UP_PER_RUN). A schedule
    another run holds is skipped: that run creates them."""
    now = now or timezone.now()
    schedule = (
        RecurringSchedule.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("workspace", "board", "template_board", "team")
        .filter(pk=schedule_id, enabled=True, next_occurrence_at__lte=now)
        .first()
    )
    if schedule is None:
        return 0
    rec = recurrence(schedule.rrule, schedule.timezone, schedule.starts_at)
    actor = automation_actor(schedule.workspace)
    created = 0
    while (
        created < CATCH_UP_PER_RUN
        and schedule.next_occurrence_at is not None
        and schedule.next_occurrence_at <= now
    ):
        occurs_at = schedule.next_occurrence_at
        try:
            created += _occur(schedule, rec, actor, occurs_at)
        except DomainError as exc:
            _stop(schedule, occurs_at, exc)
            break
        schedule.last_occurrence_at = occurs_at
        schedule.next_occurrence_at = rec.next_after(occurs_at)
    schedule.save(update_fields=["last_occurrence_at", "next_occurrence_at"])
    return created


def _occur(schedule: RecurringSchedule, rec: Any, actor: Membership, occurs_at: dt.datetime
           ) -> int:
    if RecurringOccurrence.objects.filter(schedule=schedule, occurs_at=occurs_at).exists():
        return 0
    try:
        with transaction.atomic():
            occurrence = RecurringOccurrence.objects.create(schedule=schedule,
                                                            occurs_at=occurs_at)
            occurrence.item_ids = occurrence_items(
                schedule=schedule, actor=actor, occurs_at=occurs_at,
                local_date=rec.local_date(occurs_at))
            occurrence.save(update_fields=["item_ids"])
            activity_record(
                workspace=schedule.workspace, actor=actor.user, verb="recurring.occurred",
                target=schedule,
                data={"occurs_at": occurs_at.isoformat(), "items": occurrence.item_ids,
                      "occurrence": occurrence.pk},
            )
    except IntegrityError:
        return 0  # made by a run that raced this one past the lock (the constraint decided)
    return 1


def _stop(schedule: RecurringSchedule, occurs_at: dt.datetime, exc: DomainError) -> None:
    """A template that no longer fits the board would fail every minute: disable the schedule
    and tell whoever set it up, with the reason."""
    schedule.enabled = False
    schedule.save(update_fields=["enabled"])
    reason = f"Stopped at the occurrence of {occurs_at:%Y-%m-%d %H:%M} UTC: {exc.message}"
    activity_record(workspace=schedule.workspace, actor=None, verb="recurring.failed",
                    target=schedule, data={"reason": reason})
    creator = schedule.created_by
    if creator is not None and creator.removed_at is None:
        recipients = [creator]
    else:  # its author left: the admins hear instead
        recipients = human_admins(schedule.workspace)
    notify(workspace=schedule.workspace, recipients=recipients,
           verb="recurring.failed", target=schedule,
           title=f"The recurring schedule '{schedule.name}' was disabled"[:300],
           actor_label="WorkOS", data={"reason": reason})


__all__ = ["TEMPLATE_KEYS", "schedule_create", "schedule_delete", "schedule_run",
           "schedule_update", "schedules_run_due"]
