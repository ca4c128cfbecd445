"""A form by its link, as each submission reads it: one small query once the process has
served the form, and never anything stale, whatever changed the form, its board or the columns
its questions fill; and no CSRF token asked of anyone but a signed-in browser."""

import pytest
from django.utils.crypto import get_random_string
from rest_framework.test import APIClient

from automations.intake.answers import questions_public
from automations.intake.questions import form_questions
from automations.intake.spam import render_stamp
from automations.models import Form, Submission
from automations.selectors.intake import form_accepting
from automations.selectors.intake_public import public_form
from automations.services.intake import form_archive, form_regenerate_token, form_update
from boards.services import board_archive
from boards.services.board_columns import column_update
from tests.automations.intake_setup import make_form, question, service_desk
from workos.errors import NotFound


@pytest.fixture
def desk(people):
    return service_desk(people.owner)


@pytest.fixture
def form(people, desk):
    return make_form(people.owner, desk.board, [
        question("title", "name", required=True), question("kind", "values.dropdown")])


def _options(form):
    kind = next(q for q in questions_public(form) if q["key"] == "kind")
    return [o["label"] for o in kind["options"]]


def test_a_form_served_before_costs_one_query(form, django_assert_num_queries):
    public_form(form.token)
    with django_assert_num_queries(1):
        served = public_form(form.token)
        assert [q.key for q in form_questions(served)] == ["title", "kind"]
        assert form_accepting(served)


def test_a_changed_definition_shows_at_once(people, form):
    public_form(form.token)
    form_update(actor=people.owner, form=form, name="Hardware request",
                fields=[question("title", "name", required=True)])
    served = public_form(form.token)
    assert served.name == "Hardware request"
    assert [q.key for q in form_questions(served)] == ["title"]


def test_new_options_of_a_column_show_at_once(people, desk, form):
    assert _options(public_form(form.token)) == ["Laptop", "Phone", "Monitor"]
    column = desk.column("dropdown")
    column_update(actor=people.owner, column=column, settings={
        "options": [*column.settings["options"], {"label": "Dock"}]})
    assert _options(public_form(form.token)) == ["Laptop", "Phone", "Monitor", "Dock"]


def test_closing_the_form_or_archiving_its_board_shows_at_once(people, desk, form):
    assert form_accepting(public_form(form.token))
    # Even written behind the services' back, without the form's updated_at.
    Form.objects.filter(pk=form.pk).update(is_open=False)
    assert not form_accepting(public_form(form.token))
    Form.objects.filter(pk=form.pk).update(is_open=True)
    assert form_accepting(public_form(form.token))
    board_archive(actor=people.owner, board=desk.board)
    assert not form_accepting(public_form(form.token))


def test_an_archived_form_a_new_link_and_unknown_links_are_not_found(people, form):
    old = form.token
    public_form(old)
    form = form_regenerate_token(actor=people.owner, form=form)
    with pytest.raises(NotFound):
        public_form(old)
    assert public_form(form.token).pk == form.pk
    form_archive(actor=people.owner, form=form)
    for token in (form.token, "", "x" * 65, None, 12):
        with pytest.raises(NotFound):
            public_form(token)


def test_each_call_hands_out_its_own_copy(form):
    served = public_form(form.token)
    served.name = "Changed by a caller"
    served.board.read_only = True
    again = public_form(form.token)
    assert again.name == "IT request" and again.board.read_only is False
    assert again.board.name == "Service desk"  # the rest of the board is read when used


def _post(client, form, **headers):
    return client.post(f"/api/v1/forms/{form.token}/", {
        "answers": {"title": "Laptop"}, "email": "ana@example.com", "stamp": render_stamp(),
        "website": ""}, format="json", **headers)


def test_only_a_signed_in_browser_needs_a_csrf_token(people, form, settings):
    settings.INTAKE_MIN_SECONDS = 0
    assert _post(APIClient(enforce_csrf_checks=True), form).status_code == 202
    # A page of another site posting with a member's session cookie cannot act as them.
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(people.member.user)
    refused = _post(browser, form)
    assert refused.status_code == 403 and "CSRF" in refused.json()["message"]
    secret = get_random_string(32)
    browser.cookies[settings.CSRF_COOKIE_NAME] = secret
    assert _post(browser, form, HTTP_X_CSRFTOKEN=secret).status_code == 202
    assert Submission.objects.filter(form=form).count() == 2
