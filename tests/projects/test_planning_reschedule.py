"""Changing a task's dates moves its successors, per the project's mode, in the same
transaction as the change, with one Activity per moved item caused by the change.

Monday-Friday weeks; the project starts Monday 2 March 2026. The network (dates inclusive):
    A  Mon 2 - Wed 4         the task people change
    B  Thu 5 - Fri 6         FS A, tight
    C  Mon 9 - Tue 10        FS B, tight (across the weekend)
    D  Wed 11                FS A, with a gap (A allows Thu 5)
    E  Thu 5                 FS A, done
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boards.models import Item
from projects import services
from projects.models import TaskConstraint
from projects.services.reschedule import reschedule_after_change
from tests.factories import BoardFactory, DependencyFactory, ItemFactory
from workos.activity.models import Activity

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 3, 2)


def d(day: int) -> dt.date:
    """March 2026: d(9) is Monday 9 March."""
    return dt.date(2026, 3, day)


def task(project, name, start=None, due=None, **fields):
    return ItemFactory(board=project.board, group=project.board.groups.first(), name=name,
                       start_date=start, due_date=due, **fields)


@pytest.fixture
def project(people):
    return services.project_create(actor=people.owner, name="Launch", start_date=MON)


@pytest.fixture
def net(project):
    done = project.board.statuses.filter(category="done").first()
    a = task(project, "A", d(2), d(4))
    b = task(project, "B", d(5), d(6))
    c = task(project, "C", d(9), d(10))
    dd = task(project, "D", d(11), d(11))
    e = task(project, "E", d(5), d(5), status=done)
    for pred, succ in ((a, b), (b, c), (a, dd), (a, e)):
        DependencyFactory(predecessor=pred, successor=succ)
    return {"A": a, "B": b, "C": c, "D": dd, "E": e}


def dates(*items):
    return {i.name: (i.start_date, i.due_date)
            for i in Item.objects.filter(pk__in=[i.pk for i in items])}


def patch(api, url, who, item, body):
    return api(who).patch(url(f"items/{item.pk}/"), body, format="json")


def set_mode(project, mode):
    project.schedule_mode = mode
    project.save(update_fields=["schedule_mode"])


def test_flexible_moves_tight_successors_and_keeps_gaps(people, api, url, net):
    response = patch(api, url, people.member, net["A"], {"due_date": "2026-03-06"})
    assert response.status_code == 200, response.content
    assert dates(*net.values()) == {
        "A": (d(2), d(6)),
        "B": (d(9), d(10)),     # the Monday after A's new Friday finish
        "C": (d(11), d(12)),
        "D": (d(11), d(11)),    # its gap absorbs the slip
        "E": (d(5), d(5)),      # done: never moves
    }


def test_flexible_follows_an_earlier_finish_across_the_weekend(people, api, url, net):
    patch(api, url, people.member, net["A"], {"due_date": "2026-03-03"})
    assert dates(*net.values()) == {
        "A": (d(2), d(3)), "B": (d(4), d(5)),
        "C": (d(6), d(9)),      # Friday and, over the weekend, Monday
        "D": (d(11), d(11)), "E": (d(5), d(5)),
    }


def test_strict_keeps_every_gap(people, api, url, project, net):
    set_mode(project, "strict")
    patch(api, url, people.member, net["A"], {"due_date": "2026-03-06"})
    assert dates(*net.values()) == {
        "A": (d(2), d(6)), "B": (d(9), d(10)), "C": (d(11), d(12)),
        "D": (d(13), d(13)),    # keeps its gap: Wed 11 + 2 working days
        "E": (d(5), d(5)),
    }


def test_strict_pulls_everything_earlier_too(people, api, url, project, net):
    set_mode(project, "strict")
    patch(api, url, people.member, net["A"], {"due_date": "2026-03-03"})
    assert dates(net["B"], net["C"], net["D"]) == {
        "B": (d(4), d(5)), "C": (d(6), d(9)), "D": (d(10), d(10))}


def test_holidays_are_skipped(people, api, url, net):
    people.workspace.holidays = ["2026-03-12"]
    people.workspace.save()
    patch(api, url, people.member, net["A"], {"due_date": "2026-03-06"})
    # C's two days: Wednesday 11 and, past Thursday's holiday, Friday 13.
    assert dates(net["B"], net["C"]) == {"B": (d(9), d(10)), "C": (d(11), d(13))}


def test_mode_none_moves_nothing_and_the_schedule_reports_the_broken_links(
        people, api, url, project, net):
    set_mode(project, "none")
    before = dates(*net.values())
    patch(api, url, people.member, net["A"], {"due_date": "2026-03-06"})
    after = dates(*net.values())
    assert after == {**before, "A": (d(2), d(6))}

    body = api(people.member).get(url(f"projects/{project.pk}/schedule/")).json()
    assert body["schedule_mode"] == "none"
    broken = {(v["predecessor"], v["successor"]): v["days"] for v in body["violations"]}
    assert broken == {(net["A"].pk, net["B"].pk): 2, (net["A"].pk, net["E"].pk): 2}


def test_the_service_reports_what_mode_none_leaves_broken(people, project, net):
    set_mode(project, "none")
    a = net["A"]
    Item.objects.filter(pk=a.pk).update(due_date=d(6))
    a.refresh_from_db()
    change = Activity.objects.create(workspace=people.workspace, verb="item.updated",
                                     target_type_id=1, target_id=a.pk)
    outcome = reschedule_after_change(
        actor=people.member, item=a, changes={"due_date": ["2026-03-04", "2026-03-06"]},
        activity=change)
    assert outcome.moved == []
    assert {(v.link.successor, v.days) for _, v in outcome.violations} == {
        (net["B"].pk, 2), (net["E"].pk, 2)}


def test_one_activity_per_moved_item_caused_by_the_change(people, api, url, net):
    versions = {i.pk: i.version for i in net.values()}
    started = timezone.now()
    patch(api, url, people.member, net["A"], {"due_date": "2026-03-06"})

    change = Activity.objects.get(target_id=net["A"].pk, verb="item.updated")
    effects = Activity.objects.filter(cause=change).order_by("id")
    assert [(a.target_id, a.changes) for a in effects] == [
        (net["B"].pk, {"start_date": ["2026-03-05", "2026-03-09"],
                       "due_date": ["2026-03-06", "2026-03-10"]}),
        (net["C"].pk, {"start_date": ["2026-03-09", "2026-03-11"],
                       "due_date": ["2026-03-10", "2026-03-12"]}),
    ]
    assert all(a.verb == "item.updated" and a.depth == change.depth + 1 for a in effects)
    assert all(a.actor_id == people.member.user_id for a in effects)
    assert {a.actor_label for a in effects} == {change.actor_label}
    assert {a.data["board"] for a in effects} == {net["B"].board_id}
    fresh = {i.pk: i.version for i in Item.objects.filter(pk__in=versions)}
    assert fresh[net["B"].pk] == versions[net["B"].pk] + 1
    assert fresh[net["C"].pk] == versions[net["C"].pk] + 1
    assert fresh[net["D"].pk] == versions[net["D"].pk]
    assert Item.objects.get(pk=net["B"].pk).updated_at >= started
    assert Item.objects.filter(updated_at__gte=started).count() == 3  # A, B and C


def test_a_change_elsewhere_than_dates_costs_no_scheduling_query(people, api, url, net):
    with CaptureQueriesContext(connection) as ctx:
        patch(api, url, people.member, net["A"], {"name": "Kick-off"})
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "boards_dependency" not in sql and "projects_" not in sql
    assert not Activity.objects.filter(cause__isnull=False).exists()


def test_a_task_without_successors_costs_one_query(people, api, url, net):
    with CaptureQueriesContext(connection) as ctx:
        patch(api, url, people.member, net["C"], {"due_date": "2026-03-11"})
    sql = [q["sql"] for q in ctx.captured_queries]
    scheduling = [q for q in sql if "boards_dependency" in q or "projects_" in q]
    assert len(scheduling) == 1  # the successors on project boards: none


def test_a_broken_finish_no_later_than_refuses_the_whole_change(people, api, url, project,
                                                                 net):
    TaskConstraint.objects.create(project=project, item=net["C"],
                                  finish_no_later_than=d(10))
    before = dates(*net.values())
    activities = Activity.objects.count()

    response = patch(api, url, people.member, net["A"], {"due_date": "2026-03-06"})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "constraint_violated"
    assert "'C'" in body["message"] and "2026-03-10" in body["message"]
    assert dates(*net.values()) == before  # A's own change rolled back too
    assert Activity.objects.count() == activities


def test_a_start_no_earlier_than_holds_a_task_back(people, api, url, project, net):
    TaskConstraint.objects.create(project=project, item=net["B"],
                                  start_no_earlier_than=d(5))
    patch(api, url, people.member, net["A"], {"due_date": "2026-03-03"})
    assert dates(net["B"], net["C"]) == {"B": (d(5), d(6)), "C": (d(9), d(10))}


def test_successors_on_another_projects_board_follow_its_mode(people, api, url, net):
    other = services.project_create(actor=people.owner, name="Rollout", start_date=MON)
    set_mode(other, "strict")
    x = task(other, "X", d(9), d(9))      # tight after B
    y = task(other, "Y", d(12), d(12))    # three days after X: strict keeps it
    DependencyFactory(predecessor=net["B"], successor=x)
    DependencyFactory(predecessor=x, successor=y)

    patch(api, url, people.member, net["A"], {"due_date": "2026-03-06"})
    assert dates(x, y) == {"X": (d(11), d(11)), "Y": (d(16), d(16))}
    change = Activity.objects.get(target_id=net["A"].pk, verb="item.updated")
    assert set(Activity.objects.filter(cause=change).values_list("target_id", flat=True)) == {
        net["B"].pk, net["C"].pk, x.pk, y.pk}


def test_another_project_in_mode_none_keeps_its_dates(people, api, url, net):
    other = services.project_create(actor=people.owner, name="Rollout", start_date=MON)
    set_mode(other, "none")
    x = task(other, "X", d(9), d(9))
    DependencyFactory(predecessor=net["B"], successor=x)
    patch(api, url, people.member, net["A"], {"due_date": "2026-03-06"})
    assert dates(x) == {"X": (d(9), d(9))}
    assert dates(net["B"]) == {"B": (d(9), d(10))}


def test_a_task_on_a_plain_board_moves_project_successors(people, api, url, project):
    board = BoardFactory(workspace=people.workspace)
    ops = ItemFactory(board=board, name="Ops", start_date=d(2), due_date=d(3))
    x = task(project, "X", d(4), d(4))
    DependencyFactory(predecessor=ops, successor=x)
    patch(api, url, people.member, ops, {"due_date": "2026-03-05"})
    assert dates(x) == {"X": (d(6), d(6))}


def test_undated_tasks_follow_implicitly_and_get_no_dates(people, api, url, project, net):
    u = task(project, "U", estimate_hours=Decimal("8"))       # after B: implicitly Mon 9
    z = task(project, "Z", d(10), d(10))                       # tight after U
    half = task(project, "S", d(9), None, estimate_hours=Decimal("16"))  # start only, tight
    DependencyFactory(predecessor=net["B"], successor=u)
    DependencyFactory(predecessor=u, successor=z)
    DependencyFactory(predecessor=net["B"], successor=half)
    patch(api, url, people.member, net["A"], {"due_date": "2026-03-06"})
    # B now ends Tue 10, so U falls on Wed 11 implicitly and Z follows it.
    assert dates(u, z, half) == {
        "U": (None, None),
        "Z": (d(12), d(12)),
        "S": (d(11), None),             # only the date it had moves
    }


def test_an_undated_tasks_estimate_moves_its_successors(people, api, url, project):
    v = task(project, "V", estimate_hours=Decimal("16"))   # implicitly Mon 2 - Tue 3
    w = task(project, "W", d(4), d(4))                     # tight after V
    DependencyFactory(predecessor=v, successor=w)
    response = patch(api, url, people.member, v, {"estimate_hours": "24"})
    assert response.status_code == 200, response.content
    assert dates(v, w) == {"V": (None, None), "W": (d(5), d(5))}


def test_a_closed_projects_tasks_never_move(people, api, url, net):
    other = services.project_create(actor=people.owner, name="Old", start_date=MON)
    x = task(other, "X", d(9), d(9))
    DependencyFactory(predecessor=net["B"], successor=x)
    other.board.read_only = True
    other.board.save(update_fields=["read_only"])
    patch(api, url, people.member, net["A"], {"due_date": "2026-03-06"})
    assert dates(x) == {"X": (d(9), d(9))}


def test_a_task_changed_by_someone_else_meanwhile_is_a_409(people, api, url, net,
                                                            monkeypatch):
    from projects.services import reschedule as module

    read = module.project_network

    def then_someone_edits(project):
        network = read(project)
        Item.objects.filter(pk=net["C"].pk).update(due_date=d(11))
        return network

    monkeypatch.setattr(module, "project_network", then_someone_edits)
    response = patch(api, url, people.member, net["A"], {"due_date": "2026-03-06"})
    assert response.status_code == 409
    assert response.json()["code"] == "schedule_changed"
    assert dates(net["A"]) == {"A": (d(2), d(4))}


def test_moves_caused_by_an_automations_change_carry_its_run(people, net):
    from boards.services.items import item_update
    from workos.activity.services import Cause, acting_for

    trigger = Activity.objects.create(workspace=people.workspace, verb="item.created",
                                      target_type_id=1, target_id=net["A"].pk)
    with acting_for(Cause(activity=trigger, run_id=42, actor_label="Rule: slip")):
        item_update(actor=people.member, item=net["A"], fields={"due_date": d(6)})
    change = Activity.objects.get(target_id=net["A"].pk, verb="item.updated")
    effects = list(Activity.objects.filter(cause=change))
    assert len(effects) == 2
    assert {(a.cause_run_id, a.depth, a.actor_label) for a in effects} == {
        (42, 2, "Rule: slip")}


def test_a_project_reached_twice_moves_each_task_once(people, api, url, net):
    # The other project is reached from A and, once B has moved, from B again.
    other = services.project_create(actor=people.owner, name="Rollout", start_date=MON)
    set_mode(other, "strict")
    x = task(other, "X", d(5), d(5))    # tight after A
    y = task(other, "Y", d(9), d(9))    # tight after B
    DependencyFactory(predecessor=net["A"], successor=x)
    DependencyFactory(predecessor=net["B"], successor=y)
    patch(api, url, people.member, net["A"], {"due_date": "2026-03-06"})
    assert dates(x, y) == {"X": (d(9), d(9)), "Y": (d(11), d(11))}
