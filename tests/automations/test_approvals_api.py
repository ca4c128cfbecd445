"""The approvals API: start a request on an item, list what waits for me, read a request's steps
and decisions, decide or cancel it; requests on private boards stay with those who see them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards.models import Privacy
from boards.services import board_member_add, board_update
from tests.automations.approvals_setup import (
    make_flow,
    manager_step,
    shop_for,
    start,
    team_step,
)
from tests.factories import MembershipFactory


@pytest.fixture
def shop(people):
    return shop_for(people)


def _url(people, path=""):
    return f"/api/v1/workspaces/{people.workspace.slug}/approvals/{path}"


def test_a_member_starts_an_approval_and_the_manager_decides_it_via_the_api(people, api, shop):
    flow = make_flow(people.owner, manager_step(), team_step(shop.finance))
    item = shop.item(people.member)
    started = api(people.member).post(_url(people), {"flow": flow.pk, "item": item.pk},
                                      format="json")
    assert started.status_code == 201, started.json()
    body = started.json()
    assert body["status"] == "pending" and body["requested_by"] == people.member.pk
    assert body["pending_approvers"] == [people.admin.pk] and body["can_decide"] is False
    assert [s["state"] for s in body["steps"]] == ["pending", "waiting"]
    again = api(people.member).post(_url(people), {"flow": flow.pk, "item": item.pk},
                                    format="json")
    assert again.status_code == 409

    manager = api(people.admin)
    assert manager.get(_url(people, f"{body['id']}/")).json()["can_decide"] is True
    decided = manager.post(_url(people, f"{body['id']}/decide/"),
                           {"decision": "approve", "comment": "Go ahead"}, format="json")
    assert decided.status_code == 200, decided.json()
    detail = decided.json()
    assert [s["state"] for s in detail["steps"]] == ["approved", "pending"]
    assert detail["steps"][1]["pending"] == sorted(m.pk for m in shop.accountants)
    (decision,) = detail["decisions"]
    assert decision["approver"] == people.admin.pk and decision["comment"] == "Go ahead"
    assert decision["approver_name"] == people.admin.display_name and decision["decided_at"]


@pytest.mark.parametrize(("body", "field"), [
    ({"flow": 999999, "item": None}, "flow"),
    ({"item": 1}, "flow"),
    ({"flow": None, "item": 999999}, "item"),
])
def test_starting_with_a_flow_or_item_that_is_not_there_is_a_400(people, api, shop, body,
                                                                   field):
    flow = make_flow(people.owner, manager_step())
    item = shop.item(people.member)
    body = {k: (flow.pk if k == "flow" and v is None else item.pk if v is None else v)
            for k, v in body.items()}
    response = api(people.member).post(_url(people), body, format="json")
    assert response.status_code == 400 and field in response.json()["fields"]


def test_decide_refuses_outsiders_to_the_step_reasonless_rejections_and_decided_requests(
        people, api, shop):
    flow = make_flow(people.owner, manager_step())
    request = start(flow, shop.item(people.member), people.member)
    decide = _url(people, f"{request.pk}/decide/")
    assert api(people.owner).post(decide, {"decision": "approve"},
                                  format="json").status_code == 403
    reasonless = api(people.admin).post(decide, {"decision": "reject"}, format="json")
    assert reasonless.status_code == 400 and "comment" in reasonless.json()["fields"]
    odd = api(people.admin).post(decide, {"decision": "maybe"}, format="json")
    assert odd.status_code == 400 and "decision" in odd.json()["fields"]
    assert api(people.admin).post(decide, {"decision": "reject", "comment": "No"},
                                  format="json").status_code == 200
    late = api(people.admin).post(decide, {"decision": "approve"}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "conflict"


def test_the_requester_or_a_board_editor_cancels(people, api, shop):
    flow = make_flow(people.owner, team_step(shop.finance))
    request = start(flow, shop.item(people.member), people.member)
    # An approver who is only a viewer of the board may not withdraw it.
    board_update(actor=people.owner, board=shop.board, privacy=Privacy.PRIVATE)
    board_member_add(actor=people.owner, board=shop.board, membership=shop.accountants[0],
                     role="viewer")
    refused = api(shop.accountants[0]).post(_url(people, f"{request.pk}/cancel/"), {},
                                            format="json")
    assert refused.status_code == 403
    done = api(people.admin).post(_url(people, f"{request.pk}/cancel/"),
                                  {"reason": "Duplicate"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    assert [s["state"] for s in done.json()["steps"]] == ["cancelled"]
    again = api(people.member).post(_url(people, f"{request.pk}/cancel/"), {}, format="json")
    assert again.status_code == 409


def test_mine_lists_only_what_waits_for_my_decision(people, api, shop):
    flow = make_flow(people.owner, manager_step())
    waiting = start(flow, shop.item(people.member, "Desk"), people.member)
    decided = start(flow, shop.item(people.member, "Chair"), people.member)
    api(people.admin).post(_url(people, f"{decided.pk}/decide/"), {"decision": "approve"},
                           format="json")
    start(flow, shop.item(people.admin, "Monitor"), people.admin)  # waits for the owner

    mine = api(people.admin).get(_url(people, "?mine=1")).json()["results"]
    assert [r["id"] for r in mine] == [waiting.pk]
    everything = api(people.admin).get(_url(people)).json()["results"]
    assert len(everything) == 3
    approved = api(people.admin).get(_url(people, "?status=approved")).json()["results"]
    assert [r["id"] for r in approved] == [decided.pk]
    on_item = api(people.admin).get(_url(people, f"?item={waiting.item_id}&flow={flow.pk}"))
    assert [r["id"] for r in on_item.json()["results"]] == [waiting.pk]
    assert api(people.admin).get(_url(people, "?status=lost")).status_code == 400
    assert api(people.admin).get(_url(people, "?item=abc")).status_code == 400


def test_requests_on_a_private_board_are_seen_by_its_members_and_approvers_only(
        people, api, shop):
    flow = make_flow(people.owner, team_step(shop.finance))
    board_update(actor=people.owner, board=shop.board, privacy=Privacy.PRIVATE)
    board_member_add(actor=people.owner, board=shop.board, membership=people.member)
    request = start(flow, shop.item(people.member), people.member)
    outsider = MembershipFactory(workspace=people.workspace)

    assert api(outsider).get(_url(people)).json()["results"] == []
    assert api(outsider).get(_url(people, f"{request.pk}/")).status_code == 404
    assert api(outsider).post(_url(people, f"{request.pk}/cancel/"), {},
                              format="json").status_code == 404
    # Asked to decide, an accountant sees the request though not the board.
    approver = api(shop.accountants[0])
    assert [r["id"] for r in approver.get(_url(people, "?mine=1")).json()["results"]] == [
        request.pk]
    assert approver.get(_url(people, f"{request.pk}/")).json()["item_name"] == "Laptop"
    assert approver.post(_url(people, f"{request.pk}/decide/"), {"decision": "approve"},
                         format="json").status_code == 200
    # Having decided, they still see what they decided.
    assert approver.get(_url(people, f"{request.pk}/")).status_code == 200
    assert api(people.guest).get(_url(people)).json()["results"] == []


def test_the_request_list_query_count_does_not_grow_with_page_size(
        people, api, shop, django_assert_max_num_queries):
    flow = make_flow(people.owner, team_step(shop.finance, mode="all"))
    for n in range(30):
        start(flow, shop.item(people.member, f"Item {n}"), people.member)
    client = api(shop.accountants[0])
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_url(people, f"?mine=1&page_size={size}"))
        assert len(response.json()["results"]) == size
        assert len(response.json()["results"][0]["pending_approvers"]) == 3
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[0]):
        client.get(_url(people, "?page_size=30"))
