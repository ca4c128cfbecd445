"""The budget of a project: figures checked by hand from time entries at known rates and from
expenses; who may read it; a constant number of queries."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from boards.models import Item, StatusCategory
from projects import services
from projects.selectors.budget import project_budget
from tests.factories import (
    ExpenseFactory,
    ItemFactory,
    MembershipFactory,
    ProjectFactory,
    RateFactory,
    TimeEntryFactory,
)
from timetracking.models import TimeEntry
from workos.tenancy.models import Role

pytestmark = pytest.mark.django_db

D = decimal.Decimal
TODAY = dt.date(2026, 3, 13)  # a Friday: 2 March (Monday) to here is 10 working days


def _status(project, category):
    return project.board.statuses.get(category=category)


def _task(project, name, estimate=None, category=StatusCategory.TODO):
    return ItemFactory(board=project.board, group=project.board.groups.first(), name=name,
                       estimate_hours=estimate, status=_status(project, category))


def _log(member, item, day, minutes):
    start = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    return TimeEntryFactory(member=member, item=item, started_at=start,
                            duration_minutes=minutes)


@pytest.fixture
def costed(people):
    """Two people at known rates, time in February and March, expenses in both months.

    Labour: Ann 4 h at 50 = 200 (3 h in March, 1 h in February); Ben 3 h at his board rate of
    60 (not his general 40) = 180. Expenses 200.00 + 120.50. Actual = 700.50.
    """
    project = services.project_create(actor=people.admin, name="Costed", budget=D("10000"),
                                      start_date=dt.date(2026, 3, 2), manager=people.member)
    ann = MembershipFactory(workspace=people.workspace, role=Role.MEMBER)
    ben = MembershipFactory(workspace=people.workspace, role=Role.MEMBER)
    RateFactory(member=ann, cost_rate=D("50"))
    RateFactory(member=ben, cost_rate=D("40"))
    RateFactory(member=ben, board=project.board, cost_rate=D("60"))
    design = _task(project, "Design", D("10"))
    build = _task(project, "Build", D("2"), StatusCategory.IN_PROGRESS)
    _task(project, "Specify", D("8"), StatusCategory.DONE)
    _task(project, "Unsized")
    _task(project, "Dropped", D("5"), StatusCategory.CANCELLED)
    for day in (dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)):
        _log(ann, design, day, 60)
    _log(ann, design, dt.date(2026, 2, 27), 60)
    _log(ben, build, dt.date(2026, 3, 5), 90)
    _log(ben, build, dt.date(2026, 3, 6), 90)
    # Time on another board costs this project nothing.
    _log(ann, ItemFactory(board=ProjectFactory(board__workspace=people.workspace).board),
         dt.date(2026, 3, 5), 600)
    ExpenseFactory(project=project, date=dt.date(2026, 3, 5), amount=D("200.00"),
                   category="Travel")
    ExpenseFactory(project=project, date=dt.date(2026, 2, 20), amount=D("120.50"),
                   category="Licences")
    return project


def test_budget_figures_match_the_hand_computation(costed):
    budget = project_budget(costed, today=TODAY)

    assert budget["budget"] == D("10000.00")
    assert budget["actual"] == {"labour": D("380.00"), "expenses": D("320.50"),
                                "total": D("700.50")}
    assert budget["remaining"] == D("9299.50")
    assert budget["used_percent"] == 7.0
    assert budget["hours_logged"] == 7.0
    # 380 / 7 h
    assert budget["average_cost_rate"] == D("54.29")
    # 700.50 over the 10 working days from 2 to 13 March; a week is 5 of them.
    assert budget["burn_rate"] == {
        "since": dt.date(2026, 3, 2), "until": TODAY, "working_days": 10,
        "per_working_day": D("70.05"), "per_working_week": D("350.25"),
    }
    # Open and estimated: Design 10 h - 4 h logged = 6 h; Build 2 h - 3 h logged = 0 h.
    # Done, cancelled and unestimated tasks add nothing; "Unsized" is counted as missing.
    assert budget["effort_remaining_hours"] == 6.0
    assert budget["open_tasks_without_estimate"] == 1
    # 700.50 + 6 h x 380/7 = 700.50 + 325.714... = 1026.21
    assert budget["forecast_at_completion"] == D("1026.21")
    assert budget["variance"] == D("8973.79")
    assert budget["cost_by_month"] == [
        {"month": "2026-02", "labour": D("50.00"), "expenses": D("120.50"),
         "total": D("170.50"), "cumulative": D("170.50")},
        {"month": "2026-03", "labour": D("330.00"), "expenses": D("200.00"),
         "total": D("530.00"), "cumulative": D("700.50")},
    ]


def test_months_without_cost_are_listed_with_zero(people):
    project = ProjectFactory(board__workspace=people.workspace)
    ExpenseFactory(project=project, date=dt.date(2025, 11, 30), amount=D("10"))
    ExpenseFactory(project=project, date=dt.date(2026, 2, 1), amount=D("5"))
    months = project_budget(project, today=TODAY)["cost_by_month"]
    assert [m["month"] for m in months] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert [m["total"] for m in months] == [D("10"), D("0"), D("0"), D("5")]
    assert months[-1]["cumulative"] == D("15")


def test_no_budget_and_no_time_leave_the_derived_figures_empty(people):
    project = services.project_create(actor=people.admin, name="Bare",
                                      start_date=dt.date(2026, 3, 16))
    _task(project, "Sized", D("8"))
    budget = project_budget(project, today=TODAY)
    assert budget["budget"] is None and budget["remaining"] is None
    assert budget["used_percent"] is None and budget["variance"] is None
    assert budget["actual"]["total"] == D("0.00")
    # Effort is left but nothing has been logged to price it with.
    assert budget["average_cost_rate"] is None
    assert budget["forecast_at_completion"] is None
    # The project starts after today: nothing to divide by yet.
    assert budget["burn_rate"]["working_days"] == 0
    assert budget["burn_rate"]["per_working_day"] is None
    assert budget["cost_by_month"] == []


def test_with_nothing_left_to_do_the_forecast_is_the_actual_cost(people):
    project = services.project_create(actor=people.admin, name="Done", budget=D("100"),
                                      start_date=dt.date(2026, 3, 2))
    _task(project, "Only", D("3"), StatusCategory.DONE)
    ExpenseFactory(project=project, date=dt.date(2026, 3, 3), amount=D("120"))
    budget = project_budget(project, today=TODAY)
    assert budget["forecast_at_completion"] == D("120.00")
    assert budget["variance"] == D("-20.00")
    assert budget["remaining"] == D("-20.00")


def test_budget_endpoint_writes_money_as_text(people, api, url, costed, monkeypatch):
    monkeypatch.setattr("projects.api.reporting.project_budget",
                        lambda project: project_budget(project, today=TODAY))
    response = api(people.member).get(url(f"projects/{costed.pk}/budget/"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["currency"] == people.workspace.currency
    assert body["actual"] == {"labour": "380.00", "expenses": "320.50", "total": "700.50"}
    assert body["forecast_at_completion"] == "1026.21"
    assert body["burn_rate"]["per_working_week"] == "350.25"
    assert body["cost_by_month"][0]["month"] == "2026-02"


def test_guests_and_outsiders_do_not_see_the_budget(people, api, url, costed):
    path = url(f"projects/{costed.pk}/budget/")
    assert api(people.guest).get(path).status_code == 403
    assert api(people.outsider).get(path).status_code == 404
    other = url(f"projects/{costed.pk}/budget/", slug=people.outsider.workspace.slug)
    assert api(people.outsider).get(other).status_code == 404


def test_budget_queries_do_not_grow_with_tasks_time_or_expenses(
        people, api, url, costed, django_assert_max_num_queries):
    path = url(f"projects/{costed.pk}/budget/")
    client = api(people.member)
    client.get(path)
    with django_assert_max_num_queries(24) as small:
        assert client.get(path).status_code == 200
    ann = TimeEntry.objects.filter(board=costed.board).first().member
    for n in range(30):
        task = _task(costed, f"More {n}", D("4"))
        _log(ann, task, dt.date(2026, 1, 1) + dt.timedelta(days=n), 30)
        ExpenseFactory(project=costed, date=dt.date(2025, 6, 1) + dt.timedelta(days=9 * n))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(path).status_code == 200
    assert Item.objects.filter(board=costed.board).count() == 35
