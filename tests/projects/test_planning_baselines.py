"""Baselines: frozen copies of a project's task dates, the reference among them, and variance
in working days (Monday-Friday; March 2026, holidays Friday 6 and Monday 16)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boards.models import Item
from projects import services
from projects.models import Baseline, BaselineTask, Project
from projects.selectors.baselines import (
    baseline_variance,
    project_finish_variance,
    projects_finish_variance,
)
from projects.services.baselines import baseline_create
from tests.factories import BaselineFactory, ItemFactory
from workos.activity.models import Activity

pytestmark = pytest.mark.django_db


def d(day: int) -> dt.date:
    return dt.date(2026, 3, day)


def task(project, name, start=None, due=None, **fields):
    return ItemFactory(board=project.board, group=project.board.groups.first(), name=name,
                       start_date=start, due_date=due, **fields)


@pytest.fixture
def project(people):
    people.workspace.holidays = ["2026-03-06", "2026-03-16"]
    people.workspace.save()
    return services.project_create(actor=people.owner, name="Launch", manager=people.member,
                                   start_date=d(2))


@pytest.fixture
def tasks(project):
    return {
        "A": task(project, "A", d(2), d(4), estimate_hours=Decimal("24")),
        "B": task(project, "B", d(10), d(11)),
        "C": task(project, "C", d(12), d(13)),
        "E": task(project, "E"),
        "M": task(project, "M", d(13), d(13), is_milestone=True),
    }


def base(project, path=""):
    return f"projects/{project.pk}/baselines/{path}"


def test_taking_a_baseline_freezes_every_task(people, api, url, project, tasks):
    task(project, "Gone", d(2), d(2), archived_at=timezone.now())
    response = api(people.member).post(url(base(project)), {"name": "Plan"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Plan" and body["task_count"] == 5
    assert body["is_reference"] is True and body["created_by"] == people.member.pk

    Item.objects.filter(pk=tasks["A"].pk).update(start_date=d(5), due_date=d(9),
                                                 estimate_hours=40, name="A2")
    frozen = {t.item_id: t for t in BaselineTask.objects.filter(baseline_id=body["id"])}
    assert set(frozen) == {t.pk for t in tasks.values()}
    a = frozen[tasks["A"].pk]
    assert (a.name, a.start_date, a.due_date, a.estimate_hours) == ("A", d(2), d(4),
                                                                    Decimal("24.00"))
    assert frozen[tasks["M"].pk].is_milestone is True
    assert Activity.objects.filter(verb="baseline.created", target_id=body["id"]).exists()


def test_variance_in_working_days_with_added_and_removed_tasks(people, api, url, project,
                                                               tasks):
    baseline = baseline_create(actor=people.member, project=project, name="Plan")
    Item.objects.filter(pk=tasks["A"].pk).update(start_date=d(5), due_date=d(9))
    Item.objects.filter(pk=tasks["B"].pk).update(start_date=d(9), due_date=d(10))
    Item.objects.filter(pk=tasks["C"].pk).update(archived_at=timezone.now())
    Item.objects.filter(pk=tasks["E"].pk).update(start_date=d(2), due_date=d(3))
    Item.objects.filter(pk=tasks["M"].pk).update(start_date=d(17), due_date=d(17))
    new = task(project, "D", d(16), d(17))

    response = api(people.guest).get(url(base(project, f"{baseline.pk}/variance/")))
    assert response.status_code == 404  # guests don't see the board
    body = api(people.admin).get(url(base(project, f"{baseline.pk}/variance/"))).json()
    rows = {r["name"]: r for r in body["tasks"]}
    assert body["baseline"] == baseline.pk
    # A: Mon 2 -> Thu 5 is three working days later; Wed 4 -> Mon 9 is two (Fri 6 is off).
    assert rows["A"] == {
        "item": tasks["A"].pk, "name": "A", "change": "kept",
        "baseline_start": "2026-03-02", "baseline_finish": "2026-03-04",
        "current_start": "2026-03-05", "current_finish": "2026-03-09",
        "start_variance_days": 3, "finish_variance_days": 2,
    }
    assert (rows["B"]["start_variance_days"], rows["B"]["finish_variance_days"]) == (-1, -1)
    assert rows["C"]["change"] == "removed" and rows["C"]["current_finish"] is None
    assert rows["C"]["finish_variance_days"] is None
    assert rows["E"]["change"] == "kept" and rows["E"]["start_variance_days"] is None
    # M: Fri 13 -> Tue 17 over the weekend and Monday's holiday: one working day.
    assert rows["M"]["finish_variance_days"] == 1
    assert rows["D"] == {
        "item": new.pk, "name": "D", "change": "added", "baseline_start": None,
        "baseline_finish": None, "current_start": "2026-03-16",
        "current_finish": "2026-03-17", "start_variance_days": None,
        "finish_variance_days": None,
    }
    assert [r["name"] for r in body["tasks"]] == ["A", "B", "C", "E", "M", "D"]
    # The project's finish: Fri 13 in the baseline, Tue 17 now.
    assert body["finish_variance_days"] == 1
    assert project_finish_variance(Project.objects.get(pk=project.pk)) == 1


def test_a_deleted_item_is_removed_with_no_id(people, project, tasks):
    baseline = baseline_create(actor=people.member, project=project, name="Plan")
    tasks["B"].delete()
    rows = {r["name"]: r for r in baseline_variance(project, baseline)["tasks"]}
    assert rows["B"]["item"] is None and rows["B"]["change"] == "removed"


def test_the_first_baseline_is_the_reference_until_another_is_chosen(people, api, url,
                                                                     project, tasks):
    client = api(people.member)
    first = client.post(url(base(project)), {"name": "Plan"}, format="json").json()
    second = client.post(url(base(project)), {"name": "Re-plan"}, format="json").json()
    assert first["is_reference"] and not second["is_reference"]
    Item.objects.filter(pk=tasks["C"].pk).update(due_date=d(18))

    response = client.post(url(base(project, f"{second['id']}/reference/")))
    assert response.status_code == 200 and response.json()["is_reference"] is True
    listed = {b["id"]: b["is_reference"]
              for b in client.get(url(base(project))).json()["results"]}
    assert listed == {first["id"]: False, second["id"]: True}
    change = Activity.objects.filter(verb="project.updated", target_id=project.pk).first()
    assert change.changes == {"reference_baseline": [first["id"], second["id"]]}

    assert client.delete(url(base(project, f"{second['id']}/"))).status_code == 204
    project.refresh_from_db()
    assert project.reference_baseline_id is None
    assert project_finish_variance(project) is None


def test_finish_variance_of_many_projects_in_two_queries(people, project, tasks):
    baseline_create(actor=people.member, project=project, name="Plan")
    Item.objects.filter(pk=tasks["C"].pk).update(due_date=d(17))  # Fri 13 -> Tue 17
    other = services.project_create(actor=people.owner, name="Other", start_date=d(2))
    projects = list(Project.objects.select_related("workspace").filter(
        pk__in=[project.pk, other.pk]))
    with CaptureQueriesContext(connection) as ctx:
        answer = projects_finish_variance(projects)
    assert answer == {project.pk: 1, other.pk: None}
    assert len(ctx.captured_queries) == 2


def test_renaming_and_name_clashes(people, api, url, project):
    client = api(people.member)
    plan = client.post(url(base(project)), {"name": "Plan"}, format="json").json()
    client.post(url(base(project)), {"name": "Re-plan"}, format="json")
    clash = client.post(url(base(project)), {"name": "Plan"}, format="json")
    assert clash.status_code == 409 and clash.json()["code"] == "name_taken"
    renamed = client.patch(url(base(project, f"{plan['id']}/")), {"name": "Re-plan"},
                           format="json")
    assert renamed.status_code == 409
    ok = client.patch(url(base(project, f"{plan['id']}/")), {"name": "Approved"},
                      format="json")
    assert ok.status_code == 200 and ok.json()["name"] == "Approved"
    blank = client.post(url(base(project)), {"name": "  "}, format="json")
    assert blank.status_code == 400


@pytest.mark.parametrize(("role", "code"), [
    ("guest", 403), ("owner", 201), ("admin", 201), ("member", 201), ("other", 403)])
def test_who_may_take_a_baseline(people, api, url, project, role, code):
    if role == "other":  # a member who isn't the project's manager
        project.manager = people.admin
        project.save(update_fields=["manager"])
        who = people.member
    else:
        who = people.of(role)
    project.board.members.create(membership=people.guest, role="editor")
    response = api(who).post(url(base(project)), {"name": "Plan"}, format="json")
    assert response.status_code == code, response.content


def test_a_member_who_isnt_manager_cant_change_or_delete(people, api, url, project):
    baseline = BaselineFactory(project=project)
    project.manager = people.admin
    project.save(update_fields=["manager"])
    client = api(people.member)
    assert client.patch(url(base(project, f"{baseline.pk}/")), {"name": "X"},
                        format="json").status_code == 403
    assert client.delete(url(base(project, f"{baseline.pk}/"))).status_code == 403
    assert client.post(url(base(project, f"{baseline.pk}/reference/"))).status_code == 403
    assert client.get(url(base(project, f"{baseline.pk}/variance/"))).status_code == 200
    assert Baseline.objects.filter(pk=baseline.pk).exists()


def test_another_workspace_gets_404(people, api, url, project):
    baseline = BaselineFactory(project=project)
    outsider = api(people.outsider)
    own = people.outsider.workspace.slug
    for path in (base(project), base(project, f"{baseline.pk}/variance/")):
        assert outsider.get(url(path)).status_code == 404
        assert outsider.get(url(path, slug=own)).status_code == 404


def test_the_list_query_count_does_not_grow_with_page_size(people, api, url, project):
    for _ in range(30):
        baseline = BaselineFactory(project=project)
        BaselineTask.objects.create(baseline=baseline, name="t")
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(base(project) + f"?page_size={size}"))
        assert len(response.json()["results"]) == size
        assert response.json()["results"][0]["task_count"] == 1
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_variance_read_is_a_fixed_number_of_queries(people, api, url, project, tasks,
                                                        django_assert_max_num_queries):
    baseline = baseline_create(actor=people.member, project=project, name="Plan")
    for i in range(20):
        task(project, f"New {i}", d(2), d(3))
    client = api(people.member)
    with django_assert_max_num_queries(7):
        response = client.get(url(base(project, f"{baseline.pk}/variance/")))
    assert len(response.json()["tasks"]) == 25
