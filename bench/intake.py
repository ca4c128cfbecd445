"""Public form submissions under load: gunicorn (2 workers) on loopback, a real Celery worker.

A workspace with a public IT request form (five questions, one of them conditional, a
dropdown column, routing to a group) on a database of its own (workos_bench_intake) and Redis
db 15, both made afresh. A bounded load generator (fixed client threads, each with a
keep-alive connection, a fixed number of submissions in all) posts the public JSON endpoint
`POST /api/v1/forms/<token>/` while one worker turns submissions into items. Then, once the
worker has drained the queue: every submission answered 202 is stored, each has exactly one
item, and the board holds no other item.

The spam defences are off for the bench (INTAKE_THROTTLE_PER_MINUTE=0, INTAKE_MIN_SECONDS=0,
THROTTLE=off): one address sends everything, at machine speed. E-mail goes to the dummy
backend.

    python -m bench.intake [--submissions 3000] [--clients 16] [--worker-after] [--page]

`--page` posts the HTML form page instead (with its CSRF cookie and token, answered 302).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

from bench.intake_load import DatabaseCpu, Load, LoadAverage, children, cpu_seconds
from bench.server import ROOT, Server

DATABASE_URL = os.environ.get("BENCH_INTAKE_DATABASE_URL",
                              "postgres://postgres@127.0.0.1:5432/workos_bench_intake")
REDIS_URL = os.environ.get("BENCH_INTAKE_REDIS_URL", "redis://127.0.0.1:6379/15")
TARGET_PER_SECOND = 150
STATIC_ROOT = "/tmp/workos-bench-intake-static"  # noqa: S108 - a build output, made afresh
OFF = {"THROTTLE": "off", "INTAKE_THROTTLE_PER_MINUTE": "0", "INTAKE_MIN_SECONDS": "0"}


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL, DEBUG="0",
               SECRET_KEY="bench-" + "x" * 60, ALLOWED_HOSTS="127.0.0.1,localhost",
               LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="workos.settings",
               CACHE_PREFIX="bench-intake", SITE_URL="http://127.0.0.1",
               EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", **OFF)
    return env


def _fresh() -> None:
    import redis

    from bench.__main__ import _ensure_database

    _ensure_database(DATABASE_URL, fresh=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                   cwd=ROOT, env=_env(), check=True)
    redis.Redis.from_url(REDIS_URL).flushdb()


def _collect_static() -> dict[str, str]:
    """Pages in production mode name their static files by the manifest: collect them apart.
    Vendored libraries are left out (no page posted here uses them)."""
    env = {**_env(), "DJANGO_SETTINGS_MODULE": "bench.settings_static",
           "BENCH_STATIC_ROOT": STATIC_ROOT}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "--clear", "-v0",
                    "--ignore", "vendor"], cwd=ROOT, env=env, check=True)
    return env


def _seed() -> Any:
    """The workspace, its board (a dropdown column, two groups) and the public form."""
    from django.contrib.auth import get_user_model

    from automations.services.intake import form_create
    from boards.services import board_create
    from boards.services.board_columns import column_create
    from workos.tenancy.models import Membership
    from workos.tenancy.services import workspace_create

    user = get_user_model().objects.create(username="intake@example.com",
                                           email="intake@example.com")
    workspace = workspace_create(user=user, name="Intake bench", slug="intake-bench")
    owner = Membership.objects.get(workspace=workspace, user=user)
    board = board_create(actor=owner, name="IT requests", groups=["Incoming", "Hardware"])
    column_create(actor=owner, board=board, title="Category", type="dropdown",
                  settings={"options": [{"id": "hardware", "label": "Hardware"},
                                        {"id": "software", "label": "Software"},
                                        {"id": "access", "label": "Access"}]},
                  key="category")
    hardware = board.groups.get(name="Hardware").pk
    fields = [
        {"key": "title", "label": "What do you need?", "maps_to": "name", "required": True},
        {"key": "details", "label": "Tell us more", "maps_to": "description"},
        {"key": "category", "label": "Kind of request", "maps_to": "values.category",
         "required": True},
        {"key": "device", "label": "Which device?", "type": "text", "maps_to": "",
         "show_if": {"field": "category", "op": "equals", "value": "hardware"}},
        {"key": "priority", "label": "How urgent?", "maps_to": "priority"},
    ]
    routing = [{"when": {"field": "category", "op": "equals", "value": "hardware"},
                "group": hardware}]
    return form_create(actor=owner, board=board, name="IT request", fields=fields,
                       routing=routing, access="public", reference_prefix="IT")


def _queues() -> str:
    from django.conf import settings

    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    return ",".join(sorted(routed | {settings.CELERY_TASK_DEFAULT_QUEUE}))


class Worker:
    """One `celery worker` process (solo pool) on the bench's database and Redis db."""

    def __enter__(self) -> Worker:
        from pathlib import Path

        celery = Path(sys.executable).with_name("celery")
        self.proc = subprocess.Popen(  # noqa: S603 - our own worker
            [str(celery), "-A", "workos", "worker", "-Q", _queues(), "-P", "solo", "-c", "1",
             "-l", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=_env(),
        )
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        """Until the worker has loaded and sits idle (its CPU time stops growing), so its
        start-up is neither counted nor in the way of the first submissions."""
        deadline = time.monotonic() + timeout
        last = cpu_seconds([self.proc.pid])
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = cpu_seconds([self.proc.pid])
            if now > 0.5 and now - last < 0.02:
                return
            last = now
        raise RuntimeError("the Celery worker did not start")

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _drain(form: Any, timeout: float = 600) -> float:
    """Seconds until no submission of `form` waits for its item."""
    from automations.models import Submission

    started = time.monotonic()
    waiting = Submission.objects.filter(form=form, status="received")
    while waiting.exists():
        if time.monotonic() - started > timeout:
            raise RuntimeError("the worker did not drain the submissions in time")
        time.sleep(0.1)
    return time.monotonic() - started


def _tally(form: Any) -> dict[str, int]:
    from django.db.models import Count

    from automations.models import Submission
    from boards.models import Item

    rows = Submission.objects.filter(form=form)
    return {
        "stored": rows.count(),
        "references": rows.values("reference").distinct().count(),
        "with_item": rows.filter(item__isnull=False).count(),
        "failed": rows.filter(status="failed").count(),
        "items": Item.objects.filter(board=form.board).count(),
        "items_shared": rows.filter(item__isnull=False).values("item")
        .annotate(n=Count("id")).filter(n__gt=1).count(),
    }


def _cpu(server: Server, worker: Worker | None) -> dict[str, float]:
    """CPU seconds used so far by the web workers, the Celery worker and this process."""
    return {"web": cpu_seconds(children(server.proc.pid)),
            "worker": cpu_seconds([worker.proc.pid]) if worker else 0.0,
            "load generator": time.process_time()}


def _spent(before: dict[str, float], after: dict[str, float], database: DatabaseCpu,
           count: int) -> dict[str, float]:
    spent = {k: after[k] - before[k] for k in after} | {"database": database.used}
    return {k: round(v * 1000 / max(count, 1), 2) for k, v in spent.items()}


def _own_backend() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _made(form: Any) -> int:
    from automations.models import Submission

    return Submission.objects.filter(form=form, status="created").count()


def measure(submissions: int, clients: int, *, worker_after: bool, page: bool = False
            ) -> dict[str, Any]:
    _fresh()
    os.environ.update(_env())
    import django

    django.setup()
    form = _seed()
    load = Load(0, form.token, submissions, clients, page=page)
    before_load = os.getloadavg()[0]
    with Server(_collect_static() if page else _env(), workers=2) as server:
        load.port = server.port
        mine = {_own_backend()}
        if worker_after:
            with DatabaseCpu(DATABASE_URL, mine) as database, LoadAverage() as machine:
                before = _cpu(server, None)
                seconds = load.run()
                during = _spent(before, _cpu(server, None), database, load.accepted)
            made_during = 0
            with Worker() as worker:
                # The queue is full from the start: its start-up counts in the CPU per item
                # and in the time it takes to drain.
                drain = _drain(form)
                per_item = cpu_seconds([worker.proc.pid])
        else:
            with Worker() as worker:
                worker.wait_ready()
                ready = cpu_seconds([worker.proc.pid])
                with DatabaseCpu(DATABASE_URL, mine) as database, LoadAverage() as machine:
                    before = _cpu(server, worker)
                    seconds = load.run()
                    during = _spent(before, _cpu(server, worker), database, load.accepted)
                made_during = _made(form)
                drain = _drain(form)
                per_item = cpu_seconds([worker.proc.pid]) - ready
    ordered = sorted(load.latencies)
    left = load.accepted - made_during
    return {
        "submissions": submissions, "clients": clients, "accepted": load.accepted,
        "errors": len(load.errors), "first_errors": load.errors[:3],
        "seconds": round(seconds, 2), "per_second": round(load.accepted / seconds, 1),
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1) if ordered else None,
        "drain_seconds_after_load": round(drain, 2), "worker_during_load": not worker_after,
        "items_made_during_load": made_during,
        "drain_items_per_second": round(left / drain, 1) if drain > 0 else None,
        "endpoint": "the form page (HTML post)" if page else "the JSON endpoint",
        "cpu_ms_per_submission": during,
        "load_average": {"before": round(before_load, 2), "during_mean": machine.mean,
                         "during_max": machine.peak},
        "worker_cpu_ms_per_item": round(per_item * 1000 / max(load.accepted, 1), 2),
        **_tally(form),
    }


