"""Saved views: kinds, config checked against an allowlist, personal and shared."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards.models import View
from tests.factories import BoardMemberFactory, ColumnFactory, ViewFactory


def _config():
    return {
        "filters": [{"field": "status", "op": "eq", "value": 1},
                    {"field": "cost", "op": "gt", "value": 10}],
        "sorts": [{"field": "due_date", "direction": "asc"}],
        "group_by": "group",
    }


def test_a_shared_view_is_saved_and_listed(people, api, url, board):
    ColumnFactory(board=board, key="cost", type="number")
    client = api(people.member)
    response = client.post(url("views/"), {"board": board.pk, "name": "Expensive",
                                           "kind": "kanban", "config": _config()},
                           format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "kanban" and body["config"] == _config()
    assert body["created_by"] == people.member.pk
    listed = client.get(url(f"views/?board={board.pk}")).json()["results"]
    assert [v["id"] for v in listed] == [body["id"]]


@pytest.mark.parametrize(("config", "needle"), [
    ([], "JSON object"),
    ({"filters": [{"field": "password"}]}, "password"),
    ({"sorts": [{"field": "name", "direction": "sideways"}]}, "direction"),
    ({"group_by": "workspace"}, "workspace"),
    ({"colour": "red"}, "Unknown config keys"),
    ({"filters": [{"field": "name", "op": "like"}]}, "operator"),
])
def test_a_config_outside_the_allowlist_is_a_400(people, api, url, board, config, needle):
    response = api(people.member).post(url("views/"), {"board": board.pk, "name": "V",
                                                       "config": config}, format="json")
    assert response.status_code == 400
    assert needle in response.json()["message"]


def test_an_unknown_kind_is_a_400(people, api, url, board):
    response = api(people.member).post(url("views/"), {"board": board.pk, "name": "V",
                                                       "kind": "mindmap"}, format="json")
    assert response.status_code == 400


def test_personal_views_are_their_owners_alone(people, api, url, board):
    mine = api(people.member).post(url("views/"), {"board": board.pk, "name": "Mine",
                                                   "is_shared": False}, format="json").json()
    other = api(people.admin)
    assert other.get(url(f"views/{mine['id']}/")).status_code == 404
    assert other.get(url("views/")).json()["results"] == []


def test_viewers_keep_personal_views_but_do_not_share_them(people, api, url, private_board):
    BoardMemberFactory(board=private_board, membership=people.member, role="viewer")
    client = api(people.member)
    assert client.post(url("views/"), {"board": private_board.pk, "name": "Mine",
                                       "is_shared": False}, format="json").status_code == 201
    assert client.post(url("views/"), {"board": private_board.pk, "name": "All",
                                       "is_shared": True}, format="json").status_code == 403


def test_views_are_renamed_and_deleted(people, api, url, board):
    view = ViewFactory(board=board, created_by=people.member)
    client = api(people.member)
    response = client.patch(url(f"views/{view.pk}/"), {"name": "Renamed"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "Renamed"
    assert client.delete(url(f"views/{view.pk}/")).status_code == 204
    assert not View.objects.filter(pk=view.pk).exists()


def test_views_of_private_boards_are_hidden(people, api, url, private_board):
    view = ViewFactory(board=private_board, created_by=people.owner)
    assert api(people.member).get(url(f"views/{view.pk}/")).status_code == 404


def test_view_list_query_count_does_not_grow_with_page_size(people, api, url, board):
    for _ in range(30):
        ViewFactory(board=board, created_by=people.owner)
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(f"views/?page_size={size}"))
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
