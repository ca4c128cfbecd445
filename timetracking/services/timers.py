"""The timer: start, stop, switch, discard.

A member has at most one running timer; the database's partial unique constraint guarantees it
even against concurrent requests, and starting while one runs stops it first (a switch), in one
transaction. Times are whole minutes, so a switch leaves the two entries touching, not
overlapping. A timer stopped on a later day than it started becomes one entry per local day of
the workspace, cut at each midnight; a timer stopped within the minute it started records
nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from boards.models import Item
from boards.services.access import require_board_writable
from timetracking.models import EntrySource, TimeEntry, Timer
from timetracking.selectors import timer_running
from timetracking.services.entries import (
    NOTE_MAX,
    describe_clash,
    entry_insert,
    floor_minute,
    local_midnight_after,
    lock_member,
)
from workos.activity.services import activity_record
from workos.errors import Conflict, ValidationFailed
from workos.tenancy.models import Membership, Workspace


def split_by_local_day(
    workspace: Workspace, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """[start, end) cut at every midnight of the workspace's time zone."""
    pieces = []
    cursor, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    while cursor < end:
        piece_end = min(end, local_midnight_after(workspace, cursor).astimezone(dt.UTC))
        pieces.append((cursor, piece_end))
        cursor = piece_end
    return pieces


def _finish(timer: Timer, now: dt.datetime) -> list[TimeEntry]:
    workspace = timer.workspace
    entries = [
        entry_insert(
            workspace=workspace, member=timer.member, item=timer.item, start=start, end=end,
            billable=timer.billable, note=timer.note, source=EntrySource.TIMER,
        )
        for start, end in split_by_local_day(workspace, timer.started_at, now)
    ]
    timer.stopped_at = now
    timer.save(update_fields=["stopped_at"])
    return entries


def _record(actor: Membership, verb: str, timer: Timer, entries: list[TimeEntry]) -> None:
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb=verb, target=timer,
        data={"item": timer.item_id, "entries": [e.pk for e in entries]},
    )


@transaction.atomic
def timer_start(
    *,
    actor: Membership,
    item: Item | None = None,
    note: str = "",
    billable: bool = True,
    now: dt.datetime | None = None,
) -> tuple[Timer, list[TimeEntry]]:
    """Start the actor's timer; a running one is stopped first. Returns the new timer and the
    entries the stopped one became."""
    workspace = actor.workspace
    if item is not None:
        require_board_writable(item.board)
    now = floor_minute(now or timezone.now())
    lock_member(actor)
    entries: list[TimeEntry] = []
    running = timer_running(workspace=workspace, member=actor)
    if running is not None:
        running.workspace, running.member = workspace, actor
        entries = _finish(running, now)
        _record(actor, "timer.stopped", running, entries)
    clash = (
        TimeEntry.objects.filter(member=actor, started_at__lte=now, ended_at__gt=now)
        .select_related("item").first()
    )
    if clash is not None:
        raise ValidationFailed(
            f"You already logged this minute: {describe_clash(clash, workspace)}.",
            code="overlap", fields={"item": [f"Overlaps entry {clash.pk}."]},
        )
    try:
        with transaction.atomic():
            timer = Timer.objects.create(
                workspace=workspace, member=actor, item=item, note=(note or "")[:NOTE_MAX],
                billable=billable, started_at=now,
            )
    except IntegrityError as exc:
        raise Conflict("A timer is already running for you; stop it first.",
                       code="timer_running") from exc
    _record(actor, "timer.started", timer, [])
    return timer, entries


@transaction.atomic
def timer_stop(
    *, actor: Membership, now: dt.datetime | None = None
) -> tuple[Timer, list[TimeEntry]]:
    """Stop the actor's timer and log its time, one entry per local day."""
    lock_member(actor)
    timer = timer_running(workspace=actor.workspace, member=actor)
    if timer is None:
        raise Conflict("No timer is running.", code="no_timer")
    timer.workspace, timer.member = actor.workspace, actor
    entries = _finish(timer, floor_minute(now or timezone.now()))
    _record(actor, "timer.stopped", timer, entries)
    return timer, entries


@transaction.atomic
def timer_discard(*, actor: Membership, now: dt.datetime | None = None) -> Timer:
    """Stop the actor's timer without logging anything (started by mistake)."""
    lock_member(actor)
    timer = timer_running(workspace=actor.workspace, member=actor)
    if timer is None:
        raise Conflict("No timer is running.", code="no_timer")
    timer.stopped_at = floor_minute(now or timezone.now())
    timer.save(update_fields=["stopped_at"])
    _record(actor, "timer.discarded", timer, [])
    return timer
