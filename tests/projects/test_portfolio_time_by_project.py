"""The time report grouped by project: time on a project's board under the project's name, time
anywhere else on one "No project" row, costed at each entry's rate."""

from __future__ import annotations

import datetime as dt

import pytest

from projects.reporting_hooks import register
from tests.factories import (
    BoardFactory,
    ItemFactory,
    ProjectFactory,
    RateFactory,
    TimeEntryFactory,
)
from timetracking.selectors import reports as report_module

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
RANGE = "start=2026-03-02&end=2026-03-08"


@pytest.fixture(autouse=True)
def _project_grouping(monkeypatch):
    """As the app's ready() does it, without leaking into other tests."""
    monkeypatch.setattr(report_module, "_board_folders", {})
    register()


def _log(member, item=None, hours=1.0, day=MONDAY, **kwargs):
    return TimeEntryFactory(member=member, item=item, duration_minutes=int(hours * 60),
                            date=day, **kwargs)


def test_time_is_grouped_by_project_and_the_rest_is_no_project(people, api, url):
    ws = people.workspace
    apollo = ProjectFactory(board=BoardFactory(workspace=ws), name="Apollo")
    borealis = ProjectFactory(board=BoardFactory(workspace=ws), name="Borealis")
    queue = BoardFactory(workspace=ws, name="Support queue")
    RateFactory(member=people.member, cost_rate=50, effective_from=dt.date(2026, 1, 1))
    _log(people.member, ItemFactory(board=apollo.board), 2)
    _log(people.member, ItemFactory(board=apollo.board), 1, billable=False)
    _log(people.admin, ItemFactory(board=apollo.board), 4)
    _log(people.member, ItemFactory(board=borealis.board), 3)
    _log(people.member, ItemFactory(board=queue), 1.5)
    _log(people.member, None, 0.5, board=None)  # no board at all
    _log(people.member, ItemFactory(board=apollo.board), 9, day=MONDAY + dt.timedelta(days=7))

    response = api(people.admin).get(url(f"reports/time/?group_by=project&{RANGE}"))
    assert response.status_code == 200, response.content
    rows = {r["label"]: r for r in response.json()["rows"]}
    assert list(rows) == ["Apollo", "Borealis", "No project"]
    assert rows["Apollo"]["key"] == apollo.pk and rows["Apollo"]["hours"] == 7
    assert rows["Apollo"]["billable_hours"] == 6
    # The member's 3 hours at 50; the admin has no rate.
    assert rows["Apollo"]["cost"] == 150
    assert rows["Borealis"]["key"] == borealis.pk and rows["Borealis"]["hours"] == 3
    assert rows["No project"]["key"] is None and rows["No project"]["hours"] == 2
    assert response.json()["totals"]["hours"] == 12


def test_a_member_reports_only_their_own_time_by_project(people, api, url):
    apollo = ProjectFactory(board=BoardFactory(workspace=people.workspace), name="Apollo")
    _log(people.member, ItemFactory(board=apollo.board), 2)
    _log(people.admin, ItemFactory(board=apollo.board), 4)
    response = api(people.member).get(url(f"reports/time/?group_by=project&{RANGE}"))
    assert response.status_code == 200
    assert [(r["label"], r["hours"]) for r in response.json()["rows"]] == [("Apollo", 2)]


def test_project_is_offered_as_a_grouping(people, api, url):
    bad = api(people.admin).get(url(f"reports/time/?group_by=galaxy&{RANGE}"))
    assert bad.status_code == 400
    assert "project" in bad.json()["message"]
