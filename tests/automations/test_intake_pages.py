"""The public form page /f/<token>/ through the Django test client: what a person without
JavaScript sees, and how the pages, the conditional questions and the link's values work."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from automations.models import Submission
from automations.selectors.intake import submission_by_status_token
from tests.automations.intake_pages_setup import (
    hidden_inputs,
    pages_settings,  # noqa: F401 - a fixture
    post_page,
    request_form,
    send,
    url,
    walk_to_details,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_settings")]


@pytest.fixture
def form(people):
    return request_form(people.owner)


def test_every_question_has_its_label_help_and_required_mark_in_text(client, form):
    html = client.get(url(form)).content.decode()

    assert '<label for="q-title">What do you need? <span class="req">(required)</span></label>' \
        in html
    assert re.search(r'<p class="help" id="q-title-help">', html)
    assert re.search(r'id="q-title"[^>]*aria-describedby="q-title-help"', html)
    assert '<label for="q-kind">' in html
    assert "Page 1 of 2: About your request" in html
    # The conditional question waits hidden (and sends nothing) until its answer is given.
    assert re.search(r'data-question="device"[^>]*hidden', html)
    assert re.search(r'id="q-device"[^>]*disabled', html)
    # No inline script or style: the policy allows files of this site only.
    assert "<script>" not in html and " style=" not in html and "<style" not in html
    assert '<script type="module" src="/static/js/intake-form.js"></script>' in html


EVERY_TYPE = [
    {"key": "title", "label": "Title", "maps_to": "name", "required": True},
    {"key": "notes", "label": "Notes", "type": "long_text", "maps_to": ""},
    {"key": "count", "label": "How many", "type": "number", "maps_to": ""},
    {"key": "budget", "label": "Budget", "type": "money", "maps_to": "", "currency": "EUR"},
    {"key": "when", "label": "When", "type": "date", "maps_to": ""},
    {"key": "span", "label": "Away", "type": "timeline", "maps_to": ""},
    {"key": "agree", "label": "I agree to the terms", "type": "checkbox", "maps_to": ""},
    {"key": "stars", "label": "How happy are you", "type": "rating", "maps_to": "", "max": 5},
    {"key": "site", "label": "Web site", "type": "link", "maps_to": ""},
    {"key": "mail", "label": "Other address", "type": "email", "maps_to": ""},
    {"key": "phone", "label": "Phone", "type": "phone", "maps_to": ""},
    {"key": "size", "label": "Size", "type": "dropdown", "maps_to": "",
     "options": [{"id": "s", "label": "Small"}, {"id": "l", "label": "Large"}]},
    {"key": "rooms", "label": "Rooms", "type": "dropdown", "maps_to": "", "multiple": True,
     "options": [{"id": "a", "label": "Room A"}, {"id": "b", "label": "Room B"}]},
    {"key": "words", "label": "Keywords", "type": "tags", "maps_to": ""},
    {"key": "due", "label": "Due", "maps_to": "due_date"},
    {"key": "urgency", "label": "Urgency", "maps_to": "priority"},
    {"key": "file", "label": "Attachment", "type": "file", "maps_to": "", "max_files": 2},
]


def test_every_type_of_question_gets_a_labelled_control_and_its_answer_is_kept(client, people):
    form = request_form(people.owner, fields=EVERY_TYPE, pages=[])
    html = client.get(url(form)).content.decode()

    controls = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html)
    labels = set(re.findall(r'<label for="([^"]+)"', html))
    assert set(controls) - labels == set()  # every control is labelled, the trap included
    assert html.count("<legend>") == 3  # groups: the checkbox, the timeline, the rooms
    response = post_page(client, url(form), html, {
        "title": "All of it", "notes": "Many\nlines", "count": "3", "budget": "12.50",
        "when": "2026-12-01", "span.start": "2026-12-01", "span.end": "2026-12-03",
        "agree": "1", "stars": "4", "site": "https://example.com", "mail": "a@example.com",
        "phone": "+44 20 7946 0000", "size": "l", "rooms": ["a", "b"], "words": "red, blue",
        "due": "2026-12-24", "urgency": "high", "intake-email": "sam@example.com",
        "file": [SimpleUploadedFile("a.txt", b"a"), SimpleUploadedFile("b.txt", b"b")],
    }, action="submit")

    assert response.status_code == 302, response.content.decode()
    answers = Submission.objects.get(form=form).answers
    assert answers["agree"] is True and answers["rooms"] == ["a", "b"]
    assert answers["span"] == {"start": "2026-12-01", "end": "2026-12-03"}
    assert answers["words"] == ["red", "blue"] and answers["file"] == ["a.txt", "b.txt"]


def test_honeypot_is_out_of_reach_of_people(client, form):
    html = client.get(url(form)).content.decode()

    trap = re.search(r'<div class="intake-trap" aria-hidden="true">.*?</div>', html, re.S)
    assert trap is not None
    assert 'tabindex="-1"' in trap.group(0) and 'autocomplete="off"' in trap.group(0)
    assert hidden_inputs(html)["intake-stamp"][0]


def test_missing_answers_are_marked_by_each_field_with_the_answers_kept(client, form):
    html = client.get(url(form)).content.decode()

    response = post_page(client, url(form), html, {"title": "", "kind": "software"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: IT request" in page
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', page, re.S).group(0)
    assert '<a href="#q-title">What do you need? Answer this question.</a>' in summary
    assert re.search(r'id="q-title"[^>]*aria-describedby="q-title-help q-title-error"'
                     r'[^>]*aria-invalid="true"', page)
    assert 'id="q-title-error"><span class="visually-hidden">Error:</span> Answer this' in page
    assert '<option value="software" selected>Software</option>' in page
    assert page.index("error-summary") < page.index('id="q-title"')


def test_a_conditional_question_appears_after_posting_without_javascript(client, form):
    html = client.get(url(form)).content.decode()

    response = post_page(client, url(form), html, {"title": "A laptop", "kind": "hardware"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "More questions apply to your answers" in page
    assert not re.search(r'data-question="device"[^>]*hidden', page)
    assert "error-summary" not in page
    assert "Page 1 of 2" in page

    response = post_page(client, url(form), page, {"device": "ThinkPad"})
    assert "Page 2 of 2: Details" in response.content.decode()


def test_pages_carry_earlier_answers_and_go_back_with_them(client, form):
    details = walk_to_details(client, form)

    assert "What it is for, and its cost." in details  # the page's own description
    carried = hidden_inputs(details)
    assert carried["title"] == ["A laptop"] and carried["device"] == ["ThinkPad"]
    back = post_page(client, url(form), details, {"details": "For travel"}, action="back")

    page = back.content.decode()
    assert "Page 1 of 2" in page and 'value="A laptop"' in page
    assert hidden_inputs(page)["details"] == ["For travel"]


def test_answers_branch_to_another_page(client, form):
    html = client.get(url(form)).content.decode()

    response = post_page(client, url(form), html, {"title": "Licence", "kind": "software"})

    page = response.content.decode()
    assert "Page 2 of 2: Software" in page
    assert '<label for="q-app">' in page


def test_a_conditional_question_on_a_later_page_and_the_whole_walk_to_a_submission(client, form):
    details = walk_to_details(client, form)

    response = send(client, form, details, {"cost": "5000"})
    page = response.content.decode()
    assert response.status_code == 200 and "More questions apply" in page
    response = send(client, form, page, {"reason": "The old one broke."})

    assert response.status_code == 302
    submission = Submission.objects.get(form=form)
    sent_to = re.fullmatch(rf"/f/{form.token}/s/([^/]+)/\?sent=1", response["Location"])
    assert submission_by_status_token(form, sent_to.group(1)) == submission
    answers = submission.answers
    assert (answers["title"], answers["device"], answers["reason"]) == \
        ("A laptop", "ThinkPad", "The old one broke.")
    assert submission.submitter_email == "sam@example.com"


def test_earlier_pages_are_checked_again_when_their_hidden_inputs_are_edited(client, form):
    details = walk_to_details(client, form)

    response = send(client, form, details.replace('value="A laptop"', 'value=""'), {})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Page 1 of 2" in page and 'href="#q-title"' in page
    assert not Submission.objects.exists()


def test_the_e_mail_address_is_asked_on_the_last_page_and_required(client, form):
    details = walk_to_details(client, form)

    response = post_page(client, url(form), details, {}, action="submit")

    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#intake-email">Your e-mail address: Give your e-mail' in page
    assert re.search(r'id="intake-email"[^>]*aria-invalid="true"', page)


def test_hidden_questions_take_their_value_from_the_link_and_nothing_else_does(client, form):
    html = client.get(url(form, "source=newsletter&title=Injected")).content.decode()
    assert 'name="source"' not in html and 'value="Injected"' not in html
    assert f'action="/f/{form.token}/?source=newsletter&amp;title=Injected"' in html

    html = post_page(client, url(form, "source=newsletter&title=Injected"),
                     html.replace('value="kind,title"', 'value="device,kind,title"'),
                     {"title": "Mouse", "kind": "hardware", "device": "Desk"}).content.decode()
    send(client, form, html, {}, query="source=newsletter&title=Injected")

    answers = Submission.objects.get(form=form).answers
    assert answers["source"] == "newsletter" and answers["title"] == "Mouse"


def test_a_question_shown_for_a_value_of_the_link_is_asked_and_required(client, people):
    fields = [
        {"key": "title", "label": "What do you need?", "maps_to": "name", "required": True},
        {"key": "source", "label": "Source", "type": "text", "maps_to": "", "hidden": True,
         "default": "web"},
        {"key": "desk", "label": "Which desk are you at?", "type": "text", "maps_to": "",
         "required": True, "show_if": {"field": "source", "op": "equals", "value": "kiosk"}},
    ]
    form = request_form(people.owner, fields=fields, pages=[])

    plain = client.get(url(form)).content.decode()
    kiosk = client.get(url(form, "source=kiosk")).content.decode()
    sent = post_page(client, url(form, "source=kiosk"), kiosk,
                     {"title": "Chair", "intake-email": "sam@example.com"}, action="submit")

    assert re.search(r'data-question="desk"[^>]*hidden', plain)
    assert not re.search(r'data-question="desk"[^>]*hidden', kiosk)
    assert hidden_inputs(kiosk)["source"] == ["kiosk"]  # for the page script's condition
    assert sent.status_code == 400 and 'href="#q-desk"' in sent.content.decode()


def test_a_page_the_answers_do_not_lead_to_starts_the_form_again(client, form):
    html = client.get(url(form)).content.decode()

    response = post_page(client, url(form), html.replace('value="about"', 'value="software"'),
                         {"title": "Mouse", "kind": "hardware"})

    assert response.status_code == 200
    assert "Page 1 of 2" in response.content.decode()
    assert not Submission.objects.exists()
