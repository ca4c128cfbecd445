"""A submission becomes one item: routed (group, assignee fixed / round-robin / least loaded,
priority), with its files, its event for rules, its approval flow and one confirmation e-mail
carrying the status link."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from automations.catalogue.dates import workspace_today
from automations.models import ApprovalRequest, RuleRun, Submission
from automations.selectors.intake import (
    submission_by_status_token,
    submission_status,
)
from automations.services.intake import (
    form_update,
    submission_confirm,
    submission_create,
    submission_process,
    submissions_stale,
)
from automations.tasks_intake import process_submission, sweep_submissions
from boards.models import Item
from boards.services import board_archive, item_create, item_update
from tests.automations.intake_setup import make_form, question, service_desk, submit
from tests.automations.rules_setup import dispatch, rule, then, when
from tests.factories import ApprovalFlowFactory, TeamFactory
from workos.activity.models import Activity, Attachment
from workos.errors import NotFound


@pytest.fixture
def desk(people):
    return service_desk(people.owner)


@pytest.fixture
def team(people):
    team = TeamFactory(workspace=people.workspace)
    team.members.add(people.member, people.admin)
    return team


def _form(people, desk, **extra):
    return make_form(people.owner, desk.board, [
        question("title", "name", required=True), question("kind", "values.dropdown"),
        question("files", type="file", max_files=3)], **extra)


def test_a_submission_becomes_one_item_made_by_the_automation_actor(people, desk):
    form = _form(people, desk)
    submission = submit(form, {"title": "New laptop", "kind": "Laptop"})
    item = submission.item
    assert submission.status == "created" and submission.processed_at is not None
    assert item.name == "New laptop" and item.values == {"dropdown": "laptop"}
    assert item.board == desk.board and item.group.name == "Incoming"
    assert item.created_by.user.email.startswith("automation+")
    again = submission_process(submission_id=submission.pk)
    assert again.item_id == item.pk
    assert Item.objects.filter(board=desk.board).count() == 1


def test_a_members_form_makes_the_item_as_the_member(people, desk):
    form = _form(people, desk, access="members")
    submission = submit(form, {"title": "Monitor"}, submitter=people.member, email="")
    assert submission.item.created_by == people.member
    assert submission.submitter_email == people.member.user.email


def test_the_item_records_the_event_that_form_rules_trigger_on(people, desk):
    form = _form(people, desk)
    other = _form(people, desk, name="Other")
    r = rule(people.admin, desk.board, when("form_submitted", form=form.pk),
             [then("add_comment", body="Thanks, {item.name} is on our list")])
    submission = submit(form, {"title": "Printer jam"})
    submit(other, {"title": "Not this one"})
    event = Activity.objects.get(verb="intake.submitted", target_id=submission.item_id)
    assert event.data == {"form": form.pk, "submission": submission.pk,
                          "reference": submission.reference, "board": desk.board.pk,
                          "attachments": []}
    dispatch()
    runs = list(RuleRun.objects.filter(rule=r))
    assert len(runs) == 1 and runs[0].status == "succeeded"
    assert runs[0].item_id == submission.item_id


def test_routing_picks_group_priority_and_a_fixed_member(people, desk):
    form = _form(people, desk, routing=[
        {"when": {"field": "kind", "op": "equals", "value": "Laptop"},
         "group": desk.groups["Hardware"], "priority": "high",
         "assign": {"mode": "member", "member": people.member.pk}},
    ], routing_default={"group": desk.groups["Access"], "priority": "low"})
    laptop = submit(form, {"title": "Laptop", "kind": "Laptop"}).item
    phone = submit(form, {"title": "Phone", "kind": "Phone"}).item
    assert (laptop.group_id, laptop.priority) == (desk.groups["Hardware"], "high")
    assert [m.pk for m in laptop.assignees.all()] == [people.member.pk]
    assert (phone.group_id, phone.priority) == (desk.groups["Access"], "low")
    assert list(phone.assignees.all()) == []


def test_round_robin_takes_turns_per_form(people, desk, team):
    form = _form(people, desk, routing_default={"assign": {"mode": "round_robin",
                                                           "team": team.pk}})
    chosen = [submit(form, {"title": f"Request {n}"}).item.assignees.get().pk for n in range(3)]
    first, second = sorted([people.member.pk, people.admin.pk])
    assert chosen == [first, second, first]


def test_least_loaded_assigns_the_member_with_most_spare_capacity(people, desk, team):
    today = workspace_today(people.workspace)
    item_create(actor=people.owner, board=desk.board, fields={
        "name": "Migration", "assignees": [people.member.pk], "estimate_hours": 60,
        "start_date": today, "due_date": today + dt.timedelta(days=9)})
    form = _form(people, desk, routing_default={"assign": {"mode": "least_loaded",
                                                           "team": team.pk}})
    assert submit(form, {"title": "Request"}).item.assignees.get() == people.admin


def test_files_move_from_the_submission_to_the_item(people, desk):
    form = _form(people, desk)
    upload = SimpleUploadedFile("screen.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50)
    submission = submit(form, {"title": "Broken screen"}, files={"files": [upload]},
                        process=False)
    stored = Attachment.objects.get()
    assert stored.target_id == submission.pk and stored.original_name == "screen.png"
    submission = submission_process(submission_id=submission.pk)
    stored.refresh_from_db()
    assert stored.target_id == submission.item_id
    assert stored.target_type.model == "item"
    event = Activity.objects.get(verb="intake.submitted")
    assert event.data["attachments"] == [stored.pk]


def test_references_are_sequential_per_form(people, desk):
    form = _form(people, desk, reference_prefix="it")
    other = _form(people, desk, name="Other")
    refs = [submit(form, {"title": f"R{n}"}, process=False).reference for n in range(3)]
    assert refs == ["IT-1", "IT-2", "IT-3"]
    assert submit(other, {"title": "x"}, process=False).reference == "REQ-1"
    form_update(actor=people.owner, form=form, reference_prefix="HELP")
    form.refresh_from_db()
    assert submit(form, {"title": "x"}, process=False).reference == "HELP-4"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_unique_consecutive_references(people, desk):
    form = _form(people, desk)
    references, errors = [], []

    def send(n):
        try:
            submission, _ = submission_create(form=form, answers={"title": f"R{n}"},
                                              files=None, submitter=None, email="a@b.example")
            references.append(submission.reference)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(references, key=lambda r: int(r.split("-")[1])) == [
        f"REQ-{n}" for n in range(1, 13)]


def test_the_confirmation_is_mailed_once_with_the_status_link(people, desk, settings,
                                                              django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://work.example"
    form = _form(people, desk, confirmation_message="We answer within a day.")
    with django_capture_on_commit_callbacks(execute=True):
        submission, token = submission_create(form=form, answers={"title": "VPN"},
                                              files=None, submitter=None,
                                              email="ana@example.com")
    submission.refresh_from_db()
    assert submission.status == "created" and submission.confirmation_sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.com"]
    assert submission.reference in message.subject
    assert "We answer within a day." in message.body
    link = next(line for line in message.body.splitlines() if "https://" in line)
    status_token = link.rstrip("/").rsplit("/", 1)[1]
    assert link.split(": ", 1)[1].startswith(f"https://work.example/f/{form.token}/s/")
    assert submission_by_status_token(form, status_token) == submission
    assert submission_by_status_token(form, token) == submission
    assert submission_confirm(submission_id=submission.pk) is False
    assert len(mail.outbox) == 1


def test_a_status_token_reaches_only_its_own_forms_submission(people, desk):
    form, other = _form(people, desk), _form(people, desk, name="Other")
    submission, token = submission_create(form=form, answers={"title": "x"}, files=None,
                                          submitter=None, email="a@b.example")
    with pytest.raises(NotFound):
        submission_by_status_token(other, token)
    with pytest.raises(NotFound):
        submission_by_status_token(form, token[:-2] + "xx")
    assert submission_by_status_token(form, token) == submission


def test_the_status_follows_the_item_and_tells_nothing_else(people, desk):
    form = _form(people, desk)
    submission = submit(form, {"title": "Laptop"}, process=False)
    status = submission_status(submission)
    assert status["state"] == "received" and status["reference"] == submission.reference
    submission = submit(form, {"title": "Laptop"})
    status = submission_status(submission)
    assert status["state"] == "in_progress"
    assert set(status) == {"reference", "received_at", "state", "status", "approval"}
    done = desk.board.statuses.get(category="done")
    item_update(actor=people.owner, item=submission.item, fields={"status": done.pk})
    submission.refresh_from_db()
    status = submission_status(submission)
    assert status["state"] == "done"
    assert status["status"] == {"name": done.name, "category": "done"}


def test_the_forms_approval_flow_starts_on_the_new_item(people, desk):
    pytest.importorskip("automations.services.approvals")
    flow = ApprovalFlowFactory(workspace=people.workspace, steps=[
        {"name": "IT lead", "approvers": {"kind": "people", "people": [people.admin.pk]}}])
    form = _form(people, desk, approval_flow=flow)
    submission = submit(form, {"title": "Expensive laptop"})
    request = ApprovalRequest.objects.get(item=submission.item)
    assert request.submission == submission and request.flow == flow
    assert request.requester_email == "ana@example.com"
    assert submission_status(submission)["approval"] == {"status": "pending", "step": "IT lead"}


def test_a_problem_no_retry_fixes_fails_the_submission_with_the_reason(people, desk):
    form = _form(people, desk)
    submission = submit(form, {"title": "Laptop"}, process=False)
    board_archive(actor=people.owner, board=desk.board)
    assert process_submission.apply(args=[submission.pk]).get() == "failed"
    submission.refresh_from_db()
    assert submission.status == "failed" and "archived" in submission.error
    assert submission.attempts == 1 and submission.item is None


def test_the_sweep_queues_again_submissions_left_without_an_item(people, desk):
    form = _form(people, desk)
    fresh = submit(form, {"title": "Fresh"}, process=False)
    stale = submit(form, {"title": "Stale"}, process=False)
    Submission.objects.filter(pk=stale.pk).update(
        created_at=stale.created_at - dt.timedelta(minutes=5))
    assert sweep_submissions.apply().get() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == "created" and fresh.status == "received"
    assert submissions_stale() == []
