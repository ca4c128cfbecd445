"""Boards through the API: create, read, change, archive, delete and restore, duplicate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boards import services
from boards.models import Board, Item
from tests.factories import BoardFactory, ColumnFactory, ItemFactory, MembershipFactory
from workos.activity.models import Activity


def test_creating_a_board_gives_it_default_statuses_and_a_group(people, api, url):
    response = api(people.member).post(url("boards/"), {"name": "IT requests"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "IT requests"
    assert body["privacy"] == "workspace"
    assert body["role"] == "editor"
    board = Board.objects.get(pk=body["id"])
    assert [(s.name, s.category) for s in board.statuses.all()] == [
        ("Backlog", "backlog"), ("To do", "todo"), ("In progress", "in_progress"),
        ("Done", "done"), ("Cancelled", "cancelled"),
    ]
    assert [g.name for g in board.groups.all()] == ["Tasks"]
    assert board.created_by == people.member
    assert Activity.objects.filter(verb="board.created", target_id=board.pk).exists()


def test_a_board_can_start_with_named_groups(people, api, url):
    response = api(people.member).post(
        url("boards/"), {"name": "Hiring", "groups": ["Open", "Interviewing", "Closed"]},
        format="json",
    )
    board = Board.objects.get(pk=response.json()["id"])
    assert [g.name for g in board.groups.order_by("position")] == [
        "Open", "Interviewing", "Closed"]


def test_a_board_needs_a_name(people, api, url):
    response = api(people.member).post(url("boards/"), {"name": "  "}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "name" in response.json()["fields"]


def test_a_bad_privacy_is_a_400_naming_the_choices(people, api, url):
    response = api(people.member).post(url("boards/"), {"name": "X", "privacy": "secret"},
                                       format="json")
    assert response.status_code == 400
    assert "privacy" in response.json()["fields"]


def test_guests_cannot_create_boards(people, api, url):
    response = api(people.guest).post(url("boards/"), {"name": "Mine"}, format="json")
    assert response.status_code == 403
    assert "member role" in response.json()["message"]


def test_read_only_tokens_cannot_create_boards(people, api, url, token_for):
    client = api(token=token_for(people.owner, read_only=True))
    assert client.post(url("boards/"), {"name": "X"}, format="json").status_code == 403
    assert client.get(url("boards/")).status_code == 200


def test_members_rename_a_workspace_board(people, api, url, board):
    response = api(people.member).patch(url(f"boards/{board.pk}/"),
                                        {"name": "Roadmap 2027"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Roadmap 2027"
    activity = Activity.objects.get(verb="board.updated", target_id=board.pk)
    assert activity.changes == {"name": ["Roadmap", "Roadmap 2027"]}


def test_an_unchanged_patch_records_nothing(people, api, url, board):
    api(people.member).patch(url(f"boards/{board.pk}/"), {"name": "Roadmap"}, format="json")
    assert not Activity.objects.filter(verb="board.updated").exists()


def test_archived_boards_leave_the_list_and_become_read_only(people, api, url, board):
    client = api(people.member)
    assert client.post(url(f"boards/{board.pk}/archive/")).status_code == 200
    ids = [b["id"] for b in client.get(url("boards/")).json()["results"]]
    assert board.pk not in ids
    archived = [b["id"] for b in client.get(url("boards/?archived=true")).json()["results"]]
    assert archived == [board.pk]
    blocked = client.post(url("items/"), {"board": board.pk, "name": "Late"}, format="json")
    assert blocked.status_code == 409
    assert "archived" in blocked.json()["message"]
    assert client.post(url(f"boards/{board.pk}/restore/")).status_code == 200
    assert client.post(url("items/"), {"board": board.pk, "name": "Late"},
                       format="json").status_code == 201


def test_deleting_a_board_hides_it_and_its_items_until_restored(people, api, url, board):
    item = services.item_create(actor=people.owner, board=board, fields={"name": "Keep me"})
    client = api(people.owner)
    assert client.delete(url(f"boards/{board.pk}/")).status_code == 204
    assert client.get(url(f"boards/{board.pk}/")).status_code == 404
    assert client.get(url(f"items/{item.pk}/")).status_code == 404
    assert Item.objects.filter(pk=item.pk).exists()
    assert client.post(url(f"boards/{board.pk}/restore/")).status_code == 200
    assert client.get(url(f"items/{item.pk}/")).status_code == 200


def test_a_board_deleted_over_30_days_ago_cannot_be_restored(people, api, url, board):
    Board.objects.filter(pk=board.pk).update(
        deleted_at=timezone.now() - dt.timedelta(days=31))
    assert api(people.owner).post(url(f"boards/{board.pk}/restore/")).status_code == 404


def test_only_admins_and_the_creator_delete_a_board(people, api, url):
    board = services.board_create(actor=people.member, name="Mine")
    other = services.board_create(actor=people.admin, name="Theirs")
    client = api(people.member)
    assert client.delete(url(f"boards/{other.pk}/")).status_code == 403
    assert client.delete(url(f"boards/{board.pk}/")).status_code == 204


def test_duplicating_copies_the_structure_only_by_default(people, api, url, board):
    ColumnFactory(board=board, key="cost", type="number", title="Cost")
    services.item_create(actor=people.owner, board=board, fields={"name": "A"})
    response = api(people.member).post(url(f"boards/{board.pk}/duplicate/"), {}, format="json")
    assert response.status_code == 201
    copy = Board.objects.get(pk=response.json()["id"])
    assert copy.name == "Roadmap (copy)"
    assert list(copy.statuses.values_list("name", flat=True)) == list(
        board.statuses.values_list("name", flat=True))
    assert list(copy.columns.values_list("key", flat=True)) == ["cost"]
    assert copy.items.count() == 0


def test_duplicating_with_items_keeps_parents_assignees_and_dependencies(people, api, url,
                                                                         board):
    parent = services.item_create(actor=people.owner, board=board,
                                  fields={"name": "Parent", "assignees": [people.member.pk]})
    child = services.item_create(actor=people.owner, board=board,
                                 fields={"name": "Child", "parent": parent.pk})
    services.dependency_create(actor=people.owner, predecessor=parent.pk, successor=child.pk)
    response = api(people.member).post(url(f"boards/{board.pk}/duplicate/"),
                                       {"name": "Copy", "with_items": True}, format="json")
    copy = Board.objects.get(pk=response.json()["id"])
    new_parent = copy.items.get(name="Parent")
    new_child = copy.items.get(name="Child")
    assert new_child.parent == new_parent
    assert list(new_parent.assignees.values_list("id", flat=True)) == [people.member.pk]
    assert new_child.predecessor_links.get().predecessor == new_parent
    assert new_parent.status.board == copy


def test_sorting_boards_by_an_unknown_field_is_a_400(people, api, url, board):
    response = api(people.member).get(url("boards/?ordering=workspace__name"))
    assert response.status_code == 400
    assert "Cannot sort by workspace__name" in response.json()["message"]


@pytest.mark.parametrize("path", ["boards/", "boards/{board}/groups/",
                                  "boards/{board}/statuses/", "boards/{board}/columns/",
                                  "boards/{board}/members/"])
def test_board_list_query_counts_do_not_grow_with_page_size(people, api, url, board, path):
    for n in range(30):
        BoardFactory(workspace=people.workspace, privacy="private" if n % 6 == 0 else "workspace")
        services.group_create(actor=people.owner, board=board, name=f"G{n}")
        services.status_create(actor=people.owner, board=board, name=f"S{n}", category="todo")
        ColumnFactory(board=board)
        services.board_member_add(actor=people.owner, board=board,
                                  membership=MembershipFactory(workspace=people.workspace),
                                  role="viewer")
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(path.format(board=board.pk) + f"?page_size={size}"))
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_kanban_lists_each_status_with_count_wip_limit_and_first_cards(people, api, url,
                                                                       board):
    todo = board.statuses.get(name="To do")
    doing = board.statuses.get(name="In progress")
    doing.wip_limit = 3
    doing.save()
    for n in range(5):
        services.item_create(actor=people.owner, board=board,
                             fields={"name": f"T{n}", "status": todo.pk})
    services.item_create(actor=people.owner, board=board,
                         fields={"name": "D", "status": doing.pk})
    client = api(people.member)
    body = client.get(url(f"boards/{board.pk}/kanban/?by=status&per_column=2")).json()
    lanes = {lane["name"]: lane for lane in body["columns"]}
    assert list(lanes) == ["Backlog", "To do", "In progress", "Done", "Cancelled"]
    assert lanes["To do"]["count"] == 5
    assert [i["name"] for i in lanes["To do"]["items"]] == ["T0", "T1"]
    assert lanes["To do"]["next"]
    assert lanes["In progress"]["wip_limit"] == 3
    assert lanes["In progress"]["next"] is None
    more = client.get(url(f"boards/{board.pk}/kanban/?column={todo.pk}&per_column=2"
                          f"&cursor={lanes['To do']['next']}")).json()
    assert [i["name"] for i in more["columns"][0]["items"]] == ["T2", "T3"]


def test_kanban_query_count_does_not_grow_with_cards(people, api, url, board):
    client = api(people.member)
    counts = []
    for total in (3, 40):
        while board.items.count() < total:
            ItemFactory(board=board, group=board.groups.first(),
                        status=board.statuses.order_by("?").first())
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(f"boards/{board.pk}/kanban/?per_column=50"))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_kanban_refuses_an_unknown_layout(people, api, url, board):
    response = api(people.member).get(url(f"boards/{board.pk}/kanban/?by=colour"))
    assert response.status_code == 400


def test_the_snapshot_streams_every_live_item_as_one_json_document(people, api, url, board):
    ColumnFactory(board=board, key="cost", type="number")
    for n in range(5):
        ItemFactory(board=board, group=board.groups.first(), values={"cost": n},
                    estimate_hours="1.50")
    archived = ItemFactory(board=board, group=board.groups.first(),
                           archived_at=timezone.now())
    response = api(people.member).get(url(f"boards/{board.pk}/snapshot/"))
    assert response.status_code == 200
    assert response.streaming
    import orjson

    body = orjson.loads(b"".join(response.streaming_content))
    assert body["board"]["id"] == board.pk
    assert [c["key"] for c in body["columns"]] == ["cost"]
    assert len(body["items"]) == 5
    assert archived.pk not in {i["id"] for i in body["items"]}
    assert body["items"][0]["estimate_hours"] == 1.5
    assert body["items"][0]["values"] == {"cost": 0}


def test_the_snapshot_reads_in_chunks_with_a_fixed_number_of_queries(people, board):
    from boards.selectors import snapshot_rows

    group = board.groups.first()
    Item.objects.bulk_create(
        Item(workspace=board.workspace, board=board, group=group, name=f"I{n}",
             position=f"m{n:05d}") for n in range(450)
    )
    with CaptureQueriesContext(connection) as ctx:
        chunks = list(snapshot_rows(board=board, chunk_size=200))
    assert [len(c) for c in chunks] == [200, 200, 50]
    # One streaming read of the items, one assignee read per chunk (SQLite fetches the
    # stream in one query; PostgreSQL uses a server-side cursor).
    assert len(ctx.captured_queries) <= 1 + 3 + 4


@pytest.mark.parametrize("path", [
    "boards/{board}/", "boards/{board}/groups/{group}/", "boards/{board}/statuses/{status}/",
    "boards/{board}/columns/{column}/", "boards/{board}/members/{member}/",
    "dependencies/{dependency}/", "views/{view}/", "items/{item}/",
])
def test_detail_endpoints_answer_in_a_few_queries(people, api, url, django_assert_max_num_queries,
                                                  path):
    from tests.factories import populate_workspace

    objects = {m.__name__.lower(): o for m, o in populate_workspace(people.owner).items()}
    objects["member"] = objects["boardmember"]
    client = api(people.member)
    # Session, user, membership, the board's visibility, the object, its prefetches.
    with django_assert_max_num_queries(7):
        response = client.get(url(path.format(**{k: o.pk for k, o in objects.items()})))
    assert response.status_code == 200, response.content
