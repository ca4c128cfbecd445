"""Project templates: creating one, listing them apart, creating a project from one (its board,
tasks with dates shifted in working days, dependencies and gate checklists), and saving a
project as a template."""

from __future__ import annotations

import datetime as dt

import pytest

from boards.models import Board, Dependency, Item, Privacy, StatusCategory
from boards.services import column_create, dependency_create, group_create, item_create
from projects.models import GateItem, Phase, Project
from projects.services import project_create
from workos.activity.models import Activity

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def template(people) -> Project:
    """A template starting Monday 2 March 2026, with a second group, a column, three tasks (one
    a milestone) linked finish-to-start, and an extra gate item."""
    template = project_create(actor=people.admin, name="Website playbook", is_template=True,
                              outcome="A new site", start_date=D(2026, 3, 2),
                              end_date=D(2026, 3, 13))
    board = template.board
    build = group_create(actor=people.admin, board=board, name="Build")
    column_create(actor=people.admin, board=board, title="Channel", type="text")
    design = item_create(actor=people.admin, board=board, fields={
        "name": "Design", "start_date": D(2026, 3, 2), "due_date": D(2026, 3, 4)})
    code = item_create(actor=people.admin, board=board, fields={
        "name": "Code", "group": build.pk, "start_date": D(2026, 3, 5),
        "due_date": D(2026, 3, 10)})
    live = item_create(actor=people.admin, board=board, fields={
        "name": "Go live", "group": build.pk, "due_date": D(2026, 3, 13),
        "is_milestone": True})
    dependency_create(actor=people.admin, predecessor=design.pk, successor=code.pk)
    dependency_create(actor=people.admin, predecessor=code.pk, successor=live.pk, lag_days=1)
    GateItem.objects.create(project=template, phase=Phase.PLANNING, label="Hosting booked",
                            position=2)
    return template


