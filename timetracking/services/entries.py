"""Writes of time entries. The rules that span rows are kept here, in one place:

- an entry is whole minutes, positive, under 24 hours, inside one local day of the workspace
  (timer entries that ran across midnight are cut at each midnight by `timers`);
- a member's entries never overlap (touching is fine); the member's row is locked for the
  write, so two concurrent writes cannot both pass the check;
- an entry belongs to its member's ISO-week timesheet; an approved timesheet locks its
  entries, and every write to one answers 409 until an approver rejects (reopens) it;
- members log their own time; admins and owners may log and correct anyone's;
- an item's `tracked_minutes` is the sum of its entries: every insert, change and delete here
  adjusts it in the same transaction (`services.tracked`).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.db import transaction

from boards.models import Item
from boards.services.access import require_board_writable
from timetracking.models import (
    MINUTES_PER_DAY,
    EntrySource,
    TimeEntry,
    Timer,
    Timesheet,
    week_start_of,
)
from timetracking.selectors import entries_overlapping
from timetracking.services.tracked import tracked_add, tracked_delta
from workos.activity.services import activity_record
from workos.errors import Conflict, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership, Role, Workspace, role_at_least

NOTE_MAX = 2000
UNSET: Any = object()


def workspace_zone(workspace: Workspace) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(workspace.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_date(workspace: Workspace, moment: dt.datetime) -> dt.date:
    return moment.astimezone(workspace_zone(workspace)).date()


def local_midnight_after(workspace: Workspace, moment: dt.datetime) -> dt.datetime:
    day = local_date(workspace, moment) + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), tzinfo=workspace_zone(workspace))


def floor_minute(moment: dt.datetime) -> dt.datetime:
    """The moment in UTC, to the minute. Arithmetic is done in UTC because Python subtracts
    two times of the same zone by their wall clocks, which is wrong across a DST change."""
    return moment.astimezone(dt.UTC).replace(second=0, microsecond=0)


def describe_clash(entry: TimeEntry, workspace: Workspace) -> str:
    zone = workspace_zone(workspace)
    start, end = entry.started_at.astimezone(zone), entry.ended_at.astimezone(zone)
    on = f" on '{entry.item.name}'" if entry.item_id and entry.item else ""
    return f"entry {entry.pk}{on}, {start:%Y-%m-%d %H:%M} to {end:%H:%M}"


def lock_member(member: Membership) -> None:
    """Serialise this member's time writes (a row lock on PostgreSQL; SQLite writes are
    serial anyway), so overlap checks and the one-timer rule see each other's results."""
    Membership.objects.select_for_update().filter(pk=member.pk).first()


def check_may_write_for(actor: Membership, member: Membership) -> None:
    if member.workspace_id != actor.workspace_id:
        raise ValidationFailed("That member is not in this workspace.",
                               fields={"member": ["Unknown member."]})
    if member.pk != actor.pk and not role_at_least(actor.role, Role.ADMIN):
        raise PermissionDenied("You can log and change only your own time; admins can "
                               "change anyone's.")


def check_no_overlap(
    *, workspace: Workspace, member: Membership, started_at: dt.datetime,
    ended_at: dt.datetime, exclude_id: int | None = None,
) -> None:
    clash = entries_overlapping(
        member=member, started_at=started_at, ended_at=ended_at, exclude_id=exclude_id
    ).first()
    if clash is not None:
        message = f"This time overlaps {describe_clash(clash, workspace)}; entries cannot overlap."
        raise ValidationFailed(
            message, code="overlap",
            fields={"started_at": [f"Overlaps entry {clash.pk}."], "overlapping_entry": clash.pk},
        )


def timesheet_for(*, workspace: Workspace, member: Membership, day: dt.date) -> Timesheet:
    sheet, _ = Timesheet.objects.get_or_create(
        member=member, week_start=week_start_of(day), defaults={"workspace": workspace}
    )
    return sheet


