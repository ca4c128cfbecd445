"""`schedule`: the critical-path method's forward and backward passes on working-day indexes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .model import Link, Schedule, ScheduledTask, Task
from .network import (
    NO_BOUND,
    Network,
    build_network,
    dated_positions,
    display_dates,
    lower_bounds,
    violations,
    weights,
)
from .workdays import WorkCalendar


def schedule(
    tasks: Iterable[Task],
    links: Iterable[Link],
    calendar: WorkCalendar,
    project_start: dt.date,
    *,
    deadline: dt.date | None = None,
) -> Schedule:
    """Early and late dates, floats and the critical path of every item (see the package
    docstring for the conventions). Raises ScheduleCycleError on a dependency cycle."""
    tasks = list(tasks)
    links = list(links)
    net = build_network(tasks, links)
    n = len(tasks)
    fixed = [t.fixed for t in tasks]
    anchors = dated_positions(tasks, calendar, fixed)
    dur = [t.duration if a is None else a[1] for t, a in zip(tasks, anchors, strict=True)]
    w = weights(links, net.ends, dur)
    lb = lower_bounds(tasks, calendar, project_start, dur)
    ins, outs, order = net.ins, net.outs, net.order

    es = [0] * n
    for i in order:
        anchor = anchors[i]
        if anchor is not None:
            es[i] = anchor[0]
            continue
        e = lb[i]
        for p, k in ins[i]:
            v = es[p] + w[k]
            if v > e:
                e = v
        es[i] = e
    ef = [s + d for s, d in zip(es, dur, strict=True)]

    own = [i for i, t in enumerate(tasks) if not t.external]
    finish = max((ef[i] for i in own), default=None)
    end = finish if deadline is None else calendar.floor_index(deadline) + 1
    if end is None:
        end = calendar.index(project_start)
    fnlt = [t.finish_no_later_than for t in tasks if t.finish_no_later_than]
    fnlt_at = dict(zip(fnlt, calendar.indexes(fnlt, floor=True), strict=True))

    ls = [0] * n
    for i in reversed(order):
        if anchors[i] is not None:
            ls[i] = es[i]
            continue
        limit = tasks[i].finish_no_later_than
        f = end if limit is None else min(end, fnlt_at[limit] + 1)
        e = f - dur[i]
        for s, k in outs[i]:
            v = ls[s] - w[k]
            if v < e:
                e = v
        ls[i] = e

    total = [b - a for a, b in zip(es, ls, strict=True)]
    free = [0] * n
    for i in range(n):
        if anchors[i] is None:
            slack = total[i]
            base = es[i]
            for s, k in outs[i]:
                v = es[s] - base - w[k]
                if v < slack:
                    slack = v
            free[i] = slack
    critical = [a is None and t <= 0 for a, t in zip(anchors, total, strict=True)]
    path = _critical_path(net, tasks, w, es, ef, total, critical)

    early_start, early_finish = display_dates(calendar, es, dur)
    late_start, late_finish = display_dates(calendar, ls, dur)
    result: dict[int, ScheduledTask] = {}
    for i, task in enumerate(tasks):
        if anchors[i] is not None:  # fixed: its own dates, as given
            if task.duration == 0:
                start = stop = task.finish or task.start or early_start[i]
            else:
                start, stop = task.start or early_start[i], task.finish or early_finish[i]
            result[task.id] = ScheduledTask(task.id, dur[i], start, stop, start, stop, 0, 0,
                                            False, True)
        else:
            result[task.id] = ScheduledTask(
                task.id, dur[i], early_start[i], early_finish[i], late_start[i],
                late_finish[i], total[i], free[i], critical[i], False)
    project_finish = project_start if finish is None else calendar.date(finish - 1)
    return Schedule(project_start, project_finish, result, path,
                    violations(links, net.ends, w, es))


def _critical_path(net: Network, tasks: list[Task], w: list[int], es: list[int],
                   ef: list[int], total: list[int], critical: list[bool]) -> list[int]:
    """From the most critical item (least float, then latest early finish, then smallest id),
    walk back along driving links (no slack at the early dates) to critical predecessors,
    preferring the least float and then the smallest id."""
    candidates = [i for i, c in enumerate(critical) if c]
    if not candidates:
        return []
    node = min(candidates, key=lambda i: (total[i], -ef[i], tasks[i].id))
    path = [node]
    while True:
        best, best_key = -1, (NO_BOUND, 0)
        for p, k in net.ins[node]:
            if critical[p] and es[p] + w[k] == es[node]:
                key = (total[p], tasks[p].id)
                if best < 0 or key < best_key:
                    best, best_key = p, key
        if best < 0:
            break
        path.append(best)
        node = best
    return [tasks[i].id for i in reversed(path)]