def test_a_template_project_has_a_template_board(people, api, url):
    response = api(people.member).post(url("projects/"), {"name": "Playbook",
                                                          "is_template": True}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["is_template"] is True
    assert Board.objects.get(pk=body["board"]).is_template is True
    assert GateItem.objects.filter(project_id=body["id"]).count() == 7


def test_templates_stay_out_of_the_project_list_unless_asked(people, api, url, template):
    project_create(actor=people.admin, name="Real work")
    client = api(people.member)
    names = [p["name"] for p in client.get(url("projects/")).json()["results"]]
    assert names == ["Real work"]
    templates = client.get(url("projects/?templates=1")).json()["results"]
    assert [p["name"] for p in templates] == ["Website playbook"]
    assert client.get(url("projects/?templates=maybe")).status_code == 400
    assert client.get(url(f"projects/{template.pk}/")).status_code == 200


def test_creating_from_a_template_copies_its_board_tasks_and_gates(people, api, url, template):
    response = api(people.member).post(url("projects/"), {
        "name": "Shop site", "template": template.pk, "start_date": "2026-04-06",
        "budget": "800",
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    project = Project.objects.get(pk=body["id"])
    assert body["is_template"] is False and body["phase"] == "initiation"
    assert body["manager"] == people.member.pk and body["outcome"] == "A new site"
    board = project.board
    assert board.pk != template.board_id and board.is_template is False
    assert board.name == "Shop site"
    assert [g.name for g in board.groups.order_by("position")] == ["Tasks", "Build"]
    assert [s.category for s in board.statuses.order_by("position")] == [
        "backlog", "todo", "in_progress", "done", "cancelled"]
    assert [c.title for c in board.columns.all()] == ["Channel"]
    # 2 March -> 6 April is 25 working days; every date moves by as many working days.
    tasks = {i.name: i for i in Item.objects.filter(board=board)}
    assert (tasks["Design"].start_date, tasks["Design"].due_date) == (D(2026, 4, 6),
                                                                      D(2026, 4, 8))
    assert (tasks["Code"].start_date, tasks["Code"].due_date) == (D(2026, 4, 9),
                                                                  D(2026, 4, 14))
    assert tasks["Go live"].due_date == D(2026, 4, 17) and tasks["Go live"].is_milestone
    assert tasks["Code"].group.name == "Build"
    assert body["end_date"] == "2026-04-17"
    links = {(d.predecessor.name, d.successor.name, d.lag_days)
             for d in Dependency.objects.filter(successor__board=board)}
    assert links == {("Design", "Code", 0), ("Code", "Go live", 1)}
    gates = list(project.gate_items.order_by("phase", "position").values_list(
        "phase", "label", "rule", "done_at"))
    assert ("planning", "Hosting booked", "manual", None) in gates and len(gates) == 8
    # The template is untouched.
    assert Item.objects.get(board=template.board, name="Design").start_date == D(2026, 3, 2)
    activity = Activity.objects.get(verb="project.created", target_id=project.pk)
    assert activity.data == {"template": template.pk, "shifted_working_days": 25}


def test_shifting_skips_weekends_and_holidays(people, api, url, template):
    people.workspace.holidays = ["2026-04-08"]
    people.workspace.save()
    body = api(people.member).post(url("projects/"), {
        "name": "Shop site", "template": template.pk, "start_date": "2026-04-06"},
        format="json").json()
    tasks = {i.name: i for i in Item.objects.filter(board_id=body["board"])}
    # 6 April is still the 0th working day; the holiday on the 8th pushes the rest by one.
    assert (tasks["Design"].start_date, tasks["Design"].due_date) == (D(2026, 4, 6),
                                                                      D(2026, 4, 9))
    assert tasks["Go live"].due_date == D(2026, 4, 20)


def test_without_a_start_date_the_copied_dates_stay(people, api, url, template):
    body = api(people.member).post(url("projects/"), {"name": "Shop", "template": template.pk},
                                   format="json").json()
    design = Item.objects.get(board_id=body["board"], name="Design")
    assert design.start_date == D(2026, 3, 2)


def test_an_empty_template_gives_an_empty_board_and_its_gates(people, api, url):
    template = project_create(actor=people.admin, name="Bare", is_template=True)
    template.gate_items.filter(phase=Phase.EXECUTION).delete()
    body = api(people.member).post(url("projects/"), {"name": "New", "template": template.pk,
                                                      "start_date": "2026-05-04"},
                                   format="json").json()
    project = Project.objects.get(pk=body["id"])
    assert not project.board.items.exists()
    assert project.gate_items.count() == 6
    assert not project.gate_items.filter(phase=Phase.EXECUTION).exists()


@pytest.mark.parametrize("which", ["real project", "other workspace", "missing"])
def test_only_a_visible_template_can_be_used(people, api, url, which):
    if which == "real project":
        source = project_create(actor=people.admin, name="Real").pk
    elif which == "other workspace":
        source = project_create(actor=people.outsider, name="Theirs", is_template=True).pk
    else:
        source = 999_999
    response = api(people.member).post(url("projects/"), {"name": "X", "template": source},
                                       format="json")
    assert response.status_code == 400
    assert "template" in response.json()["fields"]


def test_a_private_template_is_used_only_by_those_who_see_it(people, api, url, template):
    Board.objects.filter(pk=template.board_id).update(privacy=Privacy.PRIVATE)
    response = api(people.member).post(url("projects/"), {"name": "X", "template": template.pk},
                                       format="json")
    assert response.status_code == 400


def test_a_copy_of_a_template_is_not_a_template(people, api, url, template):
    response = api(people.member).post(url("projects/"), {
        "name": "X", "template": template.pk, "is_template": True}, format="json")
    assert response.status_code == 400 and "is_template" in response.json()["fields"]


def test_saving_a_project_as_a_template(people, api, url):
    project = project_create(actor=people.admin, name="Launch", manager=people.member,
                             start_date=D(2026, 3, 2))
    done = project.board.statuses.get(category=StatusCategory.DONE).pk
    item_create(actor=people.member, board=project.board,
                fields={"name": "Shipped", "status": done, "start_date": D(2026, 3, 2),
                        "due_date": D(2026, 3, 3)})
    manual = project.gate_items.get(phase=Phase.EXECUTION)
    api(people.member).patch(url(f"projects/{project.pk}/gate-items/{manual.pk}/"),
                             {"done": True}, format="json")
    response = api(people.guest).post(url(f"projects/{project.pk}/save-as-template/"), {},
                                      format="json")
    assert response.status_code == 403
    response = api(people.member).post(url(f"projects/{project.pk}/save-as-template/"),
                                       {"name": "Launch playbook"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_template"] is True and body["name"] == "Launch playbook"
    assert body["start_date"] == "2026-03-02"
    copy = Item.objects.get(board_id=body["board"])
    assert copy.name == "Shipped" and copy.status.category == StatusCategory.TODO
    assert copy.completed_at is None
    assert Board.objects.get(pk=body["board"]).is_template is True
    gates = GateItem.objects.filter(project_id=body["id"])
    assert gates.count() == 7 and not gates.filter(done_at__isnull=False).exists()
    # The project it came from is unchanged.
    project.refresh_from_db()
    assert not project.is_template and project.board.items.get().status_id == done
    names = [p["name"] for p in api(people.member).get(
        url("projects/?templates=true")).json()["results"]]
    assert names == ["Launch playbook"]
