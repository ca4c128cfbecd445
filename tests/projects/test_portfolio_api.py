"""The portfolio: hand-checked figures per project, sorting and filters over an allowlist, pages,
who sees what, and a query count that does not grow with the number of projects."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards.models import Privacy, StatusCategory
from tests.factories import (
    BaselineFactory,
    BaselineTaskFactory,
    BoardFactory,
    BoardMemberFactory,
    ExpenseFactory,
    ItemFactory,
    ProjectFactory,
    RateFactory,
    StatusFactory,
    StatusUpdateFactory,
    TeamFactory,
    TimeEntryFactory,
)

pytestmark = pytest.mark.django_db

FRI, MON, TUE = dt.date(2026, 3, 6), dt.date(2026, 3, 9), dt.date(2026, 3, 10)


def _project(workspace, name, **fields):
    board = BoardFactory(workspace=workspace, name=name,
                         privacy=fields.pop("privacy", Privacy.WORKSPACE))
    project = ProjectFactory(board=board, name=name, **fields)
    done = StatusFactory(board=board, category=StatusCategory.DONE, name="Done")
    todo = StatusFactory(board=board, category=StatusCategory.TODO, name="To do")
    return project, done, todo


@pytest.fixture
def portfolio(people):
    """Apollo: by effort 6 of 8 estimated hours done = 75 %; tasks finish Tuesday 10 March
    against a baseline finishing Friday 6 March, with Monday 9 a holiday: 1 working day late.
    Cost: 3 h at 50 = 150 of time plus 150 of expenses = 300, against a budget of 1,000.
    Borealis: no estimates, 1 of 4 tasks done = 25 %; no baseline, no budget, 20 of expenses.
    Ceres: no tasks at all. A template project is never listed."""
    ws = people.workspace
    ws.holidays = ["2026-03-09"]
    ws.save(update_fields=["holidays"])
    team = TeamFactory(workspace=ws)
    apollo, done, todo = _project(ws, "Apollo", phase="execution", health="off_track",
                                  budget=decimal.Decimal("1000"), manager=people.member,
                                  team=team, start_date=dt.date(2026, 3, 2), end_date=TUE)
    t1 = ItemFactory(board=apollo.board, status=done, estimate_hours=6, due_date=FRI)
    t2 = ItemFactory(board=apollo.board, status=todo, estimate_hours=2, due_date=TUE)
    ItemFactory(board=apollo.board, status=done, due_date=MON)
    ItemFactory(board=apollo.board, status=done, estimate_hours=100,
                due_date=dt.date(2026, 6, 1), archived_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    baseline = BaselineFactory(project=apollo)
    BaselineTaskFactory(baseline=baseline, item=t1, due_date=dt.date(2026, 3, 5))
    BaselineTaskFactory(baseline=baseline, item=t2, due_date=FRI)
    apollo.reference_baseline = baseline
    apollo.save(update_fields=["reference_baseline"])
    RateFactory(member=people.admin, cost_rate=50, effective_from=dt.date(2026, 1, 1))
    TimeEntryFactory(member=people.admin, item=t1, duration_minutes=180, date=FRI)
    ExpenseFactory(project=apollo, amount=decimal.Decimal("100"))
    ExpenseFactory(project=apollo, amount=decimal.Decimal("50"))
    StatusUpdateFactory(project=apollo, health="at_risk", text="Slipping",
                        date=dt.date(2026, 3, 1))
    StatusUpdateFactory(project=apollo, health="off_track", text="A week late",
                        date=dt.date(2026, 3, 5))

    borealis, done_b, todo_b = _project(ws, "Borealis", phase="initiation", health="at_risk",
                                        end_date=dt.date(2026, 5, 1))
    ItemFactory(board=borealis.board, status=done_b)
    for _ in range(3):
        ItemFactory(board=borealis.board, status=todo_b)
    ExpenseFactory(project=borealis, amount=decimal.Decimal("20"))

    ceres, _, _ = _project(ws, "ceres", phase="planning")
    _project(ws, "Template", is_template=True)
    return {"apollo": apollo, "borealis": borealis, "ceres": ceres, "team": team}


def _get(client, url, query=""):
    response = client.get(url(f"portfolio/?{query}"))
    assert response.status_code == 200, response.content
    return response.json()


def test_each_project_s_figures_match_the_hand_computed_ones(people, api, url, portfolio):
    body = _get(api(people.admin), url)
    assert body["count"] == 3 and body["currency"] == "EUR"
    rows = {r["name"]: r for r in body["results"]}
    assert list(rows) == ["Apollo", "Borealis", "ceres"]
    apollo = rows["Apollo"]
    assert apollo["progress"] == 75.0
    assert apollo["finish"] == "2026-03-10" and apollo["baseline_finish"] == "2026-03-06"
    assert apollo["schedule_variance"] == 1
    assert apollo["budget"] == "1000.00" and apollo["actual_cost"] == "300.00"
    assert apollo["budget_variance"] == "700.00"
    assert apollo["phase"] == "execution" and apollo["health"] == "off_track"
    assert apollo["manager"] == people.member.pk
    assert apollo["manager_name"] == people.member.display_name
    assert apollo["team"] == portfolio["team"].pk and apollo["team_name"] == portfolio["team"].name
    assert apollo["start_date"] == "2026-03-02" and apollo["end_date"] == "2026-03-10"
    assert apollo["latest_status"] == {"date": "2026-03-05", "health": "off_track",
                                       "text": "A week late"}
    borealis = rows["Borealis"]
    assert borealis["progress"] == 25.0
    assert borealis["schedule_variance"] is None and borealis["baseline_finish"] is None
    assert borealis["actual_cost"] == "20.00" and borealis["budget_variance"] is None
    assert borealis["latest_status"] is None
    ceres = rows["ceres"]
    assert ceres["progress"] is None and ceres["finish"] is None
    assert ceres["actual_cost"] == "0.00"


def test_a_project_over_budget_has_a_negative_variance(people, api, url, portfolio):
    ExpenseFactory(project=portfolio["apollo"], amount=decimal.Decimal("800"))
    row = _get(api(people.admin), url, "phase=execution")["results"][0]
    assert row["actual_cost"] == "1100.00" and row["budget_variance"] == "-100.00"


@pytest.mark.parametrize(("ordering", "names"), [
    ("progress", ["Borealis", "Apollo", "ceres"]),  # no progress comes last either way
    ("-progress", ["Apollo", "Borealis", "ceres"]),
    ("phase", ["Borealis", "ceres", "Apollo"]),  # life-cycle order, not the alphabet
    ("-phase", ["Apollo", "ceres", "Borealis"]),
    ("health,name", ["ceres", "Borealis", "Apollo"]),
    ("-name", ["ceres", "Borealis", "Apollo"]),  # case-insensitive
    ("schedule_variance,name", ["Apollo", "Borealis", "ceres"]),
    ("budget_variance", ["Apollo", "Borealis", "ceres"]),
    ("-end_date", ["Borealis", "Apollo", "ceres"]),
])
def test_sorting(people, api, url, portfolio, ordering, names):
    body = _get(api(people.admin), url, f"ordering={ordering}")
    assert [r["name"] for r in body["results"]] == names


def test_sorting_outside_the_allowlist_is_a_400(people, api, url, portfolio):
    response = api(people.admin).get(url("portfolio/?ordering=budget__secret"))
    assert response.status_code == 400
    assert "Cannot sort by budget__secret" in response.json()["message"]
    assert "schedule_variance" in response.json()["message"]


def test_filters(people, api, url, portfolio):
    client = api(people.admin)
    assert [r["name"] for r in _get(client, url, "phase=initiation")["results"]] == ["Borealis"]
    assert [r["name"] for r in _get(client, url, "health=off_track")["results"]] == ["Apollo"]
    by_manager = _get(client, url, f"manager={people.member.pk}")["results"]
    assert [r["name"] for r in by_manager] == ["Apollo"]
    by_team = _get(client, url, f"team={portfolio['team'].pk}")["results"]
    assert [r["name"] for r in by_team] == ["Apollo"]


@pytest.mark.parametrize(("query", "field"), [
    ("phase=dreaming", "phase"),
    ("health=meh", "health"),
    ("manager=abc", "manager"),
    ("team=999999", "team"),
])
def test_bad_filters_are_400(people, api, url, portfolio, query, field):
    response = api(people.admin).get(url(f"portfolio/?{query}"))
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_another_workspace_s_team_or_manager_is_a_400(people, api, url, portfolio):
    other_team = TeamFactory(workspace=people.outsider.workspace)
    client = api(people.admin)
    assert client.get(url(f"portfolio/?team={other_team.pk}")).status_code == 400
    assert client.get(url(f"portfolio/?manager={people.outsider.pk}")).status_code == 400


def test_pages_are_numbered(people, api, url, portfolio):
    client = api(people.admin)
    first = _get(client, url, "page_size=2&ordering=-progress")
    assert first["count"] == 3 and [r["name"] for r in first["results"]] == ["Apollo", "Borealis"]
    assert first["previous"] is None and "page=2" in first["next"]
    assert "ordering=-progress" in first["next"]
    second = client.get(first["next"]).json()
    assert [r["name"] for r in second["results"]] == ["ceres"] and second["next"] is None
    assert client.get(url("portfolio/?page_size=2&page=3")).status_code == 404
    assert client.get(url("portfolio/?page_size=0")).status_code == 400


def test_a_private_project_is_listed_only_to_those_who_see_its_board(people, api, url,
                                                                     portfolio):
    _project(people.workspace, "Secret", privacy=Privacy.PRIVATE)
    assert "Secret" not in {r["name"] for r in _get(api(people.member), url)["results"]}
    assert "Secret" in {r["name"] for r in _get(api(people.admin), url)["results"]}


def test_a_guest_sees_shared_projects_without_money(people, api, url, portfolio):
    BoardMemberFactory(board=portfolio["apollo"].board, membership=people.guest)
    body = _get(api(people.guest), url)
    assert [r["name"] for r in body["results"]] == ["Apollo"]
    row = body["results"][0]
    assert row["progress"] == 75.0 and row["schedule_variance"] == 1
    assert row["actual_cost"] is None and row["budget_variance"] is None


def test_another_workspace_is_a_404(people, api, url, portfolio):
    response = api(people.outsider).get(url("portfolio/"))
    assert response.status_code == 404
    assert api().get(url("portfolio/")).status_code in (401, 403)


def _seed(people, n, start=0):
    ws = people.workspace
    for k in range(start, start + n):
        project, done, todo = _project(ws, f"P{k:03d}", budget=decimal.Decimal("500"),
                                       manager=people.member)
        first = ItemFactory(board=project.board, status=done, estimate_hours=3, due_date=FRI)
        ItemFactory(board=project.board, status=todo, due_date=TUE)
        baseline = BaselineFactory(project=project)
        BaselineTaskFactory(baseline=baseline, item=first, due_date=FRI)
        project.reference_baseline = baseline
        project.save(update_fields=["reference_baseline"])
        TimeEntryFactory(member=people.admin, item=first, duration_minutes=30, date=FRI)
        ExpenseFactory(project=project)
        StatusUpdateFactory(project=project)


def _count(client, url, query="page_size=500"):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url(f"portfolio/?{query}"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()


@pytest.mark.parametrize("role", ["admin", "member"])
def test_queries_do_not_grow_with_the_number_of_projects(people, api, url, role):
    client = api(people.of(role))
    RateFactory(member=people.admin, cost_rate=40, effective_from=dt.date(2026, 1, 1))
    _seed(people, 3)
    few, body = _count(client, url)
    assert body["count"] == 3
    _seed(people, 27, start=3)
    many, body = _count(client, url)
    assert body["count"] == 30
    assert few == many, (few, many)
    # Auth and membership, the projects, status updates, progress, latest due dates, the
    # finish variance (tasks and reference baselines), expenses and the time sums (with their
    # per-statement settings on PostgreSQL).
    assert many <= 19
    # Nor with the page size, nor with sorting by a computed figure.
    assert _count(client, url, "page_size=5&ordering=-budget_variance")[0] == many
