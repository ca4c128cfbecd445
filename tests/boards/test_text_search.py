"""Searching items by words of their name and description."""

import pytest

from tests.factories import BoardFactory, ItemFactory


@pytest.fixture
def searchable(people):
    board = BoardFactory(workspace=people.workspace)
    make = lambda name, description="": ItemFactory(  # noqa: E731
        board=board, name=name, description=description
    )
    return {
        "laptop": make("New laptop for Maria", "Replace the broken 13-inch model"),
        "vpn": make("VPN drops every hour", "Berlin office, since the router update"),
        "review": make("Quarterly review", "Collect laptop inventory numbers"),
        "other": make("Office party"),
    }


def _search(api, people, text):
    url = f"/api/v1/workspaces/{people.workspace.slug}/items/"
    response = api(people.member).get(url, {"q": text})
    assert response.status_code == 200
    return {row["name"] for row in response.json()["results"]}


def test_a_word_matches_name_and_description(api, people, searchable):
    assert _search(api, people, "laptop") == {"New laptop for Maria", "Quarterly review"}


def test_every_word_must_match(api, people, searchable):
    assert _search(api, people, "berlin router") == {"VPN drops every hour"}
    assert _search(api, people, "berlin laptop") == set()


def test_the_last_word_matches_as_a_prefix_while_typing(api, people, searchable):
    assert _search(api, people, "vpn dro") == {"VPN drops every hour"}


def test_search_syntax_in_the_query_is_only_text(api, people, searchable):
    assert _search(api, people, "office & | ! :* (") == {"VPN drops every hour", "Office party"}
    assert _search(api, people, "'; DROP TABLE boards_item; --") == set()


def test_the_index_and_the_query_use_the_same_expression():
    import importlib

    from boards.selectors.text_search import ITEM_TSVECTOR

    migration = importlib.import_module("boards.migrations.0004_item_text_search")
    assert migration.ITEM_TSVECTOR == ITEM_TSVECTOR
