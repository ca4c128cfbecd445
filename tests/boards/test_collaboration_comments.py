"""Comments on items and the item's history: sanitising, mentions, who may do what, 404s for
hidden items, and constant query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards import services
from boards.services.comments import comment_create
from tests.factories import BoardMemberFactory, CommentFactory, MembershipFactory
from workos.activity.models import Comment, Notification
from workos.tenancy.models import Role


@pytest.fixture
def item(people, board):
    return services.item_create(actor=people.owner, board=board, fields={"name": "Laptop"})


def _comments(url, item):
    return url(f"items/{item.pk}/comments/")


def _post(client, url, item, body):
    return client.post(_comments(url, item), {"body": body}, format="json")


def _mention(membership):
    return f"@[{membership.display_name}](member:{membership.pk})"


def test_a_member_comments_and_the_answer_has_plain_ids(people, api, url, item):
    response = _post(api(people.member), url, item, "Ordered **today**")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "item", "author", "author_name", "body_html", "body_text",
                         "mentions", "created_at", "edited_at"}
    assert body["item"] == item.pk and body["author"] == people.member.pk
    assert body["author_name"] == people.member.display_name
    assert body["body_html"] == "<p>Ordered **today**</p>"
    assert body["edited_at"] is None
    listed = api(people.admin).get(_comments(url, item)).json()
    assert [c["id"] for c in listed["results"]] == [body["id"]]


@pytest.mark.parametrize("attack", [
    "<script>alert(1)</script>ok",
    '<img src=x onerror="alert(1)">ok',
    '<a href="javascript:alert(1)">ok</a>',
])
def test_comments_are_sanitised_when_written_and_when_edited(people, api, url, item, attack):
    client = api(people.member)
    created = _post(client, url, item, attack)
    assert created.status_code == 201
    edited = client.patch(_comments(url, item) + f"{created.json()['id']}/",
                          {"body": attack + " again"}, format="json")
    assert edited.status_code == 200
    for html in (created.json()["body_html"], edited.json()["body_html"],
                 *Comment.objects.values_list("body_html", flat=True)):
        assert "<script" not in html and "onerror" not in html and "javascript:" not in html
        assert "ok" in html


def test_an_empty_or_script_only_comment_is_a_400(people, api, url, item):
    client = api(people.member)
    assert _post(client, url, item, "").status_code == 400
    response = _post(client, url, item, "<script>alert(1)</script>")
    assert response.status_code == 400
    assert "body" in response.json()["fields"]


def test_mentions_notify_members_who_can_see_the_item_but_not_the_author(people, api, url,
                                                                         item):
    stranger = people.outsider  # a member of another workspace
    body = (f"{_mention(people.admin)} {_mention(people.member)} {_mention(stranger)} "
            f"{_mention(people.guest)} {_mention(people.admin)}")
    response = _post(api(people.member), url, item, body)
    assert response.status_code == 201
    # The guest is a member but cannot see this board: mentioned, not told.
    assert response.json()["mentions"] == [people.admin.pk, people.member.pk, people.guest.pk]
    assert f'<span data-mention="{stranger.pk}">' not in response.json()["body_html"]
    notified = Notification.objects.get()
    assert notified.recipient == people.admin
    assert notified.verb == "mentioned"
    assert notified.target_id == item.pk
    assert item.name in notified.title and people.member.display_name in notified.title
    assert notified.data["comment"] == response.json()["id"]
    assert notified.link == f"/w/{people.workspace.slug}/items/{item.pk}/"


def test_an_edit_notifies_only_members_newly_mentioned(people, api, url, item):
    client = api(people.member)
    created = _post(client, url, item, f"cc {_mention(people.admin)}").json()
    client.patch(_comments(url, item) + f"{created['id']}/",
                 {"body": f"cc {_mention(people.admin)} {_mention(people.owner)}"},
                 format="json")
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        [people.admin.pk, people.owner.pk])


def test_only_the_author_edits_a_comment(people, api, url, item):
    comment = _post(api(people.member), url, item, "mine").json()
    path = _comments(url, item) + f"{comment['id']}/"
    for other in (people.admin, people.owner, MembershipFactory(workspace=people.workspace)):
        assert api(other).patch(path, {"body": "theirs"}, format="json").status_code == 403
    response = api(people.member).patch(path, {"body": "still mine"}, format="json")
    assert response.status_code == 200
    assert response.json()["body_text"] == "still mine" and response.json()["edited_at"]


@pytest.mark.parametrize(("who", "code"), [
    ("author", 204), ("admin", 204), ("owner", 204), ("other_member", 403),
])
def test_the_author_or_a_workspace_admin_deletes_a_comment(people, api, url, item, who, code):
    comment = _post(api(people.member), url, item, "to delete").json()
    caller = {"author": people.member, "admin": people.admin, "owner": people.owner,
              "other_member": MembershipFactory(workspace=people.workspace)}[who]
    response = api(caller).delete(_comments(url, item) + f"{comment['id']}/")
    assert response.status_code == code
    row = Comment.objects.get(pk=comment["id"])
    if code == 204:
        assert row.deleted_at is not None and row.body_text == "" and row.body_html == ""
        listed = api(people.member).get(_comments(url, item)).json()["results"]
        assert listed == []
        again = api(caller).delete(_comments(url, item) + f"{comment['id']}/")
        assert again.status_code == 404
    else:
        assert row.deleted_at is None


def test_viewers_comment_and_guests_only_on_boards_shared_with_them(people, api, url,
                                                                    private_board):
    item = services.item_create(actor=people.owner, board=private_board, fields={"name": "T"})
    BoardMemberFactory(board=private_board, membership=people.member, role="viewer")
    assert _post(api(people.member), url, item, "viewer here").status_code == 201
    assert _post(api(people.guest), url, item, "guest").status_code == 404
    BoardMemberFactory(board=private_board, membership=people.guest, role="viewer")
    assert _post(api(people.guest), url, item, "guest now").status_code == 201


def test_a_private_boards_item_is_not_found_for_non_members(people, api, url, private_board):
    item = services.item_create(actor=people.owner, board=private_board, fields={"name": "T"})
    comment = comment_create(actor=people.owner, item=item, body="secret")
    client = api(people.member)
    missing = client.get(url("items/999999/comments/"))
    for response in (
        client.get(_comments(url, item)),
        _post(client, url, item, "hi"),
        client.patch(_comments(url, item) + f"{comment.pk}/", {"body": "x"}, format="json"),
        client.delete(_comments(url, item) + f"{comment.pk}/"),
        client.get(url(f"items/{item.pk}/activity/")),
    ):
        assert response.status_code == 404
        assert response.json() == missing.json()
    assert Comment.objects.get().body_text == "secret"


def test_a_comment_of_another_item_is_not_found_under_this_one(people, api, url, board, item):
    other = services.item_create(actor=people.owner, board=board, fields={"name": "Other"})
    comment = comment_create(actor=people.member, item=other, body="there")
    client = api(people.member)
    path = _comments(url, item) + f"{comment.pk}/"
    assert client.patch(path, {"body": "x"}, format="json").status_code == 404
    assert client.delete(path).status_code == 404


def test_comments_on_an_archived_board_are_refused(people, api, url, board, item):
    services.board_archive(actor=people.owner, board=board)
    assert _post(api(people.member), url, item, "late").status_code == 409


def test_the_item_history_lists_changes_with_old_and_new_values(people, api, url, board):
    item = services.item_create(actor=people.member, board=board,
                                fields={"name": "Draft", "priority": "low"})
    services.item_update(actor=people.member, item=item,
                         fields={"name": "Final", "priority": "high",
                                 "assignees": [people.member.pk]})
    comment_create(actor=people.admin, item=item, body="Looks good")
    response = api(people.owner).get(url(f"items/{item.pk}/activity/"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["verb"] for r in rows] == ["comment.added", "item.updated", "item.created"]
    assert set(rows[0]) == {"id", "verb", "actor_label", "changes", "data", "created_at"}
    updated = rows[1]
    assert updated["changes"]["name"] == ["Draft", "Final"]
    assert updated["changes"]["priority"] == ["low", "high"]
    assert updated["changes"]["assignees"] == [[], [people.member.pk]]
    assert updated["actor_label"] == people.member.display_name
    assert rows[2]["changes"]["name"] == [None, "Draft"]
    assert rows[0]["data"]["comment"] == Comment.objects.get().pk


def test_the_history_shows_only_this_items_activity(people, api, url, board, item):
    other = services.item_create(actor=people.owner, board=board, fields={"name": "Other"})
    services.item_update(actor=people.owner, item=other, fields={"name": "Renamed"})
    rows = api(people.member).get(url(f"items/{item.pk}/activity/")).json()["results"]
    assert [r["verb"] for r in rows] == ["item.created"]


@pytest.mark.parametrize("path", ["comments", "activity"])
def test_list_query_count_does_not_grow_with_page_size(people, api, url, item, path):
    authors = [MembershipFactory(workspace=people.workspace, role=Role.MEMBER) for _ in range(5)]
    for n in range(30):
        CommentFactory(item=item, author=authors[n % 5])
        services.item_update(actor=people.owner, item=item, fields={"name": f"Name {n}"})
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(f"items/{item.pk}/{path}/?page_size={size}"))
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
