"""Incoming webhooks: a board's secret URL that creates an item from a JSON body."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from automations.models import IncomingWebhook
from automations.services.actor import automation_actor
from boards.models import Item, Privacy
from tests.factories import (
    BoardFactory,
    BoardMemberFactory,
    ColumnFactory,
    GroupFactory,
    IncomingWebhookFactory,
    StatusFactory,
)
from workos.activity.models import Activity
from workos.tenancy.models import Role


@pytest.fixture
def board(people):
    board = BoardFactory(workspace=people.workspace, privacy=Privacy.PRIVATE)
    GroupFactory(board=board, name="Inbox")
    GroupFactory(board=board, name="Urgent")
    StatusFactory(board=board, name="New", category="todo")
    StatusFactory(board=board, name="Doing", category="in_progress")
    ColumnFactory(board=board, key="cost", title="Cost", type="number")
    BoardMemberFactory(board=board, membership=people.member, role="editor")
    return board


def _hooks_url(people, board, path=""):
    return f"/api/v1/workspaces/{people.workspace.slug}/boards/{board.pk}/incoming-webhooks/{path}"


def _make_hook(people, api, board) -> str:
    response = api(people.member).post(_hooks_url(people, board), {"name": "Service desk"},
                                       format="json")
    assert response.status_code == 201, response.content
    return response.json()["url"]


def _post(api, url, body, **extra):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return api().generic("POST", url, data, content_type="application/json", **extra)


def test_a_board_editor_makes_a_hook_whose_url_is_shown_once(people, api, board):
    response = api(people.member).post(_hooks_url(people, board), {"name": "Desk"},
                                       format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["url"].startswith("http://testserver/hooks/in/whin_")
    hook = IncomingWebhook.objects.get(pk=body["id"])
    token = body["url"].rstrip("/").rsplit("/", 1)[1]
    assert hook.token_digest != token and token not in hook.token_digest
    assert body["token_prefix"] == token[:11]
    listed = api(people.member).get(_hooks_url(people, board)).json()["results"]
    assert [h["id"] for h in listed] == [hook.pk] and "url" not in listed[0]


def test_viewers_and_outsiders_of_the_board_cannot_manage_hooks(people, api, board):
    viewer = BoardMemberFactory(board=board, role="viewer").membership
    assert api(viewer).get(_hooks_url(people, board)).status_code == 403
    assert api(viewer).post(_hooks_url(people, board), {}, format="json").status_code == 403
    # A member who is not on the private board does not see it at all.
    other = BoardMemberFactory(board=BoardFactory(workspace=people.workspace)).membership
    other.role = Role.MEMBER
    other.save()
    assert api(other).get(_hooks_url(people, board)).status_code == 404


def test_posting_json_creates_an_item_as_the_automation_actor(people, api, board):
    url = _make_hook(people, api, board)
    response = _post(api, url, {"name": "Laptop for Sam", "description": "<b>asap</b>",
                                "due_date": "2026-04-01", "group": "urgent", "status": "Doing",
                                "values": {"cost": 1200}})
    assert response.status_code == 201, response.content
    item = Item.objects.get(pk=response.json()["id"])
    assert item.board == board and item.name == "Laptop for Sam"
    assert item.group.name == "Urgent" and item.status.name == "Doing"
    assert str(item.due_date) == "2026-04-01" and item.values == {"cost": 1200}
    bot = automation_actor(people.workspace)
    assert item.created_by == bot and bot.user.email.endswith("@workos.invalid")
    assert not bot.user.has_usable_password()
    activity = Activity.objects.get(verb="item.created", target_id=item.pk)
    assert activity.actor == bot.user
    assert IncomingWebhook.objects.get(board=board).last_used_at is not None


def test_the_hook_needs_no_session_and_no_csrf_token(people, api, board, client):
    url = _make_hook(people, api, board)
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(url, json.dumps({"name": "From a form"}),
                           content_type="application/json")
    assert response.status_code == 201


@pytest.mark.parametrize(("body", "field"), [
    ({}, "name"),
    ({"name": "  "}, "name"),
    ({"name": "x", "due_date": "next tuesday"}, "due_date"),
    ({"name": "x", "values": {"nope": 1}}, "values"),
    ({"name": "x", "values": {"cost": "lots"}}, "values"),
    ({"name": "x", "group": "Nowhere"}, "group"),
    ({"name": "x", "colour": "red"}, "colour"),
    ({"name": "x", "priority": "extreme"}, "priority"),
])
def test_a_bad_body_is_a_400_that_names_the_field(people, api, board, body, field):
    url = _make_hook(people, api, board)
    response = _post(api, url, body)
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not Item.objects.filter(board=board).exists()


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\"text\"", b""])
def test_a_body_that_is_not_a_json_object_is_a_400(people, api, board, raw):
    response = _post(api, _make_hook(people, api, board), raw)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_unknown_and_disabled_hooks_are_404(people, api, board):
    url = _make_hook(people, api, board)
    assert _post(api, "/hooks/in/whin_guessed/", {"name": "x"}).status_code == 404
    IncomingWebhook.objects.update(enabled=False)
    response = _post(api, url, {"name": "x"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_hook_of_a_deleted_board_is_404(people, api, board):
    from django.utils import timezone

    url = _make_hook(people, api, board)
    board.deleted_at = timezone.now()
    board.save()
    assert _post(api, url, {"name": "x"}).status_code == 404


def test_a_large_body_is_refused(people, api, board, settings):
    settings.INCOMING_WEBHOOK_MAX_BYTES = 1000
    url = _make_hook(people, api, board)
    response = _post(api, url, {"name": "x", "description": "y" * 2000})
    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_calls_are_throttled_per_address(people, api, board, settings):
    settings.INCOMING_WEBHOOK_THROTTLE = "2/min"
    url = _make_hook(people, api, board)
    codes = [_post(api, url, {"name": f"n{i}"}).status_code for i in range(3)]
    assert codes == [201, 201, 429]
    other_address = _post(api, url, {"name": "n"}, REMOTE_ADDR="10.9.9.9")
    assert other_address.status_code == 201


def test_a_hook_is_renamed_disabled_and_deleted_by_an_editor(people, api, board):
    hook = IncomingWebhookFactory(board=board)
    client = api(people.member)
    response = client.patch(_hooks_url(people, board, f"{hook.pk}/"),
                            {"name": "Renamed", "enabled": False}, format="json")
    assert response.status_code == 200 and response.json()["enabled"] is False
    assert client.delete(_hooks_url(people, board, f"{hook.pk}/")).status_code == 204
    assert not IncomingWebhook.objects.filter(pk=hook.pk).exists()


def test_the_hook_list_query_count_does_not_grow_with_page_size(people, api, board):
    for _ in range(30):
        IncomingWebhookFactory(board=board)
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_hooks_url(people, board, f"?page_size={size}"))
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_automation_actor_is_one_member_per_workspace(people):
    first = automation_actor(people.workspace)
    assert automation_actor(people.workspace).pk == first.pk
    assert first.role == Role.ADMIN
    first.removed_at = first.joined_at
    first.save()
    restored = automation_actor(people.workspace)
    assert restored.pk == first.pk and restored.removed_at is None
