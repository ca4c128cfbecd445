"""Key results and progress: each kind measured by hand-checked figures, the roll-up of the goal
tree, validation, who may change them, and queries that do not grow with the list."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards.models import Privacy, StatusCategory
from projects.models import KeyResult
from tests.factories import (
    BoardFactory,
    GoalFactory,
    ItemFactory,
    KeyResultFactory,
    ProjectFactory,
    StatusFactory,
)
from workos.activity.models import Activity

pytestmark = pytest.mark.django_db

ARCHIVED = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def _board(people, privacy=Privacy.WORKSPACE):
    board = BoardFactory(workspace=people.workspace, privacy=privacy)
    done = StatusFactory(board=board, category=StatusCategory.DONE, name="Done")
    todo = StatusFactory(board=board, category=StatusCategory.TODO, name="To do")
    return board, done, todo


def _project(people, done_count, todo_count, **item):
    board, done, todo = _board(people)
    for _ in range(done_count):
        ItemFactory(board=board, status=done, **item)
    for _ in range(todo_count):
        ItemFactory(board=board, status=todo, **item)
    return ProjectFactory(board=board)


@pytest.fixture
def goal(people):
    return GoalFactory(workspace=people.workspace, owner=people.member)


def _kr_url(url, goal, suffix=""):
    return url(f"goals/{goal.pk}/key-results/{suffix}")


def _create(client, url, goal, payload):
    response = client.post(_kr_url(url, goal), payload, format="json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize(("start", "target", "current", "progress"), [
    ("10", "50", "30", 50.0),
    ("10", "50", "80", 100.0),  # beyond the target: clamped
    ("10", "50", "0", 0.0),  # below the start: clamped
    ("100", "0", "25", 75.0),  # a target below the start: going down is progress
])
def test_a_manual_key_result(people, api, url, goal, start, target, current, progress):
    body = _create(api(people.member), url, goal, {
        "name": "NPS", "start_value": start, "target_value": target, "current_value": current,
        "unit": "points",
    })
    assert body["kind"] == "manual" and body["unit"] == "points"
    assert body["current_value"] == float(current) and body["progress"] == progress
    assert Activity.objects.filter(verb="key_result.created", target_id=body["id"]).exists()


def test_a_projects_key_result_is_the_mean_of_its_projects(people, api, url, goal):
    # 3 of 4 tasks done = 75 %; by effort 2 of 8 hours = 25 %; one with no tasks is left out.
    by_count = _project(people, 3, 1)
    by_effort = _project(people, 0, 0)
    done = by_effort.board.statuses.get(category=StatusCategory.DONE)
    todo = by_effort.board.statuses.get(category=StatusCategory.TODO)
    ItemFactory(board=by_effort.board, status=done, estimate_hours=2)
    ItemFactory(board=by_effort.board, status=todo, estimate_hours=6)
    ItemFactory(board=by_effort.board, status=done, estimate_hours=5, archived_at=ARCHIVED)
    empty = _project(people, 0, 0)
    body = _create(api(people.member), url, goal, {
        "name": "Ship", "kind": "projects", "projects": [by_count.pk, by_effort.pk, empty.pk],
    })
    assert body["progress"] == 50.0 and body["current_value"] == 50.0
    assert sorted(body["projects"]) == sorted([by_count.pk, by_effort.pk, empty.pk])


def test_an_items_key_result_counts_done_items_on_its_boards(people, api, url, goal):
    first, done, todo = _board(people)
    second, done2, _ = _board(people)
    ItemFactory(board=first, status=done)
    ItemFactory(board=first, status=done)
    ItemFactory(board=first, status=todo)
    ItemFactory(board=first, status=done, archived_at=ARCHIVED)  # archived: not counted
    ItemFactory(board=second, status=done2)
    body = _create(api(people.member), url, goal, {
        "name": "Tickets closed", "kind": "items", "boards": [first.pk, second.pk],
        "start_value": "0", "target_value": "12",
    })
    assert body["current_value"] == 3.0 and body["progress"] == 25.0


def test_unmeasured_key_results_are_null(people, api, url, goal):
    client = api(people.member)
    projects = _create(client, url, goal, {"name": "P", "kind": "projects"})
    items = _create(client, url, goal, {"name": "I", "kind": "items", "target_value": "5"})
    assert projects["progress"] is None and items["progress"] is None
    assert client.get(url(f"goals/{goal.pk}/")).json()["progress"] is None


def test_progress_rolls_up_the_tree(people, api, url):
    """Root: a manual KR at 50 %; child A: an items KR at 25 %; child B: a manual KR at 100 %
    and a grandchild whose projects KR is at 50 %, so B = 75 %; child C has nothing and is
    left out. Root = mean(50, 25, 75) = 50 %."""
    ws = people.workspace
    root = GoalFactory(workspace=ws, name="Root")
    a = GoalFactory(workspace=ws, parent=root)
    b = GoalFactory(workspace=ws, parent=root)
    GoalFactory(workspace=ws, parent=root)
    grandchild = GoalFactory(workspace=ws, parent=b)
    KeyResultFactory(goal=root, kind="manual", start_value=0, target_value=10, current_value=5)
    board, done, todo = _board(people)
    ItemFactory(board=board, status=done)
    for _ in range(3):
        ItemFactory(board=board, status=todo)
    KeyResultFactory(goal=a, kind="items", start_value=0, target_value=4).boards.add(board)
    KeyResultFactory(goal=b, kind="manual", start_value=0, target_value=1, current_value=2)
    KeyResultFactory(goal=grandchild, kind="projects").projects.add(_project(people, 1, 1))
    client = api(people.member)
    goals = {g["id"]: g for g in client.get(url("goals/?page_size=50")).json()["results"]}
    assert goals[a.pk]["progress"] == 25.0
    assert goals[grandchild.pk]["progress"] == 50.0
    assert goals[b.pk]["progress"] == 75.0
    assert goals[root.pk]["progress"] == 50.0
    assert sorted(goals[root.pk]["children"]) == sorted(g.pk for g in root.children.all())
    # The detail of one goal rolls up its whole subtree too.
    assert client.get(url(f"goals/{root.pk}/")).json()["progress"] == 50.0


@pytest.mark.parametrize(("payload", "field"), [
    ({"kind": "manual"}, "name"),
    ({"name": "X", "kind": "guess"}, "kind"),
    ({"name": "X", "start_value": "5", "target_value": "5"}, "target_value"),
    ({"name": "X", "kind": "items", "current_value": "3", "target_value": "5"},
     "current_value"),
    ({"name": "X", "kind": "projects", "current_value": "3"}, "current_value"),
    ({"name": "X", "kind": "manual", "boards": [1]}, "boards"),
    ({"name": "X", "kind": "items", "projects": [1]}, "projects"),
    ({"name": "X", "kind": "items", "boards": [999999]}, "boards"),
    ({"name": "X", "kind": "projects", "projects": [999999]}, "projects"),
    ({"name": "X", "target_value": "abc"}, "target_value"),
])
def test_key_result_validation(people, api, url, goal, payload, field):
    response = api(people.member).post(_kr_url(url, goal), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not KeyResult.objects.exists()


def test_a_board_the_member_cannot_see_cannot_be_linked(people, api, url, goal):
    private, _, _ = _board(people, Privacy.PRIVATE)
    response = api(people.member).post(_kr_url(url, goal), {
        "name": "X", "kind": "items", "boards": [private.pk], "target_value": "3"}, format="json")
    assert response.status_code == 400
    assert "boards" in response.json()["fields"]


def test_current_value_is_settable_only_on_a_manual_key_result(people, api, url, goal):
    client = api(people.member)
    board, done, _ = _board(people)
    ItemFactory(board=board, status=done)
    items = _create(client, url, goal, {"name": "I", "kind": "items", "boards": [board.pk],
                                        "target_value": "4"})
    refused = client.patch(_kr_url(url, goal, f"{items['id']}/"), {"current_value": "3"},
                           format="json")
    assert refused.status_code == 400 and "current_value" in refused.json()["fields"]
    manual = _create(client, url, goal, {"name": "M", "target_value": "4"})
    changed = client.patch(_kr_url(url, goal, f"{manual['id']}/"), {"current_value": "3"},
                           format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["progress"] == 75.0
    assert Activity.objects.get(verb="key_result.updated", target_id=manual["id"]).changes == {
        "current_value": ["0.00", "3.00"]}


def test_changing_the_kind_drops_the_links_it_does_not_measure(people, api, url, goal):
    client = api(people.member)
    board, done, _ = _board(people)
    ItemFactory(board=board, status=done)
    project = _project(people, 1, 0)
    kr = _create(client, url, goal, {"name": "I", "kind": "items", "boards": [board.pk],
                                     "target_value": "2"})
    assert kr["progress"] == 50.0
    response = client.patch(_kr_url(url, goal, f"{kr['id']}/"),
                            {"kind": "projects", "projects": [project.pk]}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["boards"] == [] and body["projects"] == [project.pk]
    assert body["progress"] == 100.0


@pytest.mark.parametrize(("role", "status"), [
    ("member", 403), ("admin", 201), ("owner", 201),
])
def test_only_the_goal_s_owner_or_an_admin_changes_its_key_results(people, api, url, role,
                                                                   status):
    goal = GoalFactory(workspace=people.workspace, owner=people.owner)
    kr = KeyResultFactory(goal=goal)
    client = api(people.of(role))
    assert client.get(_kr_url(url, goal)).status_code == 200
    created = client.post(_kr_url(url, goal), {"name": "X"}, format="json")
    assert created.status_code == status, created.content
    patched = client.patch(_kr_url(url, goal, f"{kr.pk}/"), {"name": "Y"}, format="json")
    assert patched.status_code == (200 if status == 201 else 403)
    deleted = client.delete(_kr_url(url, goal, f"{kr.pk}/"))
    assert deleted.status_code == (204 if status == 201 else 403)


def test_guests_and_outsiders(people, api, url, goal):
    kr = KeyResultFactory(goal=goal)
    assert api(people.guest).get(_kr_url(url, goal)).status_code == 403
    outsider = api(people.outsider)
    assert outsider.get(_kr_url(url, goal)).status_code == 404
    slug = people.outsider.workspace.slug
    assert outsider.get(url(f"goals/{goal.pk}/key-results/{kr.pk}/", slug=slug)).status_code \
        == 404
    # A key result under another goal's id is not found either.
    other = GoalFactory(workspace=people.workspace)
    assert api(people.member).get(_kr_url(url, other, f"{kr.pk}/")).status_code == 404


def test_key_results_are_listed_in_position_order(people, api, url, goal):
    client = api(people.member)
    first = _create(client, url, goal, {"name": "First"})
    second = _create(client, url, goal, {"name": "Second"})
    assert (first["position"], second["position"]) == (0, 1)
    client.patch(_kr_url(url, goal, f"{first['id']}/"), {"position": 5}, format="json")
    names = [k["name"] for k in client.get(_kr_url(url, goal)).json()["results"]]
    assert names == ["Second", "First"]
    assert client.get(_kr_url(url, goal, "?ordering=target_value")).status_code == 400


def test_list_queries_do_not_grow_with_the_page(people, api, url, goal):
    board, done, _ = _board(people)
    ItemFactory(board=board, status=done)
    project = _project(people, 1, 1)
    for k in range(30):
        kind = ("manual", "projects", "items")[k % 3]
        kr = KeyResultFactory(goal=goal, kind=kind, target_value=decimal.Decimal(10))
        if kind == "projects":
            kr.projects.add(project)
        elif kind == "items":
            kr.boards.add(board)
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_kr_url(url, goal, f"?page_size={size}"))
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
