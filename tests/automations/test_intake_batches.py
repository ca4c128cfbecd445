"""Submissions become items many at a time: a batch claims the oldest waiting ones once, makes
one item each in its own transaction (one failure stops nothing else), and sends their
confirmations together; stored submissions ask for a batch, not for a message each."""

import datetime as dt

import pytest
from django.core import mail

from automations.models import Submission
from automations.services import intake_batches, intake_processing, intake_queue
from automations.services.intake import submission_create, submission_process
from automations.services.intake_batches import (
    submissions_claim,
    submissions_confirm,
    submissions_process_batch,
)
from automations.tasks_intake import process_pending, sweep_submissions
from boards.models import Item
from tests.automations.intake_setup import make_form, question, service_desk
from workos.errors import ValidationFailed


@pytest.fixture
def form(people):
    desk = service_desk(people.owner)
    return make_form(people.owner, desk.board, [question("title", "name", required=True)])


def _store(form, *titles):
    """Submissions stored as a request would store them, without asking for a worker."""
    return [submission_create(form=form, answers={"title": title}, files=None, submitter=None,
                              email=f"{title.lower()}@example.com")[0] for title in titles]


def _items(form):
    return Item.objects.filter(board=form.board)


def _state(*submissions):
    rows = Submission.objects.in_bulk([s.pk for s in submissions])
    return [(rows[s.pk].status, rows[s.pk].attempts) for s in submissions]


def test_a_batch_makes_the_oldest_items_once_and_confirms_them_together(form):
    first, second, third = _store(form, "Laptop", "Phone", "Dock")
    batch = submissions_process_batch(limit=2)
    assert batch.claimed == batch.created == [first.pk, second.pk]
    assert _state(first, second, third) == [("created", 1), ("created", 1), ("received", 0)]
    assert sorted(_items(form).values_list("name", flat=True)) == ["Laptop", "Phone"]
    assert mail.outbox == []
    assert submissions_confirm(ids=batch.created) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["laptop@example.com", "phone@example.com"]
    assert submissions_confirm(ids=batch.created) == 0
    assert len(mail.outbox) == 2
    assert submissions_process_batch().created == [third.pk]
    assert submissions_process_batch().claimed == []


def test_a_claimed_submission_is_never_claimed_again_and_the_sweep_finishes_it(form):
    (lost,) = _store(form, "Lost")
    assert submissions_claim() == [lost.pk]  # and its worker died before making the item
    assert submissions_claim() == []
    assert submissions_process_batch().claimed == []
    Submission.objects.filter(pk=lost.pk).update(
        created_at=lost.created_at - dt.timedelta(minutes=5))
    assert sweep_submissions.apply().get() == 1
    assert _state(lost) == [("created", 2)]
    assert _items(form).count() == 1


def test_one_failing_submission_does_not_stop_the_others(form, monkeypatch):
    make = intake_processing.item_create

    def flaky(*, actor, board, fields):
        if fields["name"] == "Broken":
            raise RuntimeError("the database went away")
        if fields["name"] == "Refused":
            raise ValidationFailed("The board takes no such item.")
        return make(actor=actor, board=board, fields=fields)

    monkeypatch.setattr(intake_processing, "item_create", flaky)
    ok, broken, refused, last = _store(form, "Fine", "Broken", "Refused", "Last")
    batch = submissions_process_batch()
    assert batch.created == [ok.pk, last.pk]
    assert batch.retry == [broken.pk] and batch.failed == [refused.pk]
    assert _state(ok, broken, refused, last) == [
        ("created", 1), ("received", 1), ("failed", 1), ("created", 1)]
    assert "database went away" in Submission.objects.get(pk=broken.pk).error
    monkeypatch.setattr(intake_processing, "item_create", make)
    assert submission_process(submission_id=broken.pk).status == "created"
    assert _items(form).count() == 3


def test_a_submission_made_meanwhile_by_its_own_message_is_left_alone(form, monkeypatch):
    (submission,) = _store(form, "Twice")
    claim = intake_batches.submissions_claim

    def claim_then_race(*, limit):
        claimed = claim(limit=limit)
        submission_process(submission_id=submission.pk)  # a sweep's message got there first
        return claimed

    monkeypatch.setattr(intake_batches, "submissions_claim", claim_then_race)
    batch = submissions_process_batch()
    assert batch.claimed == [submission.pk] and batch.created == []
    assert _items(form).count() == 1
    assert _state(submission) == [("created", 2)]


def test_the_task_drains_every_waiting_submission_and_mails_each_once(form, monkeypatch):
    monkeypatch.setattr("automations.services.intake_batches.BATCH", 2)
    monkeypatch.setattr("automations.tasks_intake.batches.BATCH", 2)
    sent = _store(form, "A", "B", "C", "D", "E")
    assert process_pending.apply().get() == 5
    assert {s.status for s in Submission.objects.all()} == {"created"}
    assert _items(form).count() == 5 and len(mail.outbox) == 5
    assert process_pending.apply().get() == 0
    assert len({m.to[0] for m in mail.outbox}) == len(sent)


def test_a_submission_asks_for_a_batch_once_it_is_stored(form,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (submission,) = _store(form, "Monitor")
    assert _state(submission) == [("created", 1)]
    assert len(mail.outbox) == 1


def test_a_burst_of_submissions_queues_one_batch_until_it_starts(form, monkeypatch):
    queued = []
    monkeypatch.setattr(intake_queue, "coalescing", lambda: True)
    monkeypatch.setattr(process_pending, "delay", lambda: queued.append(1))
    for _ in range(3):
        intake_queue.process_soon()
    assert len(queued) == 1
    intake_queue.process_started()
    intake_queue.process_soon()
    intake_queue.process_soon()
    assert len(queued) == 2


def test_without_a_shared_flag_every_submission_runs_a_batch(form, monkeypatch):
    queued = []
    monkeypatch.setattr(process_pending, "delay", lambda: queued.append(1))
    intake_queue.process_soon()
    intake_queue.process_soon()
    assert len(queued) == 2
