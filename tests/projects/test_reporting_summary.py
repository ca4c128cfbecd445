"""The project summary: progress by effort and by count, milestones and their slip against the
reference baseline (in working days, across a weekend), schedule variance, open risks, the next
gate, the latest status update, budget for members only, and constant queries."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from boards.models import StatusCategory
from projects import services
from projects.selectors.summary import project_progress, project_summary, projects_progress
from tests.factories import (
    BaselineFactory,
    BaselineTaskFactory,
    ColumnFactory,
    ItemFactory,
    ProjectFactory,
    StatusUpdateFactory,
)

pytestmark = pytest.mark.django_db

D = decimal.Decimal
FRI, MON = dt.date(2026, 3, 6), dt.date(2026, 3, 9)


def _task(project, name="Task", estimate=None, category=StatusCategory.TODO, **fields):
    return ItemFactory(board=project.board, group=project.board.groups.first(), name=name,
                       estimate_hours=estimate,
                       status=project.board.statuses.get(category=category), **fields)


@pytest.fixture
def project(people):
    return services.project_create(actor=people.admin, name="Launch", manager=people.member,
                                   budget=D("5000"), start_date=dt.date(2026, 3, 2))


def test_progress_by_effort_where_tasks_have_estimates(project):
    _task(project, estimate=D("8"), category=StatusCategory.DONE)
    _task(project, estimate=D("4"), category=StatusCategory.IN_PROGRESS)
    _task(project, estimate=D("8"))
    _task(project)  # no estimate: weighs nothing when progress is by effort
    # Cancelled and archived tasks are not part of the work.
    _task(project, estimate=D("100"), category=StatusCategory.CANCELLED)
    _task(project, estimate=D("100"), archived_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))

    progress = project_summary(project, today=MON)["progress"]
    # 8 done of 8 + 4 + 8 = 20 hours
    assert progress == {"percent": 40.0, "method": "effort", "tasks": 4, "done": 1,
                        "effort_hours": 20.0, "done_hours": 8.0}
    assert project_progress(project) == 40.0


def test_progress_by_count_without_estimates(project):
    _task(project, category=StatusCategory.DONE)
    _task(project, category=StatusCategory.DONE)
    _task(project)
    _task(project, category=StatusCategory.CANCELLED)
    progress = project_summary(project, today=MON)["progress"]
    assert progress["method"] == "count" and progress["percent"] == 66.7
    assert (progress["tasks"], progress["done"]) == (3, 2)


def test_progress_without_tasks_is_unknown_not_zero(project):
    assert project_progress(project) is None
    assert project_summary(project, today=MON)["progress"]["method"] is None


def test_bulk_progress_runs_one_query_for_any_number_of_projects(
        people, django_assert_num_queries):
    projects = [ProjectFactory(board__workspace=people.workspace) for _ in range(6)]
    for n, p in enumerate(projects[:5]):
        status = p.board.statuses.create(name="Done", category=StatusCategory.DONE)
        ItemFactory(board=p.board, status=status, estimate_hours=D(n + 1))
        ItemFactory(board=p.board, estimate_hours=D("1"))
    with django_assert_num_queries(1):
        answer = projects_progress(projects)
    assert answer[projects[0].pk] == 50.0  # 1 of 2 hours
    assert answer[projects[3].pk] == 80.0  # 4 of 5 hours
    assert answer[projects[5].pk] is None  # no tasks
    assert answer == {p.pk: project_progress(p) for p in projects}


def test_milestone_slip_counts_working_days_across_the_weekend(project):
    baseline = BaselineFactory(project=project)
    late = _task(project, "Beta", is_milestone=True, due_date=MON)
    early = _task(project, "Review", is_milestone=True, due_date=FRI)
    _task(project, "Added later", is_milestone=True, due_date=dt.date(2026, 3, 20))
    BaselineTaskFactory(baseline=baseline, item=late, due_date=FRI)
    BaselineTaskFactory(baseline=baseline, item=early, due_date=MON)
    _task(project, "Not a milestone", due_date=MON)

    # Without a reference baseline nothing has slipped yet.
    milestones = project_summary(project, today=MON)["milestones"]
    assert [m["slip_days"] for m in milestones] == [None, None, None]

    project.reference_baseline = baseline
    project.save()
    milestones = {m["name"]: m for m in project_summary(project, today=MON)["milestones"]}
    assert set(milestones) == {"Beta", "Review", "Added later"}
    # Friday to Monday is one working day later; Monday to Friday one earlier.
    assert milestones["Beta"]["slip_days"] == 1
    assert milestones["Beta"]["baseline_date"] == FRI and milestones["Beta"]["date"] == MON
    assert milestones["Review"]["slip_days"] == -1
    assert milestones["Added later"]["slip_days"] is None
    assert milestones["Added later"]["baseline_date"] is None


def test_schedule_variance_against_the_reference_baseline(project):
    baseline = BaselineFactory(project=project)
    task = _task(project, due_date=dt.date(2026, 3, 16))
    BaselineTaskFactory(baseline=baseline, item=task, due_date=dt.date(2026, 3, 10))
    assert project_summary(project, today=MON)["schedule_variance_days"] is None
    project.reference_baseline = baseline
    project.save()
    summary = project_summary(project, today=MON)
    assert summary["schedule_variance_days"] == 4  # Tue 10 to Mon 16 March
    assert summary["reference_baseline"] == baseline.pk


def test_open_risks_are_open_items_tagged_risk_in_any_case(project):
    ColumnFactory(board=project.board, key="tags", type="tags")
    ColumnFactory(board=project.board, key="note", type="text")
    vendor = _task(project, "Vendor late", values={"tags": ["client", "RISK"]},
                   due_date=dt.date(2026, 3, 20))
    budget = _task(project, "Budget cut", values={"tags": ["Risks"]})
    _task(project, "Closed risk", values={"tags": ["risk"]}, category=StatusCategory.DONE)
    _task(project, "Mentions risk in text", values={"note": "risk"})
    _task(project, "Risky business", values={"tags": ["risky"]})
    risks = project_summary(project, today=MON)["open_risks"]
    assert risks["total"] == 2
    assert [r["item"] for r in risks["items"]] == [vendor.pk, budget.pk]


def test_next_gate_lists_what_stops_the_project_advancing(project):
    gate = project_summary(project, today=MON)["next_gate"]
    assert gate["phase"] == "initiation" and gate["next_phase"] == "planning"
    # The default initiation gate asks for goals; this project serves none yet.
    assert gate["ready"] is False
    assert any(u["rule"] == "goals" for u in gate["unmet"])


def test_latest_status_update_is_the_latest_by_date(project):
    StatusUpdateFactory(project=project, date=dt.date(2026, 3, 5), text="<p>Newer</p>")
    StatusUpdateFactory(project=project, date=dt.date(2026, 3, 2), text="<p>Older</p>")
    latest = project_summary(project, today=MON)["latest_status_update"]
    assert latest["text"] == "<p>Newer</p>" and latest["date"] == dt.date(2026, 3, 5)


def test_summary_endpoint_shows_money_to_members_not_guests(people, api, url, project):
    # Guests see only boards shared with them.
    project.board.members.create(membership=people.guest, role="viewer")
    _task(project, estimate=D("2"), category=StatusCategory.DONE)

    member = api(people.member).get(url(f"projects/{project.pk}/summary/"))
    assert member.status_code == 200, member.content
    body = member.json()
    assert body["progress"]["percent"] == 100.0
    assert body["budget"]["budget"] == "5000.00"
    assert body["latest_status_update"] is None

    guest = api(people.guest).get(url(f"projects/{project.pk}/summary/"))
    assert guest.status_code == 200
    assert guest.json()["budget"] is None
    assert guest.json()["progress"]["percent"] == 100.0


def test_summary_is_not_found_outside_the_project_s_audience(people, api, url, project):
    private = services.project_create(actor=people.admin, name="Secret")
    board = private.board
    board.privacy = "private"
    board.save()
    assert api(people.guest).get(url(f"projects/{private.pk}/summary/")).status_code == 404
    assert api(people.outsider).get(url(f"projects/{project.pk}/summary/")).status_code == 404
    foreign = url(f"projects/{project.pk}/summary/", slug=people.outsider.workspace.slug)
    assert api(people.outsider).get(foreign).status_code == 404


def test_summary_queries_do_not_grow_with_tasks_milestones_or_risks(
        people, api, url, project, django_assert_max_num_queries):
    ColumnFactory(board=project.board, key="tags", type="tags")
    baseline = BaselineFactory(project=project)
    project.reference_baseline = baseline
    project.save()
    path = url(f"projects/{project.pk}/summary/")
    client = api(people.member)

    def grow(n):
        for i in range(n):
            task = _task(project, f"T{i}", estimate=D("2"), is_milestone=i % 2 == 0,
                         due_date=FRI, values={"tags": ["risk"]})
            BaselineTaskFactory(baseline=baseline, item=task, due_date=FRI)
        StatusUpdateFactory(project=project)

    grow(2)
    client.get(path)
    with django_assert_max_num_queries(40) as small:
        assert client.get(path).status_code == 200
    grow(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(path)
    assert len(response.json()["milestones"]) == 11
    assert response.json()["open_risks"]["total"] == 22
