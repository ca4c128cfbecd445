"""Goals through the API: create and change with validation, the tree without circles, who may
do what, filters, activity, and list queries that do not grow with the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards.models import Privacy
from projects.models import Goal, KeyResult
from tests.factories import (
    BoardFactory,
    GoalFactory,
    KeyResultFactory,
    ProjectFactory,
)
from workos.activity.models import Activity

pytestmark = pytest.mark.django_db

YEAR = {"period_start": "2026-01-01", "period_end": "2026-12-31"}


def _project(people, name="Launch", privacy=Privacy.WORKSPACE):
    board = BoardFactory(workspace=people.workspace, name=name, privacy=privacy)
    return ProjectFactory(board=board, name=name)


def test_a_member_creates_a_goal_they_own(people, api, url):
    project = _project(people)
    parent = GoalFactory(workspace=people.workspace, owner=people.admin)
    response = api(people.member).post(url("goals/"), {
        "name": "  Grow revenue ", "description": "By 20 %", "parent": parent.pk,
        "projects": [project.pk], **YEAR,
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Grow revenue" and body["owner"] == people.member.pk
    assert body["parent"] == parent.pk and body["projects"] == [project.pk]
    assert body["children"] == [] and body["progress"] is None
    assert body["period_start"] == "2026-01-01" and body["period_end"] == "2026-12-31"
    activity = Activity.objects.get(verb="goal.created", target_id=body["id"])
    assert activity.changes["projects"] == [[], [project.pk]]
    assert api(people.member).get(url(f"goals/{parent.pk}/")).json()["children"] == [body["id"]]


@pytest.mark.parametrize(("payload", "field"), [
    ({**YEAR}, "name"),
    ({"name": "G", "period_start": "2026-01-01"}, "period_end"),
    ({"name": "G", "period_start": "2026-06-01", "period_end": "2026-05-31"}, "period_end"),
    ({"name": "G", "period_start": "2026-13-01", "period_end": "2026-12-31"}, "period_start"),
    ({"name": "G", "parent": 999999, **YEAR}, "parent"),
    ({"name": "G", "owner": 999999, **YEAR}, "owner"),
    ({"name": "G", "projects": [999999], **YEAR}, "projects"),
    ({"name": "G", "projects": "abc", **YEAR}, "projects"),
])
def test_create_validation(people, api, url, payload, field):
    response = api(people.member).post(url("goals/"), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not Goal.objects.exists()


def test_another_workspace_s_parent_owner_or_project_is_refused(people, api, url):
    foreign_goal = GoalFactory(workspace=people.outsider.workspace)
    foreign_project = ProjectFactory(board=BoardFactory(workspace=people.outsider.workspace))
    client = api(people.member)
    for field, value in (("parent", foreign_goal.pk), ("owner", people.outsider.pk),
                         ("projects", [foreign_project.pk])):
        response = client.post(url("goals/"), {"name": "G", field: value, **YEAR},
                               format="json")
        assert response.status_code == 400, (field, response.content)
        assert field in response.json()["fields"]


def test_a_project_the_member_cannot_see_cannot_be_linked(people, api, url):
    secret = _project(people, "Secret", Privacy.PRIVATE)
    response = api(people.member).post(url("goals/"), {"name": "G", "projects": [secret.pk],
                                                       **YEAR}, format="json")
    assert response.status_code == 400
    assert f"No project {secret.pk}" in response.json()["message"]


def test_hidden_links_survive_a_member_replacing_the_list(people, api, url):
    secret, open_one, other = (_project(people, "Secret", Privacy.PRIVATE),
                               _project(people, "Open"), _project(people, "Other"))
    goal = GoalFactory(workspace=people.workspace, owner=people.member)
    goal.projects.set([secret, open_one])
    client = api(people.member)
    shown = client.get(url(f"goals/{goal.pk}/")).json()["projects"]
    assert shown == [open_one.pk]
    response = client.patch(url(f"goals/{goal.pk}/"), {"projects": [other.pk]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["projects"] == [other.pk]
    assert set(goal.projects.values_list("id", flat=True)) == {secret.pk, other.pk}


def test_a_parent_below_the_goal_itself_is_a_409_naming_the_circle(people, api, url):
    top = GoalFactory(workspace=people.workspace, name="Top", owner=people.member)
    middle = GoalFactory(workspace=people.workspace, name="Middle", parent=top)
    bottom = GoalFactory(workspace=people.workspace, name="Bottom", parent=middle)
    client = api(people.member)
    response = client.patch(url(f"goals/{top.pk}/"), {"parent": bottom.pk}, format="json")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "goal_cycle"
    assert body["fields"]["cycle"] == [top.pk, middle.pk, bottom.pk]
    assert "'Top' > 'Middle' > 'Bottom'" in body["message"]
    own = client.patch(url(f"goals/{top.pk}/"), {"parent": top.pk}, format="json")
    assert own.status_code == 409 and own.json()["fields"]["cycle"] == [top.pk]
    top.refresh_from_db()
    assert top.parent_id is None
    # Moving a goal elsewhere in the tree is fine.
    side = GoalFactory(workspace=people.workspace, owner=people.member)
    moved = client.patch(url(f"goals/{side.pk}/"), {"parent": bottom.pk}, format="json")
    assert moved.status_code == 200 and moved.json()["parent"] == bottom.pk


def test_changing_a_goal_records_what_changed(people, api, url):
    goal = GoalFactory(workspace=people.workspace, owner=people.member, name="Old")
    response = api(people.member).patch(url(f"goals/{goal.pk}/"), {
        "name": "New", "owner": people.admin.pk, "period_end": "2026-06-30",
    }, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["owner"] == people.admin.pk
    changes = Activity.objects.get(verb="goal.updated", target_id=goal.pk).changes
    assert changes == {"name": ["Old", "New"], "owner": [people.member.pk, people.admin.pk],
                       "period_end": ["2026-12-31", "2026-06-30"]}
    bad = api(people.admin).patch(url(f"goals/{goal.pk}/"), {"period_start": "2026-07-01"},
                                  format="json")
    assert bad.status_code == 400 and "period_end" in bad.json()["fields"]


@pytest.mark.parametrize(("role", "status"), [
    ("owner", 200), ("admin", 200), ("member", 403), ("guest", 403),
])
def test_only_the_goal_s_owner_or_an_admin_changes_it(people, api, url, role, status):
    goal = GoalFactory(workspace=people.workspace, owner=people.owner)
    response = api(people.of(role)).patch(url(f"goals/{goal.pk}/"), {"name": "X"},
                                          format="json")
    assert response.status_code == status, response.content
    deleted = api(people.of(role)).delete(url(f"goals/{goal.pk}/"))
    assert deleted.status_code == (204 if status == 200 else 403)


def test_guests_have_no_access_and_outsiders_get_404(people, api, url):
    goal = GoalFactory(workspace=people.workspace, owner=people.owner)
    guest = api(people.guest)
    assert guest.get(url("goals/")).status_code == 403
    assert guest.get(url(f"goals/{goal.pk}/")).status_code == 403
    assert guest.post(url("goals/"), {"name": "G", **YEAR}, format="json").status_code == 403
    outsider = api(people.outsider)
    assert outsider.get(url(f"goals/{goal.pk}/")).status_code == 404
    own = url(f"goals/{goal.pk}/", slug=people.outsider.workspace.slug)
    assert outsider.get(own).status_code == 404
    assert outsider.patch(own, {"name": "X"}, format="json").status_code == 404


def test_deleting_a_goal_moves_its_children_up(people, api, url):
    top = GoalFactory(workspace=people.workspace)
    middle = GoalFactory(workspace=people.workspace, parent=top, owner=people.member)
    child = GoalFactory(workspace=people.workspace, parent=middle)
    KeyResultFactory(goal=middle)
    response = api(people.member).delete(url(f"goals/{middle.pk}/"))
    assert response.status_code == 204
    child.refresh_from_db()
    assert child.parent_id == top.pk
    assert not KeyResult.objects.filter(goal_id=middle.pk).exists()
    assert Activity.objects.filter(verb="goal.deleted", target_id=middle.pk).exists()
    moved = Activity.objects.get(verb="goal.updated", target_id=child.pk)
    assert moved.changes == {"parent": [middle.pk, top.pk]}


def test_filters_and_ordering(people, api, url):
    ws = people.workspace
    q1 = GoalFactory(workspace=ws, name="Q1", period_start=dt.date(2026, 1, 1),
                     period_end=dt.date(2026, 3, 31), owner=people.member)
    q2 = GoalFactory(workspace=ws, name="Q2", period_start=dt.date(2026, 4, 1),
                     period_end=dt.date(2026, 6, 30), parent=q1)
    year = GoalFactory(workspace=ws, name="Year", period_start=dt.date(2026, 1, 1),
                       period_end=dt.date(2026, 12, 31))
    client = api(people.member)

    def names(query):
        response = client.get(url(f"goals/?{query}"))
        assert response.status_code == 200, response.content
        return [g["name"] for g in response.json()["results"]]

    assert names("period=2026-05-15&ordering=name") == ["Q2", "Year"]
    assert names(f"owner={people.member.pk}") == ["Q1"]
    assert names("parent=null&ordering=-name") == ["Year", "Q1"]
    assert names(f"parent={q1.pk}") == ["Q2"]
    assert names("ordering=-period_end,name") == [year.name, q2.name, q1.name]
    bad = client.get(url("goals/?ordering=owner__user__email"))
    assert bad.status_code == 400 and "Cannot sort by" in bad.json()["message"]
    assert client.get(url("goals/?parent=top")).status_code == 400
    assert client.get(url("goals/?period=soon")).status_code == 400


def test_list_queries_do_not_grow_with_the_page_or_the_tree(people, api, url):
    ws = people.workspace
    board = BoardFactory(workspace=ws)
    project = _project(people)
    parent = None
    for k in range(30):
        goal = GoalFactory(workspace=ws, parent=parent if k % 3 else None)
        goal.projects.add(project)
        KeyResultFactory(goal=goal, kind="manual", current_value=k)
        KeyResultFactory(goal=goal, kind="projects").projects.add(project)
        KeyResultFactory(goal=goal, kind="items").boards.add(board)
        parent = goal
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(f"goals/?page_size={size}"))
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 12, counts
