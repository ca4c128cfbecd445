"""Moving items: order within a group, other groups and statuses, other boards, in bulk."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards import services
from boards.models import Item
from tests.factories import ColumnFactory, ItemFactory
from workos.activity.models import Activity


def _items(people, board, n, **fields):
    return [services.item_create(actor=people.owner, board=board,
                                 fields={"name": f"T{i}", **fields}) for i in range(n)]


def _order(group):
    return list(Item.objects.filter(group=group).order_by("position", "id")
                .values_list("name", flat=True))


def test_moving_before_and_after_items_reorders_the_group(people, api, url, board):
    a, b, c, d = _items(people, board, 4)
    client = api(people.member)
    assert client.post(url(f"items/{d.pk}/move/"), {"before": b.pk},
                       format="json").status_code == 200
    assert _order(board.groups.get()) == ["T0", "T3", "T1", "T2"]
    assert client.post(url(f"items/{a.pk}/move/"), {"after": c.pk},
                       format="json").status_code == 200
    assert _order(board.groups.get()) == ["T3", "T1", "T2", "T0"]


def test_a_move_within_a_group_writes_one_item_row(people, api, url, board):
    items = _items(people, board, 20)
    client = api(people.member)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url(f"items/{items[15].pk}/move/"), {"before": items[3].pk},
                               format="json")
    assert response.status_code == 200
    item_updates = [q["sql"] for q in ctx.captured_queries
                    if q["sql"].startswith('UPDATE "boards_item"')]
    assert len(item_updates) == 1


def test_repeated_inserts_at_one_spot_trigger_a_rebalance_and_keep_order(people, board):
    first, _last = _items(people, board, 2)
    moved = _items(people, board, 40)
    # Each new one goes right after `first`, squeezing the same gap again and again.
    for item in moved:
        services.item_move(actor=people.owner, item=item, after=first.pk)
    order = _order(board.groups.get())
    assert order[0] == "T0" and order[-1] == "T1"
    assert order[1:-1] == [f"T{i}" for i in reversed(range(40))]
    assert max(len(p) for p in Item.objects.values_list("position", flat=True)) <= 24


def test_moving_to_another_group_and_status(people, api, url, board):
    (item,) = _items(people, board, 1)
    other = services.group_create(actor=people.owner, board=board, name="Later")
    done = board.statuses.get(category="done")
    body = api(people.member).post(url(f"items/{item.pk}/move/"),
                                   {"group": other.pk, "status": done.pk},
                                   format="json").json()
    assert body["group"] == other.pk
    assert body["status"] == done.pk
    assert body["completed_at"] is not None
    activity = Activity.objects.get(verb="item.moved", target_id=item.pk)
    assert activity.changes["group"] == [board.groups.first().pk, other.pk]


def test_moving_to_another_board_maps_status_drops_values_and_brings_sub_items(
    people, api, url, board
):
    ColumnFactory(board=board, key="cost", type="number", title="Cost")
    ColumnFactory(board=board, key="notes", type="text", title="Notes")
    target = services.board_create(actor=people.owner, name="Archive board")
    ColumnFactory(board=target, key="notes", type="text", title="Notes")
    in_progress = board.statuses.get(name="In progress")
    parent = services.item_create(
        actor=people.owner, board=board,
        fields={"name": "P", "status": in_progress.pk, "values": {"cost": 5, "notes": "n"}},
    )
    child = services.item_create(actor=people.owner, board=board,
                                 fields={"name": "C", "parent": parent.pk,
                                         "values": {"cost": 1}})
    response = api(people.member).post(url(f"items/{parent.pk}/move/"), {"board": target.pk},
                                       format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["board"] == target.pk
    assert body["status"] == target.statuses.get(name="In progress").pk
    assert body["group"] == target.groups.get().pk
    assert body["values"] == {"notes": "n"}
    activity = Activity.objects.filter(verb="item.moved", target_id=parent.pk).get()
    assert activity.changes["values"] == [{"cost": 5, "notes": "n"}, {"notes": "n"}]
    child.refresh_from_db()
    assert child.board == target
    assert child.parent_id == parent.pk
    assert child.values == {}


def test_a_status_without_a_namesake_maps_by_category(people, board):
    target = services.board_create(actor=people.owner, name="Other")
    target.statuses.filter(name="In progress").update(name="Doing")
    (item,) = _items(people, board, 1, status=board.statuses.get(name="In progress").pk)
    moved = services.item_move(actor=people.owner, item=item, board=target)
    assert moved.status.name == "Doing"


def test_moving_needs_write_access_to_the_target_board(people, api, url, board,
                                                       private_board):
    (item,) = _items(people, board, 1)
    response = api(people.member).post(url(f"items/{item.pk}/move/"),
                                       {"board": private_board.pk}, format="json")
    assert response.status_code == 404


def test_a_neighbour_from_another_group_than_the_one_named_is_a_400(people, api, url, board):
    a, b = _items(people, board, 2)
    other = services.group_create(actor=people.owner, board=board, name="Other")
    response = api(people.member).post(url(f"items/{a.pk}/move/"),
                                       {"group": other.pk, "before": b.pk}, format="json")
    assert response.status_code == 400


def test_move_honours_if_match(people, api, url, board):
    a, b = _items(people, board, 2)
    response = api(people.member).post(url(f"items/{a.pk}/move/"), {"after": b.pk},
                                       format="json", HTTP_IF_MATCH="7")
    assert response.status_code == 412
    assert response.json()["current"]["id"] == a.pk


# --- bulk -------------------------------------------------------------------------------


def test_bulk_update_changes_every_item_in_one_activity_write(people, api, url, board):
    items = _items(people, board, 5)
    Activity.objects.all().delete()
    response = api(people.member).post(url("items/bulk/"), {
        "ids": [i.pk for i in items], "action": "update",
        "fields": {"priority": "high", "assignees": [people.member.pk]},
    }, format="json")
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert {r["priority"] for r in results} == {"high"}
    assert {tuple(r["assignees"]) for r in results} == {(people.member.pk,)}
    assert {r["version"] for r in results} == {2}
    assert Activity.objects.filter(verb="item.updated").count() == 5


def test_bulk_is_all_or_nothing(people, api, url, board):
    items = _items(people, board, 3)
    other = services.board_create(actor=people.owner, name="Other")
    foreign = services.item_create(actor=people.owner, board=other, fields={"name": "F"})
    # The group exists only on the first board, so the other board's item cannot take it.
    response = api(people.member).post(url("items/bulk/"), {
        "ids": [*(i.pk for i in items), foreign.pk], "action": "update",
        "fields": {"group": board.groups.get().pk, "priority": "urgent"},
    }, format="json")
    assert response.status_code == 400
    assert str(foreign.pk) in response.json()["fields"]["items"]
    assert not Item.objects.filter(priority="urgent").exists()


def test_bulk_with_an_unknown_id_changes_nothing(people, api, url, board):
    items = _items(people, board, 2)
    response = api(people.member).post(url("items/bulk/"), {
        "ids": [items[0].pk, 999999], "action": "archive"}, format="json")
    assert response.status_code == 404
    assert not Item.objects.filter(archived_at__isnull=False).exists()


def test_bulk_refuses_more_than_500_ids(people, api, url, board):
    response = api(people.member).post(url("items/bulk/"), {
        "ids": list(range(1, 502)), "action": "archive"}, format="json")
    assert response.status_code == 400


def test_bulk_move_appends_in_the_given_order(people, api, url, board):
    items = _items(people, board, 4)
    later = services.group_create(actor=people.owner, board=board, name="Later")
    ItemFactory(board=board, group=later, name="Already there", position="i5")
    response = api(people.member).post(url("items/bulk/"), {
        "ids": [items[2].pk, items[0].pk], "action": "move", "move": {"group": later.pk},
    }, format="json")
    assert response.status_code == 200, response.content
    assert _order(later) == ["Already there", "T2", "T0"]


def test_bulk_archive_and_restore(people, api, url, board):
    items = _items(people, board, 3)
    client = api(people.member)
    ids = [i.pk for i in items]
    client.post(url("items/bulk/"), {"ids": ids, "action": "archive"}, format="json")
    assert Item.objects.filter(archived_at__isnull=False).count() == 3
    client.post(url("items/bulk/"), {"ids": ids, "action": "restore"}, format="json")
    assert Item.objects.filter(archived_at__isnull=False).count() == 0


def test_bulk_stops_at_an_item_a_contributor_may_not_change(people, api, url, private_board):
    from tests.factories import BoardMemberFactory

    BoardMemberFactory(board=private_board, membership=people.member, role="contributor")
    mine = services.item_create(actor=people.owner, board=private_board,
                                fields={"name": "Mine", "assignees": [people.member.pk]})
    theirs = services.item_create(actor=people.owner, board=private_board,
                                  fields={"name": "Theirs"})
    response = api(people.member).post(url("items/bulk/"), {
        "ids": [mine.pk, theirs.pk], "action": "update", "fields": {"priority": "low"},
    }, format="json")
    assert response.status_code == 403
    assert str(theirs.pk) in response.json()["message"]
    assert Item.objects.get(pk=mine.pk).priority == "none"


def test_a_kanban_drag_orders_the_card_among_its_status_and_keeps_its_group(people, api, url,
                                                                          board):
    todo = board.statuses.get(name="To do")
    doing = board.statuses.get(name="In progress")
    other = services.group_create(actor=people.owner, board=board, name="Other")
    first = services.item_create(actor=people.owner, board=board,
                                 fields={"name": "First", "status": doing.pk})
    second = services.item_create(actor=people.owner, board=board,
                                  fields={"name": "Second", "status": doing.pk,
                                          "group": other.pk})
    card = services.item_create(actor=people.owner, board=board,
                                fields={"name": "Card", "status": todo.pk})
    response = api(people.member).post(url(f"items/{card.pk}/move/"),
                                       {"status": doing.pk, "after": first.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["group"] == card.group_id
    lane = list(Item.objects.filter(status=doing).order_by("position", "id")
                .values_list("name", flat=True))
    assert lane == ["First", "Card", "Second"]
    assert second.group == other
