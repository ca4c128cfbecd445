"""The approval flows API: admins and owners manage flows, members read them; a bad step is a
400 naming the step and its field; a used flow is disabled rather than deleted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from automations.models import ApprovalFlow
from tests.automations.approvals_setup import (
    above,
    make_flow,
    manager_step,
    shop_for,
    start,
    team_step,
)
from tests.factories import ApprovalFlowFactory, FormFactory, TeamFactory, WorkspaceFactory


@pytest.fixture
def shop(people):
    return shop_for(people)


def _url(people, path=""):
    return f"/api/v1/workspaces/{people.workspace.slug}/approval-flows/{path}"


def test_an_admin_creates_a_two_step_purchase_flow(people, api, shop):
    body = {
        "name": "Purchase request",
        "steps": [manager_step(deadline_hours=48, remind_hours_before=24,
                               fallback=people.owner.pk),
                  team_step(shop.finance, when=above(1000))],
        "on_approved": {"status": "Approved", "status_category": "done",
                        "notify": ["requester", {"team": shop.finance.pk}]},
        "on_rejected": {"status": "Rejected", "status_category": "cancelled"},
    }
    response = api(people.admin).post(_url(people), body, format="json")
    assert response.status_code == 201, response.json()
    flow = response.json()
    assert flow["steps"][1]["approvers"] == {"kind": "team", "team": shop.finance.pk,
                                             "mode": "any"}
    assert flow["steps"][1]["when"] == above(1000)
    assert flow["pending_requests"] == 0 and flow["enabled"] is True
    assert ApprovalFlow.objects.get(pk=flow["id"]).created_by == people.admin

    listed = api(people.member).get(_url(people)).json()["results"]
    assert [f["name"] for f in listed] == ["Purchase request"]


@pytest.mark.parametrize(("role", "read", "write"), [
    ("owner", 200, 201), ("admin", 200, 201), ("member", 200, 403), ("guest", 403, 403),
])
def test_members_read_flows_and_admins_write_them(people, api, role, read, write):
    ApprovalFlowFactory(workspace=people.workspace)
    client = api(people.of(role))
    assert client.get(_url(people)).status_code == read
    created = client.post(_url(people), {"name": "Sign-off", "steps": [manager_step()]},
                          format="json")
    assert created.status_code == write


def _bad_steps(people, shop):
    other_team = TeamFactory(workspace=WorkspaceFactory())
    return [
        ([], "steps", "at least one step"),
        ([{"name": "Boss"}], "steps.0.approvers.kind", "Step 1 ('Boss'), approvers.kind"),
        ([{"name": "A", "approvers": {"kind": "people", "people": [999999]}}],
         "steps.0.approvers.people", "No member 999999"),
        ([{"name": "A", "approvers": {"kind": "people", "people": [people.guest.pk]}}],
         "steps.0.approvers.people", "Guests cannot approve"),
        ([manager_step(), {"name": "F", "approvers": {"kind": "team", "team": other_team.pk}}],
         "steps.1.approvers.team", "Step 2 ('F')"),
        ([team_step(shop.finance, mode="most")], "steps.0.approvers.mode", "mode is any"),
        ([manager_step(when={"all": [
            {"type": "column", "config": {"column": "nope", "op": "gt", "value": 1}}]})],
         "steps.0.when", "column 'nope'"),
        ([manager_step(deadline_hours=0)], "steps.0.deadline_hours", "whole number of hours"),
        ([manager_step(deadline_hours=4, remind_hours_before=4)],
         "steps.0.remind_hours_before", "Remind before the deadline"),
        ([manager_step(remind_hours_before=4)], "steps.0.remind_hours_before", "deadline"),
        ([manager_step(fallback=999999)], "steps.0.fallback", "No member 999999"),
        ([manager_step(colour="red")], "steps.0.colour", "Unknown key"),
    ]


def _dig(fields, path):
    for key in path.split("."):
        fields = fields[key]
    return fields


def test_bad_steps_are_a_400_naming_the_step_and_field(people, api, shop):
    client = api(people.admin)
    for steps, path, words in _bad_steps(people, shop):
        response = client.post(_url(people), {"name": "X", "steps": steps}, format="json")
        assert response.status_code == 400, (steps, response.json())
        payload = response.json()
        assert payload["code"] == "invalid"
        assert words in payload["message"], (path, payload["message"])
        assert _dig(payload["fields"], path), (path, payload["fields"])


@pytest.mark.parametrize(("outcome", "path", "words"), [
    ({"status": 12}, "on_approved.status", "Name the status"),
    ({"status_category": "finished"}, "on_approved.status_category", "Use one of"),
    ({"notify": ["everyone"]}, "on_approved.notify.0", "requester"),
    ({"notify": [{"member": 999999}]}, "on_approved.notify.0", "No member 999999"),
    ({"move": "Done"}, "on_approved.move", "Unknown key"),
])
def test_bad_outcomes_are_a_400_naming_the_field(people, api, outcome, path, words):
    response = api(people.admin).post(_url(people), {
        "name": "X", "steps": [manager_step()], "on_approved": outcome}, format="json")
    assert response.status_code == 400, response.json()
    assert words in response.json()["message"]
    assert _dig(response.json()["fields"], path)


def test_a_flow_is_edited_and_disabled_but_deleted_only_when_unused(people, api, shop):
    client = api(people.admin)
    unused = make_flow(people.owner, manager_step(), name="Unused")
    assert client.delete(_url(people, f"{unused.pk}/")).status_code == 204

    flow = make_flow(people.owner, manager_step())
    request = start(flow, shop.item(people.member), people.member)
    edited = client.patch(_url(people, f"{flow.pk}/"),
                          {"steps": [team_step(shop.finance)], "name": "Purchase v2"},
                          format="json")
    assert edited.status_code == 200 and edited.json()["pending_requests"] == 1
    request.refresh_from_db()
    assert request.steps[0]["approvers"] == {"kind": "manager"}

    refused = client.delete(_url(people, f"{flow.pk}/"))
    assert refused.status_code == 409 and "disable" in refused.json()["message"]
    assert client.patch(_url(people, f"{flow.pk}/"), {"enabled": False},
                        format="json").json()["enabled"] is False

    used_by_form = make_flow(people.owner, manager_step(), name="Form flow")
    FormFactory(board=shop.board, approval_flow=used_by_form)
    assert client.delete(_url(people, f"{used_by_form.pk}/")).status_code == 409


def test_the_flow_list_query_count_does_not_grow_with_page_size(
        people, api, django_assert_max_num_queries):
    for _ in range(30):
        ApprovalFlowFactory(workspace=people.workspace)
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_url(people, f"?page_size={size}"))
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[0]):
        client.get(_url(people, "?page_size=30"))
