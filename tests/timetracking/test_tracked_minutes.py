"""Each item's stored tracked time (`Item.tracked_minutes`) stays the sum of its entries through
every write, is backfilled by the migration, and can be checked and repaired by a command."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum

from boards.models import Item
from tests.factories import TeamFactory, TimeEntryFactory, TimesheetFactory, UserFactory
from tests.timetracking.conftest import MONDAY, paris
from timetracking.models import TimeEntry
from timetracking.services import (
    time_entry_create,
    time_entry_delete,
    time_entry_update,
    timer_start,
    timer_stop,
)
from timetracking.services.tracked import tracked_mismatches
from workos.errors import ValidationFailed


def stored(*items: Item) -> list[int]:
    return [Item.objects.get(pk=item.pk).tracked_minutes for item in items]


def summed(item: Item) -> int:
    return TimeEntry.objects.filter(item=item).aggregate(m=Sum("duration_minutes"))["m"] or 0


def assert_consistent(*items: Item) -> None:
    assert stored(*items) == [summed(item) for item in items]
    assert not tracked_mismatches().exists()


def test_the_total_follows_create_update_move_and_delete(people, make_item):
    member = people.member
    design, build = make_item(name="Design"), make_item(name="Build")
    first = time_entry_create(actor=member, item=design, started_at=paris(MONDAY, 9),
                              duration_minutes=90)
    second = time_entry_create(actor=member, item=design, started_at=paris(MONDAY, 11),
                               duration_minutes=30)
    assert stored(design, build) == [120, 0]

    time_entry_update(actor=member, entry=first, fields={"duration_minutes": 60})
    assert stored(design, build) == [90, 0]
    time_entry_update(actor=member, entry=first,
                      fields={"ended_at": paris(MONDAY, 10, 45)})  # 09:00 to 10:45
    assert stored(design, build) == [135, 0]
    # Moving an entry to another item takes its minutes along.
    time_entry_update(actor=member, entry=second, fields={"item": build})
    assert stored(design, build) == [105, 30]
    # Moving and resizing at once.
    time_entry_update(actor=member, entry=first,
                      fields={"item": build, "duration_minutes": 20})
    assert stored(design, build) == [0, 50]
    # Unlinking from any item.
    time_entry_update(actor=member, entry=second, fields={"item": None})
    assert stored(design, build) == [0, 20]
    # A change that touches no minutes or item leaves it alone.
    time_entry_update(actor=member, entry=first, fields={"note": "pairing", "billable": False})
    assert stored(design, build) == [0, 20]
    time_entry_delete(actor=member, entry=first)
    time_entry_delete(actor=member, entry=second)
    assert stored(design, build) == [0, 0]
    assert_consistent(design, build)


def test_a_refused_write_changes_no_total(people, make_item):
    item = make_item()
    entry = time_entry_create(actor=people.member, item=item, started_at=paris(MONDAY, 9),
                              duration_minutes=60)
    time_entry_create(actor=people.member, item=item, started_at=paris(MONDAY, 10),
                      duration_minutes=60)
    with pytest.raises(ValidationFailed, match="overlaps"):
        time_entry_update(actor=people.member, entry=entry, fields={"duration_minutes": 90})
    assert stored(item) == [120]
    assert_consistent(item)


def test_timers_add_their_entries_including_a_switch_and_a_night(people, make_item):
    member = people.member
    first, second = make_item(), make_item()
    timer_start(actor=member, item=first, now=paris(MONDAY, 9))
    # Switching stops the first timer: its 150 minutes go to the first item.
    timer_start(actor=member, item=second, now=paris(MONDAY, 11, 30))
    assert stored(first, second) == [150, 0]
    # Stopped the next morning: one entry per local day, all on the second item.
    _, entries = timer_stop(actor=member, now=paris(MONDAY + dt.timedelta(days=1), 1))
    assert len(entries) == 2
    assert stored(first, second) == [150, 13 * 60 + 30]
    assert_consistent(first, second)


def test_the_api_shows_the_stored_total_as_estimate_versus_actual(people, api, url, make_item):
    item = make_item(estimate_hours=3)
    client = api(people.member)
    created = client.post(url("time-entries/"), {
        "item": item.pk, "started_at": paris(MONDAY, 9).isoformat(), "duration_minutes": 45,
    }, format="json")
    assert created.status_code == 201, created.content
    client.patch(url(f"time-entries/{created.json()['id']}/"), {"duration_minutes": 75},
                 format="json")
    rows = client.get(url(f"time-entries/totals/?board={item.board_id}")).json()["results"]
    [row] = [r for r in rows if r["item"] == item.pk]
    assert row["tracked_minutes"] == row["rolled_up_minutes"] == 75
    assert client.delete(url(f"time-entries/{created.json()['id']}/")).status_code == 204
    assert stored(item) == [0]


def test_admin_corrections_keep_the_total(people, client, make_item):
    item, other = make_item(), make_item()
    entry = TimeEntryFactory(member=people.member, item=item, duration_minutes=60)
    doomed = TimeEntryFactory(member=people.member, item=item, duration_minutes=30)
    bulk = TimeEntryFactory(member=people.member, item=other, duration_minutes=15)
    assert stored(item, other) == [90, 15]
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    base = "/admin/timetracking/timeentry/"
    form = client.get(f"{base}{entry.pk}/change/").context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update({
        "item": other.pk, "duration_minutes": 45,
        "started_at_0": entry.started_at.date().isoformat(), "started_at_1": "08:00:00",
        "ended_at_0": entry.started_at.date().isoformat(), "ended_at_1": "08:45:00",
        "date": entry.date.isoformat(), "note": "",
    })
    data = {k: v for k, v in data.items() if v is not None and k not in {"started_at",
                                                                          "ended_at"}}
    response = client.post(f"{base}{entry.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert stored(item, other) == [30, 60]
    assert client.post(f"{base}{doomed.pk}/delete/", {"post": "yes"}).status_code == 302
    assert stored(item, other) == [0, 60]
    response = client.post(base, {"action": "delete_selected", "_selected_action": [bulk.pk],
                                  "post": "yes"})
    assert response.status_code == 302
    assert stored(item, other) == [0, 45]
    assert_consistent(item, other)


def test_the_check_command_finds_and_repairs_drift(people, make_item, capsys):
    right, wrong, empty = make_item(), make_item(), make_item()
    TimeEntryFactory(member=people.member, item=right, duration_minutes=60)
    TimeEntryFactory(member=people.member, item=wrong, duration_minutes=30)
    call_command("time_tracked_check")
    assert "agree" in capsys.readouterr().out
    # Rows written around the services (SQL by hand) break it.
    Item.objects.filter(pk=wrong.pk).update(tracked_minutes=999)
    Item.objects.filter(pk=empty.pk).update(tracked_minutes=5)
    with pytest.raises(CommandError, match="2 item"):
        call_command("time_tracked_check", "--workspace", people.workspace.slug)
    out = capsys.readouterr().out
    assert f"item {wrong.pk}: stored 999 min, entries 30 min" in out
    call_command("time_tracked_check", "--fix")
    assert "recomputed 2 item(s)" in capsys.readouterr().out
    assert stored(right, wrong, empty) == [60, 30, 0]
    call_command("time_tracked_check")
    with pytest.raises(CommandError, match="No workspace"):
        call_command("time_tracked_check", "--workspace", "nowhere")


def test_the_migration_backfills_from_existing_entries(people, make_item):
    logged, cleared, untouched = make_item(), make_item(), make_item()
    for hour, minutes in ((9, 20), (10, 25)):
        TimeEntry.objects.create(  # as rows stood before the total existed
            workspace=people.workspace, member=people.member, item=logged,
            board_id=logged.board_id,
            timesheet=TimesheetFactory(member=people.member),
            started_at=paris(MONDAY, hour), ended_at=paris(MONDAY, hour, minutes),
            duration_minutes=minutes, date=MONDAY,
        )
    Item.objects.filter(pk=cleared.pk).update(tracked_minutes=7)
    migration = importlib.import_module(
        "timetracking.migrations.0003_item_tracked_minutes_backfill"
    )

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    from django.apps import apps

    migration.backfill(apps, editor)
    assert stored(logged, cleared, untouched) == [45, 0, 0]


def test_logging_time_lowers_the_remaining_work_in_the_workload(people, api, url, make_item):
    member = people.member
    make_item(name="Review", start_date=MONDAY, due_date=MONDAY, estimate_hours=8,
              assignees=[member])
    item = Item.objects.get(name="Review")
    client = api(member)

    def monday_assigned() -> float:
        body = client.get(url(f"workload/?start={MONDAY}&end={MONDAY}")).json()
        [row] = [m for m in body["members"] if m["member"] == member.pk]
        return row["days"][0]["assigned"]

    assert monday_assigned() == 8.0
    entry = time_entry_create(actor=member, item=item, started_at=paris(MONDAY, 9),
                              duration_minutes=150)
    assert monday_assigned() == 5.5
    time_entry_update(actor=member, entry=entry, fields={"duration_minutes": 9 * 60})
    assert monday_assigned() == 0.0  # more logged than estimated: nothing left, not negative
    time_entry_delete(actor=member, entry=entry)
    assert monday_assigned() == 8.0


def test_unscheduled_work_lists_the_first_items_and_counts_them_all(
    people, api, url, make_item, monkeypatch
):
    monkeypatch.setattr("timetracking.selectors.workload.UNSCHEDULED_LIMIT", 2)
    member, other = people.member, people.admin
    team = TeamFactory(workspace=people.workspace)
    team.members.set([member])
    undated = [make_item(name=f"Undated {n}", estimate_hours=2, assignees=[member, other])
               for n in range(3)]
    make_item(name="Someone else's", estimate_hours=2, assignees=[other])
    # Fully logged work is neither scheduled nor unscheduled.
    done = make_item(name="Logged", start_date=MONDAY, due_date=MONDAY, estimate_hours=1,
                     assignees=[member])
    time_entry_create(actor=member, item=done, started_at=paris(MONDAY, 9),
                      duration_minutes=60)
    body = api(member).get(url(f"workload/?start={MONDAY}&end={MONDAY}&team={team.pk}")).json()
    assert [u["id"] for u in body["unscheduled"]] == [undated[0].pk, undated[1].pk]
    assert body["unscheduled"][0]["assignees"] == sorted([member.pk, other.pk])
    assert body["unscheduled_total"] == 3
    [row] = body["members"]
    assert row["days"][0]["assigned"] == 0.0
