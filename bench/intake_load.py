"""The load generator of bench.intake: a fixed number of public form submissions shared by a
fixed number of client threads, each on its own keep-alive connection; and the CPU time that
processes spend, read from /proc, to tell where a submission's time goes."""

from __future__ import annotations

import functools
import http.client
import itertools
import json
import os
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

_TICKS = os.sysconf("SC_CLK_TCK")


def _answers(n: int) -> dict[str, str]:
    category = ("hardware", "software", "access")[n % 3]
    answers = {"title": f"Request {n}", "details": "Needed for the new starter on Monday.",
               "category": category, "priority": ("low", "medium", "high")[n % 3]}
    if category == "hardware":
        answers["device"] = "Laptop"
    return answers


def _body(n: int, stamp: str) -> bytes:
    return json.dumps({"answers": _answers(n), "email": f"requester{n}@example.com",
                       "stamp": stamp, "website": ""}).encode()


def _page_body(n: int, page: dict[str, str]) -> bytes:
    """The form page's post, as a browser sends it (the stamp and CSRF token of its page)."""
    return urlencode({**page, **_answers(n), "intake-email": f"requester{n}@example.com",
                      "intake-action": "submit", "intake-website": ""}).encode()


class Load:
    """`clients` threads, each on its own keep-alive connection, share a fixed number of
    submissions; each records its latencies and failures."""

    def __init__(self, port: int, token: str, submissions: int, clients: int,
                 *, page: bool = False) -> None:
        self.page = page
        self.port = port
        self.path = f"/f/{token}/" if page else f"/api/v1/forms/{token}/"
        self.submissions, self.clients = submissions, clients
        self.counter = itertools.count()
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.accepted = 0

    def _client(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        # The definition or the page, with a stamp (and a CSRF cookie); warms the connection.
        conn.request("GET", self.path)
        first = conn.getresponse()
        if first.status != 200:
            with self.lock:
                self.errors.append(f"GET {self.path} answered {first.status}: "
                                   f"{first.read()[:200]!r}")
            return
        if self.page:
            html = first.read().decode()
            hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"',
                                     html))
            cookie = first.getheader("Set-Cookie", "").split(";")[0]
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
            make = functools.partial(_page_body, page=hidden)
            ok = 302
        else:
            stamp = json.loads(first.read())["stamp"]
            headers = {"Content-Type": "application/json"}
            make = functools.partial(_body, stamp=stamp)
            ok = 202
        latencies, errors, accepted = [], [], 0
        while (n := next(self.counter)) < self.submissions:
            body = make(n)
            started = time.perf_counter()
            try:
                conn.request("POST", self.path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                conn.close()
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status == ok:
                accepted += 1
            else:
                errors.append(f"{response.status}: {data[:200]!r}")
        conn.close()
        with self.lock:
            self.latencies += latencies
            self.errors += errors
            self.accepted += accepted

    def run(self) -> float:
        threads = [threading.Thread(target=self._client) for _ in range(self.clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes `pids` have used so far (0 for gone ones)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS


def children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(part) for part in text.split()]


class DatabaseCpu:
    """CPU time of the database's server processes, sampled twice a second while the block
    runs, so a connection that closes meanwhile (CONN_MAX_AGE) still counts what it used."""

    def __init__(self, url: str, exclude: set[int]) -> None:
        self.url, self.exclude = url, exclude
        self.seen: dict[int, float] = {}
        self.start: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _pids(self, cursor: object) -> list[int]:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        return [row[0] for row in cursor.fetchall() if row[0] not in self.exclude]

    def _sample(self) -> None:
        import psycopg2

        connection = psycopg2.connect(self.url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            self.start = {pid: cpu_seconds([pid]) for pid in self._pids(cursor)}
            self.seen = dict(self.start)
            while not self._stop.wait(0.5):
                for pid in self._pids(cursor):
                    self.seen[pid] = cpu_seconds([pid]) or self.seen.get(pid, 0.0)
        connection.close()

    def __enter__(self) -> DatabaseCpu:
        self._thread.start()
        time.sleep(0.3)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def used(self) -> float:
        return sum(cpu - self.start.get(pid, 0.0) for pid, cpu in self.seen.items())


class LoadAverage:
    """The machine's 1-minute load average, sampled every second while the block runs: other
    work on the machine takes its share of the cores, and the figures depend on it."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            if self._stop.wait(1.0):
                return

    def __enter__(self) -> LoadAverage:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])

    @property
    def mean(self) -> float:
        return round(sum(self.samples) / len(self.samples), 2) if self.samples else 0.0

    @property
    def peak(self) -> float:
        return round(max(self.samples), 2) if self.samples else 0.0
