"""The timer: one running per member (by a database constraint), switch, stop, the split at
local midnights, and its place among entries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests.timetracking.conftest import MONDAY, paris
from timetracking.models import TimeEntry, Timer
from timetracking.services import split_by_local_day, timer_start


def test_a_timer_runs_on_the_server_until_stopped(people, api, url, make_item, clock):
    item = make_item()
    client = api(people.member)
    assert client.get(url("timer/")).json() == {"timer": None}
    clock(paris(MONDAY, 9, 0, ) + dt.timedelta(seconds=42))
    started = client.post(url("timer/start/"), {"item": item.pk, "note": "Copy"}, format="json")
    assert started.status_code == 201, started.content
    assert started.json()["entries"] == []
    # A reload finds it still running, with its start in local time.
    clock(paris(MONDAY, 9, 50))
    running = client.get(url("timer/")).json()["timer"]
    assert running["item"] == item.pk
    assert running["started_at"] == "2026-03-02T09:00:00+01:00"
    assert running["elapsed_minutes"] == 50
    clock(paris(MONDAY, 10, 15, ) + dt.timedelta(seconds=59))
    stopped = client.post(url("timer/stop/"))
    assert stopped.status_code == 200, stopped.content
    body = stopped.json()
    assert body["timer"]["stopped_at"] == "2026-03-02T10:15:00+01:00"
    [entry] = body["entries"]
    assert entry["duration_minutes"] == 75 and entry["source"] == "timer"
    assert entry["item"] == item.pk and entry["note"] == "Copy"
    assert client.get(url("timer/")).json() == {"timer": None}


def test_starting_while_running_switches(people, api, url, make_item, clock):
    first, second = make_item(), make_item()
    client = api(people.member)
    clock(paris(MONDAY, 9, 0))
    client.post(url("timer/start/"), {"item": first.pk}, format="json")
    clock(paris(MONDAY, 11, 30))
    switched = client.post(url("timer/start/"), {"item": second.pk}, format="json").json()
    assert switched["timer"]["item"] == second.pk
    [entry] = switched["entries"]
    assert entry["item"] == first.pk and entry["duration_minutes"] == 150
    clock(paris(MONDAY, 12, 0))
    [after] = client.post(url("timer/stop/")).json()["entries"]
    # The two entries touch at 11:30 and do not overlap.
    assert after["started_at"] == entry["ended_at"] == "2026-03-02T11:30:00+01:00"
    assert Timer.objects.filter(stopped_at__isnull=True).count() == 0


def test_a_timer_across_midnight_becomes_one_entry_per_day(people, api, url, clock):
    client = api(people.member)
    sunday = MONDAY + dt.timedelta(days=6)
    clock(paris(sunday, 22, 30))
    client.post(url("timer/start/"), {}, format="json")
    clock(paris(sunday + dt.timedelta(days=2), 1, 15))
    entries = client.post(url("timer/stop/")).json()["entries"]
    assert [(e["date"], e["duration_minutes"]) for e in entries] == [
        ("2026-03-08", 90), ("2026-03-09", 1440), ("2026-03-10", 75),
    ]
    assert entries[1]["started_at"] == "2026-03-09T00:00:00+01:00"
    # Sunday's piece is in one week's timesheet, the rest in the next.
    sheets = {e.date.isoformat(): e.timesheet.week_start.isoformat()
              for e in TimeEntry.objects.all()}
    assert sheets == {"2026-03-08": "2026-03-02", "2026-03-09": "2026-03-09",
                      "2026-03-10": "2026-03-09"}


def test_the_split_follows_daylight_saving_time(people):
    people.workspace.timezone = "Europe/Paris"
    # 29 March 2026: Paris clocks go from 02:00 to 03:00, so that day has 23 hours.
    start = paris(dt.date(2026, 3, 28), 23, 0)
    pieces = split_by_local_day(people.workspace, start, paris(dt.date(2026, 3, 30), 1, 0))
    assert [int((b - a).total_seconds() // 60) for a, b in pieces] == [60, 23 * 60, 60]


def test_a_timer_stopped_within_its_minute_logs_nothing(people, api, url, clock):
    client = api(people.member)
    clock(paris(MONDAY, 9, 0))
    client.post(url("timer/start/"), {}, format="json")
    clock(paris(MONDAY, 9, 0) + dt.timedelta(seconds=50))
    assert client.post(url("timer/stop/")).json()["entries"] == []
    assert not TimeEntry.objects.exists()


def test_stopping_without_a_timer_is_a_409(people, api, url):
    response = api(people.member).post(url("timer/stop/"))
    assert response.status_code == 409
    assert response.json()["code"] == "no_timer"


def test_discarding_logs_nothing(people, api, url, clock):
    client = api(people.member)
    clock(paris(MONDAY, 9, 0))
    client.post(url("timer/start/"), {}, format="json")
    clock(paris(MONDAY, 10, 0))
    assert client.post(url("timer/discard/")).json() == {"timer": None}
    assert not TimeEntry.objects.exists()
    assert client.get(url("timer/")).json() == {"timer": None}


def test_the_database_refuses_a_second_running_timer(people):
    Timer.objects.create(workspace=people.workspace, member=people.member,
                         started_at=paris(MONDAY, 9))
    with pytest.raises(IntegrityError), transaction.atomic():
        Timer.objects.create(workspace=people.workspace, member=people.member,
                             started_at=paris(MONDAY, 10))
    # Stopped timers do not count.
    Timer.objects.filter(member=people.member).update(stopped_at=paris(MONDAY, 10))
    Timer.objects.create(workspace=people.workspace, member=people.member,
                         started_at=paris(MONDAY, 11))


def test_a_timer_cannot_start_inside_logged_time(people, api, url, clock):
    client = api(people.member)
    client.post(url("time-entries/"), {"started_at": "2026-03-02T09:00:00",
                                       "ended_at": "2026-03-02T12:00:00"}, format="json")
    clock(paris(MONDAY, 10, 0))
    response = client.post(url("timer/start/"), {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "overlap"


def test_manual_time_cannot_overlap_the_running_timer(people, api, url, clock):
    client = api(people.member)
    clock(paris(MONDAY, 9, 0))
    client.post(url("timer/start/"), {}, format="json")
    response = client.post(url("time-entries/"), {"started_at": "2026-03-02T08:30:00",
                                                  "duration_minutes": 60}, format="json")
    assert response.status_code == 400 and "running timer" in response.json()["message"]
    earlier = client.post(url("time-entries/"), {"started_at": "2026-03-02T08:00:00",
                                                 "duration_minutes": 60}, format="json")
    assert earlier.status_code == 201


def test_a_timer_on_a_hidden_item_is_a_404(people, api, url, make_item, private_board):
    hidden = make_item(on=private_board)
    response = api(people.member).post(url("timer/start/"), {"item": hidden.pk}, format="json")
    assert response.status_code == 404
    assert not Timer.objects.exists()


def test_timers_are_per_member(people):
    timer_start(actor=people.member, now=paris(MONDAY, 9))
    timer_start(actor=people.admin, now=paris(MONDAY, 9))
    assert Timer.objects.filter(stopped_at__isnull=True).count() == 2
