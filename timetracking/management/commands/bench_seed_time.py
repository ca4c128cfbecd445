"""Seed the time-tracking benchmark workspace 'bench-time' (issue 4, "Performance").

200 members with schedules, time off, allocations and rates; a team of 50 of them and one
of all; 50,000 open
items with dates, estimates and assignees spread over 12 weeks on four boards; and 1,000,000
time entries in the first quarter of 2026 (with their weekly timesheets).

Structure (workspace, members, boards, team) goes through the services. The big tables (items,
assignees, timesheets, entries) are written by `INSERT ... SELECT ... FROM generate_series(...)`
in the database: this is PostgreSQL-only benchmark code, and it keeps the rules the services
would keep:

- entries of a member never overlap: each member-day holds at most 56 slots 15 minutes apart,
  from 06:00, and an entry lasts 5 to 14 minutes, so it ends before the next slot starts;
- a duration is positive and whole minutes, `ended_at = started_at + duration`, and every
  entry lies inside one local day (the workspace is on UTC, the last ends before 20:00);
- `date` is the local date of `started_at`, and the entry's timesheet is its member's ISO week;
- an entry's board is its item's board;
- an item's `tracked_minutes` is the sum of its entries' minutes.

Everything is written in one transaction, so a failed run leaves nothing half seeded; a run
finding the workspace complete does nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from boards.models import Board, Item, StatusCategory
from boards.ranking import rank_sequence
from boards.services.boards import board_create
from timetracking.models import (
    Allocation,
    Rate,
    TimeEntry,
    TimeOff,
    TimeOffStatus,
    Timesheet,
    WorkSchedule,
)
from workos.tenancy import services as tenancy
from workos.tenancy.models import Membership, Role, Team, Workspace

SLUG = "bench-time"
OWNER_EMAIL = "bench@example.com"
MEMBERS = 200
TEAM_SIZE = 50
TEAM_NAME = "Bench 50"
TEAM_ALL_NAME = "Bench all"
BOARDS = ["Time board A", "Time board B", "Time board C", "Time board D"]
ITEMS = 50_000
ENTRIES = 1_000_000
# The workload window: 12 weeks from a Monday.
WORKLOAD_START = dt.date(2026, 1, 5)
WORKLOAD_DAYS = 84
# The report's quarter.
QUARTER_START, QUARTER_END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
QUARTER_DAYS = (QUARTER_END - QUARTER_START).days + 1  # 90
SLOTS_PER_DAY = 56  # 06:00 to 20:00 in steps of 15 minutes


class Command(BaseCommand):
    help = "Create the time-tracking benchmark workspace 'bench-time' (PostgreSQL only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_seed_time inserts with generate_series: PostgreSQL only.")
        workspace = Workspace.objects.filter(slug=SLUG).first()
        if workspace is not None:
            if self._complete(workspace):
                owner = Membership.objects.get(workspace=workspace, role=Role.OWNER)
                self._teams(owner, list(Membership.objects.filter(workspace=workspace)
                                        .order_by("id")))
                self.stdout.write("bench-time workspace already seeded")
                return
            raise CommandError(
                "The bench-time workspace exists with other sizes; seed into a fresh database."
            )
        started = time.monotonic()
        with transaction.atomic():
            owner = self._owner()
            members = self._members(owner)
            boards = [board_create(actor=owner, name=name) for name in BOARDS]
            self._teams(owner, members)
            self._planning(owner, members, boards)
            item_ids, item_boards = self._items(owner, members, boards)
            self._timesheets(owner.workspace, members)
            self._entries(owner.workspace, members, item_ids, item_boards)
            self._tracked(owner.workspace)
        with connection.cursor() as cursor:
            # Fresh statistics and visibility map, as autovacuum would soon after a bulk load
            # (index-only scans need the latter).
            cursor.execute("VACUUM ANALYZE")
        self.stdout.write(f"bench-time seeded in {time.monotonic() - started:.1f} s")

    def _complete(self, workspace: Workspace) -> bool:
        return (
            Membership.objects.filter(workspace=workspace).count() == MEMBERS
            and Item.objects.filter(workspace=workspace).count() == ITEMS
            and TimeEntry.objects.filter(workspace=workspace).count() == ENTRIES
        )

    # --- structure, through the services ------------------------------------------------

    def _owner(self) -> Membership:
        User = get_user_model()
        user, _ = User.objects.get_or_create(
            username=OWNER_EMAIL, defaults={"email": OWNER_EMAIL}
        )
        workspace = tenancy.workspace_create(
            user=user, name="Bench time", slug=SLUG, timezone_name="UTC"
        )
        return Membership.objects.get(workspace=workspace, user=user)

    def _members(self, owner: Membership) -> list[Membership]:
        return [owner] + [
            tenancy.member_add(actor=owner, email=f"bench-time{n}@example.com",
                               role=Role.MEMBER, send_invitation=False)
            for n in range(1, MEMBERS)
        ]

    def _teams(self, owner: Membership, members: list[Membership]) -> None:
        """A team of 50 and one of everyone: the workload's query count is compared between
        them, through the same `?team=` path."""
        for name, size in ((TEAM_NAME, TEAM_SIZE), (TEAM_ALL_NAME, MEMBERS)):
            if not Team.objects.filter(workspace=owner.workspace, name=name).exists():
                tenancy.team_create(actor=owner, name=name,
                                    members=[m.pk for m in members[:size]])

    def _planning(self, owner: Membership, members: list[Membership],
                  boards: list[Board]) -> None:
        """Schedules, approved and requested time off, allocations and rates: small tables."""
        ws = owner.workspace
        schedules, time_off, allocations, rates = [], [], [], []
        for i, m in enumerate(members):
            if i % 10 == 0:
                hours = [6, 6, 6, 6, 6, 0, 0]
            elif i % 7 == 0:
                hours = [8, 8, 8, 8, 4, 0, 0]
            else:
                hours = [8, 8, 8, 8, 8, 0, 0]
            schedules.append(WorkSchedule(workspace=ws, member=m, hours=hours))
            first = WORKLOAD_START + dt.timedelta(days=(i * 3) % 80)
            time_off.append(TimeOff(
                workspace=ws, member=m, start_date=first,
                end_date=first + dt.timedelta(days=i % 5), status=TimeOffStatus.APPROVED,
            ))
            if i % 4 == 0:
                day = WORKLOAD_START + dt.timedelta(days=(i * 5 + 40) % 84)
                time_off.append(TimeOff(workspace=ws, member=m, start_date=day, end_date=day,
                                        half_day=True, status=TimeOffStatus.APPROVED))
            if i % 6 == 0:
                day = WORKLOAD_START + dt.timedelta(days=(i + 20) % 84)
                time_off.append(TimeOff(workspace=ws, member=m, start_date=day, end_date=day,
                                        status=TimeOffStatus.REQUESTED))
            alloc_start = WORKLOAD_START + dt.timedelta(days=i % 28)
            allocations.append(Allocation(
                workspace=ws, member=m, board=boards[i % len(boards)], start_date=alloc_start,
                end_date=alloc_start + dt.timedelta(weeks=6),
                percent=Decimal(20) if i % 2 else None,
                hours_per_week=None if i % 2 else Decimal(10),
            ))
            cost, bill = Decimal(40 + i % 30), Decimal(80 + i % 50)
            rates.append(Rate(workspace=ws, member=m, cost_rate=cost, bill_rate=bill,
                              effective_from=dt.date(2025, 10, 1), created_by=owner))
            if i % 3 == 0:
                rates.append(Rate(workspace=ws, member=m, cost_rate=cost + 5,
                                  bill_rate=bill + 10, effective_from=dt.date(2026, 2, 1),
                                  created_by=owner))
            if i % 10 == 0:
                rates.append(Rate(workspace=ws, member=m, board=boards[0], cost_rate=cost + 20,
                                  bill_rate=bill + 40, effective_from=dt.date(2025, 10, 1),
                                  created_by=owner))
        WorkSchedule.objects.bulk_create(schedules)
        TimeOff.objects.bulk_create(time_off)
        Allocation.objects.bulk_create(allocations)
        Rate.objects.bulk_create(rates)

    # --- big tables, in the database ----------------------------------------------------

    def _items(self, owner: Membership, members: list[Membership],
               boards: list[Board]) -> tuple[list[int], list[int]]:
        """50,000 open items, item g on board g % 4, in one statement; then their assignees.

        Windows start anywhere in the 12 weeks and last 1 to 15 days (some reach past the
        end); one item in 50 has no dates, one in 50 only a due date, one in 50 no estimate.
        """
        open_categories = [StatusCategory.BACKLOG, StatusCategory.TODO,
                           StatusCategory.IN_PROGRESS]
        statuses, groups = [], []
        for board in boards:
            by_category = dict(board.statuses.values_list("category", "id"))
            statuses += [by_category[c] for c in open_categories]
            groups.append(board.groups.order_by("position").values_list("id", flat=True)[0])
        per_board = ITEMS // len(boards)
        ranks = rank_sequence(per_board)
        nb = len(boards)
        item_table = Item._meta.db_table
        sql = f"""
            INSERT INTO {item_table} (
                workspace_id, board_id, group_id, status_id, name, description, parent_id,
                start_date, due_date, estimate_hours, priority, position, is_milestone,
                "values", version, external_id, created_by_id, created_at, updated_at,
                completed_at, archived_at
            )
            SELECT %(ws)s, (%(boards)s::bigint[])[1 + g %% {nb}],
                   (%(groups)s::bigint[])[1 + g %% {nb}],
                   (%(statuses)s::bigint[])[1 + (g %% {nb}) * 3 + (g / {nb}) %% 3],
                   'Task ' || g, '', NULL,
                   CASE WHEN g %% 50 IN (0, 1) THEN NULL
                        ELSE %(base)s::date + (g * 37) %% {WORKLOAD_DAYS} END,
                   CASE WHEN g %% 50 = 0 THEN NULL
                        ELSE %(base)s::date + (g * 37) %% {WORKLOAD_DAYS} + g %% 15 END,
                   CASE WHEN g %% 50 = 2 THEN NULL ELSE 1 + (g * 13) %% 40 END,
                   'none', (%(ranks)s::text[])[1 + g / {nb}], false, '{{}}'::jsonb, 1, NULL,
                   %(owner)s, now(), now(), NULL, NULL
            FROM generate_series(0, %(count)s - 1) AS g
            ORDER BY g
        """  # noqa: S608 - identifiers from model metadata, values bound as parameters
        through = Item.assignees.through._meta.db_table
        # One assignee each; every fifth item a second one half the team away.
        assignees_sql = f"""
            INSERT INTO {through} (item_id, membership_id)
            SELECT i.id, (%(members)s::bigint[])[1 + (n.g * 7 + k.k * 100) %% {MEMBERS}]
            FROM (SELECT id, substring(name FROM 6)::int AS g FROM {item_table}
                  WHERE workspace_id = %(ws)s) AS n
            JOIN {item_table} i ON i.id = n.id
            CROSS JOIN (VALUES (0), (1)) AS k(k)
            WHERE k.k = 0 OR n.g %% 5 = 0
        """  # noqa: S608
        params = {
            "ws": owner.workspace_id, "boards": [b.pk for b in boards], "groups": groups,
            "statuses": statuses, "base": WORKLOAD_START, "ranks": ranks, "owner": owner.pk,
            "count": per_board * nb, "members": [m.pk for m in members],
        }
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.execute(assignees_sql, params)
            cursor.execute(
                f"SELECT id, board_id FROM {item_table} WHERE workspace_id = %s "  # noqa: S608
                "ORDER BY substring(name FROM 6)::int", [owner.workspace_id],
            )
            rows = cursor.fetchall()
        return [r[0] for r in rows], [r[1] for r in rows]

    def _timesheets(self, workspace: Workspace, members: list[Membership]) -> None:
        """A draft timesheet per member and ISO week touching the quarter."""
        first_week = QUARTER_START - dt.timedelta(days=QUARTER_START.weekday())
        weeks = (QUARTER_END - first_week).days // 7 + 1
        sql = f"""
            INSERT INTO {Timesheet._meta.db_table} (
                workspace_id, member_id, week_start, status, comment, created_at
            )
            SELECT %s, m, %s::date + 7 * w, 'draft', '', now()
            FROM unnest(%s::bigint[]) AS m, generate_series(0, %s - 1) AS w
        """  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [workspace.pk, first_week, [m.pk for m in members], weeks])

    def _entries(self, workspace: Workspace, members: list[Membership], item_ids: list[int],
                 item_boards: list[int]) -> None:
        """1,000,000 entries: entry g is member g % 200's, on day (g / 200) % 90 of the quarter,
        in slot g / 18,000 of that day; one in 20 has no item. Inserted in chunks of 250,000."""
        n_items = len(item_ids)
        sql = f"""
            INSERT INTO {TimeEntry._meta.db_table} (
                workspace_id, member_id, item_id, board_id, timesheet_id, started_at, ended_at,
                duration_minutes, date, billable, note, source, created_at, updated_at
            )
            SELECT %(ws)s, e.member_id, e.item_id, e.board_id, t.id, e.started_at,
                   e.started_at + make_interval(mins => e.minutes::int), e.minutes, e.day,
                   e.g %% 5 <> 0, '', 'manual', now(), now()
            FROM (
                SELECT g, (%(members)s::bigint[])[1 + g %% {MEMBERS}] AS member_id,
                       CASE WHEN g %% 20 = 0 THEN NULL
                            ELSE (%(items)s::bigint[])[1 + (g * 7919) %% {n_items}] END
                           AS item_id,
                       CASE WHEN g %% 20 = 0 THEN NULL
                            ELSE (%(boards)s::bigint[])[1 + (g * 7919) %% {n_items}] END
                           AS board_id,
                       %(start)s::date + ((g / {MEMBERS}) %% {QUARTER_DAYS})::int AS day,
                       ((%(start)s::date + ((g / {MEMBERS}) %% {QUARTER_DAYS})::int)::timestamp
                        + make_interval(hours => 6,
                                        mins => (15 * (g / {MEMBERS * QUARTER_DAYS}))::int))
                           AT TIME ZONE 'UTC' AS started_at,
                       5 + g %% 10 AS minutes
                FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g
            ) AS e
            JOIN {Timesheet._meta.db_table} t
              ON t.member_id = e.member_id
             AND t.week_start = CAST(date_trunc('week', e.day) AS date)
        """  # noqa: S608
        assert ENTRIES // (MEMBERS * QUARTER_DAYS) < SLOTS_PER_DAY
        params: dict[str, Any] = {
            "ws": workspace.pk, "members": [m.pk for m in members], "items": item_ids,
            "boards": item_boards, "start": QUARTER_START,
        }
        step = 250_000
        with connection.cursor() as cursor:
            for lo in range(0, ENTRIES, step):
                cursor.execute(sql, {**params, "lo": lo, "hi": min(ENTRIES, lo + step) - 1})

    def _tracked(self, workspace: Workspace) -> None:
        """Each item's denormalised total, as the services would have kept it."""
        sql = f"""
            UPDATE {Item._meta.db_table} AS i SET tracked_minutes = t.minutes
            FROM (SELECT item_id, SUM(duration_minutes) AS minutes
                  FROM {TimeEntry._meta.db_table}
                  WHERE workspace_id = %s AND item_id IS NOT NULL GROUP BY item_id) AS t
            WHERE i.id = t.item_id
        """  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [workspace.pk])
