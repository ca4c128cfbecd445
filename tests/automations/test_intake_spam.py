"""Anonymous submissions pass a honeypot, a time-to-submit stamp and a throttle per address and
form; what is refused says what to do."""

import datetime as dt

import pytest
import time_machine

from automations.intake.spam import render_stamp, spam_check
from automations.models import Submission
from tests.automations.intake_setup import make_form, question, service_desk
from workos.errors import Throttled, ValidationFailed

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def form(people):
    desk = service_desk(people.owner)
    return make_form(people.owner, desk.board, [question("title", "name")])


def _post(client, form, stamp, ip="203.0.113.7", **extra):
    return client.post(f"/api/v1/forms/{form.token}/", {
        "answers": {"title": "Laptop"}, "email": "ana@example.com", "stamp": stamp,
        "website": "", **extra}, format="json", REMOTE_ADDR=ip)


def test_a_filled_honeypot_is_refused_without_saying_why(api, form):
    with time_machine.travel(NOW, tick=False) as clock:
        stamp = render_stamp()
        clock.shift(10)
        refused = _post(api(), form, stamp, website="https://spam.example")
    assert refused.status_code == 400
    assert refused.json()["message"] == "We could not accept this submission."
    assert Submission.objects.count() == 0


def test_a_form_sent_too_quickly_is_refused_until_a_person_could_have_read_it(api, form,
                                                                               settings):
    settings.INTAKE_MIN_SECONDS = 3
    client = api()
    with time_machine.travel(NOW, tick=False) as clock:
        stamp = client.get(f"/api/v1/forms/{form.token}/").json()["stamp"]
        clock.shift(1)
        fast = _post(client, form, stamp)
        assert fast.status_code == 400
        assert fast.json()["code"] == "too_fast"
        assert "wait 3 seconds" in fast.json()["message"]
        clock.shift(4)
        assert _post(client, form, stamp).status_code == 202


@pytest.mark.parametrize("stamp", ["", "forged:stamp:value", None])
def test_a_missing_or_forged_stamp_asks_to_reload(api, form, stamp):
    refused = _post(api(), form, stamp) if stamp is not None else api().post(
        f"/api/v1/forms/{form.token}/", {"answers": {"title": "x"}, "email": "a@b.example"},
        format="json")
    assert refused.status_code == 400
    assert "reload the page" in refused.json()["message"]
    assert "stamp" in refused.json()["fields"]


def test_an_old_stamp_asks_to_reload(form):
    with time_machine.travel(NOW, tick=False) as clock:
        stamp = render_stamp()
        clock.shift(4 * 24 * 3600)
        with pytest.raises(ValidationFailed) as caught:
            spam_check(form, honeypot="", stamp=stamp, ip="203.0.113.7")
    assert caught.value.fields == {"stamp": ["Expired."]}


def test_too_many_submissions_from_one_address_are_throttled_with_the_wait(api, form,
                                                                           settings):
    settings.INTAKE_THROTTLE_PER_MINUTE = 3
    settings.INTAKE_MIN_SECONDS = 0
    client = api()
    stamp = render_stamp()
    answers = [_post(client, form, stamp).status_code for _ in range(3)]
    assert answers == [202, 202, 202]
    throttled = _post(client, form, stamp)
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert "try again in" in throttled.json()["message"]
    assert int(throttled["Retry-After"]) >= 1
    assert _post(client, form, stamp, ip="198.51.100.1").status_code == 202
    assert Submission.objects.count() == 4


def test_the_throttle_counts_per_form_and_can_be_turned_off(form, people, settings):
    settings.INTAKE_THROTTLE_PER_MINUTE = 1
    settings.INTAKE_MIN_SECONDS = 0
    other = make_form(people.owner, form.board, [question("title", "name")], name="Other")
    stamp = render_stamp()
    spam_check(form, honeypot="", stamp=stamp, ip="203.0.113.7")
    spam_check(other, honeypot="", stamp=stamp, ip="203.0.113.7")
    with pytest.raises(Throttled):
        spam_check(form, honeypot="", stamp=stamp, ip="203.0.113.7")
    settings.INTAKE_THROTTLE_PER_MINUTE = 0
    for _ in range(5):
        spam_check(form, honeypot="", stamp=stamp, ip="203.0.113.7")


def test_members_signed_in_skip_the_anonymous_defences(api, people, form):
    form.access = "members"
    form.save()
    sent = api(people.member).post(f"/api/v1/forms/{form.token}/",
                                   {"answers": {"title": "x"}}, format="json")
    assert sent.status_code == 202
