"""Who sees and changes what on a board: privacy, board roles, guests, other workspaces."""

from __future__ import annotations

import pytest

from boards import selectors, services
from boards.models import Item
from tests.factories import BoardFactory, BoardMemberFactory, ItemFactory, MembershipFactory


def _item(board, people, **fields):
    return services.item_create(actor=people.owner, board=board,
                                fields={"name": "Task", **fields})


def test_a_private_board_is_not_found_for_members_outside_it(people, api, url, private_board):
    item = _item(private_board, people)
    client = api(people.member)
    assert client.get(url(f"boards/{private_board.pk}/")).status_code == 404
    missing = client.get(url("boards/999999/"))
    hidden = client.get(url(f"boards/{private_board.pk}/"))
    assert hidden.json() == missing.json()
    assert private_board.pk not in [b["id"] for b in client.get(url("boards/")).json()["results"]]
    assert client.get(url(f"items/{item.pk}/")).status_code == 404
    assert item.pk not in [i["id"] for i in client.get(url("items/")).json()["results"]]
    assert client.get(url(f"boards/{private_board.pk}/groups/")).status_code == 404
    assert client.post(url("items/"), {"board": private_board.pk, "name": "x"},
                       format="json").status_code == 404


def test_admins_see_every_private_board(people, api, url, private_board):
    response = api(people.admin).get(url(f"boards/{private_board.pk}/"))
    assert response.status_code == 200
    assert response.json()["role"] == "admin"


def test_board_members_see_a_private_board_with_their_role(people, api, url, private_board):
    BoardMemberFactory(board=private_board, membership=people.member, role="viewer")
    response = api(people.member).get(url(f"boards/{private_board.pk}/"))
    assert response.status_code == 200
    assert response.json()["role"] == "viewer"


def test_guests_see_only_the_boards_they_belong_to(people, api, url, board):
    shared = BoardFactory(workspace=people.workspace)
    BoardMemberFactory(board=shared, membership=people.guest, role="contributor")
    client = api(people.guest)
    assert [b["id"] for b in client.get(url("boards/")).json()["results"]] == [shared.pk]
    assert client.get(url(f"boards/{board.pk}/")).status_code == 404


def test_a_board_listed_with_many_members_appears_once(people, api, url, board):
    for _ in range(3):
        BoardMemberFactory(board=board, membership=MembershipFactory(workspace=people.workspace))
    _item(board, people)
    client = api(people.member)
    assert [b["id"] for b in client.get(url("boards/")).json()["results"]] == [board.pk]
    assert len(client.get(url(f"items/?board={board.pk}")).json()["results"]) == 1


@pytest.mark.parametrize(("role", "expected"), [
    ("viewer", 403), ("contributor", 201), ("editor", 201),
])
def test_board_roles_decide_who_adds_items(people, api, url, private_board, role, expected):
    BoardMemberFactory(board=private_board, membership=people.member, role=role)
    response = api(people.member).post(url("items/"), {"board": private_board.pk,
                                                       "name": "New"}, format="json")
    assert response.status_code == expected, response.content


def test_viewers_read_but_never_write(people, api, url, private_board):
    BoardMemberFactory(board=private_board, membership=people.member, role="viewer")
    item = _item(private_board, people)
    client = api(people.member)
    assert client.get(url(f"items/{item.pk}/")).status_code == 200
    patch = client.patch(url(f"items/{item.pk}/"), {"name": "Mine"}, format="json")
    assert patch.status_code == 403
    assert "viewer" in patch.json()["message"]
    assert client.post(url(f"items/{item.pk}/move/"), {}, format="json").status_code == 403
    assert client.delete(url(f"items/{item.pk}/")).status_code == 403
    assert client.post(url(f"boards/{private_board.pk}/groups/"), {"name": "G"},
                       format="json").status_code == 403


def test_contributors_change_only_items_assigned_to_them(people, api, url, private_board):
    BoardMemberFactory(board=private_board, membership=people.member, role="contributor")
    mine = _item(private_board, people, assignees=[people.member.pk])
    theirs = _item(private_board, people, assignees=[people.admin.pk])
    client = api(people.member)
    assert client.patch(url(f"items/{mine.pk}/"), {"name": "Done it"},
                        format="json").status_code == 200
    refused = client.patch(url(f"items/{theirs.pk}/"), {"name": "Nope"}, format="json")
    assert refused.status_code == 403
    assert "assigned to you" in refused.json()["message"]
    assert Item.objects.get(pk=theirs.pk).name == "Task"


def test_contributors_cannot_change_the_board_structure(people, api, url, private_board):
    BoardMemberFactory(board=private_board, membership=people.member, role="contributor")
    client = api(people.member)
    for path, body in [
        (f"boards/{private_board.pk}/groups/", {"name": "G"}),
        (f"boards/{private_board.pk}/statuses/", {"name": "S", "category": "todo"}),
        (f"boards/{private_board.pk}/columns/", {"title": "C", "type": "text"}),
    ]:
        assert client.post(url(path), body, format="json").status_code == 403, path
    assert client.patch(url(f"boards/{private_board.pk}/"), {"name": "X"},
                        format="json").status_code == 403


def test_a_guest_editor_of_a_board_can_write_there(people, api, url, private_board):
    BoardMemberFactory(board=private_board, membership=people.guest, role="editor")
    response = api(people.guest).post(url("items/"), {"board": private_board.pk, "name": "G"},
                                      format="json")
    assert response.status_code == 201


def test_board_role_follows_workspace_role_and_privacy(people, board, private_board):
    assert selectors.board_role(board, people.owner) == "admin"
    assert selectors.board_role(board, people.member) == "editor"
    assert selectors.board_role(board, people.guest) is None
    assert selectors.board_role(private_board, people.member) is None
    assert selectors.board_role(private_board, people.outsider) is None
    BoardMemberFactory(board=private_board, membership=people.member, role="contributor")
    assert selectors.board_role(private_board, people.member) == "contributor"


def test_editors_share_a_private_board(people, api, url, private_board):
    client = api(people.owner)
    response = client.post(url(f"boards/{private_board.pk}/members/"),
                           {"membership": people.member.pk, "role": "viewer"}, format="json")
    assert response.status_code == 201
    assert api(people.member).get(url(f"boards/{private_board.pk}/")).status_code == 200
    again = client.post(url(f"boards/{private_board.pk}/members/"),
                        {"membership": people.member.pk}, format="json")
    assert again.status_code == 409
    stranger = client.post(url(f"boards/{private_board.pk}/members/"),
                           {"membership": people.outsider.pk}, format="json")
    assert stranger.status_code == 400


def test_another_workspaces_boards_and_items_are_not_found(people, api, url, board):
    item = _item(board, people)
    outsider = api(people.outsider)
    own = people.outsider.workspace.slug
    assert outsider.get(url(f"boards/{board.pk}/", slug=own)).status_code == 404
    assert outsider.get(url(f"items/{item.pk}/", slug=own)).status_code == 404
    assert outsider.patch(url(f"items/{item.pk}/", slug=own), {"name": "x"},
                          format="json").status_code == 404
    assert outsider.get(url(f"boards/{board.pk}/statuses/", slug=own)).status_code == 404
    assert outsider.get(url(f"items/?board={board.pk}", slug=own)).json()["results"] == []
    their_board = BoardFactory(workspace=people.outsider.workspace)
    ItemFactory(board=their_board)
    assert outsider.post(url("items/", slug=own), {"board": board.pk, "name": "x"},
                         format="json").status_code == 404
