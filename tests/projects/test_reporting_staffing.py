"""Staffing: the project's allocations in a range and the workload of its people (all their
work, and this project's part), for members only, in constant queries."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from boards.models import StatusCategory
from projects import services
from tests.factories import (
    AllocationFactory,
    BoardFactory,
    ItemFactory,
    MembershipFactory,
    WorkScheduleFactory,
)
from workos.tenancy.models import Role

pytestmark = pytest.mark.django_db

D = decimal.Decimal
MON, FRI = dt.date(2026, 3, 2), dt.date(2026, 3, 6)


@pytest.fixture
def project(people):
    return services.project_create(actor=people.admin, name="Launch", manager=people.member)


def _path(url, project):
    return url(f"projects/{project.pk}/staffing/")


def _person(people):
    member = MembershipFactory(workspace=people.workspace, role=Role.MEMBER)
    WorkScheduleFactory(member=member)  # 8 h Monday to Friday
    return member


def test_allocations_and_workload_of_the_project_s_people(people, api, url, project):
    ann, ben, bystander = _person(people), _person(people), _person(people)
    # Ann: 10 h/week here and 20 h/week elsewhere.
    here = AllocationFactory(board=project.board, member=ann, start_date=MON, end_date=FRI,
                             hours_per_week=D("10"))
    AllocationFactory(board=BoardFactory(workspace=people.workspace), member=ann,
                      start_date=MON, end_date=FRI, hours_per_week=D("20"))
    # Ben: assigned a 10-hour task of this project over the week, nothing allocated.
    task = ItemFactory(board=project.board, start_date=MON, due_date=FRI,
                       estimate_hours=D("10"),
                       status=project.board.statuses.get(category=StatusCategory.TODO))
    task.assignees.add(ben)
    # Out of range, or on done work: not the project's people this week.
    AllocationFactory(board=project.board, member=bystander, start_date=dt.date(2026, 4, 1),
                      end_date=dt.date(2026, 4, 3))
    done = ItemFactory(board=project.board, estimate_hours=D("4"),
                       status=project.board.statuses.get(category=StatusCategory.DONE))
    done.assignees.add(bystander)

    response = api(people.member).get(_path(url, project),
                                      {"start": MON.isoformat(), "end": FRI.isoformat()})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [a["id"] for a in body["allocations"]] == [here.pk]
    assert body["allocations"][0]["hours_per_week"] == 10.0
    members = {m["member"]: m for m in body["members"]}
    assert set(members) == {ann.pk, ben.pk}
    assert members[ann.pk]["capacity"] == 40.0
    assert members[ann.pk]["allocated"] == 30.0
    assert members[ann.pk]["project_allocated"] == 10.0
    assert members[ben.pk]["assigned"] == 10.0 and members[ben.pk]["project_assigned"] == 10.0
    assert len(members[ben.pk]["days"]) == 5
    assert members[ben.pk]["days"][0] == {
        "date": "2026-03-02", "capacity": 8.0, "assigned": 2.0, "allocated": 0.0,
        "project_assigned": 2.0, "project_allocated": 0.0, "over": False}
    assert members[ann.pk]["over_days"] == 0


def test_a_bad_range_is_refused(people, api, url, project):
    response = api(people.member).get(_path(url, project), {"start": "2026-03-06",
                                                            "end": "2026-03-02"})
    assert response.status_code == 400


def test_guests_and_outsiders_do_not_see_staffing(people, api, url, project):
    project.board.members.create(membership=people.guest, role="viewer")
    assert api(people.guest).get(_path(url, project)).status_code == 403
    assert api(people.outsider).get(_path(url, project)).status_code == 404
    foreign = url(f"projects/{project.pk}/staffing/", slug=people.outsider.workspace.slug)
    assert api(people.outsider).get(foreign).status_code == 404


def test_queries_do_not_grow_with_people_or_tasks(
        people, api, url, project, django_assert_max_num_queries):
    status = project.board.statuses.get(category=StatusCategory.TODO)

    def staff(n):
        for _ in range(n):
            member = _person(people)
            AllocationFactory(board=project.board, member=member, start_date=MON, end_date=FRI)
            task = ItemFactory(board=project.board, start_date=MON, due_date=FRI,
                               estimate_hours=D("5"), status=status)
            task.assignees.add(member)

    params = {"start": MON.isoformat(), "end": FRI.isoformat()}
    client = api(people.member)
    staff(2)
    client.get(_path(url, project), params)
    with django_assert_max_num_queries(40) as small:
        client.get(_path(url, project), params)
    staff(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(_path(url, project), params)
    assert len(response.json()["members"]) == 17
