"""The project's activity stream: the project, its status updates, expenses (even deleted),
baselines and its board's items, newest first, nothing of other projects, money hidden from
guests, pages, and queries that do not grow with the page."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from boards import services as boards
from projects import services
from projects.services.baselines import baseline_create
from projects.services.expenses import expense_create, expense_delete
from projects.services.status_updates import status_update_create
from tests.factories import BoardMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(people):
    return services.project_create(actor=people.admin, name="Launch", manager=people.member)


def _path(url, project):
    return url(f"projects/{project.pk}/activity/")


def _verbs(client, url, project, **params):
    response = client.get(_path(url, project), params)
    assert response.status_code == 200, response.content
    return [(a["verb"], a["target_type"]) for a in response.json()["results"]]


def test_the_stream_gathers_the_project_and_what_hangs_off_it(people, api, url, project):
    actor = people.member
    item = boards.item_create(actor=actor, board=project.board, fields={"name": "Design"})
    status_update_create(actor=actor, project=project, health="at_risk", text="Late")
    expense = expense_create(actor=actor, project=project, amount=decimal.Decimal("10"),
                             date=dt.date(2026, 3, 2))
    expense_delete(actor=actor, expense=expense)
    baseline_create(actor=actor, project=project, name="Plan")
    # Another project's goings-on stay out.
    other = services.project_create(actor=people.admin, name="Other")
    boards.item_create(actor=actor, board=other.board, fields={"name": "Elsewhere"})

    verbs = _verbs(api(people.member), url, project)
    assert verbs[:5] == [
        ("project.updated", "projects.project"),  # the baseline became the reference
        ("baseline.created", "projects.baseline"),
        ("expense.deleted", "projects.expense"),
        ("expense.created", "projects.expense"),
        ("project.updated", "projects.project"),  # the health the update set
    ]
    assert ("status_update.created", "projects.statusupdate") in verbs
    assert ("item.created", "boards.item") in verbs
    assert verbs[-1] == ("project.created", "projects.project")
    body = api(people.member).get(_path(url, project)).json()["results"]
    created = next(a for a in body if a["verb"] == "item.created")
    assert created["target_id"] == item.pk and created["target_repr"] == "Design"
    assert all(a["target_repr"] != "Elsewhere" for a in body)


def test_guests_see_the_stream_without_expenses(people, api, url, project):
    BoardMemberFactory(board=project.board, membership=people.guest, role="viewer")
    expense_create(actor=people.member, project=project, amount=decimal.Decimal("10"))
    status_update_create(actor=people.member, project=project, health="on_track", text="Ok")
    guest = _verbs(api(people.guest), url, project)
    assert ("status_update.created", "projects.statusupdate") in guest
    assert all(target != "projects.expense" for _, target in guest)
    member = _verbs(api(people.member), url, project)
    assert ("expense.created", "projects.expense") in member


def test_hidden_and_foreign_projects_are_not_found(people, api, url, project):
    assert api(people.guest).get(_path(url, project)).status_code == 404
    assert api(people.outsider).get(_path(url, project)).status_code == 404
    foreign = url(f"projects/{project.pk}/activity/", slug=people.outsider.workspace.slug)
    assert api(people.outsider).get(foreign).status_code == 404


def test_pages_and_queries_do_not_grow_with_the_page(
        people, api, url, project, django_assert_max_num_queries):
    for n in range(3):
        boards.item_create(actor=people.member, board=project.board, fields={"name": f"T{n}"})
    client = api(people.member)
    client.get(_path(url, project))
    with django_assert_max_num_queries(10) as small:
        client.get(_path(url, project), {"page_size": 2})
    for n in range(25):
        boards.item_create(actor=people.admin, board=project.board, fields={"name": f"U{n}"})
        status_update_create(actor=people.admin, project=project, health="on_track",
                             text=f"Week {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(_path(url, project), {"page_size": 200})
    rows = response.json()["results"]
    # created, the items, the updates (each on track already: no health change)
    assert len(rows) == 1 + 3 + 25 + 25
    assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), reverse=True)
    first = client.get(_path(url, project), {"page_size": 10}).json()
    second = client.get(first["next"]).json()
    assert {r["id"] for r in first["results"]}.isdisjoint(r["id"] for r in second["results"])
