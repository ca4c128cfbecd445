"""Items through the API: create with validated values, read with filters and sorting,
update with If-Match, upsert, the changes feed, and constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boards import services
from boards.models import Item
from tests.factories import BoardFactory, ColumnFactory, ItemFactory
from workos.activity.models import Activity


@pytest.fixture
def columns(board):
    return {
        "cost": ColumnFactory(board=board, key="cost", title="Cost", type="number"),
        "notes": ColumnFactory(board=board, key="notes", title="Notes", type="text"),
        "owner": ColumnFactory(board=board, key="owner", title="Owner", type="people"),
        "blocks": ColumnFactory(board=board, key="blocks", title="Blocks", type="relation"),
    }


def _create(client, url, board, **fields):
    return client.post(url("items/"), {"board": board.pk, "name": "Task", **fields},
                       format="json")


def test_an_item_is_created_with_every_field_as_plain_ids(people, api, url, board, columns):
    response = _create(
        api(people.member), url, board, name="Laptop for Ana",
        description="<p>Needs <b>16 GB</b></p><script>alert(1)</script>",
        assignees=[people.member.pk, people.admin.pk], start_date="2026-03-02",
        due_date="2026-03-06", estimate_hours=4.5, priority="high",
        values={"cost": 1200, "notes": "Dell"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {
        "id", "board", "group", "status", "name", "description", "parent", "assignees",
        "start_date", "due_date", "estimate_hours", "priority", "position", "is_milestone",
        "values", "version", "external_id", "created_at", "updated_at", "completed_at",
        "archived_at",
    }
    assert body["board"] == board.pk
    assert body["group"] == board.groups.get().pk
    assert body["status"] == board.statuses.get(name="To do").pk
    assert body["assignees"] == sorted([people.member.pk, people.admin.pk])
    assert body["estimate_hours"] == 4.5
    assert body["values"] == {"cost": 1200, "notes": "Dell"}
    assert body["version"] == 1
    assert "<script>" not in body["description"] and "<b>16 GB</b>" in body["description"]
    assert response["ETag"] == '"1"'


def test_new_items_go_to_the_end_of_their_group(people, api, url, board):
    client = api(people.member)
    positions = [_create(client, url, board, name=f"T{n}").json()["position"]
                 for n in range(3)]
    assert positions == sorted(positions)
    assert len(set(positions)) == 3


def test_unknown_value_keys_are_named_in_the_400(people, api, url, board, columns):
    response = _create(api(people.member), url, board, values={"cost": 1, "colour": "red",
                                                              "size": 2})
    assert response.status_code == 400
    body = response.json()
    assert "colour" in body["message"] and "size" in body["message"]
    assert set(body["fields"]["values"]) == {"colour", "size"}


def test_values_are_validated_by_their_column_type(people, api, url, board, columns):
    response = _create(api(people.member), url, board, values={"cost": "a lot"})
    assert response.status_code == 400
    assert "cost" in response.json()["fields"]["values"]


def test_people_values_must_be_members_of_the_workspace(people, api, url, board, columns):
    client = api(people.member)
    ok = _create(client, url, board, values={"owner": [people.admin.pk]})
    assert ok.status_code == 201, ok.content
    bad = _create(client, url, board, values={"owner": [people.outsider.pk]})
    assert bad.status_code == 400
    assert "owner" in bad.json()["fields"]["values"]


def test_relation_values_must_be_items_of_the_workspace(people, api, url, board, columns):
    client = api(people.member)
    here = ItemFactory(board=BoardFactory(workspace=people.workspace))
    foreign = ItemFactory()
    assert _create(client, url, board, values={"blocks": [here.pk]}).status_code == 201
    bad = _create(client, url, board, values={"blocks": [foreign.pk]})
    assert bad.status_code == 400
    assert "blocks" in bad.json()["fields"]["values"]


@pytest.mark.parametrize(("fields", "field"), [
    ({"name": ""}, "name"),
    ({"start_date": "2026-03-09", "due_date": "2026-03-02"}, "due_date"),
    ({"priority": "asap"}, "priority"),
    ({"estimate_hours": -1}, "estimate_hours"),
    ({"assignees": [999999]}, "assignees"),
    ({"group": 999999}, "group"),
    ({"status": 999999}, "status"),
    ({"parent": 999999}, "parent"),
])
def test_bad_item_fields_are_400s_naming_the_field(people, api, url, board, fields, field):
    response = _create(api(people.member), url, board, **fields)
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]


def test_a_status_of_another_board_is_refused(people, api, url, board):
    other = services.board_create(actor=people.owner, name="Other")
    response = _create(api(people.member), url, board, status=other.statuses.first().pk)
    assert response.status_code == 400


def test_patch_records_only_the_fields_that_changed(people, api, url, board):
    item = services.item_create(actor=people.owner, board=board,
                                fields={"name": "Draft", "priority": "low"})
    response = api(people.member).patch(
        url(f"items/{item.pk}/"), {"name": "Final", "priority": "low", "due_date": "2026-05-01"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2
    activity = Activity.objects.get(verb="item.updated", target_id=item.pk)
    assert activity.changes == {"name": ["Draft", "Final"], "due_date": [None, "2026-05-01"]}


def test_a_stale_if_match_is_a_412_with_the_current_item(people, api, url, board):
    item = services.item_create(actor=people.owner, board=board, fields={"name": "Draft"})
    client = api(people.member)
    first = client.patch(url(f"items/{item.pk}/"), {"name": "One"}, format="json",
                         HTTP_IF_MATCH='"1"')
    assert first.status_code == 200
    stale = client.patch(url(f"items/{item.pk}/"), {"name": "Two"}, format="json",
                         HTTP_IF_MATCH="1")
    assert stale.status_code == 412
    body = stale.json()
    assert body["code"] == "stale_version"
    assert body["current"]["name"] == "One"
    assert body["current"]["version"] == 2
    assert Item.objects.get(pk=item.pk).name == "One"
    fresh = client.patch(url(f"items/{item.pk}/"), {"name": "Two"}, format="json",
                         HTTP_IF_MATCH="2")
    assert fresh.status_code == 200


def test_a_malformed_if_match_is_a_400(people, api, url, board):
    item = services.item_create(actor=people.owner, board=board, fields={"name": "Draft"})
    response = api(people.member).patch(url(f"items/{item.pk}/"), {"name": "x"},
                                        format="json", HTTP_IF_MATCH="yesterday")
    assert response.status_code == 400


def test_entering_a_done_status_sets_completed_at_and_leaving_clears_it(people, api, url,
                                                                        board):
    item = services.item_create(actor=people.owner, board=board, fields={"name": "Ship"})
    client = api(people.member)
    done = board.statuses.get(category="done").pk
    todo = board.statuses.get(category="todo").pk
    body = client.patch(url(f"items/{item.pk}/"), {"status": done}, format="json").json()
    assert body["completed_at"] is not None
    body = client.patch(url(f"items/{item.pk}/"), {"status": todo}, format="json").json()
    assert body["completed_at"] is None


def test_an_item_cannot_be_its_own_ancestor(people, api, url, board):
    parent = services.item_create(actor=people.owner, board=board, fields={"name": "P"})
    child = services.item_create(actor=people.owner, board=board,
                                 fields={"name": "C", "parent": parent.pk})
    response = api(people.member).patch(url(f"items/{parent.pk}/"), {"parent": child.pk},
                                        format="json")
    assert response.status_code == 400
    assert "parent" in response.json()["fields"]


def test_archive_restore_and_delete(people, api, url, board):
    parent = services.item_create(actor=people.owner, board=board, fields={"name": "P"})
    child = services.item_create(actor=people.owner, board=board,
                                 fields={"name": "C", "parent": parent.pk})
    client = api(people.member)
    assert client.post(url(f"items/{parent.pk}/archive/")).json()["archived_at"]
    assert Item.objects.get(pk=child.pk).archived_at is not None
    listed = [i["id"] for i in client.get(url("items/")).json()["results"]]
    assert listed == []
    archived = [i["id"] for i in client.get(url("items/?archived=true")).json()["results"]]
    assert sorted(archived) == sorted([parent.pk, child.pk])
    assert client.post(url(f"items/{parent.pk}/restore/")).json()["archived_at"] is None
    assert Item.objects.get(pk=child.pk).archived_at is None
    assert client.delete(url(f"items/{parent.pk}/")).status_code == 204
    assert not Item.objects.filter(pk__in=[parent.pk, child.pk]).exists()


def test_upsert_creates_then_updates_by_external_id(people, api, url, board):
    client = api(people.member)
    body = {"board": board.pk, "external_id": "JIRA-7", "name": "Import"}
    first = client.post(url("items/upsert/"), body, format="json")
    assert first.status_code == 201
    second = client.post(url("items/upsert/"), {**body, "name": "Imported"}, format="json")
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["name"] == "Imported"
    assert Item.objects.filter(external_id="JIRA-7").count() == 1


def test_an_external_id_is_unique_per_board(people, api, url, board):
    client = api(people.member)
    assert _create(client, url, board, external_id="X-1").status_code == 201
    assert _create(client, url, board, external_id="X-1").status_code == 409


def test_the_changes_feed_lists_archived_and_deleted_items_since_a_time(people, api, url,
                                                                       board):
    since = timezone.now() - dt.timedelta(seconds=1)
    gone = services.item_create(actor=people.owner, board=board, fields={"name": "Gone"})
    shelved = services.item_create(actor=people.owner, board=board, fields={"name": "Shelf"})
    services.item_create(actor=people.owner, board=board, fields={"name": "Stays"})
    services.item_archive(actor=people.owner, item=shelved)
    gone_id = gone.pk
    services.item_delete(actor=people.owner, item=gone)
    response = api(people.member).get(url("items/changes/"), {"since": since.isoformat()})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["archived"] == [shelved.pk]
    assert body["deleted"] == [gone_id]
    assert body["until"]
    assert api(people.member).get(url("items/changes/")).status_code == 400


def test_changes_hide_deletions_on_boards_the_viewer_cannot_see(people, api, url,
                                                               private_board):
    since = timezone.now() - dt.timedelta(seconds=1)
    item = services.item_create(actor=people.owner, board=private_board, fields={"name": "S"})
    services.item_delete(actor=people.owner, item=item)
    body = api(people.member).get(url("items/changes/"), {"since": since.isoformat()}).json()
    assert body["deleted"] == []


# --- filters and sorting ----------------------------------------------------------------


@pytest.fixture
def filtered(people, board, columns):
    todo = board.statuses.get(name="To do")
    done = board.statuses.get(name="Done")

    def make(name, **fields):
        return services.item_create(actor=people.owner, board=board,
                                    fields={"name": name, **fields})

    return {
        "a": make("Alpha invoice", status=todo.pk, due_date="2026-01-10",
                  assignees=[people.member.pk], values={"cost": 10, "notes": "urgent"}),
        "b": make("Beta", status=done.pk, due_date="2026-02-10",
                  values={"cost": 200, "owner": [people.admin.pk]}),
        "c": make("Gamma invoice", status=todo.pk, priority="urgent"),
    }


@pytest.mark.parametrize(("query", "expected"), [
    ("status_category=done", ["b"]),
    ("assignee={member}", ["a"]),
    ("due_before=2026-02-01", ["a"]),
    ("due_after=2026-02-01", ["b"]),
    ("q=invoice", ["a", "c"]),
    ("values.cost=10", ["a"]),
    ("values.cost__gt=50", ["b"]),
    ("values.cost__lt=50", ["a"]),
    ("values.notes__contains=URG", ["a"]),
    ("values.cost__empty=true", ["c"]),
    ("values.cost__empty=false", ["a", "b"]),
    ("values.owner__contains={admin}", ["b"]),
    ("status_category=todo&values.cost__empty=true", ["c"]),
])
def test_item_filters(people, api, url, board, filtered, query, expected):
    query = query.format(member=people.member.pk, admin=people.admin.pk)
    response = api(people.member).get(url(f"items/?board={board.pk}&{query}"))
    assert response.status_code == 200, response.content
    names = {key: item.pk for key, item in filtered.items()}
    assert sorted(i["id"] for i in response.json()["results"]) == sorted(
        names[k] for k in expected)


@pytest.mark.parametrize("query", [
    "values.nothing=1", "values.cost__gt=many", "values.cost__between=1", "status=abc",
    "due_before=soon", "values.cost__empty=maybe",
])
def test_bad_filters_are_400s(people, api, url, board, filtered, query):
    response = api(people.member).get(url(f"items/?board={board.pk}&{query}"))
    assert response.status_code == 400, response.content


def test_items_sort_by_allowed_fields_with_missing_dates_last(people, api, url, board,
                                                             filtered):
    client = api(people.member)
    body = client.get(url("items/?ordering=due_date")).json()
    assert [i["name"] for i in body["results"]] == ["Alpha invoice", "Beta", "Gamma invoice"]
    body = client.get(url("items/?ordering=-priority")).json()
    assert body["results"][0]["name"] == "Gamma invoice"
    bad = client.get(url("items/?ordering=values"))
    assert bad.status_code == 400
    assert "Cannot sort by values" in bad.json()["message"]


def test_cursor_pages_sorted_by_due_date_cover_every_item_once(people, api, url, board):
    group = board.groups.get()
    for n in range(12):
        ItemFactory(board=board, group=group,
                    due_date=None if n % 3 == 0 else dt.date(2026, 1, 1 + n % 4))
    client = api(people.member)
    page = client.get(url("items/?ordering=due_date&page_size=5")).json()
    seen = [i["id"] for i in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [i["id"] for i in page["results"]]
    assert sorted(seen) == sorted(board.items.values_list("id", flat=True))


def test_item_list_query_count_does_not_grow_with_page_size(people, api, url, board,
                                                            columns):
    for n in range(60):
        item = ItemFactory(board=board, group=board.groups.get(), values={"cost": n},
                           status=board.statuses.first())
        item.assignees.add(people.member, people.admin)
    client = api(people.member)
    counts = []
    for size in (5, 50):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(f"items/?page_size={size}&values.cost__gt=-1"
                                      "&ordering=-due_date"))
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_item_detail_query_count(people, api, url, board, django_assert_max_num_queries):
    item = ItemFactory(board=board, group=board.groups.get())
    item.assignees.add(people.member)
    client = api(people.member)
    with django_assert_max_num_queries(8):
        response = client.get(url(f"items/{item.pk}/"))
    assert response.status_code == 200


def test_a_listed_item_reads_exactly_like_the_item_itself(people, api):
    from tests.factories import BoardFactory, ItemFactory

    board = BoardFactory(workspace=people.workspace)
    item = ItemFactory(board=board, name="Same everywhere", estimate_hours="2.50",
                       start_date="2026-01-05", due_date="2026-01-09")
    item.assignees.add(people.member)
    client = api(people.member)
    base = f"/api/v1/workspaces/{people.workspace.slug}"
    listed = client.get(f"{base}/items/", {"board": board.pk}).json()["results"]
    alone = client.get(f"{base}/items/{item.pk}/").json()
    assert listed == [alone]
    snapshot = client.get(f"{base}/boards/{board.pk}/snapshot/")
    import json

    assert json.loads(b"".join(snapshot.streaming_content))["items"] == [alone]


def test_a_people_filter_matches_whole_ids_only(people, api):
    from boards.services.board_columns import column_create
    from boards.services.boards import board_create
    from boards.services.items import item_create
    from tests.factories import MembershipFactory

    owner = people.owner
    board = board_create(actor=owner, name="Owners")
    column_create(actor=owner, board=board, title="Owner", type="people", key="owner")
    extra = [MembershipFactory(workspace=people.workspace) for _ in range(12)]
    target = extra[0]
    longer = next(m for m in extra if str(m.pk).endswith(str(target.pk)) and m.pk != target.pk) \
        if any(str(m.pk).endswith(str(target.pk)) and m.pk != target.pk for m in extra) else extra[-1]
    item_create(actor=owner, board=board, fields={"name": "mine", "values": {"owner": [target.pk]}})
    item_create(actor=owner, board=board, fields={"name": "other", "values": {"owner": [longer.pk]}})
    url = f"/api/v1/workspaces/{people.workspace.slug}/items/"
    found = api(owner).get(url, {"board": board.pk, "values.owner__contains": target.pk}).json()
    assert [r["name"] for r in found["results"]] == ["mine"]
