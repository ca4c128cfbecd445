"""The rule engine under load: one real Celery worker on Redis and PostgreSQL.

1. Throughput: N item updates are committed while no worker runs (their dispatch tasks wait
   in Redis); then one worker (solo pool) starts, and we time from its first run to the moment
   every rule's action has committed and every event (the runs' own included) is dispatched.
   The CPU time the worker and its database sessions used meanwhile is reported per event
   too: unlike the rate, it hardly moves when other work shares the machine.
2. Latency: with the worker running, item updates are committed at a steady rate; for each,
   the time from its commit to the commit of the action it triggered (the run's finished_at).

The board has three simple rules, one of which matches each update ("priority becomes urgent
→ set the status to In progress"). A database of its own (workos_bench_engine) and Redis db 11,
both dropped and made afresh, so nothing else is disturbed.

    python -m bench.automations [--events 2000] [--rate 50] [--seconds 20]

`run()` does the same in a subprocess (Django is configured for this database only there) and
returns the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_ENGINE_DATABASE_URL",
                              "postgres://postgres@127.0.0.1:5432/workos_bench_engine")
REDIS_URL = os.environ.get("BENCH_ENGINE_REDIS_URL", "redis://127.0.0.1:6379/11")
QUEUES = "events,default,scheduled,webhooks"


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL, DEBUG="0",
               SECRET_KEY="bench-" + "x" * 60, ALLOWED_HOSTS="127.0.0.1,localhost",
               THROTTLE="off", LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="workos.settings",
               CACHE_PREFIX="bench-engine")
    env.update(extra or {})
    return env


def _fresh_database() -> None:
    from bench.__main__ import _ensure_database

    _ensure_database(DATABASE_URL, fresh=True)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                   cwd=ROOT, env=_env(), check=True)


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


class Worker:
    """`celery worker` in a subprocess: one process, solo pool."""

    def __init__(self, extra_env: dict[str, str] | None = None) -> None:
        self.extra_env = extra_env
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Worker:
        celery = Path(sys.executable).with_name("celery")
        self.proc = subprocess.Popen(  # noqa: S603 - our own worker
            [str(celery), "-A", "workos", "worker", "-Q", QUEUES, "-P", "solo", "-c", "1",
             "-l", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=_env(self.extra_env),
        )
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _seed(items: int) -> dict[str, Any]:
    """A workspace, a board with three rules, and `items` items in 'To do'."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from automations.services.rules import rule_create
    from boards.models import Item
    from boards.services import board_create, item_create
    from workos.activity.models import Activity
    from workos.tenancy.models import Membership
    from workos.tenancy.services import workspace_create

    user = get_user_model().objects.create(username="engine@example.com",
                                           email="engine@example.com")
    workspace = workspace_create(user=user, name="Engine bench", slug="engine-bench")
    owner = Membership.objects.get(workspace=workspace, user=user)
    board = board_create(actor=owner, name="Requests", groups=["Incoming", "Escalated"])
    status = {s.name: s.pk for s in board.statuses.all()}
    groups = {g.name: g.pk for g in board.groups.all()}

    def when(kind: str, **config: Any) -> dict[str, Any]:
        return {"type": kind, "config": config}

    rule_create(actor=owner, name="Start urgent requests", board=board,
                trigger=when("field_changed", field="priority", to="urgent"),
                actions=[when("set_status", status=status["In progress"])])
    rule_create(actor=owner, name="Escalate when blocked", board=board,
                trigger=when("status_changed", to_category="cancelled"),
                actions=[when("move_item", group=groups["Escalated"])])
    rule_create(actor=owner, name="Thank commenters", board=board,
                trigger=when("comment_added", contains="thanks"),
                actions=[when("add_comment", body="You're welcome.")])
    with transaction.atomic():
        ids = [item_create(actor=owner, board=board, fields={"name": f"Request {n}"}).pk
               for n in range(items)]
    Activity.objects.update(dispatched_at=time_now())  # history, not work for the worker
    _flush_redis()
    return {"owner": owner, "ids": ids, "items": Item.objects.filter(pk__in=ids)}


