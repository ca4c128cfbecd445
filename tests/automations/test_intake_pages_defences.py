"""The public form page's defences: file limits, files kept across pages, the honeypot, the
time-to-submit check, the per-address throttle and the size of a body."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from automations.models import Submission
from automations.views_intake_uploads import PENDING_DIR, pending_uploads_prune, uploads_restore
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


def test_an_upload_of_the_wrong_type_or_too_large_is_refused_by_its_field(client, form):
    details = walk_to_details(client, form)

    wrong = send(client, form, details, {"quote": SimpleUploadedFile("q.docx", b"x" * 10)})
    large = send(client, form, details, {"quote": SimpleUploadedFile("q.pdf", b"x" * 5000)})

    assert wrong.status_code == large.status_code == 400
    assert "is not one of the accepted types: .pdf, .txt" in wrong.content.decode()
    assert "larger than the 1 KB allowed here" in large.content.decode()
    assert 'href="#q-quote"' in large.content.decode()
    assert "Up to 1 file of 1 KB each; .pdf, .txt." in details
    assert 'accept=".pdf,.txt"' in details and 'enctype="multipart/form-data"' in details


def test_a_file_sent_with_a_page_that_fails_is_kept_for_the_next_post(client, form):
    details = walk_to_details(client, form)

    first = send(client, form, details, {"cost": "abc",
                                         "quote": SimpleUploadedFile("quote.pdf", b"%PDF-1")})
    page = first.content.decode()
    assert first.status_code == 400 and "Attached: quote.pdf" in page
    done = send(client, form, page, {"cost": "20"})

    assert done.status_code == 302
    submission = Submission.objects.get(form=form)
    assert submission.answers["quote"] == ["quote.pdf"]
    assert pending_files() == []  # the submission holds its own copy


def test_a_file_chosen_before_going_back_is_still_there_when_coming_back(client, form):
    details = walk_to_details(client, form)

    back = post_page(client, url(form), details,
                     {"quote": SimpleUploadedFile("quote.txt", b"1 laptop")}, action="back")
    again = post_page(client, url(form), back.content.decode(), {})

    assert "Attached: quote.txt" in again.content.decode()
    assert send(client, form, again.content.decode(), {}).status_code == 302
    assert Submission.objects.get(form=form).answers["quote"] == ["quote.txt"]


def test_files_kept_for_forms_never_sent_are_removed_after_a_day(client, form):
    details = walk_to_details(client, form)
    send(client, form, details, {"cost": "abc", "quote": SimpleUploadedFile("q.pdf", b"%PDF")})
    assert len(pending_files()) == 1

    assert pending_uploads_prune() == 0
    assert pending_uploads_prune(now=timezone.now() + dt.timedelta(days=2)) == 1
    assert pending_files() == []


def test_a_kept_file_note_does_not_travel_to_another_form(client, form, people):
    details = walk_to_details(client, form)
    page = send(client, form, details, {"cost": "abc",
                                        "quote": SimpleUploadedFile("q.pdf", b"%PDF")}
                ).content.decode()
    note = hidden_inputs(page)["intake-file-quote"][0]
    other = request_form(people.owner)

    files, names = uploads_restore(other, "quote", note)

    assert files == [] and names == []


def test_a_body_larger_than_the_form_takes_is_refused_before_it_is_read(client, form):
    response = client.generic("POST", url(form), b"x", CONTENT_TYPE="text/plain",
                              CONTENT_LENGTH=str(1024 ** 3))

    assert response.status_code == 413
    assert "The files are too large" in response.content.decode()


def pending_files() -> list[str]:
    found = []
    try:
        dirs, _ = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return []
    for name in dirs:
        found += default_storage.listdir(f"{PENDING_DIR}/{name}")[1]
    return found


def test_a_filled_honeypot_is_refused(client, form):
    html = client.get(url(form)).content.decode()
    html = post_page(client, url(form), html, {"title": "Licence", "kind": "software"}
                     ).content.decode()

    response = send(client, form, html, {"app": "Figma", "intake-website": "http://spam"})

    assert response.status_code == 400
    assert "We could not accept this submission." in response.content.decode()
    assert not Submission.objects.exists()


def test_a_form_sent_faster_than_a_person_can_is_refused_with_what_to_do(client, form,
                                                                           settings):
    settings.INTAKE_MIN_SECONDS = 30
    html = client.get(url(form)).content.decode()
    html = post_page(client, url(form), html, {"title": "Licence", "kind": "software"}
                     ).content.decode()

    response = send(client, form, html, {"app": "Figma"})

    assert response.status_code == 400
    assert "sent too quickly after it opened; wait 30 seconds" in response.content.decode()
    assert not Submission.objects.exists()


def test_too_many_submissions_from_one_address_get_a_page_saying_when_to_retry(client, form,
                                                                               settings):
    settings.INTAKE_THROTTLE_PER_MINUTE = 2
    html = client.get(url(form)).content.decode()
    html = post_page(client, url(form), html, {"title": "Licence", "kind": "software"}
                     ).content.decode()

    answers = [send(client, form, html, {"app": f"App {n}"}) for n in range(3)]

    assert [r.status_code for r in answers] == [302, 302, 429]
    assert int(answers[2]["Retry-After"]) > 0
    assert "Too many requests" in answers[2].content.decode()
    assert Submission.objects.count() == 2


def test_members_sending_a_members_form_from_one_address_are_not_throttled(client, people,
                                                                          settings):
    settings.INTAKE_THROTTLE_PER_MINUTE = 2
    form = request_form(people.owner, access="members")
    client.force_login(people.member.user)
    html = client.get(url(form)).content.decode()
    html = post_page(client, url(form), html, {"title": "Licence", "kind": "software"}
                     ).content.decode()

    answers = [send(client, form, html, {"app": f"App {n}"}) for n in range(3)]

    assert [r.status_code for r in answers] == [302, 302, 302]
    assert Submission.objects.filter(submitter=people.member).count() == 3
