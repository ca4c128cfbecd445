from django.core.management import call_command

from boards.models import Board, Dependency, Item
from projects.models import Project
from workos.tenancy.models import Membership, Workspace


def test_seed_demo_builds_a_usable_workspace_once(db, api, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    workspace = Workspace.objects.get(slug="acme")
    assert set(Membership.objects.filter(workspace=workspace).values_list("role", flat=True)) == {
        "owner", "admin", "member", "guest"
    }
    names = set(Board.objects.filter(workspace=workspace).values_list("name", flat=True))
    assert {"IT service desk", "Marketing content calendar"} <= names
    assert Item.objects.filter(workspace=workspace).count() >= 10
    token = next(line.split()[-1] for line in out.splitlines() if "olivia@example.com" in line
                 and "wos_" in line)
    response = api(token=token).get("/api/v1/workspaces/acme/boards/")
    assert response.status_code == 200
    # three departmental boards, purchase requests and the project's board
    assert len(response.json()["results"]) == 5

    from automations.models import ApprovalRequest, Form, Submission

    forms = dict(Form.objects.filter(workspace=workspace).values_list("name", "access"))
    assert {"IT request", "Purchase request"} <= set(forms), forms
    assert Submission.objects.filter(form__workspace=workspace, item__isnull=False).exists()
    assert set(ApprovalRequest.objects.filter(workspace=workspace)
               .values_list("status", flat=True)) >= {"pending", "approved", "rejected"}

    call_command("seed_demo")
    assert Workspace.objects.filter(slug="acme").count() == 1
    assert "already present" in capsys.readouterr().out


def test_the_private_review_board_is_hidden_from_other_members(db, api):
    call_command("seed_demo")
    maria = Membership.objects.get(workspace__slug="acme", user__email="maria@example.com")
    hana = Membership.objects.get(workspace__slug="acme", user__email="hana@example.com")
    names_for = {
        m: {b["name"] for b in api(m).get("/api/v1/workspaces/acme/boards/").json()["results"]}
        for m in (maria, hana)
    }
    assert "Annual performance review 2026" not in names_for[maria]
    assert "Annual performance review 2026" in names_for[hana]


def test_the_demo_project_is_in_execution_and_has_slipped_against_its_baseline(db, api):
    call_command("seed_demo")
    olivia = Membership.objects.get(workspace__slug="acme", user__email="olivia@example.com")
    project = Project.objects.get(workspace__slug="acme", name="Website relaunch")
    assert project.phase == "execution" and project.reference_baseline_id is not None
    tasks = Item.objects.filter(board=project.board)
    assert tasks.count() >= 40
    kinds = set(Dependency.objects.filter(successor__board=project.board)
                .values_list("type", flat=True))
    assert kinds == {"FS", "SS", "FF", "SF"}
    summary = api(olivia).get(f"/api/v1/workspaces/acme/projects/{project.pk}/summary/").json()
    assert summary["schedule_variance_days"] > 0  # the slips pushed the finish out
    assert 0 < summary["progress"]["percent"] < 100
    assert float(summary["budget"]["actual"]["labour"]) > 0
    assert float(summary["budget"]["actual"]["expenses"]) > 0
    assert summary["open_risks"]["total"] == 2
    goals = api(olivia).get("/api/v1/workspaces/acme/goals/").json()["results"]
    assert {g["name"] for g in goals} >= {"Relaunch the website", "Grow online sign-ups by 30 %"}
