"""Time entries through the API: the span rules, overlaps, the workspace time zone, who sees
and writes whose time, private boards, and constant query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import BoardMemberFactory, MembershipFactory, TimeEntryFactory
from tests.timetracking.conftest import MONDAY
from timetracking.models import TimeEntry


def _log(client, url, **fields):
    return client.post(url("time-entries/"), fields, format="json")


def test_a_member_logs_time_in_the_workspace_time_zone(people, api, url, make_item):
    item = make_item()
    response = _log(api(people.member), url, item=item.pk, started_at="2026-03-02T09:00:00",
                    ended_at="2026-03-02T10:30:00", note="Wireframes")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {
        "id", "member", "item", "board", "timesheet", "started_at", "ended_at",
        "duration_minutes", "date", "billable", "note", "source", "locked", "created_at",
        "updated_at",
    }
    # Without an offset the time is Paris time, and answers carry the Paris offset.
    assert body["started_at"] == "2026-03-02T09:00:00+01:00"
    assert body["duration_minutes"] == 90
    assert body["member"] == people.member.pk and body["board"] == item.board_id
    assert body["date"] == "2026-03-02" and body["source"] == "manual"
    assert body["locked"] is False
    entry = TimeEntry.objects.get()
    assert entry.started_at.hour == 8  # stored in UTC
    assert entry.timesheet.week_start == MONDAY


def test_a_duration_can_replace_the_end(people, api, url):
    response = _log(api(people.member), url, started_at="2026-03-02T09:00:00+01:00",
                    duration_minutes=45)
    assert response.status_code == 201, response.content
    assert response.json()["ended_at"] == "2026-03-02T09:45:00+01:00"
    assert response.json()["item"] is None


@pytest.mark.parametrize(("fields", "field"), [
    ({"ended_at": "2026-03-02T09:00:00"}, "ended_at"),  # zero length
    ({"ended_at": "2026-03-02T08:00:00"}, "ended_at"),  # backwards
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"duration_minutes": 1440}, "duration_minutes"),  # 24 h is not under 24 h
    ({"ended_at": "2026-03-03T01:00:00"}, "ended_at"),  # crosses midnight in Paris
    ({}, "ended_at"),  # neither an end nor a duration
    ({"ended_at": "2026-03-02T10:00:00", "duration_minutes": 30}, "duration_minutes"),
])
def test_bad_spans_are_a_400_saying_which_field(people, api, url, fields, field):
    response = _log(api(people.member), url, started_at="2026-03-02T09:00:00", **fields)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert not TimeEntry.objects.exists()


def test_an_entry_ending_exactly_at_midnight_is_fine(people, api, url):
    response = _log(api(people.member), url, started_at="2026-03-02T22:00:00",
                    ended_at="2026-03-03T00:00:00")
    assert response.status_code == 201, response.content
    assert response.json()["date"] == "2026-03-02"


def test_an_overlap_is_a_400_naming_the_entry(people, api, url, make_item):
    item = make_item(name="Homepage copy")
    client = api(people.member)
    first = _log(client, url, item=item.pk, started_at="2026-03-02T09:00:00",
                 ended_at="2026-03-02T10:00:00").json()
    clash = _log(client, url, started_at="2026-03-02T09:30:00", ended_at="2026-03-02T11:00:00")
    assert clash.status_code == 400
    body = clash.json()
    assert body["code"] == "overlap"
    assert f"entry {first['id']}" in body["message"] and "Homepage copy" in body["message"]
    assert "09:00" in body["message"]  # in local time
    assert body["fields"]["overlapping_entry"] == first["id"]
    # Touching is not overlapping, and other members' time never clashes with yours.
    assert _log(client, url, started_at="2026-03-02T10:00:00",
                duration_minutes=30).status_code == 201
    assert _log(api(people.admin), url, started_at="2026-03-02T09:30:00",
                duration_minutes=30).status_code == 201


def test_moving_an_entry_onto_another_is_refused_but_onto_itself_is_fine(people, api, url):
    client = api(people.member)
    a = _log(client, url, started_at="2026-03-02T09:00:00", duration_minutes=60).json()
    b = _log(client, url, started_at="2026-03-02T11:00:00", duration_minutes=60).json()
    moved = client.patch(url(f"time-entries/{b['id']}/"), {"started_at": "2026-03-02T09:30:00"},
                         format="json")
    assert moved.status_code == 400 and moved.json()["code"] == "overlap"
    shifted = client.patch(url(f"time-entries/{a['id']}/"),
                           {"started_at": "2026-03-02T09:15:00"}, format="json")
    assert shifted.status_code == 200, shifted.content
    assert shifted.json()["duration_minutes"] == 60  # moving keeps the length
    assert shifted.json()["ended_at"] == "2026-03-02T10:15:00+01:00"


def test_moving_an_entry_to_another_week_moves_it_to_that_timesheet(people, api, url):
    client = api(people.member)
    entry = _log(client, url, started_at="2026-03-02T09:00:00", duration_minutes=60).json()
    moved = client.patch(url(f"time-entries/{entry['id']}/"),
                         {"started_at": "2026-03-10T09:00:00"}, format="json").json()
    assert moved["timesheet"] != entry["timesheet"]
    assert TimeEntry.objects.get().timesheet.week_start.isoformat() == "2026-03-09"


def test_an_item_on_a_private_board_you_cannot_see_is_a_404(people, api, url, make_item,
                                                          private_board):
    hidden = make_item(on=private_board)
    response = _log(api(people.member), url, item=hidden.pk, started_at="2026-03-02T09:00:00",
                    duration_minutes=30)
    assert response.status_code == 404
    assert not TimeEntry.objects.exists()
    assert _log(api(people.admin), url, item=hidden.pk, started_at="2026-03-02T09:00:00",
                duration_minutes=30).status_code == 201


def test_members_write_only_their_own_time_admins_anyones(people, api, url):
    for_other = _log(api(people.member), url, member=people.admin.pk,
                     started_at="2026-03-02T09:00:00", duration_minutes=30)
    assert for_other.status_code == 403
    by_admin = _log(api(people.admin), url, member=people.member.pk,
                    started_at="2026-03-02T09:00:00", duration_minutes=30)
    assert by_admin.status_code == 201
    assert by_admin.json()["member"] == people.member.pk
    entry_id = by_admin.json()["id"]
    assert api(people.member).patch(url(f"time-entries/{entry_id}/"), {"note": "mine"},
                                    format="json").status_code == 200
    # A guest can log their own time too.
    assert _log(api(people.guest), url, started_at="2026-03-02T09:00:00",
                duration_minutes=30).status_code == 201


def test_whose_time_each_role_sees(people, api, url, make_item, private_board):
    report = MembershipFactory(workspace=people.workspace, manager=people.member)
    mine = TimeEntryFactory(member=people.member)
    theirs = TimeEntryFactory(member=report, item=make_item())
    hidden = TimeEntryFactory(member=report, item=make_item(on=private_board))
    stranger = TimeEntryFactory(member=people.admin)

    def seen(membership):
        return {e["id"] for e in api(membership).get(url("time-entries/")).json()["results"]}

    assert seen(people.admin) == {mine.pk, theirs.pk, hidden.pk, stranger.pk}
    # A manager sees their report's time, but not on a board hidden from them.
    assert seen(people.member) == {mine.pk, theirs.pk}
    assert seen(people.guest) == set()
    assert api(people.guest).get(url(f"time-entries/{mine.pk}/")).status_code == 404
    assert api(people.member).get(url(f"time-entries/{stranger.pk}/")).status_code == 404
    assert api(people.member).delete(url(f"time-entries/{stranger.pk}/")).status_code == 404


def test_entries_filter_and_sort(people, api, url, make_item):
    item = make_item()
    a = TimeEntryFactory(member=people.member, item=item, billable=False)
    TimeEntryFactory(member=people.member)
    client = api(people.member)
    by_item = client.get(url(f"time-entries/?item={item.pk}")).json()["results"]
    assert [e["id"] for e in by_item] == [a.pk]
    assert [e["id"] for e in client.get(url("time-entries/?billable=false")).json()["results"]] \
        == [a.pk]
    oldest_first = client.get(url("time-entries/?ordering=started_at")).json()["results"]
    assert oldest_first[0]["id"] == a.pk
    assert client.get(url("time-entries/?ordering=note")).status_code == 400
    assert client.get(url("time-entries/?start=2026-04-01")).json()["results"] == []


def test_item_totals_roll_up_to_parents(people, api, url, board, make_item):
    parent = make_item(estimate_hours=10)
    child = make_item(parent=parent, estimate_hours=4)
    TimeEntryFactory(member=people.member, item=parent, duration_minutes=60)
    TimeEntryFactory(member=people.admin, item=child, duration_minutes=90)
    rows = api(people.member).get(url(f"time-entries/totals/?board={board.pk}")).json()["results"]
    by_item = {r["item"]: r for r in rows}
    assert by_item[parent.pk]["tracked_minutes"] == 60
    assert by_item[parent.pk]["rolled_up_minutes"] == 150
    assert by_item[parent.pk]["estimate_hours"] == 10
    assert by_item[child.pk]["rolled_up_minutes"] == 90
    # A guest the board is shared with counts only their own time.
    BoardMemberFactory(board=board, membership=people.guest, role="viewer")
    TimeEntryFactory(member=people.guest, item=child, duration_minutes=15)
    guest_rows = api(people.guest).get(url(f"time-entries/totals/?board={board.pk}")).json()
    assert {r["item"]: r["rolled_up_minutes"] for r in guest_rows["results"]}[parent.pk] == 15


def test_totals_of_a_private_board_you_cannot_see_are_a_404(people, api, url, private_board):
    response = api(people.member).get(url(f"time-entries/totals/?board={private_board.pk}"))
    assert response.status_code == 404


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(ctx)


def test_entry_list_query_count_does_not_grow_with_page_size(people, api, url, make_item,
                                                            django_assert_max_num_queries):
    report = MembershipFactory(workspace=people.workspace, manager=people.member)
    for n in range(30):
        TimeEntryFactory(member=people.member if n % 2 else report, item=make_item())
    client = api(people.member)
    counts = [_count(client, url(f"time-entries/?page_size={n}")) for n in (5, 25)]
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(6):
        client.get(url("time-entries/?page_size=25"))
    entry = TimeEntry.objects.filter(member=people.member).first()
    with django_assert_max_num_queries(6):
        assert client.get(url(f"time-entries/{entry.pk}/")).status_code == 200
