"""The workspace the page benchmark opens in a browser: 'bench-pages'.

One board of 5,000 items (five groups, the default statuses, eight custom columns of the common
types, 5% of the items sub-items, one or two assignees each, due dates around today), twelve
members, and a project of 300 tasks chained by finish-to-start links for the Gantt chart. The
owner signs in with a password (PASSWORD).

Structure goes through the services; items and links are bulk-inserted, since 5,000 service
calls would measure the seeding rather than the pages. The seed is kept between runs when it is
complete; its dates are then moved by as many days as have passed since it was laid out, so
"overdue", "this week" and the current month look alike on every run.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

SLUG = "bench-pages"
EMAIL = "pages@example.com"
PASSWORD = "bench-pages-sign-in"  # noqa: S105 - a throwaway account on a loopback server
BOARD = "Bench 5k"
PROJECT = "Bench plan 300"
ITEMS, SUB_SHARE, TASKS, CHAINS = 5_000, 0.05, 300, 6
GROUPS = ["Backlog", "This sprint", "Next sprint", "Blocked", "Shipped"]
ANCHOR_NOTE = "Dates laid out around "


def _options(*labels: str) -> dict[str, Any]:
    return {"options": [{"label": label} for label in labels]}


COLUMNS = [
    ("Stage", "status", _options("Not started", "Working on it", "Stuck", "Done")),
    ("Owner", "people", {}),
    ("Review date", "date", {}),
    ("Points", "number", {}),
    ("Area", "dropdown", _options("Web", "API", "Ops", "Data", "Mobile")),
    ("Budget", "money", {}),
    ("Labels", "tags", {}),
    ("Approved", "checkbox", {}),
]


def _workspace() -> Any:
    from workos.tenancy.models import Workspace

    return Workspace.objects.filter(slug=SLUG).first()


def _complete(workspace: Any) -> bool:
    from boards.models import Dependency, Item
    from projects.models import Project

    if workspace is None:
        return False
    project = Project.objects.filter(workspace=workspace, name=PROJECT).first()
    return (Item.objects.filter(board__workspace=workspace, board__name=BOARD).count() == ITEMS
            and project is not None
            and Item.objects.filter(board_id=project.board_id).count() == TASKS
            and Dependency.objects.filter(workspace=workspace).exists())


def seed() -> str:
    """Lay the workspace out unless it is complete (then only move its dates to today)."""
    from django.db import connection, transaction

    workspace = _workspace()
    if _complete(workspace):
        moved = _move_dates(workspace)
        return f"{SLUG} already seeded" + (f"; dates moved {moved} days on" if moved else "")
    with transaction.atomic():
        if workspace is not None:  # half seeded: start again
            workspace.delete()
        _seed()
    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum would gather them soon after a bulk load.
        cursor.execute("ANALYZE")
    return f"{SLUG} seeded: {ITEMS} board items, a project of {TASKS} linked tasks"


def _move_dates(workspace: Any) -> int:
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from boards.models import Board, Item
    from projects.models import Project

    board = Board.objects.get(workspace=workspace, name=BOARD)
    anchor = dt.date.fromisoformat(board.description.removeprefix(ANCHOR_NOTE))
    today = timezone.localdate()
    days = (today - anchor).days
    if days <= 0:
        return 0
    step = dt.timedelta(days=days)
    with transaction.atomic():
        # Both dates in one statement, so start <= due holds on every row (an empty one stays).
        Item.objects.filter(workspace=workspace).update(
            start_date=F("start_date") + step, due_date=F("due_date") + step)
        Project.objects.filter(workspace=workspace).update(
            start_date=F("start_date") + step, end_date=F("end_date") + step)
        board.description = ANCHOR_NOTE + today.isoformat()
        board.save(update_fields=["description"])
    return days


def _seed() -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from boards.services.board_columns import column_create
    from boards.services.boards import board_create, board_update
    from workos.tenancy import services as tenancy
    from workos.tenancy.models import Membership, Role

    user, _ = get_user_model().objects.get_or_create(
        username=EMAIL, defaults={"email": EMAIL, "first_name": "Page", "last_name": "Bench"})
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    workspace = tenancy.workspace_create(user=user, name="Bench pages", slug=SLUG)
    owner = Membership.objects.get(workspace=workspace, user=user)
    members = [owner] + [
        tenancy.member_add(actor=owner, email=f"pages{n}@example.com", role=Role.MEMBER,
                           name=f"Person {n}", send_invitation=False)
        for n in range(11)
    ]
    today = timezone.localdate()
    board = board_create(actor=owner, name=BOARD, groups=GROUPS)
    board_update(actor=owner, board=board, description=ANCHOR_NOTE + today.isoformat())
    columns = [column_create(actor=owner, board=board, title=t, type=k, settings=s)
               for t, k, s in COLUMNS]
    ids = _board_items(board, owner, members, columns, random.Random(5), today)
    _comments(owner, ids)
    _project(owner, members, random.Random(6), today)


def _board_items(board: Any, owner: Any, members: list[Any], columns: list[Any],
                 rng: random.Random, today: dt.date) -> list[int]:
    """The 5,000 items; answers the ids of the top-level ones."""
    from boards.models import Item
    from boards.ranking import rank_sequence

    groups = list(board.groups.order_by("position"))
    statuses = list(board.statuses.order_by("position"))
    tops = ITEMS - int(ITEMS * SUB_SHARE)
    rows = [_item(board, owner, members, columns, rng, today, i, groups[i % len(groups)],
                  rng.choices(statuses, weights=[2, 4, 3, 3, 1])[0], None)
            for i in range(tops)]
    for row, rank in zip(rows, rank_sequence(tops), strict=True):
        row.position = rank
    Item.objects.bulk_create(rows, batch_size=1000)
    parents = rng.sample(rows, (ITEMS - tops) // 2)  # two sub-items each
    subs = [_item(board, owner, members, columns, rng, today, tops + n, parent.group,
                  rng.choice(statuses), parent)
            for n, parent in enumerate(parents * 2)]
    for row, rank in zip(subs, rank_sequence(len(subs)), strict=True):
        row.position = rank
    Item.objects.bulk_create(subs, batch_size=1000)
    _assign([*rows, *subs], members, rng)
    return [row.pk for row in rows]


def _item(board: Any, owner: Any, members: list[Any], columns: list[Any], rng: random.Random,
          today: dt.date, i: int, group: Any, status: Any, parent: Any) -> Any:
    from django.utils import timezone

    from boards.models import Item

    due = today + dt.timedelta(days=rng.randint(-30, 60))
    start = due - dt.timedelta(days=rng.randint(0, 10)) if rng.random() < 0.6 else None
    done = status.category == "done"
    return Item(
        workspace_id=board.workspace_id, board=board, group=group, status=status,
        parent=parent, name=f"{'Sub-task' if parent else 'Task'} {i}: review the "
        f"{rng.choice(['billing', 'sign-up', 'search', 'export', 'onboarding'])} flow",
        start_date=start, due_date=due, estimate_hours=Decimal(rng.randint(1, 16)),
        priority=rng.choice(["none", "none", "low", "medium", "high", "urgent"]),
        completed_at=timezone.now() if done else None, created_by=owner,
        values=_values(columns, members, rng, today),
    )


def _values(columns: list[Any], members: list[Any], rng: random.Random,
            today: dt.date) -> dict[str, Any]:
    from boards.columns import validate_value

    raw = {
        "status": lambda c: rng.choice(c.settings["options"])["id"],
        "people": lambda c: [rng.choice(members).pk],
        "date": lambda c: (today + dt.timedelta(days=rng.randint(-20, 40))).isoformat(),
        "number": lambda c: rng.randint(0, 13),
        "dropdown": lambda c: rng.choice(c.settings["options"])["id"],
        "money": lambda c: f"{rng.randint(10, 5000)}.00",
        "tags": lambda c: rng.sample(["bug", "ux", "perf", "security", "docs"], 2),
        "checkbox": lambda c: rng.random() < 0.4,
    }
    values = {}
    for column in columns:
        if rng.random() < 0.9:  # some cells left empty, as on a real board
            values[column.key] = validate_value(column.type, column.settings,
                                                raw[column.type](column))
    return values


def _assign(items: list[Any], members: list[Any], rng: random.Random) -> None:
    from boards.models import Item

    through = Item.assignees.through
    rows = [through(item_id=item.pk, membership_id=person.pk)
            for item in items for person in rng.sample(members, rng.choice([1, 1, 2]))]
    through.objects.bulk_create(rows, batch_size=5000)


def _comments(owner: Any, ids: list[int]) -> None:
    """A short thread on the item the benchmark opens (the first with sub-items)."""
    from boards.models import Item
    from boards.services.comments import comment_create

    item = Item.objects.filter(pk__in=ids, children__isnull=False).order_by("pk").first()
    for n in range(5):
        comment_create(actor=owner, item=item, body=f"Note {n}: **checked** the numbers again.")


def _project(owner: Any, members: list[Any], rng: random.Random, today: dt.date) -> None:
    """300 tasks in six chains of finish-to-start links, with a few links across chains."""
    from boards.models import Dependency, Item, Status
    from boards.ranking import rank_sequence
    from projects.scheduling import Link, Task, WorkCalendar, schedule
    from projects.services.projects import project_create

    start = today - dt.timedelta(days=30)
    project = project_create(actor=owner, name=PROJECT, start_date=start,
                             end_date=today + dt.timedelta(days=240))
    board = project.board
    group = board.groups.order_by("position").first()
    statuses = {s.category: s for s in Status.objects.filter(board=board)}
    per_chain = TASKS // CHAINS
    tasks = [Task(i, 0 if i % per_chain == per_chain - 1 else rng.choice([1, 2, 3, 5]))
             for i in range(TASKS)]
    links = [Link(i - 1, i) for i in range(TASKS) if i % per_chain]
    links += [Link(i, i + per_chain + 3) for i in range(0, TASKS - per_chain - 3, 10)]
    planned = schedule(tasks, links, WorkCalendar(), start).tasks
    items = []
    for task, rank in zip(tasks, rank_sequence(TASKS), strict=True):
        at = planned[task.id]
        category = ("done" if at.early_finish < today else
                    "in_progress" if at.early_start <= today else "todo")
        items.append(Item(
            workspace=board.workspace, board=board, group=group, status=statuses[category],
            name=f"Step {task.id % per_chain + 1} of stream {task.id // per_chain + 1}",
            position=rank, start_date=at.early_start, due_date=at.early_finish,
            estimate_hours=Decimal(8 * max(task.duration, 1)),
            is_milestone=task.duration == 0, created_by=owner))
    Item.objects.bulk_create(items, batch_size=1000)
    Dependency.objects.bulk_create([
        Dependency(workspace=board.workspace, predecessor_id=items[link.predecessor].pk,
                   successor_id=items[link.successor].pk, type="FS", lag_days=0)
        for link in links])
    _assign(items, members, rng)


def targets() -> dict[str, Any]:
    """What the benchmark opens: the workspace slug and the ids in its URLs."""
    from boards.models import Board, Item
    from projects.models import Project

    workspace = _workspace()
    board = Board.objects.get(workspace=workspace, name=BOARD)
    project = Project.objects.get(workspace=workspace, name=PROJECT)
    item = (Item.objects.filter(board=board, parent__isnull=True, children__isnull=False)
            .order_by("pk").first())
    return {"slug": SLUG, "board": board.pk, "project": project.pk, "item": item.pk}
