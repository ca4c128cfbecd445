"""The item list part of `make bench` alone: a page of 100 of the 100,000-item board and of the
10,000-item board, the filtered page, and GET me/ (what any token request costs), each with the
same raw-SQL floor as in the whole benchmark, on the same seeded database.

    python -m bench.pages [--runs N]      (BENCH_DATABASE_URL, default workos_bench)

Seeds the two boards when they are missing (as `make bench` does), then times the scenarios on
a one-worker gunicorn server on loopback. Quicker than the whole benchmark for work on the list.
"""

from __future__ import annotations

import io
from typing import Any

from bench.__main__ import DEFAULT_DB, run_alone

NAMES = (
    "request floor: GET me/",
    "page of 100 (100k board)",
    "page of 100 (10k board)",
    "filtered page (status+assignee+value)",
)


def prepare() -> str:
    from django.core.management import call_command

    call_command("bench_seed")  # leaves a complete workspace as it is
    out = io.StringIO()
    call_command("issue_token", "bench@example.com", "--workspace", "bench", "--name", "bench",
                 stdout=out)
    return out.getvalue().strip()


def run(server: Any, token: str, *, runs: int) -> list:
    from django.db import connection

    from bench import scenarios

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    chosen = [s for s in scenarios.build(token) if s.name in NAMES]
    return scenarios.run_scenarios(server, token, chosen, runs=runs)


if __name__ == "__main__":
    run_alone("bench.pages", DEFAULT_DB, prepare, run)
