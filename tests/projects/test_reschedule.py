"""Rescheduling after a change, in the three modes, on a small hand-drawn network. No database.

Monday-Friday weeks, day n = the n-th working day from Monday 4 March 2024 (the project start):
    A 3d  days 2-4                 (the item the user changes)
    B 2d  days 5-6   FS A          (tight: as early as A allows)
    C 2d  days 7-8   FS B          (tight)
    D 1d  day 8      FS A          (a gap: A allows day 5)
    E 1d  day 5      FS A, done
    F 2d  days 2-3   SS A          (tight on A's start)
    G 1d  day 7      FS B, FS H    (tight on both)
    H 3d  days 4-6
    U 2d  no dates   FS C
    X 1d  day 20     FS C, another project's item
"""

from __future__ import annotations

import datetime as dt

import pytest

from projects.scheduling import Link, SchedulingError, Task, WorkCalendar, reschedule

WEEKDAYS = WorkCalendar({0, 1, 2, 3, 4})
MON = dt.date(2024, 3, 4)


def day(n: int) -> dt.date:
    return MON + dt.timedelta(days=7 * (n // 5) + n % 5)


A, B, C, D, E, F, G, H, U, X = range(1, 11)
LINKS = [Link(A, B), Link(B, C), Link(A, D), Link(A, E), Link(A, F, "SS"), Link(B, G),
         Link(H, G), Link(C, U), Link(C, X)]


def network(a_start: int, a_finish: int) -> list[Task]:
    return [
        Task(A, a_finish - a_start + 1, day(a_start), day(a_finish)),
        Task(B, 2, day(5), day(6)), Task(C, 2, day(7), day(8)), Task(D, 1, day(8), day(8)),
        Task(E, 1, day(5), day(5), done=True), Task(F, 2, day(2), day(3)),
        Task(G, 1, day(7), day(7)), Task(H, 3, day(4), day(6)), Task(U, 2),
        Task(X, 1, day(20), day(20), external=True),
    ]


BEFORE = {A: (day(2), day(4))}


def run(mode, a_start: int, a_finish: int):
    answer = reschedule(network(a_start, a_finish), LINKS, WEEKDAYS, mode, BEFORE,
                        project_start=MON)
    moves = {m.id: (m.new_start, m.new_finish, m.delta) for m in answer.moved}
    broken = {(v.link.predecessor, v.link.successor): v.days for v in answer.violations}
    return moves, broken, answer


def span(first: int, last: int, delta: int | None):
    return day(first), day(last), delta


def test_flexible_follows_a_later_move_and_keeps_gaps_that_absorb_it():
    moves, broken, _ = run("flexible", 4, 6)  # A two days later
    assert moves == {B: span(7, 8, 2), C: span(9, 10, 2), F: span(4, 5, 2), G: span(9, 9, 2),
                     U: span(11, 12, None)}  # D's gap absorbs the move; E is done
    assert broken == {(A, E): 2}


def test_strict_moves_everything_downstream_by_the_same_delta():
    moves, broken, _ = run("strict", 4, 6)
    assert moves == {B: span(7, 8, 2), C: span(9, 10, 2), D: span(10, 10, 2),
                     F: span(4, 5, 2), G: span(9, 9, 2), U: span(11, 12, None)}
    assert broken == {(A, E): 2}


def test_none_moves_nothing_and_reports_the_broken_links():
    moves, broken, answer = run("none", 4, 6)
    assert moves == {}
    assert broken == {(A, B): 2, (A, E): 2, (A, F): 2}
    assert answer.mode == "none"


def test_flexible_pulls_tight_successors_earlier_but_not_before_the_project_start():
    moves, broken, _ = run("flexible", -1, 1)  # A three days earlier, partly before the start
    # F is SS on A: it would start on day -1, the project start holds it on day 0.
    assert moves == {B: span(2, 3, -3), C: span(4, 5, -3), F: span(0, 1, -2),
                     U: span(6, 7, None)}  # D keeps its date; G is still held by H
    assert broken == {}


def test_strict_keeps_gaps_when_moving_earlier():
    moves, broken, _ = run("strict", -1, 1)
    assert moves == {B: span(2, 3, -3), C: span(4, 5, -3), D: span(5, 5, -3),
                     F: span(0, 1, -2), U: span(6, 7, None)}
    assert broken == {}


def test_a_longer_duration_moves_finish_successors_only():
    strict, _, _ = run("strict", 2, 6)  # A now lasts five days: its start is unchanged
    assert strict == {B: span(7, 8, 2), C: span(9, 10, 2), D: span(10, 10, 2),
                      G: span(9, 9, 2), U: span(11, 12, None)}  # F hangs on A's start
    flexible, _, _ = run("flexible", 2, 6)
    assert flexible == {B: span(7, 8, 2), C: span(9, 10, 2), G: span(9, 9, 2),
                        U: span(11, 12, None)}


def test_moves_come_in_cascade_order_with_their_old_dates():
    _, _, answer = run("strict", 4, 6)
    order = [m.id for m in answer.moved]
    assert order.index(B) < order.index(C) < order.index(U)
    assert order.index(B) < order.index(G)
    b = next(m for m in answer.moved if m.id == B)
    assert (b.old_start, b.old_finish) == (day(5), day(6))


def test_moving_nothing_moves_nothing():
    for mode in ("strict", "flexible"):
        answer = reschedule(network(2, 4), LINKS, WEEKDAYS, mode, BEFORE, project_start=MON)
        assert [m.id for m in answer.moved] == [U]  # only the undated item gets dates
        assert answer.violations == []


def test_milestones_move_like_the_end_of_their_date():
    # Before: task 1 on days 0-1, the milestone at its finish (day 1), task 3 the day after.
    tasks = [Task(1, 2, day(1), day(2)), Task(2, 0, day(1), day(1)), Task(3, 1, day(2), day(2))]
    links = [Link(1, 2), Link(2, 3)]
    answer = reschedule(tasks, links, WEEKDAYS, "flexible", {1: (day(0), day(1))},
                        project_start=MON)
    assert [(m.id, m.new_start, m.new_finish, m.delta) for m in answer.moved] == [
        (2, day(2), day(2), 1), (3, day(3), day(3), 1)]


def test_wrong_input_is_refused():
    with pytest.raises(ValueError, match="mode"):
        reschedule([], [], WEEKDAYS, "lenient", {})  # type: ignore[arg-type]
    with pytest.raises(SchedulingError, match="changed item 99"):
        reschedule(network(2, 4), LINKS, WEEKDAYS, "strict", {99: (None, None)})