def time_now() -> Any:
    from django.utils import timezone

    return timezone.now()


def _escalate(owner: Any, item_id: int) -> None:
    from boards.models import Item
    from boards.services import item_update

    item_update(actor=owner, item=Item(pk=item_id), fields={"priority": "urgent"})


def _last_run_id() -> int:
    from automations.models import RuleRun

    return RuleRun.objects.order_by("-id").values_list("id", flat=True).first() or 0


class CpuMeter:
    """CPU time used by the worker process and by the database sessions of the bench database
    (other than the bench's own), read from /proc: what an event costs, whatever else the
    machine is doing meanwhile. Empty where /proc or the database server is not local."""

    def __init__(self, worker: Worker) -> None:
        self.worker_pid = worker.proc.pid if worker.proc else None
        self.first: dict[str, dict[int, float]] = {}

    def _read(self) -> dict[str, dict[int, float]]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = "
                           "current_database() AND pid <> pg_backend_pid()")
            sessions = [row[0] for row in cursor.fetchall()]
        read = {"worker": {p: _cpu_seconds(p) for p in [self.worker_pid] if p},
                "database": {p: _cpu_seconds(p) for p in sessions}}
        return {kind: {p: v for p, v in found.items() if v is not None}
                for kind, found in read.items()}

    def start(self) -> None:
        self.first = self._read()

    def used(self) -> dict[str, float]:
        """CPU seconds of each kind since `start` (sessions opened since count whole)."""
        last = self._read()
        return {kind: sum(cpu - self.first.get(kind, {}).get(pid, 0.0)
                          for pid, cpu in last[kind].items()) for kind in last}


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _wait_until_drained(after_run: int, runs: int, timeout: float = 600,
                        meter: CpuMeter | None = None) -> float:
    """Wait for the first new run, then until `runs` new runs are finished and every event is
    dispatched; the seconds in between. Polls gently (index-only look-ups every 20 ms), so
    the database spends its time on the worker, not on the bench."""
    from automations.models import RuleRun
    from workos.activity.models import Activity

    deadline = time.monotonic() + timeout
    new = RuleRun.objects.filter(pk__gt=after_run)
    while not new.exists():
        time.sleep(0.002)
    started = time.monotonic()
    if meter is not None:
        meter.start()
    while (new.exclude(status="running").count() < runs
           or Activity.objects.filter(dispatched_at__isnull=True).exists()):
        if time.monotonic() > deadline:
            raise RuntimeError("the worker did not finish in time")
        time.sleep(0.02)
    return time.monotonic() - started


def throughput(owner: Any, ids: list[int], extra_env: dict[str, str] | None = None
               ) -> dict[str, float]:
    from automations.models import RuleRun

    after = _last_run_id()
    for item_id in ids:
        _escalate(owner, item_id)
    with Worker(extra_env) as worker:
        meter = CpuMeter(worker)
        elapsed = _wait_until_drained(after, len(ids), meter=meter)
        cpu = meter.used()
    failed = RuleRun.objects.filter(pk__gt=after, status="failed").count()
    return {"events": len(ids), "seconds": round(elapsed, 2),
            "events_per_second": round(len(ids) / elapsed, 1), "failed_runs": failed,
            **{f"{kind}_cpu_ms_per_event": round(seconds * 1000 / len(ids), 2)
               for kind, seconds in cpu.items()}}


def recovery(owner: Any, ids: list[int], chunk: int = 100) -> dict[str, float]:
    """Throughput again, but with the events handed over in chunks of 100, as the sweep did
    after a broker outage (the dispatch tasks of the commits are dropped here). The first
    message claims the whole backlog (workos.activity.outbox); the others find it taken."""
    from workos.activity.models import Activity
    from workos.activity.tasks import dispatch_events

    after = _last_run_id()
    for item_id in ids:
        _escalate(owner, item_id)
    _flush_redis()
    pending = list(Activity.objects.filter(dispatched_at__isnull=True).order_by("id")
                   .values_list("id", flat=True))
    for start in range(0, len(pending), chunk):
        dispatch_events.delay(pending[start:start + chunk])
    with Worker():
        elapsed = _wait_until_drained(after, len(ids))
    return {"events": len(ids), "seconds": round(elapsed, 2),
            "events_per_second": round(len(ids) / elapsed, 1)}


