"""Rescheduling: moving the successors of a task whose dates changed, per each project's mode,
and applying the computed schedule on request.

The cascade runs inside the transaction of the change that caused it (an item-changed hook,
registered in projects.apps) and writes everything in it: the moved items with one bulk
UPDATE per project (their version bumped), then one Activity `item.updated` per moved item,
all with one INSERT, each caused by the change's own Activity. A DomainError anywhere refuses
the whole change, the user's edit included.

Rules, on top of the pure scheduler's (projects.scheduling):
- Each project follows its own `schedule_mode`: `flexible`, `strict`, or `none` (nothing moves;
  the links left broken are reported). Done tasks never move, nor do tasks of a read-only
  (closed) or archived project.
- Dependencies across boards: a moved item's successors on another project's board are
  rescheduled next, by that project's mode, with the moved item as a fixed external
  predecessor; and so on down the chain (a worklist of projects, each pass reading the dates
  the earlier passes wrote). A change on a board that is no project's still moves its
  successors on project boards.
- The cascade never invents dates: a task without dates follows its predecessors implicitly
  (the schedule shows where it falls) and keeps none; one with only a start or only a due date
  has only that date moved. Applying the schedule (POST schedule/) is what writes dates on every
  open task.
- A move that would push a task's finish past its finish-no-later-than constraint (and later
  than it was) refuses the change with a 409 naming the task: constraints are promises the
  automation must not break silently.
- Rows are locked before they are written and compared with the dates the cascade read; a
  concurrent change answers 409, try again.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from boards.models import Dependency, Item
from boards.services.access import EDITOR, require_board_role
from projects.models import Project, ScheduleMode
from projects.schedule import (
    ProjectNetwork,
    cycle_conflict,
    project_network,
    task_duration,
    violation_row,
    workspace_calendar,
)
from projects.scheduling import (
    ScheduleCycleError,
    Task,
    Violation,
    reschedule,
    schedule,
)
from workos.activity.models import Activity
from workos.activity.services import Cause, acting_for, activities_record, activity_record
from workos.errors import Conflict
from workos.tenancy.models import Membership

DATE_FIELDS = frozenset({"start_date", "due_date", "is_milestone"})
UPDATE_CHUNK = 1000  # rows per UPDATE: 5 parameters each, well under SQLite's limit
MAX_PASSES = 500  # projects visited by one cascade; the item graph is acyclic, so it ends


@dataclass(frozen=True)
class Before:
    """A changed item's dates before the change; `duration` only when it changed too (an
    undated task's estimate, a milestone flag)."""

    start: dt.date | None
    finish: dt.date | None
    duration: int | None = None


@dataclass(frozen=True)
class ItemMove:
    item: int
    project: int
    old_start: dt.date | None
    old_finish: dt.date | None
    new_start: dt.date | None
    new_finish: dt.date | None

    def as_dict(self) -> dict[str, Any]:
        return {"item": self.item, "project": self.project, "old_start": self.old_start,
                "old_finish": self.old_finish, "new_start": self.new_start,
                "new_finish": self.new_finish}


@dataclass
class Outcome:
    """What a cascade did: the items it moved (in order) and, per project, the links still
    broken afterwards (every broken link, for a project in mode `none`)."""

    moved: list[ItemMove] = field(default_factory=list)
    violations: list[tuple[int, Violation]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "moved": [m.as_dict() for m in self.moved],
            "violations": [{"project": p, **violation_row(v)} for p, v in self.violations],
        }


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _dated(task: Task) -> bool:
    return task.start is not None or task.finish is not None


def _anchored(tasks: list[Task]) -> list[Task]:
    """Every dated task kept where it is, so a schedule places only the undated ones."""
    return [replace(t, external=True) if _dated(t) else t for t in tasks]


