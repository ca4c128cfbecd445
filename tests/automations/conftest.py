"""Fixtures of the webhooks, schedules and reliability tests."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from automations import http


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
