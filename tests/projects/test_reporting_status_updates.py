"""Status updates: posting sets the project's health and records activity, text is sanitised,
the date defaults to today, who may post, other workspaces, and constant list queries."""

from __future__ import annotations

import datetime as dt

import pytest

from projects import services
from projects.models import Project, StatusUpdate
from projects.selectors.budget import workspace_today
from tests.factories import BoardMemberFactory, StatusUpdateFactory
from workos.activity.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(people):
    return services.project_create(actor=people.admin, name="Launch", manager=people.member)


def _path(url, project, rest=""):
    return url(f"projects/{project.pk}/status-updates/{rest}")


def test_posting_sets_the_health_and_records_activity(people, api, url, project):
    response = api(people.member).post(_path(url, project), {
        "health": "at_risk", "text": "Vendor is **late**.\n\nWe talk to them Monday.",
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["health"] == "at_risk" and body["author"] == people.member.pk
    assert body["date"] == workspace_today(people.workspace).isoformat()
    assert body["text"] == "<p>Vendor is **late**.</p><p>We talk to them Monday.</p>"
    project.refresh_from_db()
    assert project.health == "at_risk"
    update = StatusUpdate.objects.get()
    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert {"status_update.created", "project.updated"} <= verbs
    changed = Activity.objects.get(verb="project.updated", target_id=project.pk)
    assert changed.changes == {"health": ["on_track", "at_risk"]}
    assert changed.data == {"status_update": update.pk}


def test_text_is_sanitised_like_comments(people, api, url, project):
    response = api(people.member).post(_path(url, project), {
        "health": "on_track",
        "text": '<p onclick="x()">Fine <script>alert(1)</script><a href="javascript:x()">'
                'link</a> <a href="https://example.com">ok</a></p>',
    }, format="json")
    assert response.status_code == 201, response.content
    text = response.json()["text"]
    assert "script" not in text and "onclick" not in text and "javascript" not in text
    assert '<a href="https://example.com" rel="noopener noreferrer">ok</a>' in text


def test_empty_text_and_unknown_health_are_refused(people, api, url, project):
    client = api(people.member)
    empty = client.post(_path(url, project), {"health": "on_track", "text": "<p> </p>"},
                        format="json")
    assert empty.status_code == 400 and "text" in empty.json()["fields"]
    unknown = client.post(_path(url, project), {"health": "meh", "text": "x"}, format="json")
    assert unknown.status_code == 400 and "health" in unknown.json()["fields"]
    assert not StatusUpdate.objects.exists()


def test_a_future_date_is_refused_and_a_past_one_keeps_the_health(people, api, url, project):
    client = api(people.member)
    today = workspace_today(people.workspace)
    future = client.post(_path(url, project), {
        "health": "off_track", "text": "x", "date": (today + dt.timedelta(days=1)).isoformat(),
    }, format="json")
    assert future.status_code == 400 and "date" in future.json()["fields"]

    StatusUpdateFactory(project=project, date=today, health="on_track")
    late = client.post(_path(url, project), {
        "health": "off_track", "text": "Written up late",
        "date": (today - dt.timedelta(days=7)).isoformat(),
    }, format="json")
    assert late.status_code == 201
    project.refresh_from_db()
    # Last week's update is history; today's still says how the project is.
    assert project.health == "on_track"


@pytest.mark.parametrize(("who", "code"), [
    ("admin", 201), ("owner", 201), ("member", 201), ("guest", 403),
])
def test_who_may_post_on_a_workspace_board(people, api, url, who, code):
    # The member is not the manager here: on a workspace board a member is an editor.
    project = services.project_create(actor=people.admin, name="Shared")
    BoardMemberFactory(board=project.board, membership=people.guest, role="editor")
    response = api(people.of(who)).post(_path(url, project), {
        "health": "at_risk", "text": "Hello"}, format="json")
    assert response.status_code == code, response.content


def test_viewers_of_a_private_board_may_not_post_but_may_read(people, api, url):
    project = services.project_create(actor=people.admin, name="Private")
    project.board.privacy = "private"
    project.board.save()
    BoardMemberFactory(board=project.board, membership=people.member, role="viewer")
    StatusUpdateFactory(project=project)
    client = api(people.member)
    assert client.get(_path(url, project)).status_code == 200
    denied = client.post(_path(url, project), {"health": "at_risk", "text": "x"}, format="json")
    assert denied.status_code == 403
    assert "editor" in denied.json()["message"]


def test_a_closed_project_takes_no_status_update(people, api, url, project):
    Project.objects.filter(pk=project.pk).update(phase="closed")
    response = api(people.member).post(_path(url, project), {
        "health": "at_risk", "text": "x"}, format="json")
    assert response.status_code == 409


def test_other_workspaces_and_hidden_projects_are_not_found(people, api, url, project):
    update = StatusUpdateFactory(project=project)
    outsider = api(people.outsider)
    assert outsider.get(_path(url, project)).status_code == 404
    foreign = url(f"projects/{project.pk}/status-updates/{update.pk}/",
                  slug=people.outsider.workspace.slug)
    assert outsider.get(foreign).status_code == 404
    # A guest does not see a board that is not shared with them.
    assert api(people.guest).get(_path(url, project)).status_code == 404


def test_list_is_newest_first_and_its_queries_do_not_grow(
        people, api, url, project, django_assert_max_num_queries):
    for day in (3, 1, 2):
        StatusUpdateFactory(project=project, date=dt.date(2026, 3, day), author=people.member)
    client = api(people.member)
    response = client.get(_path(url, project))
    assert [u["date"] for u in response.json()["results"]] == [
        "2026-03-03", "2026-03-02", "2026-03-01"]
    with django_assert_max_num_queries(8) as small:
        client.get(_path(url, project))
    for day in range(20):
        StatusUpdateFactory(project=project, date=dt.date(2026, 1, 1) + dt.timedelta(days=day),
                            author=people.admin)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(_path(url, project), {"page_size": 50})
    assert len(response.json()["results"]) == 23
    one = client.get(_path(url, project, f"{StatusUpdate.objects.first().pk}/"))
    assert one.status_code == 200
