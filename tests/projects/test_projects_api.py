"""Projects CRUD through the API: the board it makes, validation, roles, visibility, queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards.models import Board, Privacy
from projects import services
from projects.models import Project
from workos.activity.models import Activity

pytestmark = pytest.mark.django_db


def test_create_makes_its_board_and_records_activity(people, api, url):
    response = api(people.member).post(url("projects/"), {
        "name": "  Launch ", "outcome": "Shipped", "start_date": "2026-03-02",
        "end_date": "2026-04-30", "budget": "1000.50",
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    project = Project.objects.get(pk=body["id"])
    board = Board.objects.get(pk=body["board"])
    assert board.name == "Launch" and project.board_id == board.pk
    assert body["name"] == "Launch"
    assert body["manager"] == people.member.pk
    assert body["phase"] == "initiation" and body["health"] == "on_track"
    assert body["budget"] == "1000.50"
    assert board.statuses.count() == 5
    assert Activity.objects.filter(verb="project.created", target_id=project.pk).exists()


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "name"),
    ({"name": "X", "phase": "dreaming"}, "phase"),
    ({"name": "X", "health": "meh"}, "health"),
    ({"name": "X", "budget": "-1"}, "budget"),
    ({"name": "X", "start_date": "2026-03-10", "end_date": "2026-03-02"}, "end_date"),
])
def test_create_validation(people, api, url, payload, field):
    response = api(people.member).post(url("projects/"), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not Project.objects.exists()


def test_manager_from_another_workspace_is_refused(people, api, url):
    response = api(people.member).post(
        url("projects/"), {"name": "X", "manager": people.outsider.pk}, format="json"
    )
    assert response.status_code == 400
    assert "manager" in response.json()["fields"]


def test_guest_cannot_create(people, api, url):
    response = api(people.guest).post(url("projects/"), {"name": "X"}, format="json")
    assert response.status_code == 403


def test_manager_and_admin_edit_others_do_not(people, api, url):
    project = services.project_create(actor=people.admin, name="Plan",
                                      manager=people.member)
    path = url(f"projects/{project.pk}/")
    assert api(people.member).patch(path, {"outcome": "Live"}, format="json").status_code == 200
    other = services.project_create(actor=people.admin, name="Other")
    denied = api(people.member).patch(url(f"projects/{other.pk}/"), {"health": "at_risk"},
                                      format="json")
    assert denied.status_code == 403
    ok = api(people.admin).patch(url(f"projects/{other.pk}/"), {"health": "at_risk"},
                                 format="json")
    assert ok.status_code == 200 and ok.json()["health"] == "at_risk"
    project.refresh_from_db()
    assert project.outcome == "Live"
    assert Activity.objects.filter(verb="project.updated", target_id=project.pk).exists()


def test_delete(people, api, url):
    project = services.project_create(actor=people.member, name="Gone")
    assert api(people.member).delete(url(f"projects/{project.pk}/")).status_code == 204
    assert not Project.objects.filter(pk=project.pk).exists()


def test_other_workspace_is_404(people, api, url):
    project = services.project_create(actor=people.owner, name="Secret")
    client = api(people.outsider)
    for path in (f"projects/{project.pk}/", f"projects/{project.pk}/schedule/"):
        assert client.get(url(path)).status_code == 404
    outsider_slug = people.outsider.workspace.slug
    response = client.get(url(f"projects/{project.pk}/", slug=outsider_slug))
    assert response.status_code == 404
    assert client.patch(url(f"projects/{project.pk}/", slug=outsider_slug), {"name": "x"},
                        format="json").status_code == 404


def test_project_on_a_hidden_board_is_404(people, api, url):
    project = services.project_create(actor=people.owner, name="Private")
    Board.objects.filter(pk=project.board_id).update(privacy=Privacy.PRIVATE)
    client = api(people.member)
    assert client.get(url(f"projects/{project.pk}/")).status_code == 404
    assert client.get(url("projects/")).json()["results"] == []
    assert api(people.admin).get(url(f"projects/{project.pk}/")).status_code == 200


def test_list_query_count_does_not_grow(people, api, url):
    for n in range(30):
        services.project_create(actor=people.owner, name=f"P{n}", manager=people.member)
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(f"projects/?page_size={size}"))
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
