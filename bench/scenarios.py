"""The benchmark's scenarios, their floors, and the report."""

from __future__ import annotations

import http.client
import itertools
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from boards.models import Board, Item, Status

ITEM_COLUMNS = (
    "i.id, i.board_id, i.group_id, i.status_id, i.name, i.description, i.parent_id, "
    "i.start_date, i.due_date, i.estimate_hours, i.priority, i.position, i.is_milestone, "
    "i.values, i.version, i.created_at, i.updated_at, i.completed_at, i.archived_at, "
    "ARRAY(SELECT a.membership_id FROM boards_item_assignees a WHERE a.item_id = i.id) "
)


@dataclass
class Result:
    name: str
    times_ms: list[float]
    queries: int
    floor_ms: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class Scenario:
    name: str
    method: str
    path: Callable[[], str]
    body: Callable[[], Any] | None = None
    floor_sql: Callable[[], tuple[str, list[Any]]] | None = None


def _request(server_port: int, token: str, method: str, path: str, body: Any) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", server_port, timeout=120)
    payload = json.dumps(body) if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    started = time.perf_counter()
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    if response.status >= 400:
        raise RuntimeError(f"{method} {path} answered {response.status}: {data[:300]!r}")
    return elapsed


def _count_queries(token: str, method: str, path: str, body: Any) -> int:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method.lower())(
            path, data=json.dumps(body) if body is not None else None,
            content_type="application/json",
        )
        if getattr(response, "streaming", False):
            for _ in response.streaming_content:
                pass
    assert response.status_code < 400, (path, response.status_code)
    return len(ctx.captured_queries)


