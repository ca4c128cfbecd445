"""Recurring schedules create their items on time, in their time zone, exactly once."""

import datetime as dt
import zoneinfo

import pytest

from automations.models import RecurringOccurrence, RecurringSchedule
from automations.services import schedules
from boards.models import Item
from tests.factories import (
    BoardFactory,
    ColumnFactory,
    GroupFactory,
    ItemFactory,
    MembershipFactory,
    StatusFactory,
    TeamFactory,
)
from workos.activity.models import Activity, Notification

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def _at(*args, tz=UTC):
    return dt.datetime(*args, tzinfo=tz)


@pytest.fixture
def board(people):
    board = BoardFactory(workspace=people.workspace)
    GroupFactory(board=board, name="This week")
    return board


def _weekly(people, board, **extra):
    options = {
        "actor": people.member, "name": "Weekly report", "board": board,
        "rrule": "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0",
        "timezone_name": "Europe/Berlin", "starts_at": _at(2026, 3, 1),
        "item_template": {"name": "Weekly report {date} ({week})", "due_in_days": 4},
        "now": _at(2026, 3, 1),
    }
    options.update(extra)
    return schedules.schedule_create(**options)


def test_a_weekly_rule_in_berlin_keeps_local_time_across_the_dst_change(people, board):
    schedule = _weekly(people, board)
    # Europe/Berlin moves to summer time on 29 March 2026.
    assert schedule.next_occurrence_at == _at(2026, 3, 2, 8)
    created = schedules.schedules_run_due(now=_at(2026, 4, 7))
    assert created == 6
    times = list(RecurringOccurrence.objects.filter(schedule=schedule)
                 .order_by("occurs_at").values_list("occurs_at", flat=True))
    assert [t.astimezone(BERLIN).strftime("%a %H:%M") for t in times] == ["Mon 09:00"] * 6
    assert [t.hour for t in times] == [8, 8, 8, 8, 7, 7]
    names = list(Item.objects.filter(board=board).order_by("id").values_list("name", "due_date"))
    assert names[0] == ("Weekly report 2026-03-02 (2026-W10)", dt.date(2026, 3, 6))
    assert names[-1] == ("Weekly report 2026-04-06 (2026-W15)", dt.date(2026, 4, 10))
    schedule.refresh_from_db()
    assert schedule.last_occurrence_at == _at(2026, 4, 6, 7)
    assert schedule.next_occurrence_at == _at(2026, 4, 13, 7)


def test_nothing_happens_before_the_time_and_each_occurrence_once(people, board):
    schedule = _weekly(people, board)
    assert schedules.schedules_run_due(now=_at(2026, 3, 2, 7, 59)) == 0
    assert schedules.schedules_run_due(now=_at(2026, 3, 2, 8, 0)) == 1
    assert schedules.schedules_run_due(now=_at(2026, 3, 2, 8, 1)) == 0
    assert schedules.schedule_run(schedule_id=schedule.pk, now=_at(2026, 3, 2, 8, 2)) == 0
    assert Item.objects.filter(board=board).count() == 1


def test_missed_occurrences_are_caught_up_once_each_a_few_per_run(people, board):
    schedule = _weekly(people, board, rrule="FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0")
    # Beat was down from before the first occurrence (1 March) until 26 March.
    later = _at(2026, 3, 26, 12)
    assert schedules.schedules_run_due(now=later) == schedules.CATCH_UP_PER_RUN
    assert schedules.schedules_run_due(now=later) == 10
    assert schedules.schedules_run_due(now=later) == 6
    assert schedules.schedules_run_due(now=later) == 0
    days = sorted(RecurringOccurrence.objects.filter(schedule=schedule)
                  .values_list("occurs_at", flat=True))
    assert len(days) == len(set(days)) == 26
    assert days[0] == _at(2026, 3, 1, 8) and days[-1] == _at(2026, 3, 26, 8)
    assert Item.objects.filter(board=board).count() == 26


def test_an_occurrence_row_that_exists_already_is_not_made_again(people, board):
    schedule = _weekly(people, board)
    # As if a racing run had made it between this run's read and its insert.
    RecurringOccurrence.objects.create(schedule=schedule, occurs_at=_at(2026, 3, 2, 8))
    assert schedules.schedules_run_due(now=_at(2026, 3, 2, 9)) == 0
    assert not Item.objects.filter(board=board).exists()
    schedule.refresh_from_db()
    assert schedule.next_occurrence_at == _at(2026, 3, 9, 8)


def test_two_beats_at_the_same_tick_make_one_occurrence(people, board):
    schedule = _weekly(people, board)
    tick = _at(2026, 3, 2, 8, 0, 30)
    results = [schedules.schedules_run_due(now=tick), schedules.schedules_run_due(now=tick)]
    assert sorted(results) == [0, 1]
    assert RecurringOccurrence.objects.filter(schedule=schedule).count() == 1


