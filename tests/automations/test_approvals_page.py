"""The decision page an approval e-mail links to: sign-in required, Approve / Reject for a
pending approver, read-only for others who may see the request, 404 for everyone else."""

import re

import pytest

from automations.services.approvals import approval_decide
from boards.models import Privacy
from boards.services import board_update
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


def _page(people, request):
    return f"/w/{people.workspace.slug}/approvals/{request.pk}/"


def test_the_page_needs_a_signed_in_user(client, people, shop):
    request = start(make_flow(people.owner, manager_step()), shop.item(people.member),
                    people.member)
    response = client.get(_page(people, request))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_approver_approves_from_the_page(client, people, shop):
    flow = make_flow(people.owner, manager_step(), team_step(shop.finance))
    request = start(flow, shop.item(people.member, "Ergonomic chair"), people.member)
    client.force_login(people.admin.user)
    page = client.get(_page(people, request))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ergonomic chair" in html and people.member.display_name in html
    assert 'value="approve"' in html and 'name="csrfmiddlewaretoken"' in html
    # CSP: no inline scripts or styles.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "style=" not in html and "<style" not in html

    done = client.post(_page(people, request), {"decision": "approve", "comment": "OK"})
    assert done.status_code == 302 and done["Location"] == _page(people, request)
    request.refresh_from_db()
    assert request.current_step == 1 and request.status == "pending"
    after = client.get(_page(people, request)).content.decode()
    assert "You approved" in after and 'value="approve"' not in after
    assert "OK" in after


def test_a_rejection_without_a_comment_is_shown_next_to_the_form(client, people, shop):
    request = start(make_flow(people.owner, manager_step()), shop.item(people.member),
                    people.member)
    client.force_login(people.admin.user)
    response = client.post(_page(people, request), {"decision": "reject", "comment": ""})
    assert response.status_code == 400
    assert "Say why you reject it" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"


def test_others_see_the_request_read_only_and_cannot_decide(client, people, shop):
    request = start(make_flow(people.owner, manager_step()), shop.item(people.member),
                    people.member)
    client.force_login(people.owner.user)
    page = client.get(_page(people, request))
    assert page.status_code == 200 and 'value="approve"' not in page.content.decode()
    refused = client.post(_page(people, request), {"decision": "approve"})
    assert refused.status_code == 403
    request.refresh_from_db()
    assert request.status == "pending"


def test_another_workspaces_or_an_invisible_request_is_not_found(client, people, shop):
    request = start(make_flow(people.owner, manager_step()), shop.item(people.member),
                    people.member)
    client.force_login(people.outsider.user)
    assert client.get(_page(people, request)).status_code == 404
    assert client.get(f"/w/{people.outsider.workspace.slug}/approvals/{request.pk}/"
                      ).status_code == 404

    board_update(actor=people.owner, board=shop.board, privacy=Privacy.PRIVATE)
    client.force_login(MembershipFactory(workspace=people.workspace).user)
    assert client.get(_page(people, request)).status_code == 404


def test_staff_see_requests_filtered_by_status_and_flow_with_their_decisions(
        client, people, shop):
    flow = make_flow(people.owner, manager_step())
    request = start(flow, shop.item(people.member, "Projector"), people.member)
    approval_decide(actor=people.admin, request=request, decision="reject",
                    comment="We have two already")
    staff = people.owner.user
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    listed = client.get(f"/admin/automations/approvalrequest/?status=rejected&flow__id__exact="
                        f"{flow.pk}")
    assert listed.status_code == 200 and "Projector" in listed.content.decode()
    empty = client.get("/admin/automations/approvalrequest/?status=pending")
    assert "Projector" not in empty.content.decode()
    detail = client.get(f"/admin/automations/approvalrequest/{request.pk}/change/")
    assert detail.status_code == 200 and "We have two already" in detail.content.decode()
    assert client.get("/admin/automations/approvalflow/").status_code == 200