def report(r: dict[str, Any]) -> None:
    print("spam defences off for the bench: THROTTLE=off, INTAKE_THROTTLE_PER_MINUTE=0, "
          "INTAKE_MIN_SECONDS=0")
    where = "during the load" if r["worker_during_load"] else "after the load"
    print(f"public form submissions to {r['endpoint']}, gunicorn 2 workers, {r['clients']} "
          f"clients, one Celery worker {where}:")
    print(f"  {r['accepted']} of {r['submissions']} accepted in {r['seconds']} s = "
          f"{r['per_second']}/s (target >= {TARGET_PER_SECOND}/s), p50 {r['p50_ms']} ms, "
          f"p95 {r['p95_ms']} ms, errors {r['errors']}")
    for error in r["first_errors"]:
        print(f"    {error}")
    cpu = r["cpu_ms_per_submission"]
    machine = r["load_average"]
    print("  CPU ms per submission during the load: "
          + ", ".join(f"{k} {v}" for k, v in cpu.items()))
    print(f"  the machine's 1-minute load average on {os.cpu_count()} cores: "
          f"{machine['before']} before, {machine['during_mean']} on average during the load "
          f"(at most {machine['during_max']})")
    print(f"  items made during the load {r['items_made_during_load']}; the worker drained the "
          f"rest {r['drain_seconds_after_load']} s after the last answer "
          f"({r['drain_items_per_second']} items/s); {r['worker_cpu_ms_per_item']} ms of its "
          "CPU per item")
    ok = (r["stored"] == r["accepted"] == r["references"] == r["with_item"] == r["items"]
          and r["items_shared"] == 0 and r["failed"] == 0 and r["accepted"] > 0)
    print(f"  stored {r['stored']} (sent and accepted {r['accepted']}), items {r['items']}, "
          f"submissions with their item {r['with_item']}, failed {r['failed']}, items shared "
          f"by two submissions {r['items_shared']}: {'OK' if ok else 'MISMATCH'}")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="bench.intake")
    parser.add_argument("--submissions", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--worker-after", action="store_true",
                        help="start the worker only once the load is over")
    parser.add_argument("--page", action="store_true",
                        help="post the HTML form page /f/<token>/ instead of the JSON endpoint")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args(argv)
    result = measure(options.submissions, options.clients, worker_after=options.worker_after,
                     page=options.page)
    if options.json:
        print(json.dumps(result))
    else:
        report(result)
    return result


if __name__ == "__main__":
    main()
