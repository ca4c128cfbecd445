"""The search page and the search box: items (full text on name and description), boards and
projects the member may see, each linked; nothing from private boards or other workspaces;
odd input never fails; a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards import services
from boards.models import Privacy
from projects.services import project_create
from tests.factories import MembershipFactory


@pytest.fixture
def board(people):
    return services.board_create(actor=people.owner, name="Laptop requests",
                                 description="Hardware for new starters")


def _search(client, membership, q=None):
    client.force_login(membership.user)
    url = reverse("search-page", kwargs={"ws": membership.workspace.slug})
    response = client.get(url, {} if q is None else {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def _item(people, board, name, **fields):
    return services.item_create(actor=people.owner, board=board, fields={"name": name, **fields})


def test_items_boards_and_projects_are_found_and_linked(client, people, board):
    item = _item(people, board, "New laptop for Ana", description="A 14 inch laptop")
    _item(people, board, "Desk chair")
    project = project_create(actor=people.owner, name="Laptop refresh 2025")
    html = _search(client, people.member, "laptop")
    ws = people.workspace.slug
    assert f'href="/w/{ws}/items/{item.pk}/">New laptop for Ana</a>' in html
    assert f'href="/w/{ws}/boards/{board.pk}/">Laptop requests</a>' in html
    assert f'href="/w/{ws}/projects/{project.pk}/">Laptop refresh 2025</a>' in html
    assert "Desk chair" not in html
    assert "3 results for “laptop”" in html


def test_every_word_must_match_and_the_last_one_may_be_a_prefix(client, people, board):
    _item(people, board, "Replace office printer toner")
    _item(people, board, "Office chairs")
    html = _search(client, people.member, "office prin")
    assert "Replace office printer toner" in html and "Office chairs" not in html


def test_nothing_from_private_boards_or_other_workspaces(client, people):
    secret = services.board_create(actor=people.owner, name="Laptop budget (HR)",
                                   privacy=Privacy.PRIVATE)
    _item(people, secret, "Laptop for the CEO")
    elsewhere = services.board_create(actor=people.outsider, name="Laptop pool")
    services.item_create(actor=people.outsider, board=elsewhere, fields={"name": "Laptop X"})
    html = _search(client, people.member, "laptop")
    assert "Laptop for the CEO" not in html and "Laptop budget" not in html
    assert "Laptop pool" not in html and "Laptop X" not in html
    assert "Nothing found for “laptop”" in html
    assert "Laptop for the CEO" in _search(client, people.admin, "laptop")


def test_guests_find_only_what_is_shared_with_them(client, people, board):
    _item(people, board, "Laptop bag")
    assert "Laptop bag" not in _search(client, people.guest, "laptop")
    services.board_member_add(actor=people.owner, board=board, membership=people.guest,
                              role="viewer")
    assert "Laptop bag" in _search(client, people.guest, "laptop")


def test_an_empty_or_odd_query_never_fails(client, people, board):
    assert "Type a few words" in _search(client, people.member)
    assert "Nothing found" in _search(client, people.member, "%' OR 1=1 --")
    assert "Nothing found" in _search(client, people.member, "x" * 5000)
    assert "Nothing found" in _search(client, people.member, "\x00 <script>")
    assert "<script>" not in _search(client, people.member, "<script>alert(1)</script>")


def test_the_search_box_is_on_every_page_and_keeps_the_query(client, people, board):
    client.force_login(people.member.user)
    home = client.get(reverse("workspace-home", kwargs={"ws": people.workspace.slug}))
    assert f'action="/w/{people.workspace.slug}/search/"' in home.content.decode()
    assert 'id="site-search" name="q" value="desk"' in _search(client, people.member, "desk")


def test_the_query_count_does_not_grow_with_results(client, people, board):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _search(client, people.member, "pump")
        return len(queries)

    _item(people, board, "Pump 0")
    count()  # the first request fills per-process caches (content types, the session)
    few = count()
    other = services.board_create(actor=people.owner, name="Pump station")
    for n in range(15):
        _item(people, other, f"Pump check {n}", assignees=[MembershipFactory(
            workspace=people.workspace).pk])
        project_create(actor=people.owner, name=f"Pump project {n}")
    assert count() == few
