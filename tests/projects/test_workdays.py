"""The working-day calendar on its own: hand-checked dates, then agreement with day-by-day
counting on random calendars."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from projects.scheduling import WorkCalendar

examples = hypothesis_settings(database=None, deadline=None, max_examples=150)
DAY = dt.timedelta(days=1)
FRI, SAT, SUN, MON = (dt.date(2024, 12, 20) + n * DAY for n in range(4))
CHRISTMAS, BOXING_DAY, NEW_YEAR = dt.date(2024, 12, 25), dt.date(2024, 12, 26), dt.date(2025, 1, 1)


@pytest.fixture
def calendar() -> WorkCalendar:
    return WorkCalendar({0, 1, 2, 3, 4}, {CHRISTMAS, BOXING_DAY, NEW_YEAR})


def test_working_days_are_the_working_weekdays_minus_holidays(calendar):
    assert calendar.is_working(FRI)
    assert not calendar.is_working(SAT)
    assert not calendar.is_working(CHRISTMAS)
    assert calendar.is_working(dt.date(2024, 12, 24))


def test_next_and_prev_stay_on_a_working_day_and_roll_off_the_others(calendar):
    assert calendar.next_working(FRI) == FRI
    assert calendar.prev_working(FRI) == FRI
    assert calendar.next_working(SAT) == MON
    assert calendar.prev_working(SUN) == FRI
    assert calendar.next_working(CHRISTMAS) == dt.date(2024, 12, 27)
    assert calendar.prev_working(BOXING_DAY) == dt.date(2024, 12, 24)


def test_adding_working_days_skips_weekends_and_holidays(calendar):
    assert calendar.add_working_days(FRI, 1) == MON
    assert calendar.add_working_days(MON, -1) == FRI
    assert calendar.add_working_days(dt.date(2024, 12, 24), 1) == dt.date(2024, 12, 27)
    assert calendar.add_working_days(dt.date(2024, 12, 27), 3) == dt.date(2025, 1, 2)
    assert calendar.add_working_days(dt.date(2025, 1, 2), -3) == dt.date(2024, 12, 27)


def test_adding_from_a_non_working_day_counts_the_days_after_or_before_it(calendar):
    assert calendar.add_working_days(SAT, 1) == MON
    assert calendar.add_working_days(SAT, -1) == FRI
    assert calendar.add_working_days(SUN, 2) == MON + DAY


def test_adding_zero_rolls_forward_onto_a_working_day(calendar):
    assert calendar.add_working_days(FRI, 0) == FRI
    assert calendar.add_working_days(SAT, 0) == MON


def test_working_days_between_counts_both_ends(calendar):
    assert calendar.working_days_between(FRI, FRI) == 1
    assert calendar.working_days_between(FRI, MON) == 2
    assert calendar.working_days_between(SAT, SUN) == 0
    # 23 Dec to 3 Jan: ten weekdays, three of them holidays.
    assert calendar.working_days_between(dt.date(2024, 12, 23), dt.date(2025, 1, 3)) == 7
    assert calendar.working_days_between(MON, FRI) == 0


def test_offset_is_signed(calendar):
    assert calendar.working_day_offset(FRI, MON) == 1
    assert calendar.working_day_offset(MON, FRI) == -1
    assert calendar.working_day_offset(dt.date(2024, 12, 24), dt.date(2024, 12, 27)) == 1


def test_indexes_are_consecutive_over_working_days_and_round_trip(calendar):
    monday = calendar.index(MON)
    assert calendar.index(SAT) == monday
    assert calendar.floor_index(SAT) == monday - 1
    assert calendar.index(FRI) == monday - 1
    assert calendar.date(monday + 1) == MON + DAY
    days = [FRI, SAT, CHRISTMAS, NEW_YEAR]
    assert calendar.indexes(days) == [calendar.index(d) for d in days]
    assert calendar.indexes(days, floor=True) == [calendar.floor_index(d) for d in days]
    assert calendar.dates(calendar.indexes(days)) == [calendar.next_working(d) for d in days]


def test_indexes_stay_the_same_when_the_table_grows_either_way(calendar):
    monday = calendar.index(MON)
    far_past, far_future = dt.date(1990, 1, 1), dt.date(2090, 1, 2)
    past, future = calendar.index(far_past), calendar.index(far_future)
    assert calendar.index(MON) == monday
    assert calendar.date(past) == far_past
    assert calendar.date(future) == far_future
    assert calendar.working_days_between(far_past, MON) == monday - past + 1


def test_dates_far_from_any_known_index_are_found(calendar):
    fresh = WorkCalendar({2})  # Wednesdays only
    wednesday = fresh.date(0)
    assert wednesday.weekday() == 2
    assert fresh.date(5000) == wednesday + dt.timedelta(weeks=5000)
    assert fresh.date(-5000) == wednesday - dt.timedelta(weeks=5000)


def test_a_week_without_working_days_is_refused():
    with pytest.raises(ValueError, match="non-empty"):
        WorkCalendar(set())
    with pytest.raises(ValueError, match="non-empty"):
        WorkCalendar({7})


def naive_is_working(calendar: WorkCalendar, day: dt.date) -> bool:
    return day.weekday() in calendar.working_days and day not in calendar.holidays


BASE = dt.date(2024, 1, 1)
calendars = st.builds(
    WorkCalendar,
    st.sets(st.integers(0, 6), min_size=1),
    st.sets(st.integers(0, 120).map(lambda n: BASE + n * DAY), max_size=30),
)
days = st.integers(-30, 150).map(lambda n: BASE + n * DAY)


@examples
@given(calendars, days, days)
def test_working_days_between_matches_counting_day_by_day(calendar, a, b):
    expected = sum(naive_is_working(calendar, a + n * DAY) for n in range((b - a).days + 1))
    assert calendar.working_days_between(a, b) == expected


@examples
@given(calendars, days, st.integers(-40, 40))
def test_add_working_days_matches_stepping_day_by_day(calendar, day, n):
    expected = day
    if n == 0:
        while not naive_is_working(calendar, expected):
            expected += DAY
    step = DAY if n > 0 else -DAY
    for _ in range(abs(n)):
        expected += step
        while not naive_is_working(calendar, expected):
            expected += step
    assert calendar.add_working_days(day, n) == expected


@examples
@given(calendars, days)
def test_next_and_prev_working_match_stepping(calendar, day):
    forward, back = day, day
    while not naive_is_working(calendar, forward):
        forward += DAY
    while not naive_is_working(calendar, back):
        back -= DAY
    assert calendar.next_working(day) == forward
    assert calendar.prev_working(day) == back
    assert calendar.is_working(day) == (forward == day)
