"""Server-side prepared statements for the most frequent reads (PostgreSQL).

The token look-up that starts every API call joins four tiny tables, and PostgreSQL spent
longer parsing and planning it than running it; a board's page of items took a third of its
time to plan. Prepared once per database connection, each request sends only
`EXECUTE name(params)`, and after a few runs PostgreSQL keeps a generic plan. That suits only
statements whose best plan does not depend on their parameters: a look-up by a unique key, or
a statement that writes the values the plan depends on into its text (a board's page does).

Prepared statements live in the database session, not in a transaction (a rollback keeps them),
so the names prepared are remembered per driver connection and forgotten with it. Behind a
pooler that hands one client's statements to another server connection (PgBouncer in
transaction mode), turn them off with DB_PREPARED_STATEMENTS=0; a session reset the pooler
makes between clients (DISCARD ALL) is survived: the statement is prepared again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

_PLACEHOLDER = re.compile(r"%(.)")
# Each statement prepared holds its plan in the server process. Past this many on one
# connection, all are let go and prepared again as they are used.
MAX_PER_CONNECTION = 64
# SQLSTATEs: the statement is unknown to this session; the name is already taken in it.
_UNKNOWN, _TAKEN = "26000", "42P05"


def _numbered(sql: str) -> str:
    """psycopg2's `%s` placeholders as PostgreSQL's `$1, $2…`; a literal `%%` stays as it is,
    since the whole text still passes through the driver's formatting."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match[1] != "s":
            return match[0]
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql)


def _prepared_names(db: BaseDatabaseWrapper) -> set[str]:
    """The statements prepared on the current driver connection (a new one starts empty)."""
    raw = db.connection
    known = getattr(db, "_prepared_statements", None)
    if known is None or known[0] is not raw:
        known = (raw, set())
        db._prepared_statements = known  # type: ignore[attr-defined]
    return known[1]


def _sqlstate(exc: BaseException) -> str | None:
    return getattr(exc.__cause__, "pgcode", None)


def fetch_prepared(name: str, sql: str, params: Sequence[Any]) -> list[tuple]:
    """The rows of `sql` (with `%s` placeholders), run on PostgreSQL as the prepared statement
    `name`, prepared on first use in the same round trip; elsewhere, or with prepared
    statements turned off, run as it is. `name` must stand for this one text for the life of
    the process."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql" or not settings.DB_PREPARED_STATEMENTS:
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    db.ensure_connection()
    names = _prepared_names(db)
    arguments = f"({', '.join(['%s'] * len(params))})" if params else ""
    run = f"EXECUTE {name}{arguments}"
    for attempt in (1, 2):
        fresh = name not in names
        sql_sent = f"PREPARE {name} AS {_numbered(sql)}; {run}" if fresh else run
        if fresh and len(names) >= MAX_PER_CONNECTION:
            sql_sent = "DEALLOCATE ALL; " + sql_sent
            names.clear()
        try:
            with db.cursor() as cursor:
                cursor.execute(sql_sent, params)
                rows = cursor.fetchall()
        except DatabaseError as exc:
            state = _sqlstate(exc)
            if state not in {_UNKNOWN, _TAKEN}:
                if fresh:
                    # PREPARE outlives the failure of what ran after it (a timeout, say).
                    names.add(name)
                raise
            # The session lost the statement (a reset), or has it from an earlier client of
            # the same server connection: know it as it is, and try once more if that is safe.
            if state == _TAKEN:
                names.add(name)
            else:
                names.discard(name)
            if attempt == 2 or db.in_atomic_block:
                raise
            continue
        names.add(name)
        return rows
    raise AssertionError("unreachable")  # pragma: no cover
