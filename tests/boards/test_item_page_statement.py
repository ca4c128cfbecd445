"""The item list's hand-written page statement answers exactly what the ORM path answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards import selectors, services
from boards.computed import HAS_COMPUTED
from boards.selectors import ItemFilters
from boards.selectors.item_page import ItemRowsStatement
from tests.factories import (
    BoardFactory,
    BoardMemberFactory,
    ColumnFactory,
    GroupFactory,
    ItemFactory,
    StatusFactory,
)


@pytest.fixture
def spread(people):
    """Items on a workspace board, a private board the guest is a member of, a private board
    nobody else is on, a deleted board and another workspace's board."""
    open_board = BoardFactory(workspace=people.workspace, name="Open")
    shared = BoardFactory(workspace=people.workspace, name="Shared", privacy="private")
    BoardMemberFactory(board=shared, membership=people.guest, role="viewer")
    hidden = BoardFactory(workspace=people.workspace, name="Hidden", privacy="private")
    gone = BoardFactory(workspace=people.workspace, name="Gone",
                        deleted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    foreign = BoardFactory(workspace=people.outsider.workspace, name="Foreign")
    boards = [open_board, shared, hidden, gone, foreign]
    for board in boards:
        group = GroupFactory(board=board)
        status = StatusFactory(board=board)
        for n in range(6):
            item = ItemFactory(board=board, group=group, status=status if n % 2 else None,
                               name=f"{'ab'[n % 2]} {board.name}",
                               due_date=dt.date(2026, 3, 1 + n) if n % 3 else None,
                               archived_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
                               if n == 5 else None)
            if n % 2:
                item.assignees.add(people.member)
        ItemFactory(board=board, group=group, parent=board.items.first(), name="sub")
    return {b.name: b for b in boards}


def _both(membership, filters: ItemFilters, sort: list[str]) -> tuple[list, list]:
    statement = selectors.item_rows_page(workspace=membership.workspace, membership=membership,
                                         filters=filters, sort=sort)
    assert isinstance(statement, ItemRowsStatement)
    by_orm = selectors.item_list(workspace=membership.workspace, membership=membership,
                                 filters=filters, rows=True).order_by(*sort)
    return list(statement.order_by(*sort)[0:500]), list(by_orm[0:500])


@pytest.mark.parametrize("role", ["owner", "member", "guest", "outsider"])
@pytest.mark.parametrize(("filters", "sort"), [
    (ItemFilters(), ["id"]),
    (ItemFilters(archived=True), ["-id"]),
    (ItemFilters(archived=None), ["name", "id"]),
    (ItemFilters(top_level=True), ["-name", "-id"]),
    (ItemFilters(due_before=dt.date(2026, 3, 4), due_after=dt.date(2026, 3, 1)),
     ["position", "id"]),
    (ItemFilters(updated_after=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)), ["-updated_at", "-id"]),
])
def test_the_statement_sees_what_the_orm_sees(people, spread, role, filters, sort):
    membership = people.of(role)
    by_statement, by_orm = _both(membership, filters, sort)
    assert [row[0] for row in by_statement] == [row[0] for row in by_orm]
    assert by_statement  # every role sees some items
    names = {row[4].split(" ", 1)[-1] for row in by_statement}
    assert "Gone" not in names
    assert ("Foreign" in names) == (role == "outsider")
    assert ("Hidden" in names) == (role == "owner")


def test_the_statement_filters_like_the_orm(people, spread):
    board = spread["Open"]
    status = board.statuses.get()
    item = board.items.filter(parent__isnull=True).first()
    for filters in [
        ItemFilters(board=board.pk),
        ItemFilters(board=board.pk, status=status.pk),
        ItemFilters(group=board.groups.get().pk),
        ItemFilters(assignee=people.member.pk),
        ItemFilters(board=board.pk, parent=item.pk),
    ]:
        by_statement, by_orm = _both(people.owner, filters, ["id"])
        assert [r[0] for r in by_statement] == [r[0] for r in by_orm], filters
        rows = {r[0]: r for r in by_statement}
        for row in by_orm:
            assert rows[row[0]][:19] == row[:19]


@pytest.mark.parametrize("role", ["owner", "member", "guest", "outsider"])
@pytest.mark.parametrize("sort", [["id"], ["-id"], ["position", "id"], ["-name", "-id"],
                                  ["updated_at", "id"]])
def test_a_boards_plain_page_sees_what_the_orm_sees(people, spread, role, sort):
    membership = people.of(role)
    seen = set()
    for board in spread.values():
        statement = selectors.item_rows_page(
            workspace=membership.workspace, membership=membership,
            filters=ItemFilters(board=board.pk), sort=sort)
        assert statement.board_scan
        by_statement, by_orm = _both(membership, ItemFilters(board=board.pk), sort)
        assert [row[0] for row in by_statement] == [row[0] for row in by_orm], board.name
        if by_statement:
            seen.add(board.name)
    assert seen  # every role sees some board
    assert "Gone" not in seen
    assert ("Foreign" in seen) == (role == "outsider")
    assert ("Hidden" in seen) == (role == "owner")


