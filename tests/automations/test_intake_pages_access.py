"""After sending: the confirmation and the status page; and what a link cannot reach (other
forms, the workspace, forms for members or teams, closed forms)."""

from __future__ import annotations

import pytest

from automations.models import Submission
from automations.selectors.intake import status_token
from automations.services.intake import form_update
from tests.automations.intake_pages_setup import (
    pages_settings,  # noqa: F401 - a fixture
    post_page,
    request_form,
    send,
    url,
)
from tests.factories import MembershipFactory, SubmissionFactory, TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_settings")]


@pytest.fixture
def form(people):
    return request_form(people.owner)


def test_confirmation_shows_the_reference_the_status_link_and_the_e_mail(client, form):
    html = client.get(url(form)).content.decode()
    html = post_page(client, url(form), html, {"title": "Licence", "kind": "software"}
                     ).content.decode()

    response = send(client, form, html, {"app": "Figma"})
    page = client.get(response["Location"]).content.decode()

    submission = Submission.objects.get(form=form)
    assert submission.reference == "IT-1"
    assert '<span class="reference">IT-1</span>' in page
    link = "http://testserver" + response["Location"].removesuffix("?sent=1")
    assert f'<a class="status-link" href="{link}">' in page
    assert "We e-mailed a confirmation to sa…@example.com" in page


def test_status_page_shows_reference_received_state_and_approval(client, form, people):
    submission = SubmissionFactory(form=form, reference="IT-7")

    response = client.get(f"/f/{form.token}/s/{status_token(submission)}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Request IT-7</h1>" in page
    assert "<dt>Received</dt>" in page and "Received: it is waiting" in page
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_a_status_token_reaches_only_its_own_form(client, form, people):
    other = request_form(people.owner)
    submission = SubmissionFactory(form=other)

    assert client.get(f"/f/{form.token}/s/{status_token(submission)}/").status_code == 404
    assert client.get(f"/f/{form.token}/s/not-a-token/").status_code == 404
    assert client.get(f"/f/{other.token}/s/{status_token(submission)}/").status_code == 200


def test_an_unknown_or_archived_form_is_a_404(client, form, people):
    assert client.get("/f/f_nothing_here/").status_code == 404
    form.archived_at = form.created_at
    form.save()
    assert client.get(url(form)).status_code == 404


def test_public_pages_show_nothing_of_the_workspace(client, form, people):
    request_form(people.owner, fields=[{"key": "plan", "label": "Secret roadmap",
                                        "maps_to": "name"}], pages=[])
    submission = SubmissionFactory(form=form)
    pages = [client.get(url(form)).content.decode(),
             client.get(f"/f/{form.token}/s/{status_token(submission)}/").content.decode()]

    for page in pages:
        assert people.workspace.name not in page
        assert "Internal IT queue" not in page  # the board
        assert "Secret roadmap" not in page  # another form
        assert people.owner.user.email not in page
        assert "<nav" not in page and "/w/" not in page


def test_a_closed_form_says_so(client, form, people):
    form_update(actor=people.owner, form=form, is_open=False)

    response = client.get(url(form))

    assert response.status_code == 200
    assert "IT request is closed" in response.content.decode()
    assert "<form" not in response.content.decode()
    assert client.post(url(form), {"title": "x"}).status_code == 409


def test_a_members_form_sends_visitors_to_sign_in_and_lets_members_in(client, people):
    form = request_form(people.owner, access="members")

    anonymous = client.get(url(form))
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"/login/?next=/f/{form.token}/"

    client.force_login(people.outsider.user)
    assert client.get(url(form)).status_code == 404
    client.force_login(people.member.user)
    page = client.get(url(form)).content.decode()
    assert "<h1>IT request</h1>" in page
    html = post_page(client, url(form), page, {"title": "Licence", "kind": "software"}
                     ).content.decode()
    assert 'name="intake-email"' not in html
    assert post_page(client, url(form), html, {"app": "Figma"}, action="submit"
                     ).status_code == 302
    assert Submission.objects.get(form=form).submitter == people.member


def test_a_teams_form_refuses_members_outside_its_teams(client, people):
    team = TeamFactory(workspace=people.workspace)
    team.members.add(people.admin)
    form = request_form(people.owner, access="teams", teams=[team])
    outside = MembershipFactory(workspace=people.workspace, role="member")

    client.force_login(outside.user)
    refused = client.get(url(form))
    client.force_login(people.admin.user)

    assert refused.status_code == 403
    assert "only for members of certain teams" in refused.content.decode()
    assert client.get(url(form)).status_code == 200


def test_the_form_page_reads_the_same_queries_however_many_questions(client, people,
                                                                     django_assert_max_num_queries):
    small = request_form(people.owner, fields=many_fields(3), pages=[])
    large = request_form(people.owner, fields=many_fields(40), pages=[])
    client.get(url(request_form(people.owner, fields=many_fields(2), pages=[])))

    # The first read of a form, then the next ones (which keep its definition).
    with django_assert_max_num_queries(3) as small_queries:
        client.get(url(small))
    with django_assert_max_num_queries(len(small_queries)):
        assert client.get(url(large)).content.decode().count("data-question=") == 40
    with django_assert_max_num_queries(1) as small_queries:
        client.get(url(small))
    with django_assert_max_num_queries(len(small_queries)):
        assert client.get(url(large)).content.decode().count("data-question=") == 40


def many_fields(count: int) -> list[dict]:
    fields = [{"key": "title", "label": "Title", "maps_to": "name"}]
    for n in range(1, count):
        fields.append({"key": f"q{n}", "label": f"Question {n}", "type": "text", "maps_to": ""})
        if n % 2:
            fields[-1]["show_if"] = {"field": "title", "op": "is_not_empty"}
    return fields