class _Cascade:
    """One cascade: a worklist of projects with the items that changed for each."""

    def __init__(self) -> None:
        self.pending: OrderedDict[int, dict[int, Before]] = OrderedDict()
        self.outcome = Outcome()
        self.entries: list[tuple[str, Item, dict[str, Any], dict[str, Any]]] = []
        self.passes = 0

    # -- the worklist ---------------------------------------------------------------------

    def follow(self, sources: dict[int, Before], *, leaving_board: int | None) -> None:
        """Queue the projects holding successors of `sources` (other than `leaving_board`)."""
        if not sources:
            return
        rows = (
            Dependency.objects.filter(predecessor_id__in=list(sources),
                                      successor__archived_at__isnull=True,
                                      successor__board__project__isnull=False)
            .values_list("predecessor_id", "successor__board__project", "successor__board_id")
            .order_by("successor__board__project", "predecessor_id")
            .distinct()
        )
        for predecessor, project, board in rows:
            if board != leaving_board:
                self.pending.setdefault(project, {}).setdefault(predecessor,
                                                                sources[predecessor])

    def run(self) -> None:
        while self.pending:
            self.passes += 1
            if self.passes > MAX_PASSES:
                raise Conflict("Rescheduling reached too many projects in one chain; check the "
                               "dependencies between projects.", code="schedule_too_long")
            project_id, changed = self.pending.popitem(last=False)
            project = (Project.objects.select_related("workspace", "board")
                       .filter(pk=project_id).first())
            if project is None or not _open(project):
                continue
            self._pass(project, changed)

    # -- one project ------------------------------------------------------------------------

    def _pass(self, project: Project, changed: dict[int, Before]) -> None:
        network = project_network(project)
        by_id = network.by_id()
        changed = {k: v for k, v in changed.items() if k in by_id}
        if not changed:
            return
        try:
            tasks, before = _positions(network, changed)
            mode = project.schedule_mode
            answer = reschedule(tasks, network.links, network.calendar,
                                mode if mode in ScheduleMode.values else ScheduleMode.FLEXIBLE,
                                before, project_start=project.start_date)
        except ScheduleCycleError as exc:
            raise cycle_conflict(exc) from exc
        self.outcome.violations += [(project.pk, v) for v in answer.violations]
        moves = []
        for move in answer.moved:
            task = by_id[move.id]
            if move.id not in network.own or not _dated(task):
                continue  # undated tasks follow implicitly; they get no dates
            new_start = move.new_start if task.start is not None else None
            new_finish = move.new_finish if task.finish is not None else None
            if (new_start, new_finish) != (task.start, task.finish):
                moves.append(ItemMove(move.id, project.pk, task.start, task.finish, new_start,
                                      new_finish))
        _refuse_broken_limits(moves, by_id, computed={m.id: m.new_finish for m in answer.moved})
        self.write(network, moves)
        # The changed items' own successors elsewhere were queued with them: follow the moves.
        self.follow({m.item: Before(m.old_start, m.old_finish) for m in moves},
                    leaving_board=project.board_id)

    def write(self, network: ProjectNetwork, moves: list[ItemMove]) -> None:
        """Lock the rows, check nobody moved them meanwhile, and write them."""
        if not moves:
            return
        ids = [m.item for m in moves]
        current = {
            pk: (name, start, due, board) for pk, name, start, due, board in
            Item.objects.select_for_update().filter(pk__in=ids).order_by("pk")
            .values_list("id", "name", "start_date", "due_date", "board_id")
        }
        now = timezone.now()
        rows: list[tuple[int, dt.date | None, dt.date | None]] = []
        for move in moves:
            name, start, due, board = current.get(move.item, (None, None, None, None))
            if name is None or (start, due) != (move.old_start, move.old_finish):
                raise Conflict("Some of the tasks this change moves were changed at the same "
                               "time; reload and try again.", code="schedule_changed")
            row = Item(pk=move.item, name=name)
            rows.append((move.item, move.new_start, move.new_finish))
            changes = {}
            if move.new_start != move.old_start:
                changes["start_date"] = [_iso(move.old_start), _iso(move.new_start)]
            if move.new_finish != move.old_finish:
                changes["due_date"] = [_iso(move.old_finish), _iso(move.new_finish)]
            self.entries.append(("item.updated", row, changes, {"board": board}))
        _update_dates(rows, now)
        self.outcome.moved += moves

    def record(self, *, actor: Membership, cause: Activity) -> None:
        """One Activity per moved item, one INSERT, each caused by `cause`. They carry the
        automation run behind `cause`, if any, so rules that ignore automations' changes ignore
        these moves too."""
        if not self.entries:
            return
        with acting_for(Cause(activity=cause, run_id=cause.cause_run_id,
                              actor_label=cause.actor_label)):
            activities_record(workspace=actor.workspace, actor=actor.user, entries=self.entries)


