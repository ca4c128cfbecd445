"""A real Celery worker on Redis and PostgreSQL turns submissions into items: exactly one item
each, even when a message comes twice or a burst is made in batches, with one confirmation each;
and the sweep recovers a submission whose request for a worker was never sent."""

import datetime as dt
import os
import time

import pytest
from django.core import mail

from automations.models import Submission
from automations.services import intake as intake_services
from automations.services.intake import submission_create
from automations.tasks_intake import process_submission, sweep_submissions
from boards.models import Item
from boards.services import board_create
from tests.automations.intake_setup import make_form, question

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL for a broker"),
]


def _wait_for(check, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def _form(people):
    board = board_create(actor=people.owner, name="Service desk", groups=["Incoming"])
    return make_form(people.owner, board, [question("title", "name", required=True)])


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_exactly_one_item_per_submission(people, worker):
    form = _form(people)
    sent = [submission_create(form=form, answers={"title": f"Request {n}"}, files=None,
                              submitter=None, email=f"r{n}@example.com")[0]
            for n in range(20)]
    for submission in sent[:5]:
        process_submission.delay(submission.pk)  # a redelivered message, as it were

    def all_created() -> bool:
        return Submission.objects.filter(form=form, status="created").count() == len(sent)

    assert _wait_for(all_created), "the worker did not make every item"
    assert Item.objects.filter(board=form.board).count() == len(sent)
    items = Submission.objects.filter(form=form).values_list("item_id", flat=True)
    assert len(set(items)) == len(sent)
    names = set(Item.objects.filter(board=form.board).values_list("name", flat=True))
    assert names == {f"Request {n}" for n in range(20)}
    assert _wait_for(lambda: not Submission.objects.filter(
        form=form, confirmation_sent_at__isnull=True).exists()), "confirmations not sent"


@pytest.mark.django_db(transaction=True)
def test_a_burst_is_made_in_batches_with_one_confirmation_each(people, worker):
    form = _form(people)
    sent = [submission_create(form=form, answers={"title": f"Burst {n}"}, files=None,
                              submitter=None, email=f"b{n}@example.com")[0]
            for n in range(120)]

    def all_confirmed() -> bool:
        return Submission.objects.filter(form=form, status="created",
                                         confirmation_sent_at__isnull=False).count() == len(sent)

    assert _wait_for(all_confirmed), "the worker did not make and confirm every item"
    items = list(Submission.objects.filter(form=form).values_list("item_id", flat=True))
    assert len(set(items)) == len(sent) == Item.objects.filter(board=form.board).count()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"b{n}@example.com"
                                                          for n in range(120))


@pytest.mark.django_db(transaction=True)
def test_the_sweep_recovers_a_submission_whose_message_was_lost(people, worker, monkeypatch):
    form = _form(people)
    monkeypatch.setattr(intake_services, "_queue", lambda: None)  # the request never left
    lost, _ = submission_create(form=form, answers={"title": "Lost"}, files=None,
                                submitter=None, email="lost@example.com")
    Submission.objects.filter(pk=lost.pk).update(
        created_at=lost.created_at - dt.timedelta(minutes=5))
    time.sleep(0.5)
    assert Submission.objects.get(pk=lost.pk).status == "received"
    sweep_submissions.delay()
    assert _wait_for(lambda: Submission.objects.get(pk=lost.pk).status == "created")
    assert Item.objects.filter(board=form.board).count() == 1
