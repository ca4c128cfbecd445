"""The scheduler on hand-computed networks: a textbook network, all four dependency types with
lags, a weekend and holidays, milestones, constraints, fixed items and cycles. No database."""

from __future__ import annotations

import datetime as dt

import pytest

from projects.scheduling import (
    Link,
    ScheduleCycleError,
    SchedulingError,
    Task,
    WorkCalendar,
    reschedule,
    schedule,
)

WEEKDAYS = WorkCalendar({0, 1, 2, 3, 4})
MON = dt.date(2024, 3, 4)  # a Monday; weeks Mon 4 - Fri 8, Mon 11 - Fri 15, Mon 18 - Fri 22


def day(n: int) -> dt.date:
    """Working day n of the project (0 = Monday 4 March 2024), counted by hand: five a week."""
    return MON + dt.timedelta(days=7 * (n // 5) + n % 5)


def row(result, item):
    """(early start, early finish, late start, late finish, total float, free float)."""
    t = result.tasks[item]
    return t.early_start, t.early_finish, t.late_start, t.late_finish, t.total_float, t.free_float


def expect(es: int, ef: int, ls: int, lf: int, tf: int, ff: int):
    """The textbook's day numbers (start of day es, end of day ef) as inclusive dates."""
    return day(es), day(ef - 1), day(ls), day(lf - 1), tf, ff


def test_day_helper_is_the_calendar():
    assert [day(n) for n in (0, 4, 5, 9, 10)] == [
        MON, dt.date(2024, 3, 8), dt.date(2024, 3, 11), dt.date(2024, 3, 15), dt.date(2024, 3, 18)]


# A textbook activity-on-node network (durations in days; predecessors finish-to-start):
#   A 2 -        B 3 -        C 2 A        D 4 A,B
#   E 4 C        F 3 C        G 5 D,E      H 2 F,G
# Forward pass: A 0-2, B 0-3, C 2-4, D 3-7, E 4-8, F 4-7, G 8-13, H 13-15.
# Backward pass from 15: H 13-15, G 8-13, F 10-13, E 4-8, D 4-8, C 2-4, B 1-4, A 0-2.
# Slack: B 1, D 1, F 6, the rest 0; critical path A-C-E-G-H, 15 days.
A, B, C, D, E, F, G, H = range(1, 9)
TEXTBOOK_TASKS = [Task(A, 2), Task(B, 3), Task(C, 2), Task(D, 4), Task(E, 4), Task(F, 3),
                  Task(G, 5), Task(H, 2)]
TEXTBOOK_LINKS = [Link(A, C), Link(A, D), Link(B, D), Link(C, E), Link(C, F), Link(D, G),
                  Link(E, G), Link(F, H), Link(G, H)]


def test_textbook_network():
    result = schedule(TEXTBOOK_TASKS, TEXTBOOK_LINKS, WEEKDAYS, MON)
    assert row(result, A) == expect(0, 2, 0, 2, 0, 0)
    assert row(result, B) == expect(0, 3, 1, 4, 1, 0)
    assert row(result, C) == expect(2, 4, 2, 4, 0, 0)
    assert row(result, D) == expect(3, 7, 4, 8, 1, 1)
    assert row(result, E) == expect(4, 8, 4, 8, 0, 0)
    assert row(result, F) == expect(4, 7, 10, 13, 6, 6)
    assert row(result, G) == expect(8, 13, 8, 13, 0, 0)
    assert row(result, H) == expect(13, 15, 13, 15, 0, 0)
    assert result.critical_path == [A, C, E, G, H]
    assert [i for i, t in result.tasks.items() if t.critical] == [A, C, E, G, H]
    assert result.project_start == MON
    assert result.project_finish == dt.date(2024, 3, 22)
    assert result.tasks[H].early_start == dt.date(2024, 3, 21)
    assert result.violations == []


def test_input_order_does_not_matter():
    ordered = schedule(TEXTBOOK_TASKS, TEXTBOOK_LINKS, WEEKDAYS, MON)
    backwards = schedule(TEXTBOOK_TASKS[::-1], TEXTBOOK_LINKS[::-1], WEEKDAYS, MON)
    assert backwards.tasks == {i: ordered.tasks[i] for i in backwards.tasks}
    assert backwards.critical_path == ordered.critical_path


def test_a_deadline_sets_the_late_dates():
    late = schedule(TEXTBOOK_TASKS, TEXTBOOK_LINKS, WEEKDAYS, MON, deadline=day(16))
    early = schedule(TEXTBOOK_TASKS, TEXTBOOK_LINKS, WEEKDAYS, MON, deadline=day(12))
    assert late.tasks[A].total_float == 2 and late.tasks[F].total_float == 8
    assert not late.tasks[A].critical
    assert early.tasks[A].total_float == -2 and early.tasks[A].late_start == day(-2)
    assert early.critical_path == [A, C, E, G, H]
    assert early.project_finish == late.project_finish == day(14)


# All four types with positive and negative lags (E is a milestone):
#   A 3, B 2, C 4, D 1, E 0, F 2, G 2
#   A FS+2 B, A SS+1 C, B FF-1 D, C SF+3 D, C FS-1 E, D FS F, E FS F, F SS-1 G
# On the working-time line (boundary n = start of day n = end of day n-1):
#   A 0-3; B starts >= 3+2 = 5: 5-7; C starts >= 0+1: 1-5;
#   D finishes >= 7-1 = 6 (FF) and >= 1+3 = 4 (SF): 5-6; E at >= 5-1 = 4 (its date: day 3);
#   F starts >= max(6, 4): 6-8; G starts >= 6-1 = 5: 5-7. Project end 8.
# Backward from 8: G 6-8, F 6-8 (G's SS-1 allows 7), E 6, D 5-6, B 5-7 (D's FF-1),
#   C 3-7 (D's SF+3: start <= 5+1-3 = 3; E's FS-1: finish <= 6+1 = 7), A 0-3 (B: 5-2-3 = 0).
# Free float: C 0 (E is driven by it), E 2, G 1; critical A-B-D-F.
def test_all_four_dependency_types_with_lags():
    tasks = [Task(1, 3), Task(2, 2), Task(3, 4), Task(4, 1), Task(5, 0), Task(6, 2), Task(7, 2)]
    links = [Link(1, 2, "FS", 2), Link(1, 3, "SS", 1), Link(2, 4, "FF", -1), Link(3, 4, "SF", 3),
             Link(3, 5, "FS", -1), Link(4, 6), Link(5, 6), Link(6, 7, "SS", -1)]
    result = schedule(tasks, links, WEEKDAYS, MON)
    march = lambda d: dt.date(2024, 3, d)  # noqa: E731
    assert row(result, 1) == (march(4), march(6), march(4), march(6), 0, 0)
    assert row(result, 2) == (march(11), march(12), march(11), march(12), 0, 0)
    assert row(result, 3) == (march(5), march(8), march(7), march(12), 2, 0)
    assert row(result, 4) == (march(11), march(11), march(11), march(11), 0, 0)
    assert row(result, 5) == (march(7), march(7), march(11), march(11), 2, 2)
    assert row(result, 6) == (march(12), march(13), march(12), march(13), 0, 0)
    assert row(result, 7) == (march(11), march(12), march(12), march(13), 1, 1)
    assert result.critical_path == [1, 2, 4, 6]
    assert result.project_finish == march(13)


def test_lag_rules_read_on_dates():
    """Two three-day tasks, A on Mon 4 - Wed 6 March, and B after it by each rule."""
    def b_dates(kind: str, lag: int) -> tuple[dt.date, dt.date]:
        result = schedule([Task(1, 3), Task(2, 3, start_no_earlier_than=dt.date(2024, 3, 1))],
                          [Link(1, 2, kind, lag)], WEEKDAYS, dt.date(2024, 2, 26))
        b = result.tasks[2]
        return b.early_start, b.early_finish

    feb = lambda d: dt.date(2024, 2, d)  # noqa: E731
    march = lambda d: dt.date(2024, 3, d)  # noqa: E731
    # A runs Mon 26 - Wed 28 February here; B can't start before Fri 1 March.
    assert b_dates("FS", 0) == (march(1), march(5))  # the working day after A's finish
    assert b_dates("FS", 2) == (march(4), march(6))  # Thursday 29 + 2 working days
    assert b_dates("FS", 3) == (march(5), march(7))
    assert b_dates("SS", 4) == (march(1), march(5))  # Monday 26 + 4
    assert b_dates("SS", 5) == (march(4), march(6))
    assert b_dates("FF", 5) == (march(4), march(6))  # finishes >= Wednesday 28 + 5
    assert b_dates("SF", 5) == (march(1), march(5))  # SF 0 would finish Friday 23
    assert b_dates("SF", 8) == (march(4), march(6))  # finishes the day before Mon 26 + 8
    assert b_dates("FS", -1) == (march(1), march(5))  # leads never beat the constraint
    assert feb(26).weekday() == 0


CHRISTMAS = {dt.date(2024, 12, 25), dt.date(2024, 12, 26), dt.date(2025, 1, 1)}


def test_weekends_and_holidays_are_skipped():
    calendar = WorkCalendar({0, 1, 2, 3, 4}, CHRISTMAS)
    tasks = [Task(1, 3), Task(2, 2), Task(3, 0), Task(4, 3), Task(5, 2)]
    links = [Link(1, 2), Link(2, 3), Link(3, 4, "FS", 1), Link(1, 5, "SS", 2), Link(5, 4, "FF")]
    result = schedule(tasks, links, calendar, dt.date(2024, 12, 19))  # a Thursday
    dec = lambda d: dt.date(2024, 12, d)  # noqa: E731
    jan = lambda d: dt.date(2025, 1, d)  # noqa: E731
    # A: Thu 19, Fri 20, Mon 23. B: Tue 24, (25 and 26 off) Fri 27. Milestone: Fri 27.
    # C: the day after Fri 27 (Mon 30) plus one: Tue 31, (1 Jan off) Thu 2, Fri 3 January.
    # D: starts Thu 19 + 2 = Mon 23; must finish by C's finish, Fri 3: late Thu 2 - Fri 3.
    assert row(result, 1) == (dec(19), dec(23), dec(19), dec(23), 0, 0)
    assert row(result, 2) == (dec(24), dec(27), dec(24), dec(27), 0, 0)
    assert row(result, 3) == (dec(27), dec(27), dec(27), dec(27), 0, 0)
    assert row(result, 4) == (dec(31), jan(3), dec(31), jan(3), 0, 0)
    assert row(result, 5) == (dec(23), dec(24), jan(2), jan(3), 5, 5)
    assert result.critical_path == [1, 2, 3, 4]
    assert result.project_finish == jan(3)


def test_a_project_starting_on_a_weekend_starts_on_monday():
    result = schedule([Task(1, 1)], [], WEEKDAYS, dt.date(2024, 3, 2))
    assert result.tasks[1].early_start == result.tasks[1].early_finish == MON
    assert result.project_start == dt.date(2024, 3, 2)


def test_a_week_of_sunday_to_thursday():
    calendar = WorkCalendar({6, 0, 1, 2, 3})
    result = schedule([Task(1, 5), Task(2, 1)], [Link(1, 2)], calendar, dt.date(2024, 3, 3))
    assert row(result, 1)[:2] == (dt.date(2024, 3, 3), dt.date(2024, 3, 7))
    assert row(result, 2)[:2] == (dt.date(2024, 3, 10), dt.date(2024, 3, 10))


def test_milestones_are_the_end_of_their_date():
    tasks = [Task(1, 0), Task(2, 2), Task(3, 2), Task(4, 3), Task(5, 0), Task(6, 0), Task(7, 1)]
    links = [Link(1, 2), Link(1, 3, "FS", -1), Link(3, 4), Link(4, 5), Link(4, 6, "FF"),
             Link(5, 7)]
    result = schedule(tasks, links, WEEKDAYS, MON)
    kickoff, after_kickoff, same_day = (result.tasks[i] for i in (1, 2, 3))
    assert kickoff.early_start == kickoff.early_finish == MON
    assert kickoff.duration == 0
    assert after_kickoff.early_start == day(1)  # FS 0: the next working day
    assert same_day.early_start == MON  # FS -1: the same day
    assert result.tasks[4].early_finish == day(4)
    assert result.tasks[5].early_start == result.tasks[5].early_finish == day(4)  # FS
    assert result.tasks[6].early_start == day(4)  # FF
    assert result.tasks[7].early_start == day(5)  # the working day after the milestone
    assert result.critical_path == [1, 3, 4, 5, 7]
    assert result.tasks[1].total_float == 0 and result.tasks[2].total_float == 3
    assert result.tasks[6].total_float == 1


def test_start_no_earlier_than_moves_the_early_dates():
    tasks = [Task(1, 2), Task(2, 2, start_no_earlier_than=day(3))]
    result = schedule(tasks, [Link(1, 2)], WEEKDAYS, MON)
    assert row(result, 2) == (day(3), day(4), day(3), day(4), 0, 0)
    assert row(result, 1) == (day(0), day(1), day(1), day(2), 1, 1)
    assert result.critical_path == [2]  # driven by its constraint, not by task 1
    saturday = dt.date(2024, 3, 9)
    weekend = schedule([Task(3, 1, start_no_earlier_than=saturday)], [], WEEKDAYS, MON)
    assert weekend.tasks[3].early_start == dt.date(2024, 3, 11)


def test_finish_no_later_than_gives_negative_float():
    # A 5 days then B 5 days finish on day 9; B must finish by day 7: two days short.
    tasks = [Task(1, 5), Task(2, 5, finish_no_later_than=day(7)), Task(3, 3)]
    result = schedule(tasks, [Link(1, 2)], WEEKDAYS, MON)
    assert row(result, 2) == (day(5), day(9), day(3), day(7), -2, -2)
    assert row(result, 1) == (day(0), day(4), day(-2), day(2), -2, -2)
    assert result.tasks[1].late_start == dt.date(2024, 2, 29)
    assert result.tasks[3].total_float == 7
    assert result.critical_path == [1, 2]
    assert result.tasks[1].critical and not result.tasks[3].critical


def test_finish_no_later_than_on_a_weekend_means_the_friday_before():
    tasks = [Task(1, 5, finish_no_later_than=dt.date(2024, 3, 10))]
    result = schedule([*tasks, Task(2, 10)], [], WEEKDAYS, MON)
    assert result.tasks[1].late_finish == dt.date(2024, 3, 8)
    assert result.tasks[1].total_float == 0


def test_external_predecessors_constrain_and_keep_their_dates():
    external = Task(90, 2, start=day(7), finish=day(8), external=True)
    tail = Task(91, 1, start=day(30), finish=day(30), external=True)
    tasks = [external, tail, Task(1, 2), Task(2, 3)]
    links = [Link(90, 2), Link(1, 2), Link(2, 91)]
    result = schedule(tasks, links, WEEKDAYS, MON)
    x = result.tasks[90]
    assert (x.early_start, x.early_finish, x.late_start, x.late_finish) == (
        day(7), day(8), day(7), day(8))
    assert x.fixed and not x.critical and x.total_float == 0
    assert result.tasks[2].early_start == day(9)
    assert result.project_finish == day(11)  # the external successor doesn't count
    assert result.critical_path == [2]
    assert result.tasks[1].total_float == 7


def test_done_tasks_keep_their_dates():
    tasks = [Task(1, 3, start=dt.date(2024, 2, 26), finish=dt.date(2024, 2, 28), done=True),
             Task(2, 2), Task(3, 2, start=day(6), done=True), Task(4, 1), Task(5, 4, done=True)]
    links = [Link(1, 2), Link(2, 3), Link(3, 4), Link(1, 5)]
    result = schedule(tasks, links, WEEKDAYS, MON)
    assert row(result, 1) == (dt.date(2024, 2, 26), dt.date(2024, 2, 28)) * 2 + (0, 0)
    assert result.tasks[2].early_start == MON  # the project start is later than the done task
    assert result.tasks[3].early_finish == day(7)  # finish derived from the duration
    assert result.tasks[4].early_start == day(8)
    assert row(result, 2)[2:] == (day(4), day(5), 4, 4)  # must finish before task 3 starts
    assert result.tasks[5].early_start == MON  # done without dates: scheduled like the others
    assert not result.tasks[5].fixed


def test_a_link_a_fixed_item_breaks_is_reported():
    tasks = [Task(1, 5), Task(2, 1, start=day(2), finish=day(2), done=True)]
    result = schedule(tasks, [Link(1, 2)], WEEKDAYS, MON)
    assert result.tasks[2].early_start == day(2)
    assert [(v.link, v.days) for v in result.violations] == [(Link(1, 2), 3)]
    assert result.tasks[1].total_float == -3 and result.tasks[1].critical


def test_an_empty_project():
    result = schedule([], [], WEEKDAYS, MON)
    assert (result.project_start, result.project_finish) == (MON, MON)
    assert result.tasks == {} and result.critical_path == []


def test_a_cycle_names_exactly_its_items():
    tasks = [Task(i, 1) for i in range(1, 8)]
    links = [Link(6, 1), Link(1, 2), Link(4, 2, "SS"), Link(2, 3), Link(3, 4), Link(4, 5),
             Link(5, 7)]
    with pytest.raises(ScheduleCycleError) as caught:
        schedule(tasks, links, WEEKDAYS, MON)
    assert caught.value.cycle == [2, 3, 4]
    assert "2 → 3 → 4 → 2" in str(caught.value)
    with pytest.raises(ScheduleCycleError) as caught:
        reschedule(tasks, links, WEEKDAYS, "flexible", {1: (None, None)})
    assert caught.value.cycle == [2, 3, 4]


def test_cycles_of_one_and_two_items():
    with pytest.raises(ScheduleCycleError) as caught:
        schedule([Task(7, 1)], [Link(7, 7)], WEEKDAYS, MON)
    assert caught.value.cycle == [7]
    with pytest.raises(ScheduleCycleError) as caught:
        schedule([Task(9, 1), Task(5, 1)], [Link(9, 5), Link(5, 9, "FF", -3)], WEEKDAYS, MON)
    assert caught.value.cycle == [5, 9]


def test_bad_input_is_refused():
    with pytest.raises(SchedulingError, match="item 3"):
        schedule([Task(1, 1)], [Link(1, 3)], WEEKDAYS, MON)
    with pytest.raises(SchedulingError, match="twice"):
        schedule([Task(1, 1), Task(1, 2)], [], WEEKDAYS, MON)
    with pytest.raises(ValueError, match="negative duration"):
        Task(1, -1)
    with pytest.raises(ValueError, match="dependency type"):
        Link(1, 2, "XX")  # type: ignore[arg-type]
