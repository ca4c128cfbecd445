"""Gate checklists: the defaults every project gets, each rule evaluated live, and the per-project
edits (add, rename, reorder, tick, delete) with who may make them."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards.models import StatusCategory
from boards.services import item_create
from projects.models import GateItem, Phase, Project
from projects.services import project_create
from tests.factories import GoalFactory
from workos.activity.models import Activity

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 3, 2)


@pytest.fixture
def project(people) -> Project:
    return project_create(actor=people.admin, name="Launch", manager=people.member)


def _status(project: Project, category: str) -> int:
    return project.board.statuses.get(category=category).pk


def _task(people, project: Project, **fields):
    return item_create(actor=people.owner, board=project.board, fields={"name": "Task", **fields})


def _gates(client, url, project):
    response = client.get(url(f"projects/{project.pk}/gates/"))
    assert response.status_code == 200, response.content
    return response.json()


def _item(body, rule):
    return next(i for p in body["phases"] for i in p["items"] if i["rule"] == rule)


def test_every_new_project_gets_the_default_checklists(people, api, url, project):
    body = _gates(api(people.member), url, project)
    assert [(p["phase"], [(i["label"], i["rule"]) for i in p["items"]])
            for p in body["phases"]] == [
        ("initiation", [("A project manager is named", "manager"),
                        ("Linked to at least one goal", "goals")]),
        ("planning", [("Every open task has a start and a due date", "schedule"),
                      ("The budget is approved", "budget_approved")]),
        ("execution", [("The deliverables are accepted by the sponsor", "manual")]),
        ("closing", [("Every task is done or cancelled", "tasks_closed"),
                     ("The close-out summary is written", "closeout_summary")]),
    ]
    assert body["phase"] == "initiation" and body["next_phase"] == "planning"
    assert body["can_advance"] is False
    assert body["transitions"] == []


def test_the_manager_rule(people, api, url, project):
    client = api(people.admin)
    assert _item(_gates(client, url, project), "manager")["met"] is True
    client.patch(url(f"projects/{project.pk}/"), {"manager": None}, format="json")
    item = _item(_gates(client, url, project), "manager")
    assert item["met"] is False and item["detail"] == "Name a project manager."


def test_the_goals_rule(people, api, url, project):
    client = api(people.member)
    assert _item(_gates(client, url, project), "goals")["met"] is False
    GoalFactory(workspace=people.workspace).projects.add(project)
    body = _gates(client, url, project)
    assert _item(body, "goals")["met"] is True
    assert body["phases"][0]["met"] is True and body["can_advance"] is True


def test_the_schedule_rule_needs_tasks_each_with_both_dates(people, api, url, project):
    client = api(people.member)
    item = _item(_gates(client, url, project), "schedule")
    assert item["met"] is False and "Add the project's tasks" in item["detail"]
    _task(people, project, name="Design", start_date=MON, due_date=MON)
    _task(people, project, name="Build", start_date=MON)
    _task(people, project, name="Review", due_date=MON)
    # A milestone needs only its due date; done and cancelled tasks need none.
    _task(people, project, name="Go live", due_date=MON, is_milestone=True)
    _task(people, project, name="Old", status=_status(project, StatusCategory.DONE))
    _task(people, project, name="Dropped", status=_status(project, StatusCategory.CANCELLED))
    item = _item(_gates(client, url, project), "schedule")
    assert item["met"] is False
    assert item["detail"] == ("2 open task(s) without a start or due date: 'Build', "
                              "'Review'.")
    for row in project.board.items.filter(name__in=["Build", "Review"]):
        row.start_date = row.due_date = MON
        row.save()
    assert _item(_gates(client, url, project), "schedule")["met"] is True


def test_the_budget_rule_needs_an_approved_budget(people, api, url, project):
    client = api(people.member)
    item = _item(_gates(client, url, project), "budget_approved")
    assert item["met"] is False and item["detail"].startswith("Set a budget")
    client.patch(url(f"projects/{project.pk}/"), {"budget": "5000"}, format="json")
    item = _item(_gates(client, url, project), "budget_approved")
    assert item["met"] is False and "approves" in item["detail"]
    assert api(people.admin).post(url(f"projects/{project.pk}/approve-budget/")).status_code \
        == 200
    assert _item(_gates(client, url, project), "budget_approved")["met"] is True


def test_the_tasks_closed_rule(people, api, url, project):
    client = api(people.member)
    # No tasks at all: nothing is left open.
    assert _item(_gates(client, url, project), "tasks_closed")["met"] is True
    _task(people, project, name="Done", status=_status(project, StatusCategory.DONE))
    _task(people, project, name="Dropped", status=_status(project, StatusCategory.CANCELLED))
    open_task = _task(people, project, name="Still going",
                      status=_status(project, StatusCategory.IN_PROGRESS))
    item = _item(_gates(client, url, project), "tasks_closed")
    assert item["met"] is False
    assert item["detail"] == "1 task(s) not done or cancelled: 'Still going'."
    open_task.status_id = _status(project, StatusCategory.DONE)
    open_task.save()
    assert _item(_gates(client, url, project), "tasks_closed")["met"] is True


def test_archived_tasks_do_not_count(people, api, url, project):
    task = _task(people, project, name="Parked")
    task.archived_at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    task.save()
    assert _item(_gates(api(people.member), url, project), "tasks_closed")["met"] is True


def test_the_closeout_summary_rule(people, api, url, project):
    client = api(people.member)
    assert _item(_gates(client, url, project), "closeout_summary")["met"] is False
    response = client.patch(url(f"projects/{project.pk}/"),
                            {"closeout_summary": "  Shipped on time.  "}, format="json")
    assert response.json()["closeout_summary"] == "Shipped on time."
    assert _item(_gates(client, url, project), "closeout_summary")["met"] is True
    client.patch(url(f"projects/{project.pk}/"), {"closeout_summary": "   "}, format="json")
    assert _item(_gates(client, url, project), "closeout_summary")["met"] is False


def test_the_manager_adds_renames_reorders_and_deletes_manual_items(people, api, url, project):
    client = api(people.member)
    base = url(f"projects/{project.pk}/gate-items/")
    first = client.post(base, {"phase": "planning", "label": "Risks reviewed"}, format="json")
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["phase"], body["rule"], body["position"], body["met"], body["done"]) == \
        ("planning", "manual", 2, False, False)
    second = client.post(base, {"phase": "planning", "label": "Kick-off held", "position": 0},
                         format="json").json()
    planning = client.get(base + "?phase=planning").json()["results"]
    assert [i["label"] for i in planning] == [
        "Kick-off held", "Every open task has a start and a due date", "The budget is approved",
        "Risks reviewed"]
    assert [i["position"] for i in planning] == [0, 1, 2, 3]

    moved = client.patch(base + f"{body['id']}/", {"position": 1, "label": "Risks logged"},
                         format="json")
    assert moved.status_code == 200
    assert moved.json()["label"] == "Risks logged" and moved.json()["position"] == 1
    planning = client.get(base + "?phase=planning").json()["results"]
    assert [i["label"] for i in planning] == [
        "Kick-off held", "Risks logged", "Every open task has a start and a due date",
        "The budget is approved"]

    assert client.delete(base + f"{second['id']}/").status_code == 204
    planning = client.get(base + "?phase=planning").json()["results"]
    assert [(i["label"], i["position"]) for i in planning] == [
        ("Risks logged", 0), ("Every open task has a start and a due date", 1),
        ("The budget is approved", 2)]
    verbs = set(Activity.objects.filter(target_id=project.pk).values_list("verb", flat=True))
    assert {"project.gate_item_added", "project.gate_item_changed",
            "project.gate_item_removed"} <= verbs


def test_ticking_a_manual_item_records_who_and_when(people, api, url, project):
    client = api(people.member)
    manual = project.gate_items.get(phase=Phase.EXECUTION)
    path = url(f"projects/{project.pk}/gate-items/{manual.pk}/")
    body = client.patch(path, {"done": True}, format="json").json()
    assert body["done"] is True and body["met"] is True
    assert body["done_by"] == people.member.pk and body["done_at"] is not None
    body = client.patch(path, {"done": False}, format="json").json()
    assert body["done"] is False and body["met"] is False and body["done_by"] is None


def test_rule_items_cannot_be_ticked_by_hand(people, api, url, project):
    rule_item = project.gate_items.get(rule="goals")
    response = api(people.member).patch(
        url(f"projects/{project.pk}/gate-items/{rule_item.pk}/"), {"done": True}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "gate_rule_item"
    assert "checked by the system" in response.json()["message"]
    rule_item.refresh_from_db()
    assert rule_item.done_at is None


def test_a_removed_rule_item_can_be_put_back(people, api, url, project):
    client = api(people.member)
    base = url(f"projects/{project.pk}/gate-items/")
    goals = project.gate_items.get(rule="goals")
    client.delete(base + f"{goals.pk}/")
    assert _gates(client, url, project)["can_advance"] is True
    added = client.post(base, {"phase": "initiation", "label": "Has a goal", "rule": "goals"},
                        format="json")
    assert added.status_code == 201 and added.json()["met"] is False


@pytest.mark.parametrize(("payload", "field"), [
    ({"phase": "closed", "label": "X"}, "phase"),
    ({"phase": "planning", "label": "  "}, "label"),
    ({"phase": "planning"}, "label"),
    ({"phase": "planning", "label": "X", "rule": "vibes"}, "rule"),
])
def test_gate_item_validation(people, api, url, project, payload, field):
    response = api(people.member).post(url(f"projects/{project.pk}/gate-items/"), payload,
                                       format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_only_the_manager_or_an_admin_edits_the_checklist(people, api, url, project):
    base = url(f"projects/{project.pk}/gate-items/")
    other = project_create(actor=people.admin, name="Other")  # managed by the admin
    other_base = url(f"projects/{other.pk}/gate-items/")
    item = other.gate_items.get(phase=Phase.EXECUTION)
    assert api(people.member).post(other_base, {"phase": "planning", "label": "X"},
                                   format="json").status_code == 403
    assert api(people.member).patch(other_base + f"{item.pk}/", {"done": True},
                                    format="json").status_code == 403
    assert api(people.member).delete(other_base + f"{item.pk}/").status_code == 403
    assert api(people.guest).post(base, {"phase": "planning", "label": "X"},
                                  format="json").status_code == 403
    assert api(people.owner).post(other_base, {"phase": "planning", "label": "X"},
                                  format="json").status_code == 201
    # Anyone who sees the project reads its checklist.
    assert api(people.guest).get(base).status_code == 404  # guests see no workspace board
    assert api(people.member).get(other_base).status_code == 200


def test_another_workspaces_checklist_is_not_found(people, api, url, project):
    item = project.gate_items.first()
    client = api(people.outsider)
    own = people.outsider.workspace.slug
    for slug in (None, own):
        base = url(f"projects/{project.pk}/gate-items/", slug=slug)
        assert client.get(base).status_code == 404
        assert client.patch(base + f"{item.pk}/", {"label": "x"},
                            format="json").status_code == 404
    # An item of another project is not found under this one.
    other = project_create(actor=people.admin, name="Other", manager=people.member)
    foreign = other.gate_items.first()
    assert api(people.member).get(
        url(f"projects/{project.pk}/gate-items/{foreign.pk}/")).status_code == 404


def test_gate_item_list_queries_do_not_grow_with_the_page(people, api, url, project):
    for n in range(30):
        GateItem.objects.create(project=project, phase=Phase.EXECUTION, label=f"Check {n}",
                                position=n + 1)
    GoalFactory(workspace=people.workspace).projects.add(project)
    _task(people, project, name="Undated")
    project.budget = decimal.Decimal("10")
    project.save()
    client = api(people.member)
    counts = []
    for size in (5, 30):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(f"projects/{project.pk}/gate-items/?page_size={size}"))
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_gate_status_reads_in_a_few_queries(people, api, url, project,
                                            django_assert_max_num_queries):
    for n in range(20):
        _task(people, project, name=f"T{n}")
    client = api(people.member)
    with django_assert_max_num_queries(14):
        response = client.get(url(f"projects/{project.pk}/gates/"))
    assert response.status_code == 200
