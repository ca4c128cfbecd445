"""The time report: totals per grouping at the rates of each entry's date, estimate vs actual,
utilisation, CSV, who reports on whom, and the board cost selector."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    MembershipFactory,
    RateFactory,
    TeamFactory,
    TimeEntryFactory,
    TimeOffFactory,
)
from tests.timetracking.conftest import MONDAY, paris
from timetracking.selectors import board_actual_cost, report_grouping_register
from timetracking.selectors import reports as report_module

RANGE = "start=2026-03-02&end=2026-03-08"


def _entry(member, day, hours, **kwargs):
    return TimeEntryFactory(member=member, started_at=paris(day, 9),
                            duration_minutes=int(hours * 60), date=day, **kwargs)


@pytest.fixture
def logged(people, board, private_board, make_item):
    """Member: 3 h billable on a Website item Monday (50/100 an hour), 1 h non-billable
    Tuesday; from Wednesday their rate rises to 60/120 and they log 2 h billable on Payroll.
    Admin: 4 h billable on Website, no rate. Member is off on Friday."""
    item = make_item(name="Homepage", estimate_hours=10)
    RateFactory(member=people.member, cost_rate=50, bill_rate=100,
                effective_from=dt.date(2026, 1, 1))
    RateFactory(member=people.member, cost_rate=60, bill_rate=120, effective_from=MONDAY
                + dt.timedelta(days=2))
    _entry(people.member, MONDAY, 3, item=item)
    _entry(people.member, MONDAY + dt.timedelta(days=1), 1, item=item, billable=False)
    _entry(people.member, MONDAY + dt.timedelta(days=2), 2, board=private_board)
    _entry(people.admin, MONDAY, 4, item=item)
    # Outside the range: never counted.
    _entry(people.member, MONDAY + dt.timedelta(days=7), 5, item=item)
    TimeOffFactory(member=people.member, start_date=MONDAY + dt.timedelta(days=4))
    return {"item": item}


def _report(client, url, query):
    response = client.get(url(f"reports/time/?{query}"))
    assert response.status_code == 200, response.content
    return response.json()


def test_grouped_by_member_with_cost_revenue_and_utilisation(people, api, url, logged):
    body = _report(api(people.admin), url, f"group_by=member&{RANGE}")
    rows = {r["key"]: r for r in body["rows"]}
    member = rows[people.member.pk]
    assert member["hours"] == 6 and member["billable_hours"] == 5
    # 3 h at 50 + 1 h at 50 + 2 h at 60; revenue only on billable time: 3 x 100 + 2 x 120.
    assert member["cost"] == 320 and member["revenue"] == 540
    # Capacity: five 8-hour days minus Friday off = 32 h; 5 billable hours of it.
    assert member["capacity_hours"] == 32
    assert member["utilisation"] == round(5 / 32, 4)
    assert member["label"] == people.member.display_name
    admin = rows[people.admin.pk]
    assert admin["hours"] == 4 and admin["cost"] == 0 and admin["utilisation"] == 0.1
    # Everyone with a workload gets a row, with or without time.
    assert rows[people.owner.pk]["hours"] == 0
    assert body["totals"]["hours"] == 10 and body["totals"]["cost"] == 320
    assert body["totals"]["revenue"] == 540 and body["currency"] == "EUR"
    assert body["totals"]["capacity_hours"] == 32 + 40 + 40


def test_grouped_by_board_and_item_with_estimates(people, api, url, logged, board,
                                                  private_board):
    by_board = _report(api(people.admin), url, f"group_by=board&{RANGE}")
    rows = {r["key"]: r for r in by_board["rows"]}
    assert rows[board.pk]["hours"] == 8 and rows[board.pk]["estimate_hours"] == 10
    assert rows[board.pk]["label"] == "Website"
    assert rows[private_board.pk]["cost"] == 120 and rows[private_board.pk]["hours"] == 2
    by_item = _report(api(people.admin), url, f"group_by=item&{RANGE}")
    items = {r["key"]: r for r in by_item["rows"]}
    assert items[logged["item"].pk]["estimate_hours"] == 10
    assert items[logged["item"].pk]["hours"] == 8
    assert items[None]["label"] == "No item" and items[None]["hours"] == 2


def test_grouped_by_week_and_team(people, api, url, logged):
    team = TeamFactory(workspace=people.workspace, name="Design")
    team.members.set([people.member, people.admin])
    other = TeamFactory(workspace=people.workspace, name="Ops")
    other.members.set([people.admin])
    weeks = _report(api(people.admin), url, "group_by=week&start=2026-03-02&end=2026-03-15")
    assert [(r["key"], r["label"], r["hours"]) for r in weeks["rows"]] == [
        ("2026-03-02", "2026-W10", 10), ("2026-03-09", "2026-W11", 5)]
    teams = _report(api(people.admin), url, f"group_by=team&{RANGE}")
    rows = {r["label"]: r for r in teams["rows"]}
    assert rows["Design"]["hours"] == 10 and rows["Ops"]["hours"] == 4
    assert rows["Design"]["capacity_hours"] == 72
    # The admin is in both teams, but counted once in the totals.
    assert teams["totals"]["hours"] == 10


def test_members_report_on_their_own_time_and_guests_see_no_money(people, api, url, logged):
    mine = _report(api(people.member), url, f"group_by=member&{RANGE}")
    assert [r["key"] for r in mine["rows"]] == [people.member.pk]
    assert mine["totals"]["cost"] == 320
    _entry(people.guest, MONDAY, 2)
    RateFactory(member=people.guest)
    guest = _report(api(people.guest), url, f"group_by=board&{RANGE}")
    assert guest["totals"]["hours"] == 2
    assert guest["totals"]["cost"] is None and guest["rows"][0]["revenue"] is None


def test_the_report_as_csv(people, api, url, logged):
    response = api(people.admin).get(url(f"reports/time/?group_by=board&{RANGE}&format=csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0] == ["key", "label", "hours", "billable_hours", "cost", "revenue",
                        "estimate_hours", "capacity_hours", "utilisation"]
    assert lines[-1][1] == "Total" and lines[-1][2] == "10.0"
    assert len(lines) == 4
    bad = api(people.admin).get(url(f"reports/time/?group_by=colour&{RANGE}&format=csv"))
    assert bad.status_code == 400 and b"invalid" in bad.content


@pytest.mark.parametrize("query", ["group_by=colour&" + RANGE, "group_by=member",
                                   "group_by=member&start=2026-03-08&end=2026-03-01"])
def test_bad_report_queries_are_a_400(people, api, url, query):
    assert api(people.admin).get(url(f"reports/time/?{query}")).status_code == 400


def test_a_project_grouping_registered_by_a_higher_app(people, api, url, logged, board,
                                                       private_board, monkeypatch):
    monkeypatch.setattr(report_module, "_board_folders", {})
    report_grouping_register(
        "project", lambda workspace, ids: {i: (1, "Relaunch") for i in ids if i == board.pk}
    )
    body = _report(api(people.admin), url, f"group_by=project&{RANGE}")
    rows = {r["label"]: r["hours"] for r in body["rows"]}
    assert rows == {"Relaunch": 8, "—": 2}


def test_board_actual_cost_at_each_date_s_rate(people, board, logged):
    # 4 h at 50 in the first week, 5 h at 60 in the next; the admin has no rate.
    assert board_actual_cost(people.workspace, board) == decimal.Decimal("500.00")
    next_monday = MONDAY + dt.timedelta(days=7)
    assert board_actual_cost(people.workspace, board, start=next_monday) == 300
    assert board_actual_cost(people.workspace, board, MONDAY, next_monday
                             - dt.timedelta(days=1)) == 200


def test_report_query_count_does_not_grow_with_members(people, api, url, board, make_item):
    def counts():
        client = api(people.admin)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url(f"reports/time/?group_by=member&{RANGE}"))
        return len(ctx)

    for _ in range(3):
        _entry(MembershipFactory(workspace=people.workspace), MONDAY, 1, item=make_item())
    few = counts()
    for _ in range(15):
        member = MembershipFactory(workspace=people.workspace)
        RateFactory(member=member)
        _entry(member, MONDAY, 1, item=make_item())
    assert counts() == few
