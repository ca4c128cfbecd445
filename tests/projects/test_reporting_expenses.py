"""Expenses: create, change, remove with activity; validation; filters by date and category;
the manager and admins edit, members read, guests and other workspaces don't; queries."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from projects import services
from projects.models import Expense, Project
from projects.selectors.budget import workspace_today
from tests.factories import BoardMemberFactory, ExpenseFactory
from workos.activity.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(people):
    return services.project_create(actor=people.admin, name="Launch", manager=people.member)


def _path(url, project, rest=""):
    return url(f"projects/{project.pk}/expenses/{rest}")


def test_create_change_and_remove_record_activity(people, api, url, project):
    client = api(people.member)
    created = client.post(_path(url, project), {
        "date": "2026-03-05", "amount": "199.90", "category": "  Travel  ", "note": "Train",
    }, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["amount"] == "199.90" and body["category"] == "Travel"
    assert body["created_by"] == people.member.pk and body["project"] == project.pk

    changed = client.patch(_path(url, project, f"{body['id']}/"), {"amount": "210.00"},
                           format="json")
    assert changed.status_code == 200 and changed.json()["amount"] == "210.00"
    assert changed.json()["note"] == "Train"

    assert client.delete(_path(url, project, f"{body['id']}/")).status_code == 204
    assert not Expense.objects.exists()
    rows = Activity.objects.filter(verb__startswith="expense.").order_by("id")
    assert [a.verb for a in rows] == ["expense.created", "expense.updated", "expense.deleted"]
    assert all(a.data["project"] == project.pk for a in rows)
    assert rows[1].changes == {"amount": ["199.90", "210.00"]}


def test_the_date_defaults_to_today(people, api, url, project):
    response = api(people.member).post(_path(url, project), {"amount": "5"}, format="json")
    assert response.status_code == 201
    assert response.json()["date"] == workspace_today(people.workspace).isoformat()


@pytest.mark.parametrize(("payload", "field"), [
    ({"amount": "0"}, "amount"),
    ({"amount": "-3"}, "amount"),
    ({"amount": "1.001"}, "amount"),
    ({"amount": "abc"}, "amount"),
    ({}, "amount"),
    ({"amount": "1", "date": "yesterday"}, "date"),
    ({"amount": "1", "category": "x" * 101}, "category"),
])
def test_bad_expenses_are_refused(people, api, url, project, payload, field):
    response = api(people.member).post(_path(url, project), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not Expense.objects.exists()


def test_filters_by_date_range_and_category(people, api, url, project):
    for day, category in ((1, "Travel"), (5, "travel"), (9, "Licences"), (20, "Travel")):
        ExpenseFactory(project=project, date=dt.date(2026, 3, day), category=category)
    client = api(people.member)

    def dates(**params):
        response = client.get(_path(url, project), params)
        assert response.status_code == 200, response.content
        return [e["date"][-2:] for e in response.json()["results"]]

    assert dates() == ["20", "09", "05", "01"]
    assert dates(start="2026-03-05", end="2026-03-09") == ["09", "05"]
    assert dates(category="TRAVEL") == ["20", "05", "01"]
    assert dates(category="travel", end="2026-03-05") == ["05", "01"]
    assert dates(ordering="amount,date") == ["01", "05", "09", "20"]
    bad = client.get(_path(url, project), {"start": "2026-03-09", "end": "2026-03-01"})
    assert bad.status_code == 400


def test_only_the_manager_and_admins_change_expenses(people, api, url):
    project = services.project_create(actor=people.admin, name="Other", manager=people.admin)
    expense = ExpenseFactory(project=project)
    member = api(people.member)
    assert member.get(_path(url, project)).status_code == 200
    assert member.post(_path(url, project), {"amount": "1"}, format="json").status_code == 403
    assert member.patch(_path(url, project, f"{expense.pk}/"), {"amount": "2"},
                        format="json").status_code == 403
    assert member.delete(_path(url, project, f"{expense.pk}/")).status_code == 403
    owner = api(people.owner)
    assert owner.patch(_path(url, project, f"{expense.pk}/"), {"amount": "2"},
                       format="json").status_code == 200


def test_guests_never_see_expenses(people, api, url, project):
    BoardMemberFactory(board=project.board, membership=people.guest, role="editor")
    ExpenseFactory(project=project)
    assert api(people.guest).get(_path(url, project)).status_code == 403


def test_a_closed_project_s_expenses_are_frozen(people, api, url, project):
    expense = ExpenseFactory(project=project)
    Project.objects.filter(pk=project.pk).update(phase="closed")
    client = api(people.admin)
    assert client.post(_path(url, project), {"amount": "1"}, format="json").status_code == 409
    assert client.delete(_path(url, project, f"{expense.pk}/")).status_code == 409


def test_another_project_s_expense_is_not_found_here(people, api, url, project):
    other = services.project_create(actor=people.admin, name="Other")
    expense = ExpenseFactory(project=other)
    client = api(people.admin)
    assert client.get(_path(url, project, f"{expense.pk}/")).status_code == 404
    assert client.delete(_path(url, project, f"{expense.pk}/")).status_code == 404
    foreign = url(f"projects/{project.pk}/expenses/", slug=people.outsider.workspace.slug)
    assert api(people.outsider).get(foreign).status_code == 404


def test_list_queries_do_not_grow_with_page_size(
        people, api, url, project, django_assert_max_num_queries):
    for n in range(3):
        ExpenseFactory(project=project, created_by=people.member,
                       amount=decimal.Decimal(n + 1))
    client = api(people.member)
    client.get(_path(url, project))
    with django_assert_max_num_queries(8) as small:
        client.get(_path(url, project))
    for n in range(30):
        ExpenseFactory(project=project, created_by=people.admin, date=dt.date(2025, 1, n % 28 + 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(_path(url, project), {"page_size": 100})
    assert len(response.json()["results"]) == 33
