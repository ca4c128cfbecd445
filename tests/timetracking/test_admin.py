"""The admin lists time filtered by member, board, week and approval state."""

from __future__ import annotations

import datetime as dt

from tests.factories import TimeEntryFactory, UserFactory
from tests.timetracking.conftest import MONDAY, paris


def test_staff_filter_entries_by_member_board_week_and_approval(people, client, make_item):
    item = make_item()
    entry = TimeEntryFactory(member=people.member, item=item, started_at=paris(MONDAY, 9))
    TimeEntryFactory(member=people.admin, started_at=paris(MONDAY + dt.timedelta(days=7), 9))
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    base = "/admin/timetracking/timeentry/"
    assert client.get(base).status_code == 200
    for query in (f"member__id__exact={people.member.pk}", f"board__id__exact={item.board_id}",
                  f"week={entry.timesheet.week_start}", "timesheet__status__exact=draft"):
        response = client.get(f"{base}?{query}")
        assert response.status_code == 200, query
        assert response.context["cl"].result_count == (2 if "status" in query else 1), query
    for model in ("timesheet", "timer", "rate", "workschedule", "timeoff", "allocation"):
        assert client.get(f"/admin/timetracking/{model}/").status_code == 200
