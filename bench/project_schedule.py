"""The scheduling benchmark of issue 5: GET `projects/{id}/schedule/` of a project of 10,000
tasks and 20,000 dependencies, through a real gunicorn, target under 0.5 s.

Seeds (once; a complete workspace is left as it is) the workspace 'bench-projects': one
project whose board holds 10,000 tasks (dated at their early dates, then a few slipped so that
some links are broken; a tenth undated with estimates, some milestones, some done) and 20,000
dependencies of all four types with lags and leads, plus a few constraints, all with
bulk_create. Then times the request (median of several runs after a warm-up) and counts its
queries; beside it, in process, the pure scheduling time of the same network and the time to
read it from the database.

    python -m bench.project_schedule [--runs N]   (BENCH_DATABASE_URL, default
                                                   workos_bench_planning)
or, from another benchmark with Django set up on the bench database: `prepare()` then
`run(server, token, runs=...)`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import random
import statistics
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # bench.scenarios reads models: import it once Django is set up
    from bench.scenarios import Result, Scenario

SLUG = "bench-projects"
OWNER_EMAIL = "bench@example.com"
PROJECT = "Bench schedule 10k"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/workos_bench_planning"
TASKS, LINKS, WINDOW = 10_000, 20_000, 200
START = dt.date(2026, 1, 5)
KINDS = ["FS", "FS", "FS", "SS", "FF", "SF"]
NAME = "schedule/ of 10,000 tasks, 20,000 links"


def _project() -> Any:
    from projects.models import Project

    return Project.objects.filter(workspace__slug=SLUG, name=PROJECT).first()


def _complete(project: Any) -> bool:
    from boards.models import Dependency, Item

    return (project is not None
            and Item.objects.filter(board_id=project.board_id).count() == TASKS
            and Dependency.objects.filter(successor__board_id=project.board_id).count() == LINKS)


def seed() -> str:
    """Create the workspace unless it is complete; answers what it did."""
    from django.db import transaction

    from workos.tenancy.models import Workspace

    if _complete(_project()):
        return f"{SLUG} workspace already seeded"
    with transaction.atomic():
        Workspace.objects.filter(slug=SLUG).delete()  # half seeded: start again
        _seed()
    return f"{SLUG} workspace seeded: {TASKS} tasks, {LINKS} dependencies"


def _network(rng: random.Random) -> tuple[list[Any], list[Any]]:
    """Tasks 0..n-1 and links (always from a lower to a higher number: no cycle)."""
    from projects.scheduling import Link, Task

    tasks = []
    for i in range(TASKS):
        milestone = rng.random() < 0.03
        tasks.append(Task(i, 0 if milestone else rng.choice([1, 1, 2, 3, 5, 8])))
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < LINKS:
        a = rng.randrange(TASKS - 1)
        pairs.add((a, rng.randrange(a + 1, min(TASKS, a + WINDOW))))
    links = [Link(a, b, rng.choice(KINDS), rng.randint(-2, 3)) for a, b in sorted(pairs)]
    return tasks, links


def _seed() -> None:
    from django.contrib.auth import get_user_model

    from boards.models import Board, Dependency, Group, Item, Status, StatusCategory
    from projects.models import Project, TaskConstraint
    from projects.scheduling import WorkCalendar, schedule
    from workos.tenancy.models import Membership, Role, Workspace

    rng = random.Random(7)
    users = get_user_model()
    user, _ = users.objects.get_or_create(
        username=OWNER_EMAIL, defaults={"email": OWNER_EMAIL, "first_name": "Bench"})
    workspace = Workspace.objects.create(name="Bench projects", slug=SLUG)
    owner = Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    board = Board.objects.create(workspace=workspace, name=PROJECT, created_by=owner)
    statuses = {c: Status.objects.create(board=board, name=c.label, category=c, position=n)
                for n, c in enumerate(StatusCategory)}
    group = Group.objects.create(board=board, name="Tasks", position="m00000")
    project = Project.objects.create(workspace=workspace, board=board, name=PROJECT,
                                     manager=owner, start_date=START)

    tasks, links = _network(rng)
    calendar = WorkCalendar((0, 1, 2, 3, 4))
    planned = schedule(tasks, links, calendar, START).tasks
    items = []
    for task in tasks:
        at = planned[task.id]
        start, due = at.early_start, at.early_finish
        undated = rng.random() < 0.1
        if not undated and rng.random() < 0.03:  # a slip: some links now broken
            slip = rng.randint(1, 3)
            start = calendar.add_working_days(start, -slip)
            due = calendar.add_working_days(due, -slip)
        category = (StatusCategory.DONE if task.id < TASKS // 20 else
                    rng.choice([StatusCategory.TODO, StatusCategory.IN_PROGRESS]))
        items.append(Item(
            workspace=workspace, board=board, group=group, status=statuses[category],
            name=f"Task {task.id}", position=f"m{task.id:06d}",
            start_date=None if undated else start, due_date=None if undated else due,
            estimate_hours=decimal.Decimal(8 * max(task.duration, 1)),
            is_milestone=task.duration == 0,
        ))
    Item.objects.bulk_create(items, batch_size=2000)
    ids = [item.pk for item in items]
    Dependency.objects.bulk_create([
        Dependency(workspace=workspace, predecessor_id=ids[link.predecessor],
                   successor_id=ids[link.successor], type=link.type, lag_days=link.lag)
        for link in links
    ], batch_size=5000)
    TaskConstraint.objects.bulk_create([
        TaskConstraint(project=project, item_id=ids[k],
                       finish_no_later_than=planned[k].early_finish + dt.timedelta(days=30))
        for k in range(0, TASKS, 500)
    ])


def prepare() -> str:
    """Seed the workspace and answer a token of its owner (Django set up on the bench DB)."""
    from django.contrib.auth import get_user_model

    from workos.tenancy import services
    from workos.tenancy.models import Membership, Role

    print(seed(), flush=True)
    user = get_user_model().objects.get(username=OWNER_EMAIL)
    owner = Membership.objects.get(workspace__slug=SLUG, user=user, role=Role.OWNER)
    _, secret = services.token_create(actor=owner, name="bench-projects", read_only=False)
    return secret


def build() -> list[Scenario]:
    from bench.scenarios import Scenario

    project = _project()
    path = f"/api/v1/workspaces/{SLUG}/projects/{project.pk}/schedule/"
    return [Scenario(NAME, "GET", lambda: path)]


def _median_ms(call: Any, runs: int) -> float:
    spent = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        spent.append((time.perf_counter() - began) * 1000)
    return statistics.median(spent)


def in_process(runs: int) -> dict[str, float]:
    """Medians, in ms, of the parts of the request measured in this process."""
    from projects.schedule import current_violations, project_network
    from projects.scheduling import schedule

    project = _project()
    network = project_network(project)
    return {
        "read the network": _median_ms(lambda: project_network(project), runs),
        "schedule (pure)": _median_ms(
            lambda: schedule(network.tasks, network.links, network.calendar, network.start),
            runs),
        "broken links (pure)": _median_ms(lambda: current_violations(network), runs),
    }


def run(server: Any, token: str, *, runs: int = 7) -> list[Result]:
    from django.db import connection

    from bench.scenarios import run_scenarios

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    results = run_scenarios(server, token, build(), runs=runs)
    parts = in_process(runs)
    for result in results:
        result.notes.append("; ".join(f"{k} {v:.0f} ms" for k, v in parts.items()))
        result.notes.append("target 500 ms: " + ("met" if result.median < 500 else "MISSED"))
    return results


def main() -> None:
    from bench.__main__ import run_alone

    run_alone("bench.project_schedule", DEFAULT_DB, prepare, run)


if __name__ == "__main__":
    main()
