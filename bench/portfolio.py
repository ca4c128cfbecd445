"""The portfolio benchmark of issue 5: 500 projects in one request, queries constant in the
number of projects.

Seeds (once; a complete workspace is left as it is) the workspace 'bench-portfolio': 20 members
with cost rates, 5 teams, 500 projects with ~20 tasks each (statuses, estimates, due dates), a
reference baseline per project, 2,500 time entries with their timesheets, 1,000 expenses and a
status update or two per project, all with bulk_create. Then times GET portfolio/ on a real
gunicorn: every project on one page (page_size=500) and the first page of 100, the median of
several runs, and the query count of each, plus the count for a filter that keeps 50 projects,
which must be the same.

    python -m bench.portfolio [--runs N]      (BENCH_DATABASE_URL, default workos_bench_goals)
or, from another benchmark with Django set up on the bench database: `prepare()` then
`run(server, token, runs=...)`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import random
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # bench.scenarios reads models: import it once Django is set up
    from bench.scenarios import Result, Scenario

SLUG = "bench-portfolio"
OWNER_EMAIL = "bench@example.com"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/workos_bench_goals"
PROJECTS, TASKS, MEMBERS, TEAMS = 500, 20, 20, 5
ENTRIES_PER_PROJECT, EXPENSES_PER_PROJECT = 5, 2
START = dt.date(2026, 1, 5)
BASE = f"/api/v1/workspaces/{SLUG}/portfolio/"
ALL = "portfolio of 500 projects, one page"
FIRST = "portfolio of 500 projects, first 100"


def _complete(workspace: Any) -> bool:
    from projects.models import BaselineTask, Project

    return (Project.objects.filter(workspace=workspace).count() == PROJECTS
            and BaselineTask.objects.filter(baseline__project__workspace=workspace).exists())


def seed() -> str:
    """Create the workspace unless it is complete; answers what it did."""
    from django.db import transaction

    from workos.tenancy.models import Workspace

    workspace = Workspace.objects.filter(slug=SLUG).first()
    if workspace is not None and _complete(workspace):
        return f"{SLUG} workspace already seeded"
    with transaction.atomic():
        if workspace is not None:
            workspace.delete()  # half seeded by an interrupted run: start again
        _seed()
    return f"{SLUG} workspace seeded: {PROJECTS} projects x {TASKS} tasks"


def _members(workspace: Any) -> tuple[list[Any], list[Any]]:
    from django.contrib.auth import get_user_model

    from timetracking.models import Rate
    from workos.tenancy.models import Membership, Role, Team

    users = get_user_model()
    owner_user, _ = users.objects.get_or_create(
        username=OWNER_EMAIL, defaults={"email": OWNER_EMAIL, "first_name": "Bench"})
    people = [users(username=f"portfolio{k}@example.com", email=f"portfolio{k}@example.com",
                    first_name=f"Manager {k}") for k in range(MEMBERS - 1)]
    existing = {u.username: u for u in users.objects.filter(
        username__in=[p.username for p in people])}
    users.objects.bulk_create([p for p in people if p.username not in existing])
    people = [owner_user, *users.objects.filter(username__in=[p.username for p in people])
              .order_by("id")]
    members = Membership.objects.bulk_create([
        Membership(workspace=workspace, user=user, role=Role.OWNER if k == 0 else Role.MEMBER)
        for k, user in enumerate(people)
    ])
    teams = Team.objects.bulk_create([Team(workspace=workspace, name=f"Department {k}")
                                      for k in range(TEAMS)])
    Team.members.through.objects.bulk_create([
        Team.members.through(team_id=teams[k % TEAMS].pk, membership_id=m.pk)
        for k, m in enumerate(members)
    ])
    Rate.objects.bulk_create([
        Rate(workspace=workspace, member=m, cost_rate=decimal.Decimal(40 + k),
             bill_rate=decimal.Decimal(90 + k), effective_from=dt.date(2025, 1, 1))
        for k, m in enumerate(members)
    ])
    return members, teams


def _seed() -> None:
    from boards.models import Board, Group, Item, Status, StatusCategory
    from projects.models import (
        Baseline,
        BaselineTask,
        Expense,
        Health,
        Phase,
        Project,
        StatusUpdate,
    )
    from timetracking.models import TimeEntry, Timesheet, week_start_of
    from workos.tenancy.models import Workspace

    rng = random.Random(5)
    workspace = Workspace.objects.create(name="Bench portfolio", slug=SLUG)
    members, teams = _members(workspace)
    boards = Board.objects.bulk_create([
        Board(workspace=workspace, name=f"Project {k:03d}", created_by=members[0])
        for k in range(PROJECTS)
    ])
    categories = [StatusCategory.BACKLOG, StatusCategory.TODO, StatusCategory.IN_PROGRESS,
                  StatusCategory.DONE, StatusCategory.CANCELLED]
    statuses = Status.objects.bulk_create([
        Status(board=b, name=c.label, category=c, position=n)
        for b in boards for n, c in enumerate(categories)
    ])
    status_of = {(s.board_id, s.category): s for s in statuses}
    groups = Group.objects.bulk_create([Group(board=b, name="Tasks", position="m00000")
                                        for b in boards])
    phases, healths = list(Phase.values), list(Health.values)
    projects = Project.objects.bulk_create([
        Project(workspace=workspace, board=b, name=b.name, manager=members[k % MEMBERS],
                team=teams[k % TEAMS], phase=phases[k % 4], health=healths[k % 3],
                budget=decimal.Decimal(rng.randrange(5_000, 50_000)), start_date=START,
                end_date=START + dt.timedelta(days=rng.randrange(60, 200)))
        for k, b in enumerate(boards)
    ])
    items = []
    for board, group in zip(boards, groups, strict=True):
        for t in range(TASKS + rng.randrange(-3, 4)):
            category = rng.choice([*categories[1:4], StatusCategory.DONE])
            due = START + dt.timedelta(days=rng.randrange(5, 150))
            items.append(Item(
                workspace=workspace, board=board, group=group,
                status=status_of[(board.pk, category)], name=f"Task {t}",
                position=f"m{t:05d}", start_date=due - dt.timedelta(days=rng.randrange(1, 10)),
                due_date=due, estimate_hours=(decimal.Decimal(rng.randrange(2, 40))
                                              if rng.random() < 0.8 else None),
            ))
    by_board: dict[int, list[Any]] = {}
    for item in items:
        by_board.setdefault(item.board_id, []).append(item)
    # Time first, so each item's denormalised minutes agree with its entries.
    planned: list[tuple[Any, Any, int, dt.date, int]] = []
    slots = dict.fromkeys((m.pk for m in members), 0)
    for board in boards:
        for _ in range(ENTRIES_PER_PROJECT):
            item = rng.choice(by_board[board.pk])
            member = rng.choice(members)
            slot = slots[member.pk]
            slots[member.pk] += 1
            day = START + dt.timedelta(days=7 * (slot // 40) + (slot // 8) % 5)
            minutes = rng.randrange(30, 121, 15)
            item.tracked_minutes += minutes
            planned.append((member, item, slot % 8, day, minutes))
    Item.objects.bulk_create(items)
    weeks = sorted({(m.pk, week_start_of(day)) for m, _, _, day, _ in planned})
    sheets = {(s.member_id, s.week_start): s for s in Timesheet.objects.bulk_create([
        Timesheet(workspace=workspace, member_id=m, week_start=w) for m, w in weeks])}
    entries = []
    for member, item, hour, day, minutes in planned:
        began = dt.datetime.combine(day, dt.time(8 + hour), tzinfo=dt.UTC)
        entries.append(TimeEntry(
            workspace=workspace, member=member, item=item, board_id=item.board_id,
            timesheet=sheets[(member.pk, week_start_of(day))], started_at=began,
            ended_at=began + dt.timedelta(minutes=minutes), duration_minutes=minutes, date=day,
            billable=rng.random() < 0.7,
        ))
    TimeEntry.objects.bulk_create(entries)
    baselines = Baseline.objects.bulk_create([
        Baseline(project=p, name="Plan", created_by=members[0]) for p in projects])
    baseline_of = {b.project_id: b for b in baselines}
    BaselineTask.objects.bulk_create([
        BaselineTask(baseline=baseline_of[p.pk], item=item, name=item.name,
                     start_date=item.start_date,
                     due_date=item.due_date - dt.timedelta(days=rng.randrange(0, 12)),
                     estimate_hours=item.estimate_hours)
        for p in projects for item in by_board[p.board_id]
    ])
    for project in projects:
        project.reference_baseline = baseline_of[project.pk]
    Project.objects.bulk_update(projects, ["reference_baseline"])
    Expense.objects.bulk_create([
        Expense(project=p, date=START + dt.timedelta(days=rng.randrange(0, 80)),
                amount=decimal.Decimal(rng.randrange(100, 5_000)), category="Supplies")
        for p in projects for _ in range(EXPENSES_PER_PROJECT)
    ])
    StatusUpdate.objects.bulk_create([
        StatusUpdate(project=p, author=p.manager, health=healths[(k + n) % 3],
                     text=f"Week {n} update", date=START + dt.timedelta(days=7 * n))
        for k, p in enumerate(projects) for n in range(1 + k % 2)
    ])


def prepare() -> str:
    """Seed the workspace and answer a token of its owner (Django set up on the bench DB)."""
    from django.contrib.auth import get_user_model

    from workos.tenancy import services
    from workos.tenancy.models import Membership, Role

    print(seed(), flush=True)
    user = get_user_model().objects.get(username=OWNER_EMAIL)
    owner = Membership.objects.get(workspace__slug=SLUG, user=user, role=Role.OWNER)
    _, secret = services.token_create(actor=owner, name="bench-portfolio", read_only=False)
    return secret


def build() -> list[Scenario]:
    from bench.scenarios import Scenario

    return [
        Scenario(ALL, "GET", lambda: f"{BASE}?page_size=500"),
        Scenario(FIRST, "GET", lambda: f"{BASE}?page_size=100&ordering=-schedule_variance"),
    ]


def run(server: Any, token: str, *, runs: int = 7) -> list[Result]:
    from django.db import connection

    from bench.scenarios import _count_queries, run_scenarios
    from projects.models import Phase

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    results = run_scenarios(server, token, build(), runs=runs)
    # A filter keeping a fifth of the projects: the same number of queries as all 500.
    fewer = _count_queries(token, "GET", f"{BASE}?page_size=500&phase={Phase.PLANNING}", None)
    for result in results:
        verdict = "constant" if fewer == result.queries else "GROWS"
        result.notes.append(f"queries for 125 projects: {fewer} ({verdict})")
    return results


def main() -> None:
    from bench.__main__ import run_alone

    run_alone("bench.portfolio", DEFAULT_DB, prepare, run)


if __name__ == "__main__":
    main()
