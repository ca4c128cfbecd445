"""GET projects/{id}/schedule/ over a small network whose numbers are worked out by hand
(Monday-Friday week, project start Monday 2 March 2026)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projects import services
from tests.factories import BoardFactory, DependencyFactory, ItemFactory

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 3, 2)
# The fields of API.md; the answer carries more (free float, current dates, constraints).
CONTRACT = ("item", "duration_days", "early_start", "early_finish", "late_start", "late_finish",
            "total_float", "critical")


def contract(task: dict) -> dict:
    return {key: task[key] for key in CONTRACT}


def day(n: int) -> str:
    return (MON + dt.timedelta(days=n)).isoformat()


@pytest.fixture
def project(people):
    return services.project_create(actor=people.owner, name="Launch", start_date=MON)


def item(project, **fields):
    return ItemFactory(board=project.board, group=project.board.groups.first(), **fields)


def test_schedule_of_a_small_network(people, api, url, project):
    # a: 16 h -> 2 days; b: no estimate -> 1 day; c: dated Mon-Wed -> 3 days; m: milestone.
    a = item(project, estimate_hours=Decimal("16"))
    b = item(project)
    c = item(project, start_date=MON, due_date=MON + dt.timedelta(days=2))
    m = item(project, is_milestone=True)
    for pred, succ in ((a, b), (a, c), (b, m), (c, m)):
        DependencyFactory(predecessor=pred, successor=succ)

    response = api(people.member).get(url(f"projects/{project.pk}/schedule/"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["project_start"] == day(0)
    assert body["project_finish"] == day(4)
    tasks = {t["item"]: contract(t) for t in body["tasks"]}
    # a Mon-Tue; c Wed-Fri; b Wed, may slip to Fri (2 days float); m at the end of Friday.
    assert tasks[a.pk] == {"item": a.pk, "duration_days": 2, "early_start": day(0),
                           "early_finish": day(1), "late_start": day(0), "late_finish": day(1),
                           "total_float": 0, "critical": True}
    assert tasks[b.pk] == {"item": b.pk, "duration_days": 1, "early_start": day(2),
                           "early_finish": day(2), "late_start": day(4), "late_finish": day(4),
                           "total_float": 2, "critical": False}
    assert tasks[c.pk] == {"item": c.pk, "duration_days": 3, "early_start": day(2),
                           "early_finish": day(4), "late_start": day(2), "late_finish": day(4),
                           "total_float": 0, "critical": True}
    assert tasks[m.pk]["duration_days"] == 0
    assert tasks[m.pk]["early_start"] == tasks[m.pk]["early_finish"] == day(4)
    assert tasks[m.pk]["critical"] is True
    # Ties on float and early finish go to the smaller id, so the path ends at c.
    assert body["critical_path"] == [a.pk, c.pk]


def test_external_predecessor_is_fixed_and_left_out(people, api, url, project):
    other_board = BoardFactory(workspace=people.workspace)
    outside = ItemFactory(board=other_board, start_date=MON, due_date=MON + dt.timedelta(days=3))
    done_status = other_board.statuses.create(name="Done", category="done")
    outside.status = done_status
    outside.save()
    x = item(project, estimate_hours=Decimal("4"))
    DependencyFactory(predecessor=outside, successor=x)

    body = api(people.member).get(url(f"projects/{project.pk}/schedule/")).json()
    assert [t["item"] for t in body["tasks"]] == [x.pk]
    assert body["tasks"][0]["early_start"] == day(4)  # the Friday after Mon-Thu
    assert body["project_finish"] == day(4)


def test_a_cycle_is_a_409_naming_its_items(people, api, url, project):
    x, y, z = item(project), item(project), item(project)
    DependencyFactory(predecessor=x, successor=y)
    DependencyFactory(predecessor=y, successor=z)
    DependencyFactory(predecessor=z, successor=x)

    response = api(people.member).get(url(f"projects/{project.pk}/schedule/"))
    assert response.status_code == 409
    body = response.json()
    assert body["fields"]["cycle"] == [x.pk, y.pk, z.pk]
    assert str(x.pk) in body["message"]


def test_holidays_shift_the_schedule(people, api, url, project):
    people.workspace.holidays = [day(1)]
    people.workspace.save()
    a = item(project, estimate_hours=Decimal("24"))  # 3 days: Mon, Wed, Thu
    body = api(people.member).get(url(f"projects/{project.pk}/schedule/")).json()
    assert [contract(t) for t in body["tasks"]] == [{"item": a.pk, "duration_days": 3, "early_start": day(0),
                              "early_finish": day(3), "late_start": day(0),
                              "late_finish": day(3), "total_float": 0, "critical": True}]
