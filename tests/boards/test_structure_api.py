"""A board's groups, statuses and columns through the nested routes."""

from __future__ import annotations

from boards import services
from boards.models import Column, Group, Item, Status
from tests.factories import ColumnFactory, ItemFactory
from workos.activity.models import Activity


def test_groups_are_added_in_order_and_placed_before_others(people, api, url, board):
    client = api(people.member)
    base = url(f"boards/{board.pk}/groups/")
    first = board.groups.get()
    later = client.post(base, {"name": "Later"}, format="json").json()
    urgent = client.post(base, {"name": "Urgent", "before": first.pk}, format="json").json()
    names = [g["name"] for g in client.get(base).json()["results"]]
    assert names == ["Urgent", "Tasks", "Later"]
    assert urgent["board"] == board.pk and later["position"] > urgent["position"]


def test_a_group_with_items_is_deleted_only_with_somewhere_to_move_them(people, api, url,
                                                                       board):
    client = api(people.member)
    first = board.groups.get()
    item = services.item_create(actor=people.owner, board=board, fields={"name": "Keep"})
    other = services.group_create(actor=people.owner, board=board, name="Other")
    refused = client.delete(url(f"boards/{board.pk}/groups/{first.pk}/"))
    assert refused.status_code == 409
    assert "move_to" in refused.json()["message"]
    ok = client.delete(url(f"boards/{board.pk}/groups/{first.pk}/?move_to={other.pk}"))
    assert ok.status_code == 204
    assert Item.objects.get(pk=item.pk).group == other
    assert not Group.objects.filter(pk=first.pk).exists()


def test_status_names_are_unique_per_board(people, api, url, board):
    response = api(people.member).post(url(f"boards/{board.pk}/statuses/"),
                                       {"name": "done", "category": "done"}, format="json")
    assert response.status_code == 409


def test_a_status_is_added_at_a_position_with_a_wip_limit(people, api, url, board):
    client = api(people.member)
    response = client.post(url(f"boards/{board.pk}/statuses/"), {
        "name": "Review", "category": "in_progress", "position": 3, "wip_limit": 4,
    }, format="json")
    assert response.status_code == 201, response.content
    names = list(Status.objects.filter(board=board).order_by("position")
                 .values_list("name", flat=True))
    assert names == ["Backlog", "To do", "In progress", "Review", "Done", "Cancelled"]
    bad = client.post(url(f"boards/{board.pk}/statuses/"),
                      {"name": "X", "category": "later"}, format="json")
    assert bad.status_code == 400


def test_changing_a_status_category_to_done_completes_its_items(people, api, url, board):
    review = services.status_create(actor=people.owner, board=board, name="Review",
                                    category="in_progress")
    item = services.item_create(actor=people.owner, board=board,
                                fields={"name": "x", "status": review.pk})
    api(people.member).patch(url(f"boards/{board.pk}/statuses/{review.pk}/"),
                             {"category": "done"}, format="json")
    assert Item.objects.get(pk=item.pk).completed_at is not None


def test_deleting_a_status_moves_its_items(people, api, url, board):
    todo = board.statuses.get(name="To do")
    backlog = board.statuses.get(name="Backlog")
    item = services.item_create(actor=people.owner, board=board,
                                fields={"name": "x", "status": todo.pk})
    response = api(people.member).delete(
        url(f"boards/{board.pk}/statuses/{todo.pk}/?move_to={backlog.pk}"))
    assert response.status_code == 204
    assert Item.objects.get(pk=item.pk).status == backlog


def test_a_column_gets_a_key_from_its_title_and_validated_settings(people, api, url, board):
    client = api(people.member)
    response = client.post(url(f"boards/{board.pk}/columns/"),
                           {"title": "Due Cost (€)", "type": "number"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["key"] == "due_cost"
    again = client.post(url(f"boards/{board.pk}/columns/"),
                        {"title": "Due cost", "type": "number"}, format="json")
    assert again.json()["key"] == "due_cost_2"
    clash = client.post(url(f"boards/{board.pk}/columns/"),
                        {"title": "X", "type": "text", "key": "due_cost"}, format="json")
    assert clash.status_code == 409
    unknown = client.post(url(f"boards/{board.pk}/columns/"),
                          {"title": "X", "type": "hologram"}, format="json")
    assert unknown.status_code == 400
    assert "hologram" in unknown.json()["message"]
    bad_key = client.post(url(f"boards/{board.pk}/columns/"),
                          {"title": "X", "type": "text", "key": "Bad Key"}, format="json")
    assert bad_key.status_code == 400


def test_changing_a_column_type_converts_values_and_reports_failures(people, api, url,
                                                                    board):
    column = ColumnFactory(board=board, key="size", type="text", title="Size")
    group = board.groups.get()
    fits = ItemFactory(board=board, group=group, values={"size": "42"})
    wordy = ItemFactory(board=board, group=group, values={"size": "large"})
    response = api(people.member).patch(url(f"boards/{board.pk}/columns/{column.pk}/"),
                                        {"type": "number"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["type"] == "number"
    assert response.json()["unconverted"] == [wordy.pk]
    fits.refresh_from_db()
    wordy.refresh_from_db()
    assert fits.values == {"size": 42}
    assert wordy.values == {}
    activity = Activity.objects.get(verb="column.updated", target_id=column.pk)
    assert activity.data["unconverted"] == {str(wordy.pk): "large"}


def test_a_column_key_is_fixed(people, api, url, board):
    column = ColumnFactory(board=board, key="size", type="text")
    response = api(people.member).patch(url(f"boards/{board.pk}/columns/{column.pk}/"),
                                        {"key": "other"}, format="json")
    assert response.status_code == 400


def test_deleting_a_column_strips_its_values(people, api, url, board):
    column = ColumnFactory(board=board, key="size", type="text")
    item = ItemFactory(board=board, group=board.groups.get(), values={"size": "S", "x": 1})
    assert api(people.member).delete(
        url(f"boards/{board.pk}/columns/{column.pk}/")).status_code == 204
    assert Item.objects.get(pk=item.pk).values == {"x": 1}
    assert not Column.objects.filter(pk=column.pk).exists()


def test_a_nested_route_of_another_board_is_not_found(people, api, url, board):
    other = services.board_create(actor=people.owner, name="Other")
    group = other.groups.get()
    response = api(people.member).get(url(f"boards/{board.pk}/groups/{group.pk}/"))
    assert response.status_code == 404
