"""`make bench`: seed large boards, then time the API on gunicorn and PostgreSQL.

Prints, per scenario, the median and p95 wall time of HTTP requests against a one-worker
gunicorn server on loopback, the SQL queries the request ran (counted in process with the same
code), and beside the reads the floor: the same rows fetched with raw SQL and encoded to JSON.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from typing import Any

from bench.server import ROOT, PeakMemory, Server

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/workos_bench"


def _env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="bench-" + "x" * 60,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        THROTTLE="off",
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        LOG_LEVEL="WARNING",
    )
    return env


def _ensure_database(url: str, *, fresh: bool = False) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        if fresh:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
        text=True, check=False,
    )
    if result.returncode:
        print(result.stderr[-2000:], file=sys.stderr)
        raise subprocess.CalledProcessError(result.returncode, args)
    return result.stdout.strip()


def run_alone(prog: str, default_db: str, prepare: Any, run: Any) -> None:
    """`python -m bench.<module>`: one bench module's scenarios on a database of its own."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--runs", type=int, default=9)
    options = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", default_db)
    _ensure_database(url)
    env = _env(url)
    print(f"database {url.rsplit('@', 1)[-1]}; migrating…", flush=True)
    _manage(env, "migrate", "--noinput", "-v0")
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workos.settings")
    import django

    django.setup()
    from bench.scenarios import report

    token = prepare()
    with Server(env) as server:
        results = run(server, token, runs=options.runs)
    report(results)


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--time-runs", type=int, default=7,
                        help="runs of the (slower) time-tracking scenarios")
    parser.add_argument("--no-browser", dest="browser", action="store_false",
                        help="skip the pages opened in Chromium (bench.browser_pages)")
    options = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    _ensure_database(url)
    env = _env(url)
    print(f"database {url.rsplit('@', 1)[-1]}; migrating and seeding…", flush=True)
    _manage(env, "migrate", "--noinput", "-v0")
    started = time.monotonic()
    sizes = [f"--big={options.big}", f"--small={options.small}"]
    try:
        print(_manage(env, "bench_seed", *sizes))
        # Time tracking (issue 4): 200 members, 50,000 open items, 1,000,000 entries.
        print(_manage(env, "bench_seed_time"))
    except subprocess.CalledProcessError:
        print("the bench database holds other data; starting from a fresh one", flush=True)
        _ensure_database(url, fresh=True)
        _manage(env, "migrate", "--noinput", "-v0")
        print(_manage(env, "bench_seed", *sizes))
        print(_manage(env, "bench_seed_time"))
    print(f"seed step took {time.monotonic() - started:.1f} s", flush=True)
    token = _manage(env, "issue_token", "bench@example.com", "--workspace", "bench",
                    "--name", "bench")
    time_token = _manage(env, "issue_token", "bench@example.com", "--workspace", "bench-time",
                         "--name", "bench")

    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workos.settings")
    import django

    django.setup()
    from bench import portfolio, project_schedule, scenarios, time_scenarios

    # Projects (issue 5): a 10,000-task schedule and a 500-project portfolio, seeded once.
    schedule_token = project_schedule.prepare()
    portfolio_token = portfolio.prepare()

    with Server(env) as server:
        extra_mib = scenarios.snapshot_memory(server, token, PeakMemory)
    with Server(env) as server:
        results = scenarios.run_all(server, token, runs=options.runs, peak=PeakMemory)
        results += time_scenarios.run_all(server, time_token, runs=options.time_runs)
        results += project_schedule.run(server, schedule_token, runs=options.time_runs)
        results += portfolio.run(server, portfolio_token, runs=options.time_runs)
    for result in results:
        if result.name.startswith("snapshot"):
            result.notes.append(f"fresh worker +{extra_mib:.1f} MiB peak")
    scenarios.report(results)
    from bench import scheduling

    print()
    for name, median in scheduling.run():
        print(f"{name:<48} median {median:8.1f} ms")

    # Automations (issue 6): a real Celery worker on its own database and Redis db, so it runs
    # in a process of its own.
    print(flush=True)
    subprocess.run(
        [sys.executable, "-m", "bench.automations", "--events", "1000", "--seconds", "10"],
        cwd=ROOT, check=False,
    )
    # Pages (issue 8): the 5,000-item board and the other pages in Chromium, on their own
    # database.
    if options.browser:
        print(flush=True)
        subprocess.run([sys.executable, "-m", "bench.browser_pages"], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