def latency(owner: Any, ids: list[int], rate: float) -> dict[str, float]:
    from automations.models import RuleRun

    committed: dict[int, float] = {}
    with Worker():
        time.sleep(3)  # the worker is ready; the first event should not wait for it
        begin = time.time()
        for n, item_id in enumerate(ids):
            wait = begin + n / rate - time.time()
            if wait > 0:
                time.sleep(wait)
            _escalate(owner, item_id)
            committed[item_id] = time.time()
        deadline = time.monotonic() + 120
        while RuleRun.objects.filter(item_id__in=ids, status="succeeded").count() < len(ids):
            if time.monotonic() > deadline:
                raise RuntimeError("the worker fell behind by more than two minutes")
            time.sleep(0.05)
        achieved = len(ids) / (max(committed.values()) - begin)
    finished = dict(RuleRun.objects.filter(item_id__in=ids).values_list("item_id",
                                                                        "finished_at"))
    spans = sorted((finished[i].timestamp() - committed[i]) * 1000 for i in ids)
    return {"events": len(ids), "rate": round(achieved, 1),
            "p50_ms": round(statistics.median(spans), 1),
            "p95_ms": round(spans[int(0.95 * (len(spans) - 1))], 1),
            "max_ms": round(spans[-1], 1)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="bench.automations")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--queued", action="store_true",
                        help="also measure with AUTOMATIONS_RUN_INLINE off (a task per run)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args(argv)
    _fresh_database()
    os.environ.update(_env())
    import django

    django.setup()
    steady = int(options.rate * options.seconds)
    n = options.events
    seeded = _seed(n * (3 if options.queued else 2) + steady)
    owner, ids = seeded["owner"], seeded["ids"]
    results: dict[str, Any] = {}
    for name, measure in (
        ("throughput", lambda: throughput(owner, ids[:n])),
        ("recovery", lambda: recovery(owner, ids[n:2 * n])),
        ("latency", lambda: latency(owner, ids[2 * n:2 * n + steady], options.rate)),
    ):
        results[name] = measure()
        if not options.json:
            print(name, results[name], flush=True)
    if options.queued:
        results["throughput_queued"] = throughput(owner, ids[2 * n + steady:],
                                                  {"AUTOMATIONS_RUN_INLINE": "0"})
    if options.json:
        print(json.dumps(results))
    else:
        report(results)
    return results


def report(results: dict[str, Any]) -> None:
    t, lat, rec = results["throughput"], results["latency"], results["recovery"]
    print(f"rule engine, one worker: {t['events']} events in {t['seconds']} s = "
          f"{t['events_per_second']}/s from event to committed action (target >= 300/s)")
    if "worker_cpu_ms_per_event" in t:
        print(f"  CPU per event: worker {t['worker_cpu_ms_per_event']} ms, database sessions "
              f"{t.get('database_cpu_ms_per_event', '?')} ms (what the rate is made of, "
              "whatever else the machine runs)")
    print(f"  the same events dispatched by the sweep in chunks of 100: "
          f"{rec['events_per_second']}/s")
    if "throughput_queued" in results:
        q = results["throughput_queued"]
        print(f"  with a task per run instead of inline runs: {q['events_per_second']}/s")
    print(f"rule engine latency at {lat['rate']} events/s, commit to committed action: "
          f"p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms, max {lat['max_ms']} ms "
          f"({lat['events']} events)")


def run(events: int = 2000, rate: float = 50.0, seconds: float = 20.0) -> dict[str, Any]:
    """The figures, measured in a subprocess (this process's Django may use another DB)."""
    result = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "bench.automations", "--json", f"--events={events}",
         f"--rate={rate}", f"--seconds={seconds}"],
        cwd=ROOT, env=_env(), capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
