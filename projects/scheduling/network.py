"""The dependency network on integer nodes: topological order, cycles, link weights, and the
conversions between dates and working-day boundaries shared by both passes and the cascade.

Nodes are the positions of the tasks in the input. Every link becomes one weight `w`:
`start(successor) >= start(predecessor) + w`, start being the item's start boundary. With
finish = start + duration, the four types and their lag fold into that single inequality:
`w = lag + (duration(pred) if the link leaves the predecessor's finish)
         - (duration(succ) if it reaches the successor's finish)`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Link, ScheduleCycleError, SchedulingError, Task, Violation
from .workdays import WorkCalendar

NO_BOUND = -(1 << 62)


@dataclass(slots=True)
class Network:
    position: dict[int, int]  # item id -> node
    ins: list[list[tuple[int, int]]]  # node -> (predecessor node, link number)
    outs: list[list[tuple[int, int]]]  # node -> (successor node, link number)
    ends: list[tuple[int, int]]  # link number -> (predecessor node, successor node)
    order: list[int]  # nodes in topological order


def build_network(tasks: Sequence[Task], links: Sequence[Link]) -> Network:
    """Index the network; raises SchedulingError on an unknown or repeated id and
    ScheduleCycleError on a cycle."""
    position: dict[int, int] = {}
    for node, task in enumerate(tasks):
        if position.setdefault(task.id, node) != node:
            raise SchedulingError(f"item {task.id} is given twice")
    n = len(tasks)
    ins: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    outs: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    ends: list[tuple[int, int]] = []
    waiting = [0] * n
    for number, link in enumerate(links):
        p = position.get(link.predecessor)
        s = position.get(link.successor)
        if p is None or s is None:
            unknown = link.predecessor if p is None else link.successor
            raise SchedulingError(f"a dependency names item {unknown}, which isn't scheduled")
        outs[p].append((s, number))
        ins[s].append((p, number))
        ends.append((p, s))
        waiting[s] += 1
    order = [node for node in range(n) if not waiting[node]]
    for node in order:  # Kahn: the list grows while it is walked
        for s, _ in outs[node]:
            waiting[s] -= 1
            if not waiting[s]:
                order.append(s)
    if len(order) < n:
        raise ScheduleCycleError(_one_cycle(tasks, ins, waiting))
    return Network(position, ins, outs, ends, order)


def _one_cycle(tasks: Sequence[Task], ins: list[list[tuple[int, int]]],
               waiting: list[int]) -> list[int]:
    """Nodes Kahn's algorithm couldn't order each still wait for a predecessor that is itself
    unordered, so walking back along those predecessors must come round to a node already seen:
    the walk from there on is a cycle (and nothing else)."""
    node = min((n for n, count in enumerate(waiting) if count),
               key=lambda n: tasks[n].id)
    seen: dict[int, int] = {}
    walk: list[int] = []
    while node not in seen:
        seen[node] = len(walk)
        walk.append(node)
        node = min((p for p, _ in ins[node] if waiting[p]), key=lambda p: tasks[p].id)
    cycle = [tasks[n].id for n in reversed(walk[seen[node]:])]
    first = cycle.index(min(cycle))
    return cycle[first:] + cycle[:first]


def weights(links: Sequence[Link], ends: list[tuple[int, int]], durations: list[int]
            ) -> list[int]:
    return [
        link.lag + (durations[p] if link.type[0] == "F" else 0)
        - (durations[s] if link.type[1] == "F" else 0)
        for link, (p, s) in zip(links, ends, strict=True)
    ]


def descendants(net: Network, roots: set[int]) -> list[bool]:
    """Nodes reachable from `roots` along links, the roots excluded unless on a path."""
    reached = [False] * len(net.outs)
    stack = list(roots)
    while stack:
        for s, _ in net.outs[stack.pop()]:
            if not reached[s]:
                reached[s] = True
                stack.append(s)
    return reached


def violations(links: Sequence[Link], ends: list[tuple[int, int]], w: list[int],
               starts: Sequence[int | None]) -> list[Violation]:
    """Links the given start boundaries break (links with an undated end are skipped)."""
    broken: list[Violation] = []
    for link, (p, s), weight in zip(links, ends, w, strict=True):
        sp, ss = starts[p], starts[s]
        if sp is not None and ss is not None and ss < sp + weight:
            broken.append(Violation(link, sp + weight - ss))
    return broken


def dated_positions(tasks: Sequence[Task], calendar: WorkCalendar, wanted: Sequence[bool]
                    ) -> list[tuple[int, int] | None]:
    """(start boundary, duration) of the wanted items' current dates; None for the others and
    for items without dates. A milestone is the end of its date; a task runs from the start of
    its start date to the end of its finish date (a missing one is derived from `duration`)."""
    starts = [t.start for t, keep in zip(tasks, wanted, strict=True) if keep and t.start]
    finishes = [t.finish for t, keep in zip(tasks, wanted, strict=True) if keep and t.finish]
    start_at = dict(zip(starts, calendar.indexes(starts), strict=True))
    finish_at = dict(zip(finishes, calendar.indexes(finishes, floor=True), strict=True))
    out: list[tuple[int, int] | None] = []
    for task, keep in zip(tasks, wanted, strict=True):
        if not keep or (task.start is None and task.finish is None):
            out.append(None)
        elif task.duration == 0:
            day = task.finish or task.start
            assert day is not None
            out.append((finish_at[day] + 1 if task.finish else calendar.floor_index(day) + 1, 0))
        else:
            s = start_at[task.start] if task.start else None
            f = finish_at[task.finish] + 1 if task.finish else None
            if s is None:
                assert f is not None
                s = f - task.duration
            out.append((s, max(f - s, 1) if f is not None else task.duration))
    return out


def lower_bounds(tasks: Sequence[Task], calendar: WorkCalendar, project_start: dt.date | None,
                 durations: list[int]) -> list[int]:
    """Earliest start boundary from the project start and start-no-earlier-than: the start date
    can't precede them (for a milestone, boundary = its date + 1)."""
    base = calendar.index(project_start) if project_start is not None else NO_BOUND
    snet = [t.start_no_earlier_than for t in tasks if t.start_no_earlier_than]
    at = dict(zip(snet, calendar.indexes(snet), strict=True))
    return [
        max(base, at[t.start_no_earlier_than] if t.start_no_earlier_than else NO_BOUND)
        + (d == 0)
        for t, d in zip(tasks, durations, strict=True)
    ]


def display_dates(calendar: WorkCalendar, starts: Sequence[int], durations: Sequence[int]
                  ) -> tuple[list[dt.date], list[dt.date]]:
    """Start and finish dates (inclusive) of items at these start boundaries."""
    first = [s - 1 if d == 0 else s for s, d in zip(starts, durations, strict=True)]
    last = [s + d - 1 for s, d in zip(starts, durations, strict=True)]
    return calendar.dates(first), calendar.dates(last)