def _floor(sql: str, params: list[Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(sql, params)
            names = [c[0] for c in cur.description]
            rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        orjson.dumps({"results": rows}, default=str)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def build(token: str) -> list[Scenario]:
    big = Board.objects.get(workspace__slug="bench", name="Bench 100k")
    small = Board.objects.get(workspace__slug="bench", name="Bench 10k")
    base = "/api/v1/workspaces/bench"
    statuses = list(Status.objects.filter(board=big).order_by("position"))
    member = Item.assignees.through.objects.filter(item__board=small).first().membership_id
    small_status = Status.objects.filter(board=small).order_by("position").first()
    tag_key = small.columns.get(type="tags").key
    first_ids = list(Item.objects.filter(board=big, parent__isnull=True, archived_at__isnull=True)
                     .order_by("position", "id").values_list("id", flat=True)[:400])
    target = first_ids[0]
    flip = itertools.cycle(statuses[1:3])
    place = itertools.cycle(first_ids[10:40])
    priority = itertools.cycle(["high", "low"])
    counter = itertools.count()
    group = big.groups.order_by("position").first()

    page_sql = (f"SELECT {ITEM_COLUMNS} FROM boards_item i WHERE i.board_id = %s AND "
                "i.archived_at IS NULL ORDER BY i.position, i.id LIMIT 100")
    filtered_sql = (
        f"SELECT {ITEM_COLUMNS} FROM boards_item i WHERE i.board_id = %s AND i.archived_at IS "
        "NULL AND i.status_id = %s AND EXISTS (SELECT 1 FROM boards_item_assignees a WHERE "
        "a.item_id = i.id AND a.membership_id = %s) AND i.values -> %s ? 'red' "
        "ORDER BY i.position, i.id LIMIT 100"
    )
    snapshot_sql = (f"SELECT {ITEM_COLUMNS} FROM boards_item i WHERE i.board_id = %s AND "
                    "i.archived_at IS NULL ORDER BY i.position, i.id")
    return [
        # The cost of any authenticated API call here: token, routing, rendering, gunicorn.
        Scenario("request floor: GET me/", "GET", lambda: "/api/v1/me/"),
        Scenario("page of 100 (100k board)", "GET",
                 lambda: f"{base}/items/?board={big.pk}&page_size=100",
                 floor_sql=lambda: (page_sql, [big.pk])),
        # A board whose items are not the table's oldest: its page must not walk the others.
        Scenario("page of 100 (10k board)", "GET",
                 lambda: f"{base}/items/?board={small.pk}&page_size=100",
                 floor_sql=lambda: (page_sql, [small.pk])),
        Scenario("filtered page (status+assignee+value)", "GET",
                 lambda: (f"{base}/items/?board={small.pk}&status={small_status.pk}"
                          f"&assignee={member}&values.{tag_key}__contains=red&page_size=100"),
                 floor_sql=lambda: (filtered_sql, [small.pk, small_status.pk, member, tag_key])),
        Scenario("kanban by status (100k board)", "GET",
                 lambda: f"{base}/boards/{big.pk}/kanban/?by=status&per_column=50"),
        Scenario("snapshot (10k board)", "GET",
                 lambda: f"{base}/boards/{small.pk}/snapshot/",
                 floor_sql=lambda: (snapshot_sql, [small.pk])),
        Scenario("one item", "GET", lambda: f"{base}/items/{target}/"),
        Scenario("create an item", "POST", lambda: f"{base}/items/",
                 body=lambda: {"board": big.pk, "group": group.pk,
                               "name": f"Bench item {next(counter)}"}),
        Scenario("change status", "PATCH", lambda: f"{base}/items/{target}/",
                 body=lambda: {"status": next(flip).pk}),
        Scenario("move an item", "POST", lambda: f"{base}/items/{target}/move/",
                 body=lambda: {"after": next(place)}),
        Scenario("bulk update 200", "POST", lambda: f"{base}/items/bulk/",
                 body=lambda: {"ids": first_ids[100:300], "action": "update",
                               "fields": {"priority": next(priority)}}),
    ]


def snapshot_memory(server: Any, token: str, peak: Any) -> float:
    """Extra resident memory of a fresh worker while it streams the 10,000-item board."""
    scenarios = {s.name: s for s in build(token)}
    one = scenarios["one item"]
    _request(server.port, token, one.method, one.path(), None)  # load the code, not the data
    snapshot = scenarios["snapshot (10k board)"]
    with peak(server.worker_pid()) as memory:
        _request(server.port, token, snapshot.method, snapshot.path(), None)
    return memory.extra_mib


def run_all(server: Any, token: str, *, runs: int, peak: Any) -> list[Result]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return run_scenarios(server, token, build(token), runs=runs)


def run_scenarios(server: Any, token: str, scenarios: list[Scenario], *,
                  runs: int) -> list[Result]:
    """Time each scenario over HTTP (after two warm-up requests) and count its queries."""
    results = []
    for scenario in scenarios:
        # Warm up the worker and the database cache, then time.
        for _ in range(2):
            _request(server.port, token, scenario.method, scenario.path(),
                     scenario.body() if scenario.body else None)
        times = []
        for _ in range(runs):
            body = scenario.body() if scenario.body else None
            times.append(_request(server.port, token, scenario.method, scenario.path(), body))
        queries = _count_queries(token, scenario.method, scenario.path(),
                                 scenario.body() if scenario.body else None)
        result = Result(scenario.name, times, queries)
        if scenario.floor_sql:
            sql, params = scenario.floor_sql()
            result.floor_ms = _floor(sql, params, runs)
        results.append(result)
        print(f"  {scenario.name}: {result.median:.1f} ms", flush=True)
    return results


def report(results: list[Result]) -> None:
    print()
    header = f"{'scenario':<44} {'median ms':>10} {'p95 ms':>9} {'queries':>8} {'floor ms':>9} {'x floor':>8}"
    print(header)
    print("-" * len(header))
    for r in results:
        floor = f"{r.floor_ms:.1f}" if r.floor_ms is not None else "-"
        ratio = f"{r.median / r.floor_ms:.1f}" if r.floor_ms else "-"
        print(f"{r.name:<44} {r.median:>10.1f} {r.p95:>9.1f} {r.queries:>8} {floor:>9} "
              f"{ratio:>8}  {' '.join(r.notes)}")
