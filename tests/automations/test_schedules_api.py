"""The recurring schedules API (`recurring/`)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from automations.models import RecurringSchedule
from automations.services import schedules
from boards.models import Privacy
from tests.factories import (
    BoardFactory,
    GroupFactory,
    RecurringOccurrenceFactory,
    RecurringScheduleFactory,
    TeamFactory,
)


def _url(people, path=""):
    return f"/api/v1/workspaces/{people.workspace.slug}/recurring/{path}"


@pytest.fixture
def board(people):
    board = BoardFactory(workspace=people.workspace)
    GroupFactory(board=board)
    return board


def _body(target, **extra):
    return {"name": "Weekly report", "board": target.pk,
            "rrule": "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", "timezone": "Europe/Berlin",
            "item_template": {"name": "Report {date}", "due_in_days": 2}, **extra}


def test_a_member_schedules_weekly_work(people, api, board):
    response = api(people.member).post(_url(people), _body(board), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["timezone"] == "Europe/Berlin" and body["enabled"] is True
    next_at = dt.datetime.fromisoformat(body["next_occurrence_at"].replace("Z", "+00:00"))
    assert next_at.weekday() == 0 and next_at.hour in (7, 8)  # 9:00 in Berlin
    assert RecurringSchedule.objects.get(pk=body["id"]).created_by == people.member


def test_the_workspace_time_zone_is_the_default(people, api, board):
    people.workspace.timezone = "America/New_York"
    people.workspace.save()
    body = _body(board)
    del body["timezone"]
    response = api(people.member).post(_url(people), body, format="json")
    assert response.json()["timezone"] == "America/New_York"


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"rrule": "FREQ=WEEKLY;BYDAY=XX"}, "rrule", "invalid 'BYDAY'"),
    ({"rrule": "EVERY MONDAY"}, "rrule", "not valid"),
    ({"rrule": "FREQ=MINUTELY"}, "rrule", "at most hourly"),
    ({"rrule": "FREQ=DAILY;COUNT=1", "starts_at": "2020-01-01T00:00:00Z"}, "rrule",
     "no occurrence"),
    ({"timezone": "Mars/Olympus"}, "timezone", "not a time zone"),
    ({"item_template": {}}, "item_template", "name"),
    ({"item_template": {"name": "x", "due_in_days": -1}}, "item_template", "between"),
    ({"item_template": {"name": "x", "colour": "red"}}, "item_template", "unknown keys"),
    ({"board": 999999}, "board", "No such board"),
])
def test_a_bad_schedule_is_a_400_with_the_reason(people, api, board, change, field, words):
    response = api(people.member).post(_url(people), {**_body(board), **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert words.lower() in str(response.json()).lower()


def test_guests_cannot_schedule_and_private_boards_stay_hidden(people, api, board):
    assert api(people.guest).post(_url(people), _body(board), format="json").status_code == 403
    private = BoardFactory(workspace=people.workspace, privacy=Privacy.PRIVATE)
    hidden = RecurringScheduleFactory(board=private)
    response = api(people.member).post(_url(people), _body(private), format="json")
    assert response.status_code == 400 and "board" in response.json()["fields"]
    assert api(people.member).get(_url(people, f"{hidden.pk}/")).status_code == 404
    assert api(people.admin).get(_url(people, f"{hidden.pk}/")).status_code == 200


def test_a_team_needs_a_template_board(people, api, board):
    team = TeamFactory(workspace=people.workspace)
    response = api(people.member).post(_url(people), _body(board, team=team.pk), format="json")
    assert response.status_code == 400 and "team" in response.json()["fields"]


def test_changing_the_rule_restarts_from_now_and_deleting_works(people, api, board):
    client = api(people.member)
    created = client.post(_url(people), _body(board), format="json").json()
    response = client.patch(_url(people, f"{created['id']}/"),
                            {"rrule": "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=8", "enabled": False},
                            format="json")
    assert response.status_code == 200, response.content
    assert response.json()["rrule"].startswith("FREQ=MONTHLY")
    assert response.json()["enabled"] is False
    assert dt.datetime.fromisoformat(
        response.json()["next_occurrence_at"].replace("Z", "+00:00")).day == 1
    assert client.delete(_url(people, f"{created['id']}/")).status_code == 204
    assert not RecurringSchedule.objects.filter(pk=created["id"]).exists()


def test_occurrences_are_listed_newest_first_with_their_items(people, api, board):
    schedule = schedules.schedule_create(
        actor=people.member, name="Daily", board=board, rrule="FREQ=DAILY;BYHOUR=9",
        timezone_name="UTC", starts_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        item_template={"name": "Daily {date}"}, now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    schedules.schedules_run_due(now=dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC))
    response = api(people.member).get(_url(people, f"{schedule.pk}/occurrences/"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["occurs_at"][:10] for r in rows] == ["2026-03-03", "2026-03-02", "2026-03-01"]
    assert all(len(r["item_ids"]) == 1 for r in rows)


def test_the_schedule_list_query_count_does_not_grow_with_page_size(people, api, board):
    for _ in range(30):
        RecurringScheduleFactory(board=board)
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_url(people, f"?page_size={size}"))
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_occurrence_list_query_count_does_not_grow_with_page_size(people, api, board):
    schedule = RecurringScheduleFactory(board=board)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for day in range(30):
        RecurringOccurrenceFactory(schedule=schedule, occurs_at=start + dt.timedelta(days=day),
                                   item_ids=[day])
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_url(people, f"{schedule.pk}/occurrences/?page_size={size}"))
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
