"""Who may call the boards endpoints, one row per endpoint and method, on a workspace-visible
board. Columns: anonymous, outsider (member of another workspace), guest (not a board member),
member, admin, owner, and a read-only token of the owner."""

from __future__ import annotations

import pytest

from boards import services
from tests.factories import make_token

CALLERS = ("anonymous", "outsider", "guest", "member", "admin", "owner", "read_only_token")

ROWS = [
    (("get", "boards/", None),                            (401, 404, 200, 200, 200, 200, 200)),
    (("post", "boards/", {"name": "New"}),                (401, 404, 403, 201, 201, 201, 403)),
    (("get", "boards/{board}/", None),                    (401, 404, 404, 200, 200, 200, 200)),
    (("patch", "boards/{board}/", {"name": "R"}),         (401, 404, 404, 200, 200, 200, 403)),
    (("delete", "boards/{board}/", None),                 (401, 404, 404, 403, 204, 204, 403)),
    (("post", "boards/{board}/duplicate/", {}),           (401, 404, 404, 201, 201, 201, 403)),
    (("get", "boards/{board}/kanban/", None),             (401, 404, 404, 200, 200, 200, 200)),
    (("get", "boards/{board}/groups/", None),             (401, 404, 404, 200, 200, 200, 200)),
    (("post", "boards/{board}/groups/", {"name": "G"}),   (401, 404, 404, 201, 201, 201, 403)),
    (("post", "boards/{board}/columns/", {"title": "C", "type": "text"}),
                                                          (401, 404, 404, 201, 201, 201, 403)),
    (("get", "items/", None),                             (401, 404, 200, 200, 200, 200, 200)),
    (("post", "items/", {"board": "{board}", "name": "I"}),
                                                          (401, 404, 404, 201, 201, 201, 403)),
    (("get", "items/{item}/", None),                      (401, 404, 404, 200, 200, 200, 200)),
    (("patch", "items/{item}/", {"name": "R"}),           (401, 404, 404, 200, 200, 200, 403)),
    (("delete", "items/{item}/", None),                   (401, 404, 404, 204, 204, 204, 403)),
    (("post", "items/bulk/", {"ids": ["{item}"], "action": "archive"}),
                                                          (401, 404, 404, 200, 200, 200, 403)),
    (("get", "dependencies/", None),                      (401, 404, 200, 200, 200, 200, 200)),
    (("get", "views/", None),                             (401, 404, 200, 200, 200, 200, 200)),
    (("post", "views/", {"board": "{board}", "name": "V"}),
                                                          (401, 404, 404, 201, 201, 201, 403)),
]


def _cases():
    for (method, path, body), expected in ROWS:
        for caller, status in zip(CALLERS, expected, strict=True):
            yield pytest.param(method, path, body, caller, status,
                               id=f"{method.upper()} {path} as {caller}")


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("method", "path", "body", "caller", "expected"), list(_cases()))
def test_boards_role_matrix(people, api, method, path, body, caller, expected):
    board = services.board_create(actor=people.admin, name="Shared")
    item = services.item_create(actor=people.admin, board=board, fields={"name": "Task"})
    ids = {"board": board.pk, "item": item.pk}
    url = f"/api/v1/workspaces/{people.workspace.slug}/" + path.format(**ids)
    if caller == "anonymous":
        client = api()
    elif caller == "read_only_token":
        client = api(token=make_token(people.owner, read_only=True)[1])
    else:
        client = api(people.of(caller))
    response = getattr(client, method)(url, _fill(body, ids), format="json")
    assert response.status_code == expected, response.content[:300]
