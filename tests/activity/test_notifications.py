"""Notifications: written once per recipient (never to the actor or outside the workspace),
listed only to their recipient, marked read one by one or all at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    AttachmentFactory,
    CommentFactory,
    ItemFactory,
    MembershipFactory,
    NotificationFactory,
    UserFactory,
)
from workos.activity.models import Notification
from workos.activity.services import notifications_mark_read, notify


def _url(people, path="notifications/"):
    return f"/api/v1/workspaces/{people.workspace.slug}/{path}"


@pytest.fixture
def item(people):
    return ItemFactory(board__workspace=people.workspace)


def test_notify_writes_one_row_per_recipient_and_skips_the_actor(people, item):
    rows = notify(
        workspace=people.workspace,
        recipients=[people.admin, people.member, people.admin, people.owner, people.outsider],
        verb="assigned", target=item, title="You were assigned", actor_label="Owner",
        actor=people.owner, link="/somewhere/", data={"board": item.board_id},
    )
    assert sorted(r.recipient_id for r in rows) == sorted([people.admin.pk, people.member.pk])
    row = Notification.objects.get(recipient=people.admin)
    assert (row.verb, row.title, row.actor_label, row.link) == (
        "assigned", "You were assigned", "Owner", "/somewhere/")
    assert row.target_id == item.pk and row.data == {"board": item.board_id}
    assert row.read_at is None


def test_notify_without_recipients_writes_nothing(people, item, django_assert_num_queries):
    with django_assert_num_queries(0):
        notify(workspace=people.workspace, recipients=[people.owner], verb="x", target=item,
               title="t", actor_label="a", actor=people.owner)
    assert not Notification.objects.exists()


def test_members_list_only_their_own_notifications_newest_first(people, api, item):
    first = NotificationFactory(item=item, recipient=people.member)
    second = NotificationFactory(item=item, recipient=people.member)
    NotificationFactory(item=item, recipient=people.admin)
    NotificationFactory(recipient=MembershipFactory(user=people.member.user))  # elsewhere
    response = api(people.member).get(_url(people))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [n["id"] for n in results] == [second.pk, first.pk]
    assert set(results[0]) == {"id", "verb", "actor_label", "title", "link", "target_type",
                               "target_id", "data", "read_at", "created_at"}
    assert results[0]["target_type"] == "boards.item"
    assert results[0]["target_id"] == item.pk


def test_guests_have_notifications_too(people, api, item):
    NotificationFactory(item=item, recipient=people.guest)
    client = api(people.guest)
    assert len(client.get(_url(people)).json()["results"]) == 1
    response = client.post(_url(people, "notifications/read/"), {}, format="json")
    assert response.status_code == 200 and response.json() == {"marked": 1}


def test_the_unread_filter(people, api, item):
    unread = NotificationFactory(item=item, recipient=people.member)
    read = NotificationFactory(item=item, recipient=people.member)
    notifications_mark_read(membership=people.member, ids=[read.pk])
    client = api(people.member)
    assert [n["id"] for n in client.get(_url(people) + "?unread=1").json()["results"]] == [
        unread.pk]
    assert [n["id"] for n in client.get(_url(people) + "?unread=0").json()["results"]] == [
        read.pk]
    assert client.get(_url(people) + "?unread=maybe").status_code == 400


def test_marking_read_by_ids_ignores_other_members_notifications(people, api, item):
    mine = NotificationFactory(item=item, recipient=people.member)
    also_mine = NotificationFactory(item=item, recipient=people.member)
    theirs = NotificationFactory(item=item, recipient=people.admin)
    response = api(people.member).post(_url(people, "notifications/read/"),
                                       {"ids": [mine.pk, theirs.pk]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    states = dict(Notification.objects.values_list("id", "read_at"))
    assert states[mine.pk] is not None
    assert states[also_mine.pk] is None and states[theirs.pk] is None


def test_marking_all_read_and_again_is_harmless(people, api, item):
    for _ in range(3):
        NotificationFactory(item=item, recipient=people.member)
    client = api(people.member)
    assert client.post(_url(people, "notifications/read/"), {}, format="json").json() == {
        "marked": 3}
    assert client.post(_url(people, "notifications/read/")).json() == {"marked": 0}
    assert client.get(_url(people) + "?unread=1").json()["results"] == []


def test_bad_ids_are_a_400(people, api):
    response = api(people.member).post(_url(people, "notifications/read/"),
                                       {"ids": ["x"]}, format="json")
    assert response.status_code == 400
    assert "ids" in response.json()["fields"]


def test_a_read_only_token_lists_but_cannot_mark(people, api, token_for, item):
    NotificationFactory(item=item, recipient=people.member)
    client = api(token=token_for(people.member, read_only=True))
    assert client.get(_url(people)).status_code == 200
    assert client.post(_url(people, "notifications/read/"), {}, format="json").status_code == 403


def test_another_workspace_is_not_found(people, api):
    client = api(people.outsider)
    assert client.get(_url(people)).status_code == 404
    assert client.post(_url(people, "notifications/read/"), {}, format="json").status_code == 404


def test_list_query_count_does_not_grow_with_page_size(people, api, item):
    for _ in range(30):
        NotificationFactory(item=item, recipient=people.member)
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_url(people) + f"?page_size={size}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_staff_see_comments_files_and_notifications_in_the_admin(client, people, item):
    objects = {"comment": CommentFactory(item=item), "attachment": AttachmentFactory(item=item),
               "notification": NotificationFactory(item=item)}
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for model, obj in objects.items():
        assert client.get(f"/admin/activity/{model}/").status_code == 200
        page = client.get(f"/admin/activity/{model}/{obj.pk}/change/")
        assert page.status_code == 200
        # Files are reached only through the permission-checked download, never a link here.
        assert b'href="attachments/' not in page.content
