"""Timesheets: the state machine, who approves, the lock on approved weeks, and reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MembershipFactory, TimeEntryFactory, TimesheetFactory
from tests.timetracking.conftest import MONDAY, paris
from timetracking.models import Timesheet
from timetracking.tasks import remind_unsubmitted_timesheets
from workos.activity.models import Activity, Notification
from workos.tenancy.models import Role


@pytest.fixture
def week(people, api, url):
    """The member's first week, with two entries logged through the API; the member's
    manager is a plain member."""
    people.member.manager = MembershipFactory(workspace=people.workspace, role=Role.MEMBER)
    people.member.save()
    client = api(people.member)
    for start in ("2026-03-02T09:00:00", "2026-03-03T09:00:00"):
        client.post(url("time-entries/"), {"started_at": start, "duration_minutes": 90,
                                           "billable": start.startswith("2026-03-02")},
                    format="json")
    return Timesheet.objects.get(member=people.member)


def _post(client, url, sheet, verb, **body):
    return client.post(url(f"timesheets/{sheet.pk}/{verb}/"), body, format="json")


def test_a_week_is_submitted_then_approved_by_the_manager(people, api, url, week):
    listed = api(people.member).get(url("timesheets/")).json()["results"]
    assert [(t["week_start"], t["week_end"], t["status"], t["total_minutes"],
             t["billable_minutes"]) for t in listed] == [
        ("2026-03-02", "2026-03-08", "draft", 180, 90)]
    submitted = _post(api(people.member), url, week, "submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    manager = api(people.member.manager)
    queue = manager.get(url("timesheets/?to_approve=true")).json()["results"]
    assert [t["id"] for t in queue] == [week.pk] and queue[0]["can_decide"] is True
    approved = _post(manager, url, week, "approve")
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["status"] == "approved" and body["decided_by"] == people.member.manager.pk
    verbs = list(Activity.objects.filter(verb__startswith="timesheet.")
                 .order_by("id").values_list("verb", flat=True))
    assert verbs == ["timesheet.submitted", "timesheet.approved"]


def test_approval_locks_the_entries_and_rejection_unlocks_them(people, api, url, week):
    _post(api(people.member), url, week, "submit")
    _post(api(people.admin), url, week, "approve")
    client = api(people.member)
    entry = week.entries.first()
    assert client.get(url(f"time-entries/{entry.pk}/")).json()["locked"] is True
    for response in (
        client.patch(url(f"time-entries/{entry.pk}/"), {"note": "late fix"}, format="json"),
        client.delete(url(f"time-entries/{entry.pk}/")),
        client.post(url("time-entries/"), {"started_at": "2026-03-04T09:00:00",
                                           "duration_minutes": 30}, format="json"),
        # Even an admin cannot change approved time without reopening the week.
        api(people.admin).patch(url(f"time-entries/{entry.pk}/"), {"note": "x"},
                                format="json"),
    ):
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "locked"
    # Moving other time into the approved week is refused too.
    other = client.post(url("time-entries/"), {"started_at": "2026-03-10T09:00:00",
                                               "duration_minutes": 30}, format="json").json()
    moved = client.patch(url(f"time-entries/{other['id']}/"),
                         {"started_at": "2026-03-04T09:00:00"}, format="json")
    assert moved.status_code == 409
    rejected = _post(api(people.admin), url, week, "reject", comment="Tuesday is missing")
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["comment"] == "Tuesday is missing"
    assert client.patch(url(f"time-entries/{entry.pk}/"), {"note": "fixed"},
                        format="json").status_code == 200
    assert _post(client, url, week, "submit").json()["status"] == "submitted"


def test_a_rejection_needs_a_comment(people, api, url, week):
    _post(api(people.member), url, week, "submit")
    response = _post(api(people.admin), url, week, "reject", comment="  ")
    assert response.status_code == 400 and "comment" in response.json()["fields"]


@pytest.mark.parametrize(("who", "expected"), [
    ("self", 403),  # never your own week
    ("manager", 200),
    ("admin", 200),
    ("owner", 200),
    ("peer", 404),  # another plain member does not even see it
    ("guest", 404),
])
def test_who_may_approve(people, api, url, week, who, expected):
    _post(api(people.member), url, week, "submit")
    actor = {
        "self": people.member, "manager": people.member.manager, "admin": people.admin,
        "owner": people.owner, "peer": MembershipFactory(workspace=people.workspace),
        "guest": people.guest,
    }[who]
    assert _post(api(actor), url, week, "approve").status_code == expected


def test_an_admin_does_not_approve_their_own_week(people, api, url):
    sheet = TimeEntryFactory(member=people.admin).timesheet
    _post(api(people.admin), url, sheet, "submit")
    assert _post(api(people.admin), url, sheet, "approve").status_code == 403
    assert _post(api(people.owner), url, sheet, "approve").status_code == 200


@pytest.mark.parametrize(("status", "verb"), [
    ("draft", "approve"), ("draft", "reject"), ("approved", "submit"), ("approved", "approve"),
    ("submitted", "submit"),
])
def test_steps_out_of_order_are_a_409(people, api, url, status, verb):
    sheet = TimesheetFactory(member=people.member, status=status)
    response = _post(api(people.admin if verb != "submit" else people.member), url, sheet,
                     verb, comment="why")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"


def test_deciders_and_members_are_notified(people, api, url, week):
    _post(api(people.member), url, week, "submit")
    assert Notification.objects.filter(recipient=people.member.manager,
                                       verb="timesheet.submitted").exists()
    _post(api(people.member.manager), url, week, "reject", comment="Split Tuesday")
    note = Notification.objects.get(recipient=people.member, verb="timesheet.rejected")
    assert "Split Tuesday" in note.data["comment"]


def test_reminders_go_to_members_with_unsubmitted_past_weeks(people, clock):
    late = TimesheetFactory(member=people.member, week_start=MONDAY)
    TimesheetFactory(member=people.member, week_start=MONDAY + dt.timedelta(days=7))
    TimesheetFactory(member=people.admin, week_start=MONDAY, status="submitted")
    current = TimesheetFactory(member=people.guest, week_start=MONDAY + dt.timedelta(days=14))
    # Monday 16 March in Paris: the weeks of 2 and 9 March are over, 16 March is not; the
    # reminder waits for 9:00.
    clock(paris(MONDAY + dt.timedelta(days=14), 8))
    assert remind_unsubmitted_timesheets() == 0
    clock(paris(MONDAY + dt.timedelta(days=14), 10))
    assert remind_unsubmitted_timesheets() == 1
    [message] = mail.outbox
    assert message.to == [people.member.user.email]
    assert "week of 2026-03-02" in message.body and "week of 2026-03-09" in message.body
    assert Notification.objects.filter(recipient=people.member,
                                       verb="timesheet.reminder").count() == 1
    late.refresh_from_db()
    current.refresh_from_db()
    assert late.reminded_at is not None and current.reminded_at is None
    # Running again the same week sends nothing more.
    assert remind_unsubmitted_timesheets() == 0
    assert len(mail.outbox) == 1


def test_timesheet_list_query_count_does_not_grow_with_page_size(people, api, url):
    for n in range(30):
        TimeEntryFactory(member=people.member, started_at=paris(MONDAY, 9)
                         + dt.timedelta(days=7 * n))
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(f"timesheets/?page_size={size}"))
        assert response.status_code == 200 and len(response.json()["results"]) == size
        counts.append(len(ctx))
    assert counts[0] == counts[1] <= 6, counts
