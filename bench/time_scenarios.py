"""The time-tracking scenarios of issue 4, on the 'bench-time' workspace (bench_seed_time).

- Workload of 200 members over 12 weeks with 50,000 open items: target a median under 0.5 s,
  and queries constant in members (checked with a team of 50 against everyone).
- Time report over 1,000,000 entries for a quarter grouped by board: target under 1 s, summed
  in the database. Its floor is the bare sums per board in SQL, encoded to JSON.

They are slow next to the boards scenarios, so they run fewer times.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bench.scenarios import Result, Scenario, _count_queries, run_scenarios
from timetracking.management.commands.bench_seed_time import (
    QUARTER_END,
    QUARTER_START,
    SLUG,
    TEAM_ALL_NAME,
    TEAM_NAME,
    WORKLOAD_DAYS,
    WORKLOAD_START,
)
from timetracking.models import TimeEntry
from workos.tenancy.models import Team

BASE = f"/api/v1/workspaces/{SLUG}"
WORKLOAD = "workload 200 members x 12 weeks"
REPORT = "time report by board, 1M entries, a quarter"
TARGETS_MS = {WORKLOAD: 500.0, REPORT: 1000.0}


def _workload_path(team: int | None = None) -> str:
    end = WORKLOAD_START + dt.timedelta(days=WORKLOAD_DAYS - 1)
    path = f"{BASE}/workload/?start={WORKLOAD_START}&end={end}"
    return f"{path}&team={team}" if team is not None else path


def build() -> list[Scenario]:
    report_floor = (
        f"SELECT board_id, SUM(duration_minutes) AS minutes, "
        f"SUM(CASE WHEN billable THEN duration_minutes ELSE 0 END) AS billable "
        f"FROM {TimeEntry._meta.db_table} WHERE workspace_id = "
        f"(SELECT id FROM tenancy_workspace WHERE slug = %s) "
        f"AND date >= %s AND date <= %s GROUP BY board_id"
    )
    return [
        Scenario(WORKLOAD, "GET", _workload_path),
        Scenario(REPORT, "GET",
                 lambda: (f"{BASE}/reports/time/?group_by=board&start={QUARTER_START}"
                          f"&end={QUARTER_END}"),
                 floor_sql=lambda: (report_floor, [SLUG, QUARTER_START, QUARTER_END])),
    ]


def run_all(server: Any, token: str, *, runs: int) -> list[Result]:
    results = run_scenarios(server, token, build(), runs=runs)
    by_name = {r.name: r for r in results}
    # The same request shape (`?team=`) for 50 members and for all 200.
    counts = {}
    for name in (TEAM_NAME, TEAM_ALL_NAME):
        team = Team.objects.get(workspace__slug=SLUG, name=name)
        counts[team.members.count()] = _count_queries(token, "GET", _workload_path(team.pk), None)
    (few, q_few), (many, q_many) = sorted(counts.items())
    verdict = "constant" if q_few == q_many else "GROWS"
    by_name[WORKLOAD].notes.append(
        f"queries {few} members: {q_few}, {many} members: {q_many} ({verdict})"
    )
    for result in results:
        target = TARGETS_MS[result.name]
        met = "met" if result.median < target else "MISSED"
        result.notes.insert(0, f"target < {target / 1000:g} s {met};")
    return results

