"""GET projects/{id}/schedule/ beyond API.md's fields (free float, current dates, constraints,
violations) and POST, which moves every open task to its early dates.

Monday-Friday weeks; the project starts Monday 2 March 2026."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from boards.models import Item
from projects import services
from tests.factories import DependencyFactory, ItemFactory, TaskConstraintFactory
from workos.activity.models import Activity

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 3, 2)


def d(day: int) -> dt.date:
    return dt.date(2026, 3, day)


def task(project, name, start=None, due=None, **fields):
    return ItemFactory(board=project.board, group=project.board.groups.first(), name=name,
                       start_date=start, due_date=due, **fields)


@pytest.fixture
def project(people):
    return services.project_create(actor=people.owner, name="Launch", start_date=MON)


def test_the_answer_has_free_float_current_dates_constraints_and_mode(people, api, url,
                                                                       project):
    a = task(project, "A", estimate_hours=Decimal("16"))       # Mon-Tue
    b = task(project, "B", d(11), d(11))                       # 1 day, after A
    c = task(project, "C", estimate_hours=Decimal("32"))       # Mon-Thu, beside A and B
    m = task(project, "M", is_milestone=True)
    DependencyFactory(predecessor=a, successor=b)
    DependencyFactory(predecessor=b, successor=m)
    DependencyFactory(predecessor=c, successor=m)
    TaskConstraintFactory(project=project, item=b, finish_no_later_than=d(13))

    body = api(people.guest).get(url(f"projects/{project.pk}/schedule/"))
    assert body.status_code == 404  # the guest doesn't see the board
    body = api(people.member).get(url(f"projects/{project.pk}/schedule/")).json()
    tasks = {t["item"]: t for t in body["tasks"]}
    assert body["schedule_mode"] == "flexible"
    # A Mon-Tue, B Wed 4, C Mon-Thu, M at the end of Thursday 5.
    assert tasks[b.pk]["early_start"] == "2026-03-04"
    assert tasks[b.pk]["start_date"] == tasks[b.pk]["due_date"] == "2026-03-11"
    assert tasks[b.pk]["finish_no_later_than"] == "2026-03-13"
    assert tasks[b.pk]["start_no_earlier_than"] is None
    assert tasks[a.pk]["free_float"] == 0
    assert tasks[b.pk]["free_float"] == 1 and tasks[b.pk]["total_float"] == 1
    assert tasks[c.pk]["free_float"] == 0 and tasks[c.pk]["critical"] is True
    assert tasks[m.pk]["early_finish"] == "2026-03-05"
    assert tasks[a.pk]["done"] is False
    assert body["violations"] == []  # B's current Wed 11 is after A's (implied) dates


def test_a_start_no_earlier_than_holds_the_early_start(people, api, url, project):
    a = task(project, "A", estimate_hours=Decimal("8"))
    TaskConstraintFactory(project=project, item=a, start_no_earlier_than=d(7))  # a Saturday
    body = api(people.member).get(url(f"projects/{project.pk}/schedule/")).json()
    assert body["tasks"][0]["early_start"] == "2026-03-09"


def test_violations_list_the_links_current_dates_break(people, api, url, project):
    a = task(project, "A", d(2), d(4))
    b = task(project, "B", d(4), d(4))
    DependencyFactory(predecessor=a, successor=b, type="FS", lag_days=1)
    body = api(people.member).get(url(f"projects/{project.pk}/schedule/")).json()
    # B may start Fri 6 at the earliest (Wed 4, then a day's lag): two working days early.
    assert body["violations"] == [{"predecessor": a.pk, "successor": b.pk, "type": "FS",
                                   "lag_days": 1, "days": 2}]


def test_post_moves_open_tasks_to_their_early_dates_and_reports(people, api, url, project):
    done = project.board.statuses.filter(category="done").first()
    a = task(project, "A", d(2), d(3))
    b = task(project, "B", d(10), d(11))                      # a gap: pulled in
    c = task(project, "C", estimate_hours=Decimal("8"))        # undated: gets dates
    e = task(project, "E", d(20), d(20), status=done)         # done: stays
    for pred, succ in ((a, b), (b, c), (a, e)):
        DependencyFactory(predecessor=pred, successor=succ)

    response = api(people.member).post(url(f"projects/{project.pk}/schedule/"))
    assert response.status_code == 200, response.content
    moved = {m["item"]: m for m in response.json()["moved"]}
    assert set(moved) == {b.pk, c.pk}
    assert moved[b.pk] == {"item": b.pk, "project": project.pk, "old_start": "2026-03-10",
                           "old_finish": "2026-03-11", "new_start": "2026-03-04",
                           "new_finish": "2026-03-05"}
    assert moved[c.pk]["old_start"] is None and moved[c.pk]["new_start"] == "2026-03-06"
    fresh = {i.name: (i.start_date, i.due_date) for i in Item.objects.filter(
        board=project.board)}
    assert fresh == {"A": (d(2), d(3)), "B": (d(4), d(5)), "C": (d(6), d(6)),
                     "E": (d(20), d(20))}

    run = Activity.objects.get(verb="project.rescheduled", target_id=project.pk)
    effects = Activity.objects.filter(cause=run)
    assert sorted(effects.values_list("target_id", flat=True)) == sorted([b.pk, c.pk])
    assert run.data == {"moved": 2}


def test_post_with_nothing_to_move_records_nothing(people, api, url, project):
    task(project, "A", d(2), d(3))
    response = api(people.member).post(url(f"projects/{project.pk}/schedule/"))
    assert response.json() == {"moved": [], "violations": []}
    assert not Activity.objects.filter(verb="project.rescheduled").exists()


def test_post_reschedules_other_projects_by_their_mode(people, api, url, project):
    a = task(project, "A", d(2), d(3))
    b = task(project, "B", d(10), d(10))
    DependencyFactory(predecessor=a, successor=b)
    other = services.project_create(actor=people.owner, name="Rollout", start_date=MON)
    x = task(other, "X", d(11), d(11))     # tight after B
    DependencyFactory(predecessor=b, successor=x)
    response = api(people.member).post(url(f"projects/{project.pk}/schedule/"))
    moved = {m["item"]: (m["project"], m["new_start"]) for m in response.json()["moved"]}
    assert moved == {b.pk: (project.pk, "2026-03-04"), x.pk: (other.pk, "2026-03-05")}


@pytest.mark.parametrize(("role", "code"), [("guest", 403), ("member", 200), ("admin", 200)])
def test_who_may_apply_the_schedule(people, api, url, project, role, code):
    project.board.members.create(membership=people.guest, role="editor")
    response = api(people.of(role)).post(url(f"projects/{project.pk}/schedule/"))
    assert response.status_code == code


def test_a_closed_projects_schedule_cant_be_applied(people, api, url, project):
    project.board.read_only = True
    project.board.save(update_fields=["read_only"])
    response = api(people.admin).post(url(f"projects/{project.pk}/schedule/"))
    assert response.status_code == 409
    assert response.json()["code"] == "read_only"


def test_another_workspace_gets_404(people, api, url, project):
    path = f"projects/{project.pk}/schedule/"
    assert api(people.outsider).post(url(path)).status_code == 404
    own = people.outsider.workspace.slug
    assert api(people.outsider).post(url(path, slug=own)).status_code == 404


def test_the_schedule_read_is_a_fixed_number_of_queries(people, api, url, project,
                                                         django_assert_max_num_queries):
    items = [task(project, f"T{i}", estimate_hours=Decimal("8")) for i in range(30)]
    for pred, succ in itertools.pairwise(items):
        DependencyFactory(predecessor=pred, successor=succ)
    client = api(people.member)
    with django_assert_max_num_queries(8):
        response = client.get(url(f"projects/{project.pk}/schedule/"))
    assert len(response.json()["tasks"]) == 30