def test_the_items_and_the_occurrence_are_recorded_as_activity(people, board):
    schedule = _weekly(people, board)
    schedules.schedules_run_due(now=_at(2026, 3, 2, 9))
    occurrence = RecurringOccurrence.objects.get(schedule=schedule)
    item = Item.objects.get(board=board)
    assert occurrence.item_ids == [item.pk]
    assert Activity.objects.filter(verb="item.created", target_id=item.pk).exists()
    occurred = Activity.objects.get(verb="recurring.occurred", target_id=schedule.pk)
    assert occurred.data["items"] == [item.pk]
    assert item.created_by.user.email.endswith("@workos.invalid")


def test_a_team_template_makes_one_set_per_member_with_sub_items_and_relative_dates(
    people, board
):
    template = BoardFactory(workspace=people.workspace, name="Review template")
    group = GroupFactory(board=template, name="This week")
    ColumnFactory(board=template, key="due_in_days", title="Due in days", type="number")
    StatusFactory(board=board, name="To do", category="todo")
    review = ItemFactory(board=template, group=group, name="Performance review {member} {year}",
                         values={"due_in_days": 30}, position="a")
    ItemFactory(board=template, group=group, parent=review, name="Self-assessment",
                values={"due_in_days": 7}, position="b")
    ItemFactory(board=template, group=group, parent=review, name="Manager review",
                values={"due_in_days": 21}, position="c")
    ada = MembershipFactory(workspace=people.workspace, user__first_name="Ada",
                            user__last_name="Lovelace")
    bob = MembershipFactory(workspace=people.workspace, user__first_name="Bob",
                            user__last_name="Kahn")
    team = TeamFactory(workspace=people.workspace, name="Engineering")
    team.members.add(ada, bob)

    schedule = schedules.schedule_create(
        actor=people.member, name="Annual review", board=board, rrule="FREQ=YEARLY;BYMONTH=3",
        timezone_name="Europe/Berlin", starts_at=_at(2026, 3, 2, 8), template_board=template,
        team=team, now=_at(2026, 3, 1))
    assert schedules.schedules_run_due(now=_at(2026, 3, 2, 9)) == 1

    made = list(Item.objects.filter(board=board).order_by("id"))
    assert len(made) == 6
    reviews = [i for i in made if i.parent_id is None]
    assert [r.name for r in reviews] == ["Performance review Ada Lovelace 2026",
                                         "Performance review Bob Kahn 2026"]
    for review_item, member in zip(reviews, [ada, bob], strict=True):
        assert list(review_item.assignees.all()) == [member]
        assert review_item.due_date == dt.date(2026, 4, 1)
        subs = {i.name: i for i in made if i.parent_id == review_item.pk}
        assert subs["Self-assessment"].due_date == dt.date(2026, 3, 9)
        assert subs["Manager review"].due_date == dt.date(2026, 3, 23)
        assert list(subs["Self-assessment"].assignees.all()) == [member]
        assert review_item.group.name == "This week" and review_item.status.name == "To do"
    occurrence = RecurringOccurrence.objects.get(schedule=schedule)
    assert sorted(occurrence.item_ids) == sorted(i.pk for i in made)


def test_a_template_that_stopped_fitting_disables_the_schedule_and_tells_its_author(
    people, board
):
    status = StatusFactory(board=board, name="Open")
    schedule = _weekly(people, board, item_template={"name": "Report", "status": status.pk})
    status.delete()
    assert schedules.schedules_run_due(now=_at(2026, 3, 2, 9)) == 0
    schedule.refresh_from_db()
    assert not schedule.enabled
    note = Notification.objects.get(verb="recurring.failed")
    assert note.recipient == people.member and "Report" not in note.title
    assert "status" in Activity.objects.get(verb="recurring.failed").data["reason"].lower()
    assert schedules.schedules_run_due(now=_at(2026, 3, 20)) == 0


def test_enabling_again_starts_from_now_without_making_up_the_gap(people, board):
    schedule = _weekly(people, board)
    schedules.schedule_update(actor=people.member, schedule=schedule, enabled=False,
                              now=_at(2026, 3, 1))
    schedule = schedules.schedule_update(actor=people.member, schedule=schedule, enabled=True,
                                         now=_at(2026, 4, 1))
    assert schedule.next_occurrence_at == _at(2026, 4, 6, 7)
    assert schedules.schedules_run_due(now=_at(2026, 4, 6, 7, 30)) == 1


def test_a_rule_with_an_end_stops_making_occurrences(people, board):
    schedule = _weekly(people, board, rrule="FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;COUNT=2")
    assert schedules.schedules_run_due(now=_at(2026, 6, 1)) == 2
    schedule.refresh_from_db()
    assert schedule.next_occurrence_at is None
    assert RecurringSchedule.objects.filter(next_occurrence_at__isnull=True).count() == 1


def test_the_demo_opens_a_weekly_it_report(people):
    from automations.demo_hooks import seed_recurring

    desk = BoardFactory(workspace=people.workspace, name="IT service desk")
    GroupFactory(board=desk, name="Incoming")
    made = seed_recurring(people.workspace)
    assert [s.name for s in made] == ["Weekly IT report"]
    assert made[0].next_occurrence_at.astimezone(
        zoneinfo.ZoneInfo(people.workspace.timezone)).strftime("%a %H:%M") == "Mon 09:00"
    assert seed_recurring(people.workspace) == []
