"""Seed the benchmark workspace: a 100,000-item board and a 10,000-item board.

Structure (boards, statuses, columns) goes through the services; the items themselves are
bulk-inserted in batches, since creating 110,000 items one service call at a time would measure
the seeding instead of the product.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from boards.models import Board, Column, Item
from boards.ranking import rank_sequence
from boards.services.board_columns import column_create
from boards.services.boards import board_create
from workos.tenancy import services as tenancy
from workos.tenancy.models import Membership, Role, Workspace

SLUG = "bench"
BIG, SMALL = "Bench 100k", "Bench 10k"
COLUMNS = [
    ("Summary", "text", {}),
    ("Story points", "number", {}),
    ("Cost", "money", {}),
    ("Review date", "date", {}),
    ("Area", "dropdown", {"options": [{"label": x} for x in ["Web", "API", "Ops", "Data"]]}),
    ("Labels", "tags", {"options": [{"label": x} for x in ["bug", "ux", "perf", "sec"]]}),
    ("Approved", "checkbox", {}),
    ("Score", "rating", {}),
    ("Reviewer", "people", {}),
    ("Spec", "link", {}),
    ("Contact", "email", {}),
    ("Window", "timeline", {}),
]


class Command(BaseCommand):
    help = "Create the benchmark workspace 'bench' (skipped when it is already complete)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--big", type=int, default=100_000)
        parser.add_argument("--small", type=int, default=10_000)

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=SLUG).first()
        if workspace and Item.objects.filter(board__workspace=workspace).count() >= (
            options["big"] + options["small"]
        ):
            self.stdout.write("bench workspace already seeded")
            return
        if workspace:
            raise CommandError(
                "The bench workspace exists with other sizes; seed into a fresh database."
            )
        started = time.monotonic()
        owner = self._owner()
        members = self._members(owner)
        self._big_board(owner, members, options["big"])
        self._small_board(owner, members, options["small"])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Fresh statistics, as autovacuum would gather them soon after a bulk load.
                cursor.execute("ANALYZE")
        self.stdout.write(f"seeded in {time.monotonic() - started:.1f} s")

    def _owner(self) -> Membership:
        User = get_user_model()
        user, _ = User.objects.get_or_create(
            username="bench@example.com", defaults={"email": "bench@example.com"}
        )
        workspace = tenancy.workspace_create(user=user, name="Bench", slug=SLUG)
        return Membership.objects.get(workspace=workspace, user=user)

    def _members(self, owner: Membership) -> list[Membership]:
        return [owner] + [
            tenancy.member_add(actor=owner, email=f"bench{n}@example.com", role=Role.MEMBER,
                               send_invitation=False)
            for n in range(9)
        ]

    def _big_board(self, owner: Membership, members: list[Membership], count: int) -> None:
        board = board_create(actor=owner, name=BIG, groups=["Backlog", "Sprint", "Done"])
        columns = [
            column_create(actor=owner, board=board, title=t, type=k, settings=s)
            for t, k, s in COLUMNS
        ]
        rng = random.Random(1)
        parents = int(count * 0.95)
        items = self._insert(board, owner, count=parents, rng=rng,
                             values=lambda i: _values(columns, members, rng, i))
        # 5% sub-items under random parents of the same board.
        self._insert(board, owner, count=count - parents, rng=rng,
                     values=lambda i: _values(columns, members, rng, i),
                     parents=[rng.choice(items) for _ in range(count - parents)])

    def _small_board(self, owner: Membership, members: list[Membership], count: int) -> None:
        board = board_create(actor=owner, name=SMALL)
        tags = column_create(
            actor=owner, board=board, title="Tags", type="tags",
            settings={"options": [{"label": x} for x in ["red", "green", "blue", "gold"]]},
        )
        rng = random.Random(2)
        labels = [o["label"] for o in tags.settings["options"]]
        ids = self._insert(
            board, owner, count=count, rng=rng,
            values=lambda i: {tags.key: rng.sample(labels, 2)},
            description=lambda i: ("Lorem ipsum dolor sit amet " * 8)[:200],
            due=True,
        )
        through = Item.assignees.through
        for start in range(0, len(ids), 5000):
            through.objects.bulk_create(
                [through(item_id=i, membership_id=rng.choice(members).pk)
                 for i in ids[start:start + 5000]]
            )

    def _insert(self, board: Board, owner: Membership, *, count: int, rng: random.Random,
                values: Any, parents: list[int] | None = None, description: Any = None,
                due: bool = False) -> list[int]:
        groups = list(board.groups.order_by("position"))
        statuses = list(board.statuses.order_by("position"))
        ranks = rank_sequence(count)
        created: list[int] = []
        today = timezone.localdate()
        for start in range(0, count, 5000):
            batch = []
            for i in range(start, min(count, start + 5000)):
                batch.append(Item(
                    workspace_id=board.workspace_id, board=board,
                    group=groups[i % len(groups)], status=statuses[i % len(statuses)],
                    name=f"Item {i} of {board.name}",
                    description=description(i) if description else "",
                    parent_id=parents[i] if parents else None,
                    due_date=today + timedelta(days=rng.randint(-30, 90)) if due else None,
                    estimate_hours=Decimal(rng.randint(1, 40)),
                    position=ranks[i], values=values(i), created_by=owner,
                ))
            with transaction.atomic():
                created += [row.pk for row in Item.objects.bulk_create(batch)]
        return created


def _values(columns: list[Column], members: list[Membership], rng: random.Random,
            i: int) -> dict[str, Any]:
    day = date(2026, 1, 1) + timedelta(days=i % 365)
    by_type = {c.type: c for c in columns}
    option = lambda c: rng.choice(c.settings["options"])["id"]  # noqa: E731
    return {
        by_type["text"].key: f"Summary of item {i}",
        by_type["number"].key: rng.randint(0, 13),
        by_type["money"].key: f"{rng.randint(10, 5000)}.00",
        by_type["date"].key: day.isoformat(),
        by_type["dropdown"].key: option(by_type["dropdown"]),
        by_type["tags"].key: ["bug", "perf"] if i % 2 else ["ux"],
        by_type["checkbox"].key: bool(i % 3),
        by_type["rating"].key: rng.randint(1, 5),
        by_type["people"].key: [rng.choice(members).pk],
        by_type["link"].key: {"url": f"https://example.com/spec/{i}", "text": ""},
        by_type["email"].key: f"owner{i % 50}@example.com",
        by_type["timeline"].key: {"start": day.isoformat(),
                                  "end": (day + timedelta(days=5)).isoformat()},
    }
