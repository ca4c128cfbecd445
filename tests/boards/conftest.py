"""Shared set-up of the boards tests: a board made the way users make one (through the
service, so it has its default statuses and group) and URL helpers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from boards import services
from boards.models import Board


@pytest.fixture
def url(people) -> Callable[[str], str]:
    def make(path: str = "", *, slug: str | None = None) -> str:
        return f"/api/v1/workspaces/{slug or people.workspace.slug}/{path}"

    return make


@pytest.fixture
def board(people) -> Board:
    return services.board_create(actor=people.owner, name="Roadmap")


@pytest.fixture
def private_board(people) -> Board:
    return services.board_create(actor=people.owner, name="Salaries", privacy="private")


def status_named(board: Board, name: str):
    return board.statuses.get(name=name)
