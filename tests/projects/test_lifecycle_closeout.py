"""Closing a project: the board freezes (every write to it is a 409 naming the reason, comments
aside), the close-out report holds the final figures, and an admin can reopen it."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from boards.models import Board, Item, StatusCategory
from boards.services import dependency_create, item_create
from projects.models import Phase, PhaseTransition, Project
from projects.services import project_create
from tests.factories import (
    BoardMemberFactory,
    ExpenseFactory,
    GoalFactory,
    RateFactory,
    TimeEntryFactory,
)
from workos.activity.models import Activity

pytestmark = pytest.mark.django_db

D = dt.date


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


@pytest.fixture
def project(people) -> Project:
    """A project in closing, manager: the member; planned 2 to 13 March 2026, budget 1000."""
    project = project_create(actor=people.admin, name="Launch", manager=people.member,
                             start_date=D(2026, 3, 2), end_date=D(2026, 3, 13),
                             budget=decimal.Decimal("1000.00"),
                             closeout_summary="Delivered, one week late.")
    GoalFactory(workspace=people.workspace).projects.add(project)
    Project.objects.filter(pk=project.pk).update(phase=Phase.CLOSING)
    project.refresh_from_db()
    return project


def _status(project: Project, category: str) -> int:
    return project.board.statuses.get(category=category).pk


def _task(people, project, name, category, *, done_at=None, **fields) -> Item:
    item = item_create(actor=people.owner, board=project.board,
                       fields={"name": name, "status": _status(project, category), **fields})
    if done_at is not None:
        Item.objects.filter(pk=item.pk).update(completed_at=done_at)
    return item


def _close(client, url, project):
    response = client.post(url(f"projects/{project.pk}/advance/"), {}, format="json")
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    return response


def test_closing_writes_the_close_out_report_with_the_final_figures(people, api, url, project):
    done, cancelled = StatusCategory.DONE, StatusCategory.CANCELLED
    a = _task(people, project, "Design", done, start_date=D(2026, 3, 3),
              due_date=D(2026, 3, 4), done_at=_at(D(2026, 3, 4), 10))
    b = _task(people, project, "Build", done, start_date=D(2026, 3, 5),
              due_date=D(2026, 3, 11), done_at=_at(D(2026, 3, 16), 9))
    _task(people, project, "Dropped idea", cancelled, start_date=D(2026, 2, 20),
          due_date=D(2026, 2, 20))
    m1 = _task(people, project, "Beta", done, due_date=D(2026, 3, 6), is_milestone=True,
               done_at=_at(D(2026, 3, 6), 17))
    m2 = _task(people, project, "Launch day", done, due_date=D(2026, 3, 12), is_milestone=True,
               done_at=_at(D(2026, 3, 13), 8))
    m3 = _task(people, project, "Press event", cancelled, due_date=D(2026, 3, 13),
               is_milestone=True)
    # Labour: the member 3 h at their general 50.00/h, the admin 1.5 h at a board rate of
    # 80.00/h (their general 999.00 does not apply on this board): 150.00 + 120.00 = 270.00.
    RateFactory(member=people.member, cost_rate=decimal.Decimal("50.00"))
    RateFactory(member=people.admin, cost_rate=decimal.Decimal("999.00"))
    RateFactory(member=people.admin, board=project.board, cost_rate=decimal.Decimal("80.00"))
    for _ in range(3):
        TimeEntryFactory(member=people.member, item=a)
    TimeEntryFactory(member=people.admin, item=b, duration_minutes=90)
    # Expenses: 400.00 + 35.00 = 435.00; total 705.00 of a 1000.00 budget.
    ExpenseFactory(project=project, amount=decimal.Decimal("400.00"), date=D(2026, 3, 5))
    ExpenseFactory(project=project, amount=decimal.Decimal("35.00"), date=D(2026, 3, 9))

    response = _close(api(people.admin), url, project)  # the cancelled tasks count as closed
    transition = PhaseTransition.objects.get(project=project)
    assert transition.overridden is False
    assert response.json()["project"]["phase"] == "closed"
    assert response.json()["project"]["closed_at"] is not None

    body = api(people.member).get(url(f"projects/{project.pk}/closeout/")).json()
    assert body["project"] == project.pk and body["closed_by"] == people.admin.pk
    assert body["dates"] == {
        "planned_start": "2026-03-02", "planned_finish": "2026-03-13",
        # The cancelled task's earlier start does not count; Build finished on Monday 16th.
        "actual_start": "2026-03-03", "actual_finish": "2026-03-16",
        "start_variance_days": 1, "finish_variance_days": 1,
    }
    assert body["cost"] == {
        "currency": "EUR", "budget": "1000.00", "labour": "270.00", "expenses": "435.00",
        "actual": "705.00", "variance": "295.00", "used_percent": 70.5, "hours_logged": 4.5,
    }
    assert body["tasks"] == {"total": 6, "done": 4, "cancelled": 2, "open": 0}
    assert body["milestones"] == {
        "total": 3, "hit": 1, "missed": 1, "cancelled": 1,
        "items": [
            {"item": m1.pk, "name": "Beta", "due_date": "2026-03-06",
             "completed_on": "2026-03-06", "outcome": "hit"},
            {"item": m2.pk, "name": "Launch day", "due_date": "2026-03-12",
             "completed_on": "2026-03-13", "outcome": "missed"},
            {"item": m3.pk, "name": "Press event", "due_date": "2026-03-13",
             "completed_on": None, "outcome": "cancelled"},
        ],
    }
    assert body["summary"] == "Delivered, one week late."

    # Frozen: a later rate change does not rewrite the report.
    RateFactory(member=people.member, cost_rate=decimal.Decimal("75.00"),
                effective_from=D(2026, 1, 2))
    again = api(people.member).get(url(f"projects/{project.pk}/closeout/")).json()
    assert again["cost"]["labour"] == "270.00"


def test_an_overridden_close_reports_the_open_tasks(people, api, url, project):
    _task(people, project, "Loose end", StatusCategory.IN_PROGRESS)
    response = api(people.admin).post(url(f"projects/{project.pk}/advance/"),
                                      {"override_reason": "Handed over to support"},
                                      format="json")
    assert response.status_code == 200
    body = api(people.admin).get(url(f"projects/{project.pk}/closeout/")).json()
    assert body["tasks"] == {"total": 1, "done": 0, "cancelled": 0, "open": 1}
    assert body["dates"]["actual_finish"] is None


def test_the_report_waits_for_the_close(people, api, url, project):
    response = api(people.member).get(url(f"projects/{project.pk}/closeout/"))
    assert response.status_code == 409
    assert response.json()["code"] == "not_closed"


def test_guests_read_the_report_without_money(people, api, url, project):
    BoardMemberFactory(board=project.board, membership=people.guest, role="viewer")
    _close(api(people.admin), url, project)
    body = api(people.guest).get(url(f"projects/{project.pk}/closeout/")).json()
    assert body["cost"] is None and body["tasks"]["total"] == 0


@pytest.fixture
def closed(people, api, url, project):
    """The project closed, with two done tasks linked, and a time entry on one."""
    done = _status(project, StatusCategory.DONE)
    first = item_create(actor=people.owner, board=project.board,
                        fields={"name": "First", "status": done})
    second = item_create(actor=people.owner, board=project.board,
                         fields={"name": "Second", "status": done, "assignees": [people.member.pk]})
    dependency = dependency_create(actor=people.owner, predecessor=first.pk, successor=second.pk)
    entry = TimeEntryFactory(member=people.member, item=first)
    _close(api(people.admin), url, project)
    assert Board.objects.get(pk=project.board_id).read_only is True
    return {"first": first, "second": second, "dependency": dependency, "entry": entry}


def _refused(response) -> None:
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "read_only"
    assert "read-only because its project is closed" in body["message"]


def test_a_closed_projects_board_refuses_item_writes(people, api, url, project, closed):
    client = api(people.owner)
    first, second = closed["first"], closed["second"]
    _refused(client.patch(url(f"items/{first.pk}/"), {"name": "Renamed"}, format="json"))
    _refused(client.post(url("items/"), {"board": project.board_id, "name": "New"},
                         format="json"))
    _refused(client.post(url(f"items/{first.pk}/move/"), {"after": second.pk}, format="json"))
    _refused(client.post(url("items/bulk/"), {"ids": [first.pk], "action": "archive"},
                         format="json"))
    _refused(client.post(url("items/bulk/"), {"ids": [first.pk], "action": "update",
                                              "fields": {"priority": "high"}}, format="json"))
    _refused(client.delete(url(f"items/{first.pk}/")))
    first.refresh_from_db()
    assert first.name == "First" and first.archived_at is None
    assert Item.objects.filter(board=project.board).count() == 2


def test_moving_an_item_onto_a_closed_board_is_refused(people, api, url, project, closed):
    other = project_create(actor=people.owner, name="Open project")
    elsewhere = item_create(actor=people.owner, board=other.board, fields={"name": "Loose"})
    response = api(people.owner).post(url(f"items/{elsewhere.pk}/move/"),
                                      {"board": project.board_id}, format="json")
    _refused(response)


def test_a_closed_projects_board_refuses_dependencies(people, api, url, project, closed):
    client = api(people.owner)
    _refused(client.post(url("dependencies/"), {"predecessor": closed["second"].pk,
                                                "successor": closed["first"].pk},
                         format="json"))
    _refused(client.patch(url(f"dependencies/{closed['dependency'].pk}/"), {"lag_days": 2},
                          format="json"))
    _refused(client.delete(url(f"dependencies/{closed['dependency'].pk}/")))


def test_a_closed_projects_board_refuses_time(people, api, url, project, closed):
    client = api(people.member)
    first, entry = closed["first"], closed["entry"]
    _refused(client.post(url("time-entries/"), {"item": first.pk,
                                                "started_at": "2026-03-10T09:00:00Z",
                                                "ended_at": "2026-03-10T10:00:00Z"},
                         format="json"))
    _refused(client.patch(url(f"time-entries/{entry.pk}/"), {"note": "edited"},
                          format="json"))
    _refused(client.delete(url(f"time-entries/{entry.pk}/")))
    _refused(client.post(url("timer/start/"), {"item": first.pk}, format="json"))
    entry.refresh_from_db()
    assert entry.note == ""


def test_a_closed_projects_board_refuses_structure_import_and_files(people, api, url, project,
                                                                    closed):
    client = api(people.owner)
    board = project.board_id
    _refused(client.post(url(f"boards/{board}/groups/"), {"name": "G"}, format="json"))
    _refused(client.post(url(f"boards/{board}/statuses/"), {"name": "S", "category": "todo"},
                         format="json"))
    _refused(client.post(url(f"boards/{board}/columns/"), {"title": "C", "type": "text"},
                         format="json"))
    _refused(client.patch(url(f"boards/{board}/"), {"name": "Renamed"}, format="json"))
    upload = SimpleUploadedFile("rows.csv", b"Name\r\nImported\r\n", content_type="text/csv")
    _refused(client.post(url(f"boards/{board}/import/"), {"file": upload, "dry_run": "false"},
                         format="multipart"))
    note = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    _refused(client.post(url(f"items/{closed['first'].pk}/attachments/"), {"file": note},
                         format="multipart"))


def test_comments_stay_open_on_a_closed_project(people, api, url, project, closed):
    response = api(people.member).post(url(f"items/{closed['first'].pk}/comments/"),
                                       {"body": "Lessons learned: test earlier."},
                                       format="json")
    assert response.status_code == 201


def test_a_closed_project_refuses_edits(people, api, url, project, closed):
    client = api(people.admin)
    path = url(f"projects/{project.pk}/")
    response = client.patch(path, {"name": "Renamed"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "project_closed"
    assert client.delete(path).status_code == 409
    assert client.post(url(f"projects/{project.pk}/approve-budget/")).status_code == 409
    gate = project.gate_items.first()
    assert client.patch(url(f"projects/{project.pk}/gate-items/{gate.pk}/"), {"label": "x"},
                        format="json").status_code == 409
    project.refresh_from_db()
    assert project.name == "Launch"


def test_reopening_needs_an_admin_and_a_reason(people, api, url, project, closed):
    path = url(f"projects/{project.pk}/reopen/")
    assert api(people.member).post(path, {"reason": "Oops"}, format="json").status_code == 403
    missing = api(people.admin).post(path, {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["fields"]
    blank = api(people.admin).post(path, {"reason": "   "}, format="json")
    assert blank.status_code == 400
    project.refresh_from_db()
    assert project.phase == Phase.CLOSED


def test_reopening_unfreezes_the_project(people, api, url, project, closed):
    response = api(people.admin).post(url(f"projects/{project.pk}/reopen/"),
                                      {"reason": "The client found a defect"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["project"]["phase"] == "closing"
    assert response.json()["project"]["closed_at"] is None
    transition = PhaseTransition.objects.filter(project=project).order_by("id").last()
    assert (transition.from_phase, transition.to_phase, transition.reason) == (
        "closed", "closing", "The client found a defect")
    assert Activity.objects.filter(verb="project.reopened", target_id=project.pk).exists()
    assert Board.objects.get(pk=project.board_id).read_only is False
    edited = api(people.owner).patch(url(f"items/{closed['first'].pk}/"), {"name": "Fixed"},
                                     format="json")
    assert edited.status_code == 200
    assert api(people.member).get(url(f"projects/{project.pk}/closeout/")).status_code == 409
    again = api(people.admin).post(url(f"projects/{project.pk}/reopen/"), {"reason": "x"},
                                   format="json")
    assert again.status_code == 409 and again.json()["code"] == "not_closed"


def test_the_board_of_a_closed_project_says_it_is_read_only(people, api, url, project, closed):
    board = api(people.member).get(url(f"boards/{project.board_id}/")).json()
    assert board["read_only"] is True
