"""Throttling counts calls in windows and weighs the previous one: one cache round trip."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from workos.api.throttling import TokenThrottle


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def throttle(settings, monkeypatch):
    settings.THROTTLE = "on"
    monkeypatch.setattr(TokenThrottle, "THROTTLE_RATES", {"token": "4/min"})
    clock = _Clock(6000.0)  # the start of a minute
    made = TokenThrottle()
    made.timer = clock
    made.clock = clock
    return made


def _call(throttle) -> bool:
    from workos.tenancy.models import AccessToken

    request = SimpleNamespace(auth=AccessToken(pk=7))
    return throttle.allow_request(request, None)


def test_calls_over_the_rate_are_refused_and_not_counted(throttle):
    assert [_call(throttle) for _ in range(6)] == [True] * 4 + [False] * 2
    assert 0 < throttle.wait() <= 120
    throttle.clock.now += 120  # two windows later nothing weighs
    assert [_call(throttle) for _ in range(4)] == [True] * 4


def test_the_previous_window_weighs_by_how_much_of_it_still_overlaps(throttle):
    assert [_call(throttle) for _ in range(4)] == [True] * 4
    throttle.clock.now += 60 + 15  # a quarter into the next window: 4 * 0.75 = 3 still count
    assert [_call(throttle) for _ in range(2)] == [True, False]
    throttle.clock.now += 30  # three quarters in: 4 * 0.25 + 1 = 2
    assert [_call(throttle) for _ in range(3)] == [True, True, False]


def test_throttling_off_counts_nothing(throttle, settings):
    settings.THROTTLE = "off"
    assert all(_call(throttle) for _ in range(10))
