"""Where a move puts an item, what it answers, and what it costs."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards import services
from boards.models import Item
from tests.factories import ColumnFactory
from workos.activity.models import Activity


def _items(people, board, n, **fields):
    return [services.item_create(actor=people.owner, board=board,
                                 fields={"name": f"T{i}", **fields}) for i in range(n)]


def _order(board):
    return list(Item.objects.filter(board=board).order_by("position", "id")
                .values_list("name", flat=True))


def test_before_the_first_and_after_the_last_item(people, api, url, board):
    a, b, c = _items(people, board, 3)
    client = api(people.member)
    assert client.post(url(f"items/{c.pk}/move/"), {"before": a.pk},
                       format="json").status_code == 200
    assert _order(board) == ["T2", "T0", "T1"]
    assert client.post(url(f"items/{c.pk}/move/"), {"after": b.pk},
                       format="json").status_code == 200
    assert _order(board) == ["T0", "T1", "T2"]


def test_between_neighbours_that_share_a_rank_renumbers_and_keeps_their_order(people, board):
    _a, b, c, d = _items(people, board, 4)
    Item.objects.filter(pk__in=[b.pk, c.pk]).update(position=b.position)
    services.item_move(actor=people.owner, item=d, after=b.pk)
    assert _order(board) == ["T0", "T1", "T3", "T2"]
    positions = list(Item.objects.filter(board=board).values_list("position", flat=True))
    assert len(set(positions)) == 4


def test_a_kanban_drag_into_the_no_status_lane_orders_among_cards_without_status(
    people, api, url, board
):
    todo = board.statuses.order_by("position").first()
    plain = _items(people, board, 3, status=None)
    busy = _items(people, board, 1, status=todo.pk)[0]
    body = api(people.member).post(url(f"items/{busy.pk}/move/"),
                                   {"status": None, "before": plain[1].pk},
                                   format="json").json()
    assert body["status"] is None
    lane = list(Item.objects.filter(board=board, status__isnull=True)
                .order_by("position", "id").values_list("pk", flat=True))
    assert lane == [plain[0].pk, busy.pk, plain[1].pk, plain[2].pk]


def test_a_neighbour_that_is_not_on_the_board_or_is_the_item_is_a_400(people, api, url, board):
    (item,) = _items(people, board, 1)
    other = services.board_create(actor=people.owner, name="Elsewhere")
    (stranger,) = _items(people, other, 1)
    client = api(people.member)
    response = client.post(url(f"items/{item.pk}/move/"), {"after": stranger.pk}, format="json")
    assert response.status_code == 400
    assert f"no item {stranger.pk}" in response.json()["message"]
    response = client.post(url(f"items/{item.pk}/move/"), {"after": item.pk}, format="json")
    assert response.status_code == 400


def test_an_item_of_another_workspace_is_a_404_like_a_missing_one(people, api, url, board):
    (item,) = _items(people, board, 1)
    outsider = api(people.outsider)
    slug = people.outsider.workspace.slug
    hidden = outsider.post(url(f"items/{item.pk}/move/", slug=slug), {}, format="json")
    missing = outsider.post(url("items/999999/move/", slug=slug), {}, format="json")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_the_answer_shows_the_assignees_and_computed_values(people, api, url, board):
    ColumnFactory(board=board, key="cost", type="number")
    ColumnFactory(board=board, key="double", type="formula",
                  settings={"expression": "{cost} * 2"})
    a, b = _items(people, board, 2, values={"cost": 4}, assignees=[people.member.pk])
    body = api(people.member).post(url(f"items/{b.pk}/move/"), {"before": a.pk},
                                   format="json").json()
    assert body["assignees"] == [people.member.pk]
    assert body["values"] == {"cost": 4, "double": 8}
    assert body["version"] == b.version + 1
    activity = Activity.objects.filter(verb="item.moved", target_id=b.pk).get()
    assert list(activity.changes) == ["position"]


def test_a_move_keeps_time_tracked_by_others_meanwhile(people, board):
    a, b = _items(people, board, 2)
    Item.objects.filter(pk=b.pk).update(tracked_minutes=90)  # written since b was read
    services.item_move(actor=people.owner, item=b, before=a.pk)
    assert Item.objects.get(pk=b.pk).tracked_minutes == 90


def test_a_move_between_two_items_reads_and_writes_little(people, api, url, board, token_for):
    a, b, c = _items(people, board, 3)
    client = api(token=token_for(people.member))
    client.post(url(f"items/{c.pk}/move/"), {"after": a.pk}, format="json")  # token recorded
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url(f"items/{a.pk}/move/"), {"after": b.pk}, format="json")
    assert response.status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    # Token; the item's visibility; then in one transaction the locked item (with its
    # assignees), the neighbour with the rank beyond it, one UPDATE and one Activity INSERT.
    statements = [s for s in sqls if s not in {"BEGIN", "COMMIT"}
                  and not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) <= (6 if connection.vendor == "postgresql" else 7), sqls
    assert sum(s.startswith('UPDATE "boards_item"') for s in statements) == 1