def check_unlocked(sheet: Timesheet) -> None:
    if sheet.is_locked:
        raise Conflict(
            f"The timesheet for the week of {sheet.week_start} is approved, so its time is "
            "locked; an approver must reject (reopen) it before it can change.",
            code="locked",
        )


def check_board_open(entry: TimeEntry) -> None:
    """Time on a closed project's board is part of its close-out figures: it stays as it is."""
    if entry.board is not None:
        require_board_writable(entry.board)


def _span(
    *, started_at: dt.datetime | None, ended_at: dt.datetime | None,
    duration_minutes: int | None,
) -> tuple[dt.datetime, dt.datetime]:
    if started_at is None:
        raise ValidationFailed("Say when the time started.", fields={"started_at": ["Required."]})
    start = floor_minute(started_at)
    if ended_at is None and duration_minutes is None:
        raise ValidationFailed("Give ended_at or duration_minutes.",
                               fields={"ended_at": ["Give ended_at or duration_minutes."]})
    if ended_at is not None:
        end = floor_minute(ended_at)
        if duration_minutes is not None and end - start != dt.timedelta(minutes=duration_minutes):
            raise ValidationFailed(
                "ended_at and duration_minutes disagree; give one of them.",
                fields={"duration_minutes": ["Disagrees with ended_at."]},
            )
    else:
        end = start + dt.timedelta(minutes=duration_minutes or 0)
    if end <= start:
        raise ValidationFailed("An entry lasts at least one minute and ends after it starts.",
                               fields={"ended_at": ["Not after started_at."]})
    return start, end


def _check_manual_span(workspace: Workspace, start: dt.datetime, end: dt.datetime) -> None:
    if end - start >= dt.timedelta(minutes=MINUTES_PER_DAY):
        raise ValidationFailed("An entry must be shorter than 24 hours.",
                               fields={"duration_minutes": ["24 hours or more."]})
    if end > local_midnight_after(workspace, start):
        raise ValidationFailed(
            f"An entry stays within one day in the workspace's time zone "
            f"({workspace.timezone}); split it at midnight into one entry per day.",
            fields={"ended_at": ["Crosses midnight."]},
        )


def _check_not_in_running_timer(workspace: Workspace, member: Membership,
                                end: dt.datetime) -> None:
    timer = Timer.objects.filter(member=member, stopped_at__isnull=True).first()
    if timer is not None and end > timer.started_at:
        started = timer.started_at.astimezone(workspace_zone(workspace))
        raise ValidationFailed(
            f"This time overlaps your running timer, started {started:%Y-%m-%d %H:%M}; "
            "stop it first.", code="overlap", fields={"started_at": ["Overlaps the timer."]},
        )


def entry_insert(
    *, workspace: Workspace, member: Membership, item: Item | None, start: dt.datetime,
    end: dt.datetime, billable: bool, note: str, source: str,
) -> TimeEntry:
    """Insert one entry that already passed the span rules; checks overlap and the lock.
    The caller holds `lock_member(member)` inside a transaction."""
    check_no_overlap(workspace=workspace, member=member, started_at=start, ended_at=end)
    day = local_date(workspace, start)
    sheet = timesheet_for(workspace=workspace, member=member, day=day)
    check_unlocked(sheet)
    entry = TimeEntry.objects.create(
        workspace=workspace, member=member, item=item, board_id=item.board_id if item else None,
        timesheet=sheet, started_at=start, ended_at=end,
        duration_minutes=int((end - start).total_seconds() // 60), date=day,
        billable=billable, note=note[:NOTE_MAX], source=source,
    )
    tracked_add(tracked_delta([(entry.item_id, entry.duration_minutes)]))
    return entry


def _record(actor: Membership, verb: str, entry: TimeEntry,
            changes: dict[str, list[Any]]) -> None:
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb=verb, target=entry, changes=changes,
        data={"member": entry.member_id, "item": entry.item_id, "date": entry.date.isoformat()},
    )


