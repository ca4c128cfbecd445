"""Advancing a project through its phases: refused while its gate has unmet items (listed),
an admin's override with a recorded reason, the transitions and activity it leaves, budget
approval, and who may do what."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from boards.services import item_create
from projects.models import Phase, PhaseTransition, Project
from projects.services import project_create
from tests.factories import GoalFactory
from workos.activity.models import Activity

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 3, 2)


@pytest.fixture
def project(people) -> Project:
    return project_create(actor=people.admin, name="Launch", manager=people.member)


def _advance(client, url, project, **body):
    return client.post(url(f"projects/{project.pk}/advance/"), body, format="json")


def _phase(project: Project) -> str:
    project.refresh_from_db()
    return project.phase


def test_advancing_with_unmet_items_is_refused_and_lists_them(people, api, url, project):
    response = _advance(api(people.member), url, project)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "gate_unmet"
    goals = project.gate_items.get(rule="goals")
    assert body["fields"]["unmet"] == [{
        "id": goals.pk, "label": "Linked to at least one goal", "rule": "goals",
        "phase": "initiation", "detail": "Link the project to at least one goal.",
    }]
    assert body["message"] == ("The initiation gate is not met. 'Linked to at least one "
                               "goal': Link the project to at least one goal.")
    assert _phase(project) == "initiation"
    assert not PhaseTransition.objects.exists()


def test_a_met_gate_advances_and_records_the_transition(people, api, url, project):
    GoalFactory(workspace=people.workspace).projects.add(project)
    response = _advance(api(people.member), url, project)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["project"]["phase"] == "planning"
    transition = PhaseTransition.objects.get()
    assert body["transition"] == {
        "id": transition.pk, "from_phase": "initiation", "to_phase": "planning",
        "actor": people.member.pk, "overridden": False, "unmet": [], "reason": "",
        "created_at": body["transition"]["created_at"],
    }
    activity = Activity.objects.get(verb="project.advanced", target_id=project.pk)
    assert activity.changes == {"phase": ["initiation", "planning"]}
    assert activity.data["overridden"] is False
    gates = api(people.member).get(url(f"projects/{project.pk}/gates/")).json()
    assert gates["phase"] == "planning" and gates["transitions"][0]["id"] == transition.pk


def test_the_whole_life_cycle_step_by_step(people, api, url, project):
    client, admin = api(people.member), api(people.admin)
    GoalFactory(workspace=people.workspace).projects.add(project)
    assert _advance(client, url, project).status_code == 200
    item_create(actor=people.member, board=project.board,
                fields={"name": "Build", "start_date": MON, "due_date": MON})
    client.patch(url(f"projects/{project.pk}/"), {"budget": "1000"}, format="json")
    refused = _advance(client, url, project).json()
    assert [u["rule"] for u in refused["fields"]["unmet"]] == ["budget_approved"]
    admin.post(url(f"projects/{project.pk}/approve-budget/"))
    assert _advance(client, url, project).status_code == 200
    assert _phase(project) == "execution"
    manual = project.gate_items.get(phase=Phase.EXECUTION)
    assert _advance(client, url, project).status_code == 409
    client.patch(url(f"projects/{project.pk}/gate-items/{manual.pk}/"), {"done": True},
                 format="json")
    assert _advance(client, url, project).status_code == 200
    assert _phase(project) == "closing"
    done = project.board.statuses.get(category="done").pk
    project.board.items.update(status_id=done)
    client.patch(url(f"projects/{project.pk}/"), {"closeout_summary": "Went well."},
                 format="json")
    assert _advance(client, url, project).status_code == 200
    assert _phase(project) == "closed"
    assert [(t.from_phase, t.to_phase) for t in PhaseTransition.objects.order_by("id")] == [
        ("initiation", "planning"), ("planning", "execution"), ("execution", "closing"),
        ("closing", "closed")]
    again = _advance(client, url, project)
    assert again.status_code == 409 and again.json()["code"] == "project_closed"


def test_an_admin_overrides_with_a_reason_that_is_recorded(people, api, url, project):
    response = _advance(api(people.admin), url, project, override_reason="  Sponsor agreed  ")
    assert response.status_code == 200, response.content
    transition = PhaseTransition.objects.get()
    assert transition.overridden is True and transition.reason == "Sponsor agreed"
    assert [u["rule"] for u in transition.unmet] == ["goals"]
    assert response.json()["transition"]["unmet"][0]["label"] == "Linked to at least one goal"
    activity = Activity.objects.get(verb="project.advanced", target_id=project.pk)
    assert activity.data["overridden"] is True
    assert activity.data["reason"] == "Sponsor agreed"
    assert activity.data["unmet"][0]["rule"] == "goals"
    assert _phase(project) == "planning"


def test_the_owner_may_override_too(people, api, url, project):
    assert _advance(api(people.owner), url, project,
                    override_reason="Board decision").status_code == 200


def test_an_override_is_refused_for_a_non_admin(people, api, url, project):
    response = _advance(api(people.member), url, project, override_reason="Trust me")
    assert response.status_code == 403
    assert "workspace admin" in response.json()["message"]
    assert _phase(project) == "initiation"


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_needs_a_reason(people, api, url, project, reason):
    response = _advance(api(people.admin), url, project, override_reason=reason)
    assert response.status_code == 400
    assert "override_reason" in response.json()["fields"]
    assert _phase(project) == "initiation"


def test_an_admin_without_a_reason_is_refused_like_anyone(people, api, url, project):
    response = _advance(api(people.admin), url, project)
    assert response.status_code == 409 and response.json()["code"] == "gate_unmet"


def test_a_reason_on_a_met_gate_is_not_an_override(people, api, url, project):
    GoalFactory(workspace=people.workspace).projects.add(project)
    assert _advance(api(people.member), url, project, override_reason="x").status_code == 200
    assert PhaseTransition.objects.get().overridden is False


def test_a_member_who_is_not_the_manager_cannot_advance(people, api, url):
    project = project_create(actor=people.admin, name="Theirs")
    GoalFactory(workspace=people.workspace).projects.add(project)
    response = _advance(api(people.member), url, project)
    assert response.status_code == 403
    assert _phase(project) == "initiation"


def test_a_guest_cannot_advance(people, api, url, project):
    assert _advance(api(people.guest), url, project).status_code == 403


def test_another_workspace_cannot_advance(people, api, url, project):
    client = api(people.outsider)
    for slug in (None, people.outsider.workspace.slug):
        response = client.post(url(f"projects/{project.pk}/advance/", slug=slug), {},
                               format="json")
        assert response.status_code == 404
    assert _phase(project) == "initiation"


def test_the_phase_cannot_be_patched(people, api, url, project):
    response = api(people.admin).patch(url(f"projects/{project.pk}/"), {"phase": "closed"},
                                       format="json")
    assert response.status_code == 400
    assert "advance" in response.json()["message"]
    assert _phase(project) == "initiation"


def test_a_project_may_start_in_a_later_phase_but_not_closed(people, api, url):
    client = api(people.member)
    ok = client.post(url("projects/"), {"name": "Running", "phase": "execution"}, format="json")
    assert ok.status_code == 201 and ok.json()["phase"] == "execution"
    closed = client.post(url("projects/"), {"name": "Done", "phase": "closed"}, format="json")
    assert closed.status_code == 400 and "phase" in closed.json()["fields"]


def test_budget_approval_is_for_admins_and_needs_a_budget(people, api, url, project):
    path = url(f"projects/{project.pk}/approve-budget/")
    no_budget = api(people.admin).post(path)
    assert no_budget.status_code == 400 and "budget" in no_budget.json()["fields"]
    api(people.member).patch(url(f"projects/{project.pk}/"), {"budget": "2500.00"},
                             format="json")
    assert api(people.member).post(path).status_code == 403  # the manager does not self-approve
    response = api(people.admin).post(path)
    assert response.status_code == 200
    body = response.json()
    assert body["budget_approved_by"] == people.admin.pk and body["budget_approved_at"]
    assert Activity.objects.filter(verb="project.budget_approved",
                                   target_id=project.pk).exists()


def test_changing_the_budget_withdraws_its_approval(people, api, url, project):
    project.budget = decimal.Decimal("100")
    project.save()
    api(people.admin).post(url(f"projects/{project.pk}/approve-budget/"))
    path = url(f"projects/{project.pk}/")
    same = api(people.member).patch(path, {"budget": "100.00", "health": "at_risk"},
                                    format="json").json()
    assert same["budget_approved_at"] is not None  # the same amount: still approved
    body = api(people.member).patch(path, {"budget": "150"}, format="json").json()
    assert body["budget_approved_at"] is None and body["budget_approved_by"] is None
    activity = Activity.objects.filter(verb="project.updated", target_id=project.pk).latest("id")
    assert activity.changes["budget_approved_at"][1] is None


def test_a_template_does_not_advance(people, api, url):
    template = project_create(actor=people.admin, name="Playbook", is_template=True)
    response = _advance(api(people.admin), url, template, override_reason="x")
    assert response.status_code == 409 and response.json()["code"] == "template"
