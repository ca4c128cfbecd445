"""Task constraints: "start no earlier than" and "finish no later than" on a project's tasks,
validated, permission-checked, and read by the schedule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects import services
from projects.models import TaskConstraint
from tests.factories import BoardFactory, ItemFactory, TaskConstraintFactory
from workos.activity.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(people):
    return services.project_create(actor=people.owner, name="Launch",
                                   start_date=dt.date(2026, 3, 2))


def task(project, **fields):
    return ItemFactory(board=project.board, group=project.board.groups.first(), **fields)


def path(project, rest=""):
    return f"projects/{project.pk}/constraints/{rest}"


def test_create_read_change_and_delete(people, api, url, project):
    a = task(project, estimate_hours=Decimal("8"))
    client = api(people.member)
    created = client.post(url(path(project)), {"item": a.pk, "start_no_earlier_than":
                                               "2026-03-04"}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body == {"id": body["id"], "project": project.pk, "item": a.pk,
                    "start_no_earlier_than": "2026-03-04", "finish_no_later_than": None}
    schedule = client.get(url(f"projects/{project.pk}/schedule/")).json()
    assert schedule["tasks"][0]["early_start"] == "2026-03-04"

    changed = client.patch(url(path(project, f"{body['id']}/")),
                           {"start_no_earlier_than": None, "finish_no_later_than": "2026-03-10"},
                           format="json")
    assert changed.status_code == 200
    assert changed.json()["finish_no_later_than"] == "2026-03-10"
    assert changed.json()["start_no_earlier_than"] is None
    assert client.get(url(path(project, f"{body['id']}/"))).json() == changed.json()
    assert [a.verb for a in Activity.objects.filter(verb__startswith="constraint.")
            .order_by("id")] == ["constraint.created", "constraint.updated"]

    assert client.delete(url(path(project, f"{body['id']}/"))).status_code == 204
    assert not TaskConstraint.objects.exists()
    assert Activity.objects.filter(verb="constraint.deleted").exists()


@pytest.mark.parametrize(("body", "field"), [
    ({}, "start_no_earlier_than"),
    ({"start_no_earlier_than": "2026-03-10", "finish_no_later_than": "2026-03-09"},
     "finish_no_later_than"),
])
def test_bad_dates_are_400(people, api, url, project, body, field):
    a = task(project)
    response = api(people.member).post(url(path(project)), {"item": a.pk, **body},
                                       format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_the_item_must_be_on_the_projects_board(people, api, url, project):
    elsewhere = ItemFactory(board=BoardFactory(workspace=people.workspace))
    response = api(people.member).post(url(path(project)), {
        "item": elsewhere.pk, "finish_no_later_than": "2026-03-10"}, format="json")
    assert response.status_code == 400
    assert "item" in response.json()["fields"]
    foreign = ItemFactory()
    response = api(people.member).post(url(path(project)), {
        "item": foreign.pk, "finish_no_later_than": "2026-03-10"}, format="json")
    assert response.status_code == 400


def test_one_set_per_task_and_it_stays_on_its_task(people, api, url, project):
    a, b = task(project), task(project)
    constraint = TaskConstraintFactory(project=project, item=a,
                                       finish_no_later_than=dt.date(2026, 3, 10))
    client = api(people.member)
    again = client.post(url(path(project)), {"item": a.pk,
                                             "start_no_earlier_than": "2026-03-03"},
                        format="json")
    assert again.status_code == 409
    moved = client.patch(url(path(project, f"{constraint.pk}/")), {"item": b.pk},
                         format="json")
    assert moved.status_code == 400
    emptied = client.patch(url(path(project, f"{constraint.pk}/")),
                           {"finish_no_later_than": None}, format="json")
    assert emptied.status_code == 400


@pytest.mark.parametrize(("role", "private", "code"), [
    ("guest", False, 403),
    ("member", False, 201),
    ("member", True, 404),    # a private board the member isn't on
    ("admin", True, 201),
])
def test_who_may_set_constraints(people, api, url, project, role, private, code):
    if private:
        project.board.privacy = "private"
        project.board.save(update_fields=["privacy"])
    a = task(project)
    response = api(people.of(role)).post(url(path(project)), {
        "item": a.pk, "finish_no_later_than": "2026-03-10"}, format="json")
    assert response.status_code == code, response.content


def test_a_board_viewer_cant_set_constraints(people, api, url, project):
    project.board.privacy = "private"
    project.board.save(update_fields=["privacy"])
    project.board.members.create(membership=people.member, role="viewer")
    a = task(project)
    response = api(people.member).post(url(path(project)), {
        "item": a.pk, "finish_no_later_than": "2026-03-10"}, format="json")
    assert response.status_code == 403
    assert api(people.member).get(url(path(project))).status_code == 200


def test_another_workspace_gets_404(people, api, url, project):
    constraint = TaskConstraintFactory(project=project, item=task(project))
    outsider = api(people.outsider)
    own = people.outsider.workspace.slug
    for rest in ("", f"{constraint.pk}/"):
        assert outsider.get(url(path(project, rest))).status_code == 404
        assert outsider.get(url(path(project, rest), slug=own)).status_code == 404
    assert outsider.delete(url(path(project, f"{constraint.pk}/"))).status_code == 404
    assert TaskConstraint.objects.filter(pk=constraint.pk).exists()


def test_the_list_query_count_does_not_grow_with_page_size(people, api, url, project):
    for _ in range(30):
        TaskConstraintFactory(project=project, item=task(project),
                              start_no_earlier_than=dt.date(2026, 3, 3))
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(path(project) + f"?page_size={size}"))
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
