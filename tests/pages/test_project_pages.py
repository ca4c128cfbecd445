"""The projects list, a project's page and its Gantt chart: what each shows, to whom, and that
their queries do not grow with the number of projects or tasks.

The week of Monday 2 March 2026 (Monday-Friday working days) is the plan's first week.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards.models import Privacy
from projects import services
from projects.models import Phase
from projects.services import baselines as baseline_services
from projects.services import gates as gate_services
from projects.services import lifecycle as lifecycle_services
from projects.services import status_updates as status_services
from tests.factories import (
    BoardMemberFactory,
    DependencyFactory,
    ItemFactory,
    MembershipFactory,
)
from workos.tenancy.models import Role

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 3, 2)


def d(day: int) -> dt.date:
    return dt.date(2026, 3, day)


def task(project, name, start=None, due=None, **fields):
    return ItemFactory(board=project.board, group=project.board.groups.first(), name=name,
                       start_date=start, due_date=due, **fields)


def done_status(project):
    return project.board.statuses.filter(category="done").first()


@pytest.fixture
def project(people):
    return services.project_create(actor=people.owner, name="Office move", start_date=MON,
                                   end_date=d(31), manager=people.admin)


def list_url(people, **query):
    url = reverse("project-list-page", kwargs={"ws": people.workspace.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def page_url(project, name="project-page"):
    return reverse(name, kwargs={"ws": project.workspace.slug, "id": project.pk})


def embedded(response, script_id="gantt-data"):
    html = response.content.decode()
    found = re.search(rf'<script id="{script_id}" type="application/json">(.*?)</script>', html,
                      re.S)
    assert found, "the page embeds its data"
    return json.loads(found.group(1))


# -- the projects list ------------------------------------------------------------------------


def test_the_list_shows_each_projects_phase_health_manager_dates_and_progress(
        client, people, project):
    task(project, "Pack", d(2), d(3), status=done_status(project))
    task(project, "Drive", d(4), d(5))
    client.force_login(people.member.user)
    html = client.get(list_url(people)).content.decode()
    assert "Office move" in html
    assert page_url(project) in html
    assert "Initiation" in html and "On track" in html
    assert people.admin.display_name in html
    assert "2 Mar 2026 \N{EN DASH} 31 Mar 2026" in html
    assert "50 %" in html


def test_the_list_filters_by_phase_and_health(client, people, project):
    other = services.project_create(actor=people.owner, name="Intranet", phase=Phase.PLANNING)
    client.force_login(people.member.user)
    html = client.get(list_url(people, phase="planning")).content.decode()
    assert other.name in html and project.name not in html
    html = client.get(list_url(people, health="off_track")).content.decode()
    assert "No project matches these filters." in html
    # An unknown filter value is ignored, not an error.
    assert client.get(list_url(people, phase="nonsense")).status_code == 200


def test_the_list_leaves_out_projects_on_boards_the_viewer_cannot_see(client, people, project):
    hidden = services.project_create(actor=people.owner, name="Salary review")
    hidden.board.privacy = Privacy.PRIVATE
    hidden.board.save()
    client.force_login(people.member.user)
    html = client.get(list_url(people)).content.decode()
    assert project.name in html and "Salary review" not in html


def test_guests_see_no_money_on_the_list(client, people, project):
    project.budget = 1000
    project.save()
    BoardMemberFactory(board=project.board, membership=people.guest, role="viewer")
    client.force_login(people.guest.user)
    html = client.get(list_url(people)).content.decode()
    assert project.name in html and "Budget left" not in html


def test_another_workspace_has_no_projects_list_for_an_outsider(client, people):
    client.force_login(people.outsider.user)
    assert client.get(list_url(people)).status_code == 404


def test_the_lists_queries_do_not_grow_with_the_number_of_projects(
        client, people, django_assert_max_num_queries):
    client.force_login(people.member.user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(list_url(people)).status_code == 200
        return len(queries)

    def add(n: int) -> None:
        for _ in range(n):
            project = services.project_create(actor=people.owner, name="Project")
            task(project, "One", d(2), d(3))
            status_services.status_update_create(actor=people.owner, project=project,
                                                 health="at_risk", text="Late supplier.")

    add(2)
    few = count()
    add(10)
    with django_assert_max_num_queries(few):
        assert client.get(list_url(people)).status_code == 200


def test_the_projects_link_is_in_the_section_nav(client, people):
    client.force_login(people.member.user)
    html = client.get(list_url(people)).content.decode()
    assert f'href="{list_url(people)}" aria-current="page">Projects</a>' in html


# -- the project page -------------------------------------------------------------------------


def test_the_page_shows_the_current_gate_with_manual_items_tickable_by_the_manager(
        client, people, project):
    item = gate_services.gate_item_create(actor=people.owner, project=project,
                                          phase=Phase.INITIATION, label="Charter signed")
    client.force_login(people.admin.user)  # the manager
    html = client.get(page_url(project)).content.decode()
    assert "Gate to leave initiation" in html
    assert f'id="gate-item-{item.pk}" data-gate-item="{item.pk}">' in html
    assert "A project manager is named" in html and "checked automatically" in html
    assert "Link the project to at least one goal." in html  # the unmet rule says what to do
    assert "Advance to Planning" in html


def test_members_who_do_not_manage_the_project_cannot_tick_or_advance(client, people, project):
    item = gate_services.gate_item_create(actor=people.owner, project=project,
                                          phase=Phase.INITIATION, label="Charter signed")
    client.force_login(people.member.user)
    html = client.get(page_url(project)).content.decode()
    assert f'data-gate-item="{item.pk}" disabled>' in html
    assert "data-advance" not in html
    assert "The project's manager or a workspace admin advances the project." in html


def test_the_page_shows_the_latest_status_update_and_the_form_to_post_one(
        client, people, project):
    status_services.status_update_create(actor=people.admin, project=project, health="at_risk",
                                         text="The <strong>lift</strong> is late.<script>")
    client.force_login(people.admin.user)
    html = client.get(page_url(project)).content.decode()
    assert "health-at_risk" in html
    assert "The <strong>lift</strong> is late." in html  # stored sanitised, shown as HTML
    assert "data-status-form" in html
    client.force_login(people.guest.user)
    BoardMemberFactory(board=project.board, membership=people.guest, role="viewer")
    assert "data-status-form" not in client.get(page_url(project)).content.decode()


def test_the_page_shows_milestones_with_their_slip_against_the_reference_baseline(
        client, people, project):
    a = task(project, "Pack", d(2), d(3))
    keys = task(project, "Keys handed over", None, d(6), is_milestone=True)
    baseline_services.baseline_create(actor=people.owner, project=project, name="Plan")
    a.due_date, keys.due_date = d(5), d(10)
    a.save()
    keys.save()
    client.force_login(people.member.user)
    html = client.get(page_url(project)).content.decode()
    assert "Keys handed over" in html
    assert "2 days late" in html  # the milestone: Fri 6 -> Tue 10
    assert "Against <strong>Plan</strong>" in html
    assert "Pack" in html


def test_the_page_shows_budget_actual_and_forecast_to_members_but_not_to_guests(
        client, people, project):
    project.budget = 5000
    project.save()
    client.force_login(people.member.user)
    html = client.get(page_url(project)).content.decode()
    assert "Forecast at completion" in html and "5000.00" in html
    BoardMemberFactory(board=project.board, membership=people.guest, role="viewer")
    client.force_login(people.guest.user)
    html = client.get(page_url(project)).content.decode()
    assert project.name in html and "Forecast at completion" not in html


def test_the_page_links_to_the_boards_views_and_the_gantt(client, people, project):
    client.force_login(people.member.user)
    html = client.get(page_url(project)).content.decode()
    assert f"/w/{people.workspace.slug}/boards/{project.board_id}/kanban/" in html
    assert page_url(project, "project-gantt-page") in html


def test_a_section_alone_is_served_for_the_pages_script(client, people, project):
    client.force_login(people.admin.user)
    part = client.get(page_url(project) + "?part=gate").content.decode()
    assert part.lstrip().startswith('<section class="card gate" id="gate"')
    assert "<html" not in part


def test_a_closed_project_shows_its_close_out_and_no_gate(client, people, project):
    project.phase = Phase.CLOSING
    project.closeout_summary = "Moved in on time."
    project.save()
    lifecycle_services.project_advance(actor=people.owner, project=project,
                                       override_reason="Wrapping up the demo.")
    client.force_login(people.member.user)
    html = client.get(page_url(project)).content.decode()
    assert "Close-out report" in html and "Moved in on time." in html
    assert "its board is read-only" in html and "data-advance" not in html


@pytest.mark.parametrize("who", ["outsider", "member_of_private"])
def test_hidden_projects_pages_are_not_found(client, people, project, who):
    if who == "member_of_private":
        project.board.privacy = Privacy.PRIVATE
        project.board.save()
    client.force_login((people.outsider if who == "outsider" else people.member).user)
    for name in ("project-page", "project-gantt-page", "project-gantt-data"):
        assert client.get(page_url(project, name)).status_code == 404
    assert client.get(reverse("project-page", kwargs={"ws": people.workspace.slug,
                                                      "id": 99999})).status_code == 404


def test_the_project_pages_queries_do_not_grow_with_tasks_and_milestones(
        client, people, project):
    client.force_login(people.admin.user)
    baseline_services.baseline_create(actor=people.owner, project=project, name="Plan")

    def count(name: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page_url(project, name)).status_code == 200
        return len(queries)

    task(project, "First", d(2), d(3))
    task(project, "First milestone", None, d(4), is_milestone=True)
    few = {name: count(name) for name in ("project-page", "project-gantt-page")}
    for n in range(12):
        a = task(project, f"Task {n}", d(9), d(10))
        b = task(project, f"Milestone {n}", None, d(11), is_milestone=True)
        DependencyFactory(predecessor=a, successor=b)
    assert {name: count(name) for name in few} == few


# -- the Gantt chart --------------------------------------------------------------------------


def test_the_gantt_embeds_tasks_links_the_critical_path_and_the_baseline(
        client, people, project):
    a = task(project, "Pack", d(2), d(3))
    b = task(project, "Drive", d(4), d(5))
    task(project, "Order plants", d(2), d(2))
    keys = task(project, "Keys", None, d(5), is_milestone=True)
    DependencyFactory(predecessor=a, successor=b, type="FS")
    DependencyFactory(predecessor=b, successor=keys, type="FF")
    baseline_services.baseline_create(actor=people.owner, project=project, name="Plan")
    client.force_login(people.admin.user)
    data = embedded(client.get(page_url(project, "project-gantt-page")))
    tasks = {t["name"]: t for t in data["tasks"]}
    assert [t["name"] for t in data["tasks"]] == ["Pack", "Drive", "Order plants", "Keys"]
    assert tasks["Pack"]["start_date"] == "2026-03-02" and tasks["Pack"]["duration_days"] == 2
    assert tasks["Pack"]["critical"] and tasks["Drive"]["critical"]
    assert not tasks["Order plants"]["critical"] and tasks["Order plants"]["total_float"] == 3
    assert tasks["Keys"]["is_milestone"] and tasks["Keys"]["baseline_finish"] == "2026-03-05"
    assert {(link["predecessor"], link["successor"], link["type"]) for link in data["links"]} \
        == {(a.pk, b.pk, "FS"), (b.pk, keys.pk, "FF")}
    assert data["critical_path"][:2] == [a.pk, b.pk]
    assert data["working_days"] == [0, 1, 2, 3, 4] and data["editable"] is True
    assert data["baseline"]["name"] == "Plan"


def test_the_gantt_data_endpoint_answers_the_same_plan(client, people, project):
    task(project, "Pack", d(2), d(3))
    client.force_login(people.member.user)
    page = embedded(client.get(page_url(project, "project-gantt-page")))
    answer = client.get(page_url(project, "project-gantt-data"))
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["tasks"] == page["tasks"]


def test_sub_items_follow_their_parent_on_the_gantt(client, people, project):
    parent = task(project, "Pack", d(2), d(6))
    task(project, "Unplug", d(9), d(9))
    task(project, "Books", d(2), d(3), parent=parent)
    client.force_login(people.member.user)
    data = embedded(client.get(page_url(project, "project-gantt-page")))
    assert [(t["name"], t["depth"]) for t in data["tasks"]] == [
        ("Pack", 0), ("Books", 1), ("Unplug", 0)]


def test_viewers_and_closed_projects_get_a_read_only_gantt(client, people, project):
    viewer = MembershipFactory(workspace=people.workspace, role=Role.GUEST)
    BoardMemberFactory(board=project.board, membership=viewer, role="viewer")
    client.force_login(viewer.user)
    response = client.get(page_url(project, "project-gantt-page"))
    assert embedded(response)["editable"] is False
    assert b"changing it needs a writer" in response.content
    project.board.read_only = True
    project.board.save()
    client.force_login(people.admin.user)
    response = client.get(page_url(project, "project-gantt-page"))
    assert embedded(response)["editable"] is False
    assert b"The project is closed, so its plan is read-only." in response.content


def test_a_dependency_cycle_is_shown_as_a_warning_not_an_error(client, people, project):
    a = task(project, "Pack", d(2), d(3))
    b = task(project, "Drive", d(4), d(5))
    DependencyFactory(predecessor=a, successor=b)
    DependencyFactory(predecessor=b, successor=a)
    client.force_login(people.member.user)
    response = client.get(page_url(project, "project-gantt-page"))
    assert response.status_code == 200
    data = embedded(response)
    assert "go round in a circle" in data["schedule_error"]
    assert len(data["tasks"]) == 2 and data["tasks"][0]["critical"] is None


def test_the_pages_load_only_our_own_scripts_and_no_inline_code(client, people, project):
    client.force_login(people.admin.user)
    for name in ("project-page", "project-gantt-page"):
        html = client.get(page_url(project, name)).content.decode()
        assert "<script>" not in html and " style=" not in html and " onclick" not in html
    html = client.get(page_url(project, "project-gantt-page")).content.decode()
    assert "/static/js/gantt.js" in html and "/static/css/gantt.css" in html


def test_gate_rules_are_evaluated_live_on_the_page(client, people, project):
    client.force_login(people.admin.user)
    project.phase = Phase.PLANNING
    project.save()
    task(project, "Undated", None, None)
    html = client.get(page_url(project)).content.decode()
    assert "open task(s) without a start or due date: &#x27;Undated&#x27;" in html
    assert "Every open task has a start and a due date" in html
