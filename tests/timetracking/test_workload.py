"""Workload on a small week worked out by hand, unscheduled items, filters, suggestions, and
query counts that do not grow with members.

The week of Monday 2 March 2026, Wednesday 4 a workspace holiday:
- Ana (8 h Monday to Friday) takes Tuesday afternoon off;
  capacity  Mon 8, Tue 4, Wed 0, Thu 8, Fri 8, weekend 0.
- Ben works 6 h Monday to Thursday; his Thursday off is only requested, so it does not count;
  capacity  Mon 6, Tue 6, Wed 0, Thu 6, Fri 0.
- "Launch" (Mon to Fri, 12 h estimated, 2 h already logged) is assigned to both: 10 h left, 5 h
  each. Ana works Mon, Tue, Thu, Fri of that window: 1.25 h a day. Ben works Mon, Tue, Thu:
  5/3 h a day.
- "Migration" (Thu 5 to Mon 9 March, 18 h) is Ana's alone: Thu, Fri, Mon are her working days
  in the window, 6 h each; the Monday lies outside the week asked for.
- Ana is allocated 25 % of her capacity; Ben 12 h a week, half of his 24 scheduled hours.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards.models import StatusCategory
from tests.factories import (
    AllocationFactory,
    MembershipFactory,
    StatusFactory,
    TeamFactory,
    TimeEntryFactory,
    TimeOffFactory,
    WorkScheduleFactory,
)
from tests.timetracking.conftest import MONDAY, paris

DAYS = [(MONDAY + dt.timedelta(days=n)).isoformat() for n in range(7)]


@pytest.fixture
def week(people, board, private_board, make_item):
    people.workspace.holidays = ["2026-03-04"]
    people.workspace.save()
    ana = people.member
    ben = MembershipFactory(workspace=people.workspace)
    WorkScheduleFactory(member=ben, hours=[6, 6, 6, 6, 0, 0, 0])
    TimeOffFactory(member=ana, start_date=dt.date(2026, 3, 3), half_day=True)
    TimeOffFactory(member=ben, start_date=dt.date(2026, 3, 5), status="requested")
    team = TeamFactory(workspace=people.workspace)
    team.members.set([ana, ben])
    launch = make_item(name="Launch", start_date=MONDAY, due_date=dt.date(2026, 3, 6),
                       estimate_hours=12, assignees=[ana, ben])
    TimeEntryFactory(member=ana, item=launch, started_at=paris(dt.date(2026, 2, 27), 9),
                     duration_minutes=120)
    make_item(name="Migration", start_date=dt.date(2026, 3, 5), due_date=dt.date(2026, 3, 9),
              estimate_hours=18, assignees=[ana])
    done = StatusFactory(board=board, category=StatusCategory.DONE)
    make_item(name="Shipped", status=done, start_date=MONDAY, due_date=MONDAY,
              estimate_hours=40, assignees=[ana])
    make_item(name="Archived", start_date=MONDAY, due_date=MONDAY, estimate_hours=40,
              assignees=[ana], archived_at=paris(MONDAY, 8))
    make_item(on=private_board, name="Secret", start_date=MONDAY, due_date=MONDAY,
              estimate_hours=40, assignees=[ana])
    make_item(name="Someday", estimate_hours=4, assignees=[ana])
    make_item(name="Sized later", start_date=MONDAY, due_date=dt.date(2026, 3, 3),
              assignees=[ana])
    make_item(name="Nothing to do", estimate_hours=0, assignees=[ana])
    make_item(name="Nobody's", estimate_hours=5)
    AllocationFactory(member=ana, board=board, hours_per_week=None, percent=25,
                      start_date=MONDAY, end_date=dt.date(2026, 3, 31))
    AllocationFactory(member=ben, board=board, hours_per_week=12, start_date=MONDAY,
                      end_date=dt.date(2026, 3, 8))
    return {"ana": ana, "ben": ben, "team": team}


def _workload(api, url, viewer, query):
    response = api(viewer).get(url(f"workload/?{query}"))
    assert response.status_code == 200, response.content
    return response.json()


def _column(body, member, field):
    [row] = [m for m in body["members"] if m["member"] == member.pk]
    return [day[field] for day in row["days"]]


def test_the_hand_worked_week(people, api, url, week):
    body = _workload(api, url, people.member,
                     f"start=2026-03-02&end=2026-03-08&team={week['team'].pk}")
    assert [m["member"] for m in body["members"]] == [week["ana"].pk, week["ben"].pk]
    ana, ben = week["ana"], week["ben"]
    assert [d["date"] for d in body["members"][0]["days"]] == DAYS
    assert _column(body, ana, "capacity") == [8, 4, 0, 8, 8, 0, 0]
    assert _column(body, ben, "capacity") == [6, 6, 0, 6, 0, 0, 0]
    assert _column(body, ana, "assigned") == [1.25, 1.25, 0, 7.25, 7.25, 0, 0]
    assert _column(body, ben, "assigned") == [1.67, 1.67, 0, 1.67, 0, 0, 0]
    assert _column(body, ana, "allocated") == [2, 1, 0, 2, 2, 0, 0]
    assert _column(body, ben, "allocated") == [3, 3, 0, 3, 0, 0, 0]
    assert _column(body, ana, "over") == [False, False, False, True, True, False, False]
    assert not any(_column(body, ben, "over"))


def test_items_that_cannot_be_placed_are_listed_not_dropped(people, api, url, week):
    body = _workload(api, url, people.member,
                     f"start=2026-03-02&end=2026-03-08&team={week['team'].pk}")
    unscheduled = {u["name"]: u for u in body["unscheduled"]}
    assert set(unscheduled) == {"Someday", "Sized later"}
    assert unscheduled["Someday"]["reason"] == "no_dates"
    assert unscheduled["Sized later"]["reason"] == "no_estimate"
    assert unscheduled["Someday"]["assignees"] == [week["ana"].pk]
    assert body["unscheduled_total"] == 2


def test_work_on_a_board_you_cannot_see_does_not_count(people, api, url, week):
    as_admin = _workload(api, url, people.admin,
                         f"start=2026-03-02&end=2026-03-02&team={week['team'].pk}")
    # The admin sees the private board's 40 h on Monday as well.
    assert _column(as_admin, week["ana"], "assigned") == [41.25]


def test_filtering_by_board_keeps_its_people_and_its_demand(people, api, url, board, week,
                                                            private_board):
    body = _workload(api, url, people.member, f"start=2026-03-02&end=2026-03-08&board={board.pk}")
    assert {m["member"] for m in body["members"]} == {week["ana"].pk, week["ben"].pk}
    assert api(people.member).get(
        url(f"workload/?board={private_board.pk}")).status_code == 404


def test_workload_is_for_members_and_validates_its_range(people, api, url, week):
    assert api(people.guest).get(url("workload/")).status_code == 403
    bad = api(people.member).get(url("workload/?start=2026-03-08&end=2026-03-02"))
    assert bad.status_code == 400
    too_long = api(people.member).get(url("workload/?start=2026-01-01&end=2027-06-01"))
    assert too_long.status_code == 400
    default = api(people.member).get(url("workload/")).json()
    assert len(default["members"][0]["days"]) == 14
    assert api(people.member).get(url("workload/?team=999999")).status_code == 404


def test_suggestions_name_teammates_with_spare_time(people, api, url, week):
    cleo = MembershipFactory(workspace=people.workspace)
    week["team"].members.add(cleo)
    outsider = MembershipFactory(workspace=people.workspace)  # in no shared team
    response = api(people.member).get(
        url(f"workload/suggestions/?member={week['ana'].pk}&date=2026-03-05"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["over_by"] == 1.25
    assert body["suggestions"] == [
        {"member": cleo.pk, "spare_hours": 8.0},
        {"member": week["ben"].pk, "spare_hours": 1.33},
    ]
    assert outsider.pk not in {s["member"] for s in body["suggestions"]}


def _populate(people, board, make_item, count):
    team = TeamFactory(workspace=people.workspace)
    for n in range(count):
        member = MembershipFactory(workspace=people.workspace)
        team.members.add(member)
        WorkScheduleFactory(member=member)
        TimeOffFactory(member=member, start_date=MONDAY + dt.timedelta(days=n % 5))
        AllocationFactory(member=member, board=board)
        make_item(start_date=MONDAY, due_date=MONDAY + dt.timedelta(days=4),
                  estimate_hours=10, assignees=[member])
        make_item(estimate_hours=3, assignees=[member])
    return team


def test_workload_query_count_does_not_grow_with_members(people, api, url, board, make_item):
    small = _populate(people, board, make_item, 5)
    large = _populate(people, board, make_item, 20)
    client = api(people.member)
    counts = []
    for team in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(f"workload/?start=2026-03-02&end=2026-03-15&team={team.pk}"))
        assert response.status_code == 200
        counts.append((len(response.json()["members"]), len(ctx)))
    assert [c[0] for c in counts] == [5, 20]
    assert counts[0][1] == counts[1][1] <= 14, counts