@pytest.mark.parametrize(("sort", "lookup"), [
    (["id"], "id__gt"), (["-id"], "id__lt"), (["position", "id"], "position__gte"),
    (["-name", "-id"], "name__lt"),
])
def test_a_boards_plain_page_continues_after_a_cursor_like_the_orm(people, spread, sort,
                                                                   lookup):
    board = spread["Open"]
    items = list(board.items.filter(archived_at__isnull=True).order_by(*sort))
    middle = items[1]
    position = getattr(middle, lookup.split("__")[0])
    statement = selectors.item_rows_page(workspace=people.workspace, membership=people.owner,
                                         filters=ItemFilters(board=board.pk), sort=sort)
    by_orm = selectors.item_list(workspace=people.workspace, membership=people.owner,
                                 filters=ItemFilters(board=board.pk), rows=True)
    page = statement.order_by(*sort).filter(**{lookup: str(position)})[0:3]
    expected = by_orm.order_by(*sort).filter(**{lookup: position})[0:3]
    assert [row[0] for row in page] == [row[0] for row in expected]
    assert page


def test_narrowed_or_archived_lists_are_no_board_scan(people, spread):
    board = spread["Open"]
    for filters in [ItemFilters(), ItemFilters(board=board.pk, archived=None),
                    ItemFilters(board=board.pk, status=board.statuses.get().pk),
                    ItemFilters(board=board.pk, top_level=True)]:
        rows = selectors.item_rows_page(workspace=people.workspace, membership=people.owner,
                                        filters=filters, sort=["id"])
        assert not rows.board_scan, filters


def test_search_value_filters_and_sort_keys_take_the_orm(people, spread):
    for filters, sort in [(ItemFilters(q="Open"), ["id"]),
                          (ItemFilters(status_category="todo"), ["id"]),
                          (ItemFilters(), ["due_sort", "id"])]:
        rows = selectors.item_rows_page(workspace=people.workspace, membership=people.owner,
                                        filters=filters, sort=sort)
        assert not isinstance(rows, ItemRowsStatement)


@pytest.mark.parametrize("ordering", ["name", "-name", "-updated_at", "position", "-id"])
def test_cursor_pages_over_repeated_names_cover_every_item_once(people, api, url, board,
                                                                 ordering):
    group = board.groups.get()
    for n in range(13):
        ItemFactory(board=board, group=group, name=f"same {n % 3}")
    client = api(people.member)
    page = client.get(url(f"items/?board={board.pk}&ordering={ordering}&page_size=4")).json()
    forward = [i["id"] for i in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        forward += [i["id"] for i in page["results"]]
    assert sorted(forward) == sorted(board.items.values_list("id", flat=True))
    assert len(forward) == len(set(forward))
    if ordering in {"position", "-id"}:
        # Back again by `previous` (with a unique first sort field; DRF's cursors do not
        # page backwards through ties).
        backward = [i["id"] for i in page["results"]]
        while page["previous"]:
            page = client.get(page["previous"]).json()
            backward = [i["id"] for i in page["results"]] + backward
        assert backward == forward


def test_a_page_of_a_board_without_computed_columns_reads_no_column_definitions(
    people, api, url, board
):
    ItemFactory(board=board, group=board.groups.get(), values={"note": "kept as written"})
    client = api(people.member)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(url(f"items/?board={board.pk}")).json()
    assert body["results"][0]["values"] == {"note": "kept as written"}
    assert not [q for q in ctx.captured_queries if "boards_column" in q["sql"]
                and "EXISTS" not in q["sql"]]


def test_a_page_of_a_board_with_a_formula_computes_it(people, api, url, board):
    ColumnFactory(board=board, key="cost", type="number")
    ColumnFactory(board=board, key="double", type="formula",
                  settings={"expression": "{cost} * 2"})
    ItemFactory(board=board, group=board.groups.get(), values={"cost": 21})
    client = api(people.member)
    listed = client.get(url(f"items/?board={board.pk}")).json()["results"]
    assert listed[0]["values"] == {"cost": 21, "double": 42}
    across = client.get(url("items/")).json()["results"]
    assert across[0]["values"] == {"cost": 21, "double": 42}


def test_one_item_knows_whether_its_board_computes_columns(people, board):
    item = ItemFactory(board=board, group=board.groups.get())
    one = selectors.item_one_queryset(workspace=people.workspace, membership=people.member)
    assert getattr(one.get(pk=item.pk), HAS_COMPUTED) is False
    ColumnFactory(board=board, key="total", type="formula", settings={"expression": "1"})
    assert getattr(one.get(pk=item.pk), HAS_COMPUTED) is True


def test_reading_one_item_of_a_plain_board_with_a_token_takes_two_queries(
    people, api, url, board, token_for
):
    item = services.item_create(actor=people.owner, board=board, fields={"name": "One"})
    item.assignees.add(people.member)
    client = api(token=token_for(people.member))
    client.get(url(f"items/{item.pk}/"))  # the token's first use is recorded (once a minute)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url(f"items/{item.pk}/"))
    assert response.status_code == 200
    assert response.json()["assignees"] == [people.member.pk]
    # The token with its user, workspace and membership; the item with its assignees (one
    # more query where the database has no arrays).
    assert len(ctx.captured_queries) == (2 if connection.vendor == "postgresql" else 3)


def test_a_boards_page_takes_the_same_queries_for_any_page_size(people, api, url, board,
                                                                token_for):
    group = board.groups.get()
    for n in range(60):
        ItemFactory(board=board, group=group, values={"n": n}).assignees.add(people.member)
    client = api(token=token_for(people.member))
    client.get(url(f"items/?board={board.pk}"))  # the token's use is recorded once a minute
    counts = []
    for size in (5, 50):
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url(f"items/?board={board.pk}&page_size={size}")).json()
        assert len(body["results"]) == size
        assert body["results"][0]["assignees"] == [people.member.pk]
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    # The token with its membership, then the page with its assignees (and, where the
    # database has no arrays, the assignees on their own).
    assert counts[0] == (2 if connection.vendor == "postgresql" else 3)
