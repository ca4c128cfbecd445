"""`reschedule`: move the successors of changed items, per the project's rescheduling mode."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace

from .model import RESCHEDULE_MODES, Link, Move, Reschedule, RescheduleMode, SchedulingError, Task
from .network import (
    build_network,
    dated_positions,
    descendants,
    display_dates,
    lower_bounds,
    weights,
)
from .network import violations as broken_links
from .workdays import WorkCalendar


def reschedule(
    tasks: Iterable[Task],
    links: Iterable[Link],
    calendar: WorkCalendar,
    mode: RescheduleMode,
    changed: Mapping[int, tuple[dt.date | None, dt.date | None]],
    *,
    project_start: dt.date | None = None,
) -> Reschedule:
    """New dates for the items downstream of the changed ones. `tasks` hold every item as it is
    now, the changed ones with their new dates; `changed` maps each changed item to its
    (start, finish) before the change. See the package docstring for the three modes."""
    if mode not in RESCHEDULE_MODES:
        raise ValueError(f"unknown rescheduling mode {mode!r}")
    tasks = list(tasks)
    links = list(links)
    net = build_network(tasks, links)
    unknown = [item for item in changed if item not in net.position]
    if unknown:
        raise SchedulingError(f"changed item {unknown[0]} isn't scheduled")
    roots = sorted(net.position[item] for item in changed)
    rooted = set(roots)
    everything = [True] * len(tasks)
    now = dated_positions(tasks, calendar, everything)
    then = list(now)
    was_tasks = [replace(tasks[i], start=changed[tasks[i].id][0],
                         finish=changed[tasks[i].id][1]) for i in roots]
    for i, position in zip(roots, dated_positions(was_tasks, calendar, [True] * len(roots)),
                           strict=True):
        then[i] = position
    dur = [t.duration if p is None else p[1] for t, p in zip(tasks, now, strict=True)]
    dur_then = [t.duration if p is None else p[1] for t, p in zip(tasks, then, strict=True)]
    w = weights(links, net.ends, dur)
    w_then = weights(links, net.ends, dur_then)
    old: list[int | None] = [None if p is None else p[0] for p in then]
    new: list[int | None] = [None if p is None else p[0] for p in now]

    if mode != "none":
        lb = lower_bounds(tasks, calendar, project_start, dur)
        affected = descendants(net, set(roots))
        for i in net.order:
            task = tasks[i]
            if not affected[i] or i in rooted or task.done or task.external:
                continue
            here = old[i]
            need = before = lb[i]  # earliest start now, and before the change
            gap, delta = None, 0  # to the driving predecessor before the change, its shift
            for p, k in net.ins[i]:
                if new[p] is not None:
                    need = max(need, new[p] + w[k])
                if here is None or old[p] is None:
                    continue
                required = old[p] + w_then[k]
                before = max(before, required)
                shift = 0 if new[p] is None else new[p] + w[k] - required
                g = here - required
                if gap is None or g < gap or (g == gap and shift > delta):
                    gap, delta = g, shift
            if here is None:
                new[i] = need
            elif mode == "flexible":
                new[i] = need if here <= before else max(here, need)
            else:
                new[i] = max(here + delta, need)

    moving = [i for i in net.order if new[i] != old[i] and i not in rooted]
    starts, finishes = display_dates(calendar, [new[i] or 0 for i in moving],
                                     [dur[i] for i in moving])
    moves = []
    for i, start, finish in zip(moving, starts, finishes, strict=True):
        task, was, now_at = tasks[i], old[i], new[i]
        assert now_at is not None
        moves.append(Move(task.id, task.start, task.finish, start, finish,
                          None if was is None else now_at - was))
    return Reschedule(mode, moves, broken_links(links, net.ends, w, new))
