"""Shared set-up of the time-tracking tests: a workspace in a time zone with a holiday, a board
made through the boards service, and a clock the tests can set."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable

import pytest

from boards import services as board_services
from boards.models import Board, Item
from tests.factories import ItemFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY = dt.date(2026, 3, 2)  # an ordinary week: Monday 2 to Sunday 8 March 2026


def paris(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


@pytest.fixture
def url(people) -> Callable[..., str]:
    def make(path: str = "", *, slug: str | None = None) -> str:
        return f"/api/v1/workspaces/{slug or people.workspace.slug}/{path}"

    return make


@pytest.fixture(autouse=True)
def _paris(people):
    people.workspace.timezone = "Europe/Paris"
    people.workspace.save(update_fields=["timezone"])


@pytest.fixture
def board(people) -> Board:
    return board_services.board_create(actor=people.owner, name="Website")


@pytest.fixture
def private_board(people) -> Board:
    return board_services.board_create(actor=people.owner, name="Payroll", privacy="private")


@pytest.fixture
def make_item(board) -> Callable[..., Item]:
    def make(*, on: Board | None = None, assignees=(), **fields) -> Item:
        target = on or board
        item = ItemFactory(board=target, group=target.groups.first(), **fields)
        if assignees:
            item.assignees.set(assignees)
        return item

    return make


@pytest.fixture
def clock(monkeypatch) -> Callable[[dt.datetime], None]:
    """clock(moment) makes `timezone.now()` answer `moment` from then on."""

    def set_to(moment: dt.datetime) -> None:
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    return set_to
