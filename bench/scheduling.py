"""Pure critical-path scheduling of a large network, timed in process (no database)."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from dataclasses import replace

from projects.scheduling import Link, Task, WorkCalendar, reschedule, schedule

START = dt.date(2025, 1, 6)
KINDS = ["FS", "FS", "FS", "SS", "FF", "SF"]


def big_network(n: int = 10_000, m: int = 20_000) -> tuple[list[Task], list[Link]]:
    rng = random.Random(5)
    tasks = [Task(i, rng.choice([0, 1, 2, 3, 5, 8]),
                  finish_no_later_than=START + dt.timedelta(400) if i % 500 == 0 else None)
             for i in range(n)]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < m:
        a = rng.randrange(n - 1)
        pairs.add((a, rng.randrange(a + 1, min(n, a + 200))))
    links = [Link(a, b, rng.choice(KINDS), rng.randint(-2, 3)) for a, b in sorted(pairs)]
    rng.shuffle(tasks)
    return tasks, links


def holidays() -> set[dt.date]:
    return {START + dt.timedelta(days=k) for k in range(0, 2000, 37)}




def _median_ms(run, times: int) -> float:
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        run()
        spent.append((time.perf_counter() - began) * 1000)
    return statistics.median(spent)


def run(runs: int = 7) -> list[tuple[str, float]]:
    tasks, links = big_network()
    calendar = WorkCalendar({0, 1, 2, 3, 4}, holidays())
    planned = schedule(tasks, links, calendar, START).tasks
    dated = [replace(t, start=planned[t.id].early_start, finish=planned[t.id].early_finish)
             for t in tasks]
    root = links[0].predecessor
    moved = {root: (planned[root].early_start, planned[root].early_finish)}
    later = [replace(t, start=calendar.add_working_days(t.start, 3),
                     finish=calendar.add_working_days(t.finish, 3)) if t.id == root else t
             for t in dated]
    return [
        ("schedule 10,000 tasks / 20,000 links (pure)",
         _median_ms(lambda: schedule(tasks, links, calendar, START), runs)),
        ("reschedule after a move, flexible (pure)",
         _median_ms(lambda: reschedule(later, links, calendar, "flexible", moved), runs)),
    ]