def _update_dates(rows: list[tuple[int, dt.date | None, dt.date | None]],
                  now: dt.datetime) -> None:
    """New dates for many items, their version bumped: one UPDATE per thousand rows.

    Written by hand because `bulk_update` builds and resolves one `When` expression per row and
    field in Python, which costs more than the whole cascade once a few hundred items move."""
    ops = connection.ops
    table = ops.quote_name(Item._meta.db_table)
    day = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    for first in range(0, len(rows), UPDATE_CHUNK):
        chunk = rows[first:first + UPDATE_CHUNK]
        cases = " ".join(f"WHEN %s THEN {day}" for _ in chunk)
        sql = (f"UPDATE {table} SET start_date = CASE id {cases} END, "  # noqa: S608 - placeholders
               f"due_date = CASE id {cases} END, version = version + 1, updated_at = %s "
               f"WHERE id IN ({', '.join(['%s'] * len(chunk))})")
        params: list[Any] = []
        for column in (1, 2):
            for row in chunk:
                params += [row[0], ops.adapt_datefield_value(row[column])]
        params += [ops.adapt_datetimefield_value(now), *(row[0] for row in chunk)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _open(project: Project) -> bool:
    board = project.board
    return not (board.read_only or board.archived_at or board.deleted_at)


def _positions(network: ProjectNetwork, changed: dict[int, Before]
               ) -> tuple[list[Task], dict[int, tuple[dt.date | None, dt.date | None]]]:
    """The tasks as the pure `reschedule` takes them, and `changed` as (start, finish) before.

    Undated tasks get the dates they implicitly hold: as early as their predecessors' current
    dates allow (a schedule with every dated task pinned). Before the change for the others,
    after it for a changed task that has no dates now."""
    tasks = network.tasks
    if not any(not _dated(t) and not t.external for t in tasks):
        return tasks, {k: (b.start, b.finish) for k, b in changed.items()}
    then = []
    for task in tasks:
        b = changed.get(task.id)
        if b is not None:
            task = replace(task, start=b.start, finish=b.finish,
                           duration=task.duration if b.duration is None else b.duration)
        then.append(task)
    implied = schedule(_anchored(then), network.links, network.calendar, network.start).tasks
    undated_now = [k for k in changed if not _dated(tasks[_index(network, k)])]
    implied_now = (schedule(_anchored(tasks), network.links, network.calendar,
                            network.start).tasks if undated_now else {})
    placed = []
    for task in tasks:
        if not _dated(task) and not task.external:
            source = implied_now if task.id in implied_now and task.id in changed else implied
            t = source[task.id]
            task = replace(task, start=t.early_start, finish=t.early_finish)
        placed.append(task)
    before = {}
    for k, b in changed.items():
        if b.start is None and b.finish is None and k in implied:
            before[k] = (implied[k].early_start, implied[k].early_finish)
        else:
            before[k] = (b.start, b.finish)
    return placed, before


def _index(network: ProjectNetwork, item: int) -> int:
    for i, task in enumerate(network.tasks):
        if task.id == item:
            return i
    raise KeyError(item)


def _refuse_broken_limits(moves: list[ItemMove], by_id: dict[int, Task],
                          computed: dict[int, dt.date]) -> None:
    for move in moves:
        limit = by_id[move.item].finish_no_later_than
        finish = computed[move.item]
        was = move.old_finish or move.old_start
        if limit is not None and finish > limit and (was is None or finish > was):
            name = Item.objects.filter(pk=move.item).values_list("name", flat=True).first()
            raise Conflict(
                f"This change would push '{name}' ({move.item}) to finish on "
                f"{finish.isoformat()}, after its finish-no-later-than date "
                f"{limit.isoformat()}. Change or remove that constraint, or pick other dates.",
                code="constraint_violated",
                fields={"item": move.item, "finish_no_later_than": limit.isoformat()},
            )


def _before(item: Item, changes: dict[str, Any], calendar: Any) -> Before:
    def old(key: str) -> Any:
        return changes[key][0] if key in changes else getattr(item, key)

    start, due = _date(old("start_date")), _date(old("due_date"))
    duration = None
    if {"estimate_hours", "is_milestone"} & changes.keys():
        duration = task_duration(calendar, start, due, old("estimate_hours"),
                                 bool(old("is_milestone")))
    return Before(start, due, duration)


def reschedule_after_change(*, actor: Membership, item: Item, changes: dict[str, Any],
                            activity: Activity) -> Outcome:
    """Move what depends on `item` after `changes` (as item_update recorded them in
    `activity`). Call inside the change's transaction."""
    undated = item.start_date is None or item.due_date is None
    if not (DATE_FIELDS & changes.keys() or ("estimate_hours" in changes and undated)):
        return Outcome()
    cascade = _Cascade()
    before = _before(item, changes, workspace_calendar(actor.workspace))
    cascade.follow({item.pk: before}, leaving_board=None)
    cascade.run()
    cascade.record(actor=actor, cause=activity)
    return cascade.outcome


def item_changed(actor: Membership, item: Item, changes: dict[str, Any],
                 activity: Activity) -> None:
    """The item-changed hook (boards.services.hooks)."""
    reschedule_after_change(actor=actor, item=item, changes=changes, activity=activity)


@transaction.atomic
def project_schedule_apply(*, actor: Membership, project: Project) -> Outcome:
    """Set every open task of the project to its early dates (undated ones get dates), then
    reschedule other projects' successors of what moved, by their own modes. One Activity
    `project.rescheduled`, and one `item.updated` per moved item caused by it."""
    require_board_role(board=project.board, actor=actor, minimum=EDITOR,
                       doing="Applying the schedule")
    network = project_network(project)
    try:
        result = schedule(network.tasks, network.links, network.calendar, network.start)
    except ScheduleCycleError as exc:
        raise cycle_conflict(exc) from exc
    moves = []
    for task in network.tasks:
        if task.id not in network.own:
            break
        planned = result.tasks[task.id]
        new = (planned.early_start, planned.early_finish)
        if not task.done and (task.start, task.finish) != new:
            moves.append(ItemMove(task.id, project.pk, task.start, task.finish, *new))
    cascade = _Cascade()
    cascade.outcome.violations += [(project.pk, v) for v in result.violations]
    if not moves:
        return cascade.outcome
    cascade.write(network, moves)
    cascade.follow({m.item: Before(m.old_start, m.old_finish) for m in moves},
                   leaving_board=project.board_id)
    cascade.run()
    activity = activity_record(
        workspace=actor.workspace, actor=actor.user, verb="project.rescheduled", target=project,
        data={"moved": len(cascade.outcome.moved)},
    )
    cascade.record(actor=actor, cause=activity)
    return cascade.outcome
