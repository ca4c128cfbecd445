"""Time reports: hours, billable hours, cost and revenue, aggregated in the database.

Each entry is costed at the rate in force on its date: the member's rate for the entry's board
if there is one, else their general rate (else nothing). Rates are versions with a start date,
so the query turns them into periods [valid_from, valid_to) with a window function; entries are
summed per group, member, board and span between rate changes, and only those sums are joined
to the periods. Everything runs in the database in one statement, instead of one rate lookup
per entry.

The SQL is written by hand because the ORM cannot join a queryset to a derived table of rate
periods. Table names come from model metadata and every value is a bound parameter.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from boards.models import Board
from timetracking.models import Rate, TimeEntry
from workos.tenancy.models import Team, Workspace

CENT = decimal.Decimal("0.01")
GROUPINGS = ("member", "board", "item", "team", "week")

# Grouping by project: the projects app (above this one) registers how boards map to
# projects; time is then summed per board here and folded into projects by that mapping.
BoardFolder = Callable[[Workspace, list[int]], dict[int, tuple[int, str]]]
_board_folders: dict[str, BoardFolder] = {}


def report_grouping_register(name: str, fold_boards: BoardFolder) -> None:
    """Let a higher app group time by something boards belong to (a project): `fold_boards`
    maps board ids to (key, label)."""
    _board_folders[name] = fold_boards


def report_groupings() -> tuple[str, ...]:
    return (*GROUPINGS, *sorted(_board_folders))


def folder_for(name: str) -> BoardFolder | None:
    return _board_folders.get(name)


@dataclass(frozen=True)
class Sums:
    key: object
    minutes: int
    billable_minutes: int
    cost: decimal.Decimal
    revenue: decimal.Decimal


def _money(value: object) -> decimal.Decimal:
    if value is None:
        return decimal.Decimal("0.00")
    # Sums arrive as Decimal on PostgreSQL and as float on SQLite.
    amount = decimal.Decimal(str(value)) / 60
    return amount.quantize(CENT, rounding=decimal.ROUND_HALF_UP)


def _key_sql(group_by: str) -> tuple[str, str]:
    """The grouping expression and the join it needs."""
    if group_by == "member":
        return "e.member_id", ""
    if group_by == "board":
        return "e.board_id", ""
    if group_by == "item":
        return "e.item_id", ""
    if group_by == "week":
        # The Monday of the entry's date, computed rather than joined from its timesheet:
        # a join of every entry costs more than the arithmetic.
        if connection.vendor == "postgresql":
            return "CAST(date_trunc('week', e.date) AS date)", ""
        return "date(e.date, '-' || ((CAST(strftime('%%w', e.date) AS integer) + 6) %% 7) " \
               "|| ' days')", ""
    if group_by == "month":
        # Not a report grouping (see GROUPINGS): project budgets read cost by month with it.
        if connection.vendor == "postgresql":
            return "CAST(date_trunc('month', e.date) AS date)", ""
        return "date(e.date, 'start of month')", ""
    if group_by == "team":
        through = Team.members.through._meta.db_table
        return "tm.team_id", f"LEFT JOIN {through} tm ON tm.membership_id = e.member_id"
    raise ValueError(group_by)


def _bucket_sql(
    workspace: Workspace, start: dt.date | None, end: dt.date | None
) -> tuple[str, list[object]]:
    """An expression numbering the spans between the workspace's rate change dates.

    Within one span nobody's rate changes, so entries can be summed per span before they meet
    the rates: a quarter of a million entries become a few thousand sums. PostgreSQL finds the
    span by binary search (`width_bucket`); elsewhere a CASE over the dates does.
    """
    dates = sorted(
        d for d in Rate.objects.filter(workspace=workspace).order_by()
        .values_list("effective_from", flat=True).distinct()
        if (start is None or d > start) and (end is None or d <= end)
    )
    if not dates:
        return "0", []
    if connection.vendor == "postgresql":
        return "width_bucket(e.date, %s::date[])", [[d.isoformat() for d in dates]]
    whens = " ".join("WHEN e.date >= %s THEN " + str(n) for n in range(len(dates), 0, -1))
    return f"CASE {whens} ELSE 0 END", [d.isoformat() for d in reversed(dates)]


def time_sums(
    *,
    workspace: Workspace,
    group_by: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    member_id: int | None = None,
    board_id: int | None = None,
) -> list[Sums]:
    """Minutes, billable minutes, cost and revenue per group, in one query (and one to read
    the rate change dates)."""
    key, join = _key_sql(group_by)
    bucket, bucket_params = _bucket_sql(workspace, start, end)
    where = ["e.workspace_id = %s"]
    params: list[object] = [workspace.pk, *bucket_params, workspace.pk]
    for clause, value in (
        ("e.date >= %s", start.isoformat() if start else None),
        ("e.date <= %s", end.isoformat() if end else None),
        ("e.member_id = %s", member_id),
        ("e.board_id = %s", board_id),
    ):
        if value is not None:
            where.append(clause)
            params.append(value)
    rate_table, entry_table = Rate._meta.db_table, TimeEntry._meta.db_table
    # `spans`: entries summed per group, member, board and rate span, each with a day of its
    # span; those sums then meet the rate in force on that day. A board period wins over a
    # general one; a day lies in at most one period of each.
    sql = f"""
        WITH periods AS (
            SELECT member_id, board_id, cost_rate, bill_rate, effective_from AS valid_from,
                   LEAD(effective_from) OVER (
                       PARTITION BY member_id, board_id ORDER BY effective_from
                   ) AS valid_to
            FROM {rate_table} WHERE workspace_id = %s
        ),
        spans AS (
            SELECT {key} AS grp, e.member_id, e.board_id, {bucket} AS span,
                   MIN(e.date) AS day,
                   SUM(e.duration_minutes) AS minutes,
                   SUM(CASE WHEN e.billable THEN e.duration_minutes ELSE 0 END) AS billable
            FROM {entry_table} e
            {join}
            WHERE {" AND ".join(where)}
            GROUP BY 1, 2, 3, 4
        )
        SELECT d.grp, SUM(d.minutes), SUM(d.billable),
               SUM(d.minutes * COALESCE(bp.cost_rate, gp.cost_rate, 0)),
               SUM(d.billable * COALESCE(bp.bill_rate, gp.bill_rate, 0))
        FROM spans d
        LEFT JOIN periods bp ON bp.member_id = d.member_id AND bp.board_id = d.board_id
             AND bp.valid_from <= d.day AND (bp.valid_to IS NULL OR d.day < bp.valid_to)
        LEFT JOIN periods gp ON gp.member_id = d.member_id AND gp.board_id IS NULL
             AND gp.valid_from <= d.day AND (gp.valid_to IS NULL OR d.day < gp.valid_to)
        GROUP BY d.grp
    """  # noqa: S608 - identifiers from model metadata, values bound as parameters
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # For this statement only: room to hash the sums in memory (the planner
            # overestimates the groups and would otherwise sort a million rows on disk), and
            # no JIT, whose compile time exceeds what it saves on one aggregate.
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        if connection.vendor == "postgresql":
            # Back to the session's settings, should a caller's transaction go on.
            cursor.execute("RESET work_mem")
            cursor.execute("RESET jit")
    out = []
    for grp, minutes, billable, cost, revenue in rows:
        if group_by in ("week", "month") and isinstance(grp, str):
            grp = dt.date.fromisoformat(grp)
        out.append(Sums(
            key=grp, minutes=int(minutes or 0), billable_minutes=int(billable or 0),
            cost=_money(cost), revenue=_money(revenue),
        ))
    return out


def board_actual_cost(
    workspace: Workspace, board: Board, start: dt.date | None = None, end: dt.date | None = None
) -> decimal.Decimal:
    """The cost of all time logged on a board between two dates (inclusive), at the rates in
    force on each entry's date. Project budgets read their actual cost from here."""
    rows = time_sums(
        workspace=workspace, group_by="board", start=start, end=end, board_id=board.pk
    )
    return sum((row.cost for row in rows), decimal.Decimal("0.00"))
