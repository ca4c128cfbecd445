"""Shared set-up of the projects API tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.fixture
def url(people) -> Callable[..., str]:
    def make(path: str = "", *, slug: str | None = None) -> str:
        return f"/api/v1/workspaces/{slug or people.workspace.slug}/{path}"

    return make
