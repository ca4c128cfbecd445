"""Fixtures of the webhooks, schedules and reliability tests."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from celery.contrib.testing.worker import start_worker

from automations import http
from workos.celery import app


@dataclass
class FakeReceiver:
    """Stands in for the outgoing HTTP client: records each call and answers from `answers`
    (a status code or an exception), then 200."""

    calls: list[dict] = field(default_factory=list)
    answers: list = field(default_factory=list)

    def __call__(self, method, url, *, headers=None, body=None, **options):
        self.calls.append({"method": method, "url": url, "headers": dict(headers or {}),
                           "body": body})
        answer = self.answers.pop(0) if self.answers else 200
        if isinstance(answer, Exception):
            raise answer
        return http.Response(answer, {}, b"" if answer < 300 else b"try later", url)


@pytest.fixture
def receiver(monkeypatch) -> FakeReceiver:
    fake = FakeReceiver()
    monkeypatch.setattr(http, "request", fake)
    return fake

@pytest.fixture
def worker():
    """A real Celery worker in a thread, serving every queue (tests marked `worker`)."""
    import celery.contrib.testing.tasks  # noqa: F401 - registers the ping task

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False,
                          queues=["default", "events", "scheduled", "webhooks"],
                          shutdown_timeout=10) as running:
            yield running
    finally:
        app.conf.task_always_eager = previous
