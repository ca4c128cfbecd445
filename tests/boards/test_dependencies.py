"""Dependencies: links between items of one workspace, never a cycle."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards import services
from boards.models import Dependency
from boards.services import find_cycle
from tests.factories import DependencyFactory, ItemFactory


def _items(people, board, *names):
    return [services.item_create(actor=people.owner, board=board, fields={"name": n})
            for n in names]


def test_a_dependency_links_two_items(people, api, url, board):
    design, build = _items(people, board, "Design", "Build")
    response = api(people.member).post(url("dependencies/"), {
        "predecessor": design.pk, "successor": build.pk, "type": "SS", "lag_days": 2,
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["predecessor"] == design.pk and body["successor"] == build.pk
    assert body["type"] == "SS" and body["lag_days"] == 2


def test_links_may_cross_boards_of_one_workspace(people, api, url, board):
    other = services.board_create(actor=people.owner, name="Ops")
    (a,) = _items(people, board, "A")
    (b,) = _items(people, other, "B")
    response = api(people.member).post(url("dependencies/"),
                                       {"predecessor": a.pk, "successor": b.pk}, format="json")
    assert response.status_code == 201


def test_a_cycle_is_a_409_naming_the_items_in_it(people, api, url, board):
    a, b, c = _items(people, board, "Design", "Build", "Test")
    services.dependency_create(actor=people.owner, predecessor=a.pk, successor=b.pk)
    services.dependency_create(actor=people.owner, predecessor=b.pk, successor=c.pk)
    response = api(people.member).post(url("dependencies/"),
                                       {"predecessor": c.pk, "successor": a.pk}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["fields"]["cycle"] == [c.pk, a.pk, b.pk, c.pk]
    for name in ("Design", "Build", "Test"):
        assert name in body["message"]
    assert Dependency.objects.count() == 2


def test_an_item_cannot_depend_on_itself(people, api, url, board):
    (a,) = _items(people, board, "A")
    response = api(people.member).post(url("dependencies/"),
                                       {"predecessor": a.pk, "successor": a.pk}, format="json")
    assert response.status_code == 400


def test_a_link_made_twice_is_a_409(people, api, url, board):
    a, b = _items(people, board, "A", "B")
    client = api(people.member)
    body = {"predecessor": a.pk, "successor": b.pk}
    assert client.post(url("dependencies/"), body, format="json").status_code == 201
    assert client.post(url("dependencies/"), body, format="json").status_code == 409


def test_items_of_another_workspace_cannot_be_linked(people, api, url, board):
    (a,) = _items(people, board, "A")
    foreign = ItemFactory()
    response = api(people.member).post(url("dependencies/"),
                                       {"predecessor": foreign.pk, "successor": a.pk},
                                       format="json")
    assert response.status_code == 400
    assert "predecessor" in response.json()["fields"]


def test_updating_an_end_checks_for_cycles_too(people, api, url, board):
    a, b, c = _items(people, board, "A", "B", "C")
    services.dependency_create(actor=people.owner, predecessor=a.pk, successor=b.pk)
    link = services.dependency_create(actor=people.owner, predecessor=b.pk, successor=c.pk)
    client = api(people.member)
    response = client.patch(url(f"dependencies/{link.pk}/"), {"successor": a.pk},
                            format="json")
    assert response.status_code == 409
    ok = client.patch(url(f"dependencies/{link.pk}/"), {"lag_days": 3, "type": "FF"},
                      format="json")
    assert ok.status_code == 200
    assert ok.json()["lag_days"] == 3


def test_deleting_a_dependency(people, api, url, board):
    a, b = _items(people, board, "A", "B")
    link = services.dependency_create(actor=people.owner, predecessor=a.pk, successor=b.pk)
    assert api(people.member).delete(url(f"dependencies/{link.pk}/")).status_code == 204
    assert not Dependency.objects.exists()


def test_links_into_a_private_board_are_hidden_from_outsiders_of_it(people, api, url, board,
                                                                   private_board):
    (a,) = _items(people, board, "A")
    (secret,) = _items(people, private_board, "Secret")
    link = services.dependency_create(actor=people.owner, predecessor=secret.pk,
                                      successor=a.pk)
    client = api(people.member)
    assert client.get(url("dependencies/")).json()["results"] == []
    assert client.get(url(f"dependencies/{link.pk}/")).status_code == 404


def test_find_cycle_walks_the_graph():
    edges = [(1, 2), (2, 3), (3, 4), (10, 11)]
    assert find_cycle(edges, 4, 1) == [4, 1, 2, 3, 4]
    assert find_cycle(edges, 1, 4) == []
    assert find_cycle(edges, 11, 10) == [11, 10, 11]
    assert find_cycle([], 5, 5) == [5, 5]


def test_dependency_list_query_count_does_not_grow_with_page_size(people, api, url, board):
    group = board.groups.get()
    for _ in range(30):
        DependencyFactory(predecessor=ItemFactory(board=board, group=group),
                          successor=ItemFactory(board=board, group=group))
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(f"dependencies/?page_size={size}"))
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
