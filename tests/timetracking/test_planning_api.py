"""Work schedules, time off and allocations through the API: who may do what, validation,
private boards, and list query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    AllocationFactory,
    MembershipFactory,
    RateFactory,
    TimeOffFactory,
    TimesheetFactory,
    WorkScheduleFactory,
)
from timetracking.models import TimeOff


def test_admins_set_schedules_members_read_them(people, api, url):
    body = {"member": people.member.pk, "hours": [8, 8, 8, 4, 0, 0, 0]}
    assert api(people.member).post(url("schedules/work/"), body,
                                   format="json").status_code == 403
    created = api(people.admin).post(url("schedules/work/"), body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["hours"] == [8, 8, 8, 4, 0, 0, 0]
    again = api(people.admin).post(url("schedules/work/"), body, format="json")
    assert again.status_code == 409
    schedule_id = created.json()["id"]
    listed = api(people.member).get(url(f"schedules/work/?member={people.member.pk}")).json()
    assert [s["id"] for s in listed["results"]] == [schedule_id]
    changed = api(people.admin).patch(url(f"schedules/work/{schedule_id}/"),
                                      {"hours": [6] * 5 + [0, 0]}, format="json")
    assert changed.json()["hours"] == [6, 6, 6, 6, 6, 0, 0]
    # A guest sees only their own.
    assert api(people.guest).get(url("schedules/work/")).json()["results"] == []
    assert api(people.admin).delete(url(f"schedules/work/{schedule_id}/")).status_code == 204


@pytest.mark.parametrize("hours", [[8] * 6, [8, 8, 8, 8, 8, 0, 25], [8, 8, 8, 8, 8, 0, -1]])
def test_a_schedule_needs_seven_days_of_0_to_24_hours(people, api, url, hours):
    response = api(people.admin).post(url("schedules/work/"),
                                      {"member": people.member.pk, "hours": hours},
                                      format="json")
    assert response.status_code == 400 and "hours" in response.json()["fields"]


def test_time_off_is_requested_then_approved_by_an_admin(people, api, url):
    client = api(people.member)
    asked = client.post(url("time-off/"), {"start_date": "2026-03-09",
                                           "end_date": "2026-03-13"}, format="json")
    assert asked.status_code == 201, asked.content
    body = asked.json()
    assert body["status"] == "requested" and body["member"] == people.member.pk
    assert client.post(url(f"time-off/{body['id']}/approve/")).status_code == 403
    approved = api(people.admin).post(url(f"time-off/{body['id']}/approve/"))
    assert approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] == people.admin.pk
    # Decided: no longer the member's to change.
    assert client.patch(url(f"time-off/{body['id']}/"), {"end_date": "2026-03-12"},
                        format="json").status_code == 403
    assert api(people.admin).post(url(f"time-off/{body['id']}/reject/")).json()["status"] \
        == "rejected"


def test_time_off_rules(people, api, url):
    client = api(people.member)
    half_week = client.post(url("time-off/"), {"start_date": "2026-03-09",
                                               "end_date": "2026-03-10", "half_day": True},
                            format="json")
    assert half_week.status_code == 400 and "half_day" in half_week.json()["fields"]
    backwards = client.post(url("time-off/"), {"start_date": "2026-03-10",
                                               "end_date": "2026-03-09"}, format="json")
    assert backwards.status_code == 400
    client.post(url("time-off/"), {"start_date": "2026-03-09", "end_date": "2026-03-10"},
                format="json")
    overlap = client.post(url("time-off/"), {"start_date": "2026-03-10",
                                             "end_date": "2026-03-11"}, format="json")
    assert overlap.status_code == 400 and overlap.json()["code"] == "overlap"
    for_other = client.post(url("time-off/"), {"member": people.admin.pk,
                                               "start_date": "2026-03-20",
                                               "end_date": "2026-03-20"}, format="json")
    assert for_other.status_code == 403
    recorded = api(people.admin).post(url("time-off/"), {
        "member": people.member.pk, "start_date": "2026-03-20", "end_date": "2026-03-20",
        "half_day": True}, format="json")
    assert recorded.json()["status"] == "approved"


def test_a_guest_asks_for_own_time_off_and_sees_only_it(people, api, url):
    TimeOffFactory(member=people.member)
    response = api(people.guest).post(url("time-off/"), {"start_date": "2026-03-09",
                                                         "end_date": "2026-03-09"},
                                      format="json")
    assert response.status_code == 201
    seen = api(people.guest).get(url("time-off/")).json()["results"]
    assert [r["member"] for r in seen] == [people.guest.pk]
    assert len(api(people.member).get(url("time-off/")).json()["results"]) == 2


def test_a_member_withdraws_an_undecided_request(people, api, url):
    row = TimeOffFactory(member=people.member, status="requested")
    assert api(people.member).delete(url(f"time-off/{row.pk}/")).status_code == 204
    assert not TimeOff.objects.exists()


def test_allocations_are_set_by_admins_on_visible_boards(people, api, url, board,
                                                         private_board):
    body = {"member": people.member.pk, "board": board.pk, "start_date": "2026-03-02",
            "end_date": "2026-03-31", "hours_per_week": 16}
    assert api(people.member).post(url("allocations/"), body, format="json").status_code == 403
    created = api(people.admin).post(url("allocations/"), body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["hours_per_week"] == 16 and created.json()["percent"] is None
    switched = api(people.admin).patch(url(f"allocations/{created.json()['id']}/"),
                                       {"percent": 50}, format="json").json()
    assert switched["percent"] == 50 and switched["hours_per_week"] is None
    both = api(people.admin).post(url("allocations/"), {**body, "percent": 20}, format="json")
    assert both.status_code == 400
    # Allocations on a private board are invisible to members who cannot see it.
    hidden = AllocationFactory(member=people.member, board=private_board)
    seen = {a["id"] for a in api(people.member).get(url("allocations/")).json()["results"]}
    assert hidden.pk not in seen and created.json()["id"] in seen
    assert api(people.member).get(url(f"allocations/{hidden.pk}/")).status_code == 404


def test_an_allocation_on_a_board_the_admin_names_wrongly_is_a_404(people, api, url):
    body = {"member": people.member.pk, "board": 987654, "start_date": "2026-03-02",
            "end_date": "2026-03-31", "percent": 10}
    assert api(people.admin).post(url("allocations/"), body, format="json").status_code == 404


@pytest.mark.parametrize(("path", "make"), [
    ("schedules/work/", lambda ws, board, n: WorkScheduleFactory(
        member=MembershipFactory(workspace=ws))),
    ("time-off/", lambda ws, board, n: TimeOffFactory(
        member=MembershipFactory(workspace=ws),
        start_date=dt.date(2026, 3, 2) + dt.timedelta(days=n))),
    ("allocations/", lambda ws, board, n: AllocationFactory(
        board=board, member=MembershipFactory(workspace=ws))),
])
def test_list_query_counts_do_not_grow_with_page_size(people, api, url, board, path, make):
    for n in range(30):
        make(people.workspace, board, n)
    client, counts = api(people.member), []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(f"{path}?page_size={size}"))
        assert len(response.json()["results"]) == size
        counts.append(len(ctx))
    assert counts[0] == counts[1] <= 6, counts


@pytest.mark.parametrize(("path", "make"), [
    ("schedules/work/", lambda people, board: WorkScheduleFactory(member=people.member)),
    ("time-off/", lambda people, board: TimeOffFactory(member=people.member)),
    ("allocations/", lambda people, board: AllocationFactory(board=board,
                                                             member=people.member)),
    ("rates/", lambda people, board: RateFactory(member=people.member)),
    ("timesheets/", lambda people, board: TimesheetFactory(member=people.member)),
])
def test_detail_query_counts(people, api, url, board, path, make,
                             django_assert_max_num_queries):
    row = make(people, board)
    client = api(people.member)
    with django_assert_max_num_queries(5):
        response = client.get(url(f"{path}{row.pk}/"))
    assert response.status_code == 200, response.content