@transaction.atomic
def time_entry_create(
    *,
    actor: Membership,
    member: Membership | None = None,
    item: Item | None = None,
    started_at: dt.datetime | None,
    ended_at: dt.datetime | None = None,
    duration_minutes: int | None = None,
    billable: bool = True,
    note: str = "",
) -> TimeEntry:
    """Log time by hand. `item` must already be resolved through the actor's visibility."""
    workspace = actor.workspace
    if item is not None:
        require_board_writable(item.board)
    member = member or actor
    check_may_write_for(actor, member)
    start, end = _span(started_at=started_at, ended_at=ended_at,
                       duration_minutes=duration_minutes)
    _check_manual_span(workspace, start, end)
    lock_member(member)
    _check_not_in_running_timer(workspace, member, end)
    entry = entry_insert(
        workspace=workspace, member=member, item=item, start=start, end=end,
        billable=billable, note=note, source=EntrySource.MANUAL,
    )
    _record(actor, "time_entry.created", entry, {
        "started_at": [None, start.isoformat()], "duration_minutes": [None, entry.duration_minutes],
    })
    return entry


@transaction.atomic
def time_entry_update(
    *, actor: Membership, entry: TimeEntry, fields: dict[str, Any]
) -> TimeEntry:
    """Change an entry. `fields` may hold item (resolved), started_at, ended_at,
    duration_minutes, billable, note; moving only `started_at` keeps the duration."""
    workspace = actor.workspace
    member = entry.member
    check_may_write_for(actor, member)
    lock_member(member)
    entry = TimeEntry.objects.select_related("timesheet", "item", "board").get(pk=entry.pk)
    check_unlocked(entry.timesheet)
    check_board_open(entry)
    if fields.get("item") is not None:
        require_board_writable(fields["item"].board)
    before = {
        "item": entry.item_id, "started_at": entry.started_at.isoformat(),
        "duration_minutes": entry.duration_minutes, "billable": entry.billable,
        "note": entry.note,
    }
    if "item" in fields:
        item = fields["item"]
        entry.item, entry.board_id = item, item.board_id if item else None
    if "billable" in fields:
        entry.billable = bool(fields["billable"])
    if "note" in fields:
        entry.note = (fields["note"] or "")[:NOTE_MAX]
    if {"started_at", "ended_at", "duration_minutes"} & set(fields):
        started = fields.get("started_at") or entry.started_at
        ended, minutes = fields.get("ended_at"), fields.get("duration_minutes")
        if ended is None and minutes is None:
            minutes = entry.duration_minutes
        start, end = _span(started_at=started, ended_at=ended, duration_minutes=minutes)
        _check_manual_span(workspace, start, end)
        _check_not_in_running_timer(workspace, member, end)
        check_no_overlap(workspace=workspace, member=member, started_at=start, ended_at=end,
                         exclude_id=entry.pk)
        day = local_date(workspace, start)
        if week_start_of(day) != entry.timesheet.week_start:
            sheet = timesheet_for(workspace=workspace, member=member, day=day)
            check_unlocked(sheet)
            entry.timesheet = sheet
        entry.started_at, entry.ended_at, entry.date = start, end, day
        entry.duration_minutes = int((end - start).total_seconds() // 60)
    entry.save()
    tracked_add(tracked_delta([(before["item"], -before["duration_minutes"]),
                               (entry.item_id, entry.duration_minutes)]))
    after = {
        "item": entry.item_id, "started_at": entry.started_at.isoformat(),
        "duration_minutes": entry.duration_minutes, "billable": entry.billable,
        "note": entry.note,
    }
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        _record(actor, "time_entry.updated", entry, changes)
    return entry


@transaction.atomic
def time_entry_delete(*, actor: Membership, entry: TimeEntry) -> None:
    check_may_write_for(actor, entry.member)
    lock_member(entry.member)
    entry = TimeEntry.objects.select_related("timesheet", "board").get(pk=entry.pk)
    check_unlocked(entry.timesheet)
    check_board_open(entry)
    _record(actor, "time_entry.deleted", entry,
            {"duration_minutes": [entry.duration_minutes, None]})
    entry.delete()
    tracked_add(tracked_delta([(entry.item_id, -entry.duration_minutes)]))
