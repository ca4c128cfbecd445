"""The capacity arithmetic on its own: calendars, working-day counts and spreading."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from timetracking.capacity import (
    Booking,
    Demand,
    MemberCalendar,
    days_between,
    default_weekly_hours,
    workload_compute,
)

MONDAY = dt.date(2026, 3, 2)


def test_the_default_week_follows_the_workspace_working_days():
    assert default_weekly_hours([0, 1, 2, 3, 4]) == (8, 8, 8, 8, 8, 0, 0)
    assert default_weekly_hours([6, 0]) == (8, 0, 0, 0, 0, 0, 8)


def test_capacity_of_a_day():
    calendar = MemberCalendar.build(
        weekly=[8, 8, 8, 8, 4, 0, 0], holidays=[MONDAY],
        time_off=[(MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=1), True),
                  (MONDAY + dt.timedelta(days=3), MONDAY + dt.timedelta(days=4), False)],
    )
    week = days_between(MONDAY, MONDAY + dt.timedelta(days=6))
    assert [calendar.capacity(d) for d in week] == [0, 4, 8, 0, 0, 0, 0]
    assert [calendar.is_working(d) for d in week] == [False, True, True, False, False, False,
                                                      False]


def test_two_half_days_on_one_day_make_a_whole_day():
    calendar = MemberCalendar.build(weekly=[8] * 7, time_off=[(MONDAY, MONDAY, True)] * 3)
    assert calendar.capacity(MONDAY) == 0
    assert calendar.working_days(MONDAY, MONDAY) == 0


@given(
    weekly=st.lists(st.sampled_from([0, 4, 8]), min_size=7, max_size=7),
    offset=st.integers(0, 60), length=st.integers(0, 60),
    holidays=st.lists(st.integers(0, 120), max_size=8),
    off=st.lists(st.tuples(st.integers(0, 120), st.integers(0, 3), st.booleans()), max_size=5),
)
def test_counting_working_days_agrees_with_walking_the_days(weekly, offset, length, holidays,
                                                            off):
    base = dt.date(2026, 1, 1)
    calendar = MemberCalendar.build(
        weekly=weekly,
        holidays=[base + dt.timedelta(days=h) for h in holidays],
        time_off=[(base + dt.timedelta(days=s), base + dt.timedelta(days=s + (0 if half else n)),
                   half) for s, n, half in off],
    )
    start = base + dt.timedelta(days=offset)
    end = start + dt.timedelta(days=length)
    walked = sum(calendar.is_working(d) for d in days_between(start, end))
    assert calendar.working_days(start, end) == walked


def test_work_in_a_window_without_working_days_still_shows():
    calendar = MemberCalendar.build(weekly=[8, 8, 8, 8, 8, 0, 0])
    saturday = MONDAY + dt.timedelta(days=5)
    result = workload_compute(
        start=MONDAY, end=MONDAY + dt.timedelta(days=6), calendars={1: calendar},
        demands=[Demand(saturday, saturday + dt.timedelta(days=1), 6.0, (1,))], bookings=[],
    )
    assert result[1].assigned == [0, 0, 0, 0, 0, 3, 3]


def test_allocations_are_a_share_of_capacity():
    calendar = MemberCalendar.build(weekly=[8, 8, 8, 8, 8, 0, 0], holidays=[MONDAY])
    result = workload_compute(
        start=MONDAY, end=MONDAY + dt.timedelta(days=6), calendars={1: calendar}, demands=[],
        bookings=[Booking(member=1, start=MONDAY, end=MONDAY + dt.timedelta(days=30),
                          hours_per_week=10.0),
                  Booking(member=1, start=MONDAY + dt.timedelta(days=4), end=MONDAY
                          + dt.timedelta(days=4), percent=50.0)],
    )
    # 10 h of a 40-hour week is a quarter of each day; Monday is a holiday.
    assert result[1].allocated == [0, 2, 2, 2, 6, 0, 0]


def test_a_share_for_someone_outside_the_calendars_is_ignored():
    calendar = MemberCalendar.build(weekly=[8] * 7)
    result = workload_compute(
        start=MONDAY, end=MONDAY, calendars={1: calendar},
        demands=[Demand(MONDAY, MONDAY, 8.0, (1, 2))], bookings=[],
    )
    assert result[1].assigned == [4.0]
