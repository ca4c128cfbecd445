"""Property tests on random networks: the answer honours every link as the module docstring
states it (checked here on dates, through the public calendar only), no item could start
sooner, critical items have no float, and rescheduling leaves no broken link behind."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, replace

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from projects.scheduling import Link, Task, WorkCalendar, reschedule, schedule

examples = hypothesis_settings(database=None, deadline=None, max_examples=200)
BASE = dt.date(2024, 1, 1)
ORIGIN = dt.date(2020, 1, 1)


@dataclass
class Network:
    calendar: WorkCalendar
    start: dt.date
    tasks: list[Task]
    links: list[Link]


@st.composite
def networks(draw, constraints: bool = False) -> Network:
    calendar = WorkCalendar(
        draw(st.sets(st.integers(0, 6), min_size=1)),
        draw(st.sets(st.integers(-20, 200).map(lambda n: BASE + dt.timedelta(n)), max_size=25)))
    start = BASE + dt.timedelta(draw(st.integers(0, 13)))
    n = draw(st.integers(1, 18))
    dates = st.integers(0, 60).map(lambda k: start + dt.timedelta(k))
    tasks = [
        Task(10 + i, draw(st.integers(0, 6)),
             start_no_earlier_than=draw(st.none() | dates) if constraints else None,
             finish_no_later_than=draw(st.none() | dates) if constraints else None)
        for i in range(n)
    ]
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    links = [
        Link(tasks[min(a, b)].id, tasks[max(a, b)].id, draw(st.sampled_from(["FS", "SS", "FF", "SF"])),
             draw(st.integers(-3, 4)))
        for a, b in pairs if a != b
    ]
    order = draw(st.permutations(range(n)))
    return Network(calendar, start, [tasks[i] for i in order], links)


def points(calendar: WorkCalendar, duration: int, start: dt.date, finish: dt.date
           ) -> tuple[int, int]:
    """The item's start and finish points on the working-time line: point k = the end of the
    k-th working day after ORIGIN. A task starts at the end of the day before its start date; a
    milestone is the end of its date."""
    end_of = lambda day: calendar.working_days_between(ORIGIN, day)  # noqa: E731
    return (end_of(start) - (duration > 0), end_of(finish))


def satisfied(link: Link, pred: tuple[int, int], succ: tuple[int, int]) -> bool:
    here = succ[0] if link.type[1] == "S" else succ[1]
    there = pred[0] if link.type[0] == "S" else pred[1]
    return here >= there + link.lag


def early_points(net: Network, result, task: Task) -> tuple[int, int]:
    t = result.tasks[task.id]
    return points(net.calendar, task.duration, t.early_start, t.early_finish)


def late_points(net: Network, result, task: Task) -> tuple[int, int]:
    t = result.tasks[task.id]
    return points(net.calendar, task.duration, t.late_start, t.late_finish)


@examples
@given(networks(constraints=True))
def test_dates_are_working_days_and_spans_match_durations(net):
    result = schedule(net.tasks, net.links, net.calendar, net.start)
    cal = net.calendar
    for task in net.tasks:
        t = result.tasks[task.id]
        for day in (t.early_start, t.early_finish, t.late_start, t.late_finish):
            assert cal.is_working(day)
        if task.duration == 0:
            assert t.early_start == t.early_finish and t.late_start == t.late_finish
        else:
            assert cal.working_days_between(t.early_start, t.early_finish) == task.duration
            assert cal.working_days_between(t.late_start, t.late_finish) == task.duration
        assert t.total_float == cal.working_day_offset(t.early_start, t.late_start)
        assert t.total_float == cal.working_day_offset(t.early_finish, t.late_finish)
        assert t.early_start >= cal.next_working(net.start)
        if task.start_no_earlier_than:
            assert t.early_start >= task.start_no_earlier_than
        if task.finish_no_later_than:
            assert t.late_finish <= task.finish_no_later_than
        assert t.late_finish <= result.project_finish
        assert t.critical == (t.total_float <= 0)
        assert t.free_float <= t.total_float
    assert result.project_finish == max(t.early_finish for t in result.tasks.values())


@examples
@given(networks(constraints=True))
def test_every_link_holds_at_the_early_and_at_the_late_dates(net):
    result = schedule(net.tasks, net.links, net.calendar, net.start)
    by_id = {t.id: t for t in net.tasks}
    for link in net.links:
        pred, succ = by_id[link.predecessor], by_id[link.successor]
        assert satisfied(link, early_points(net, result, pred), early_points(net, result, succ))
        assert satisfied(link, late_points(net, result, pred), late_points(net, result, succ))
    assert result.violations == []


@examples
@given(networks(constraints=True))
def test_no_item_could_start_sooner(net):
    """Each item sits on its lower bound or is held there by a link with no slack."""
    result = schedule(net.tasks, net.links, net.calendar, net.start)
    by_id = {t.id: t for t in net.tasks}
    cal = net.calendar
    for task in net.tasks:
        t = result.tasks[task.id]
        bound = max(cal.next_working(net.start), task.start_no_earlier_than or net.start)
        if cal.next_working(bound) == t.early_start:
            continue
        mine = early_points(net, result, task)
        one_sooner = (mine[0] - 1, mine[1] - 1)
        assert any(
            not satisfied(link, early_points(net, result, by_id[link.predecessor]), one_sooner)
            for link in net.links if link.successor == task.id)


@examples
@given(networks())
def test_without_constraints_floats_are_never_negative_and_critical_means_zero(net):
    result = schedule(net.tasks, net.links, net.calendar, net.start)
    for t in result.tasks.values():
        assert t.early_start <= t.late_start
        assert 0 <= t.free_float <= t.total_float
        assert t.critical == (t.total_float == 0)


@examples
@given(networks(constraints=True))
def test_the_critical_path_is_a_driving_chain_of_critical_items(net):
    result = schedule(net.tasks, net.links, net.calendar, net.start)
    path = result.critical_path
    assert path, "a non-empty project always has a most critical item"
    assert all(result.tasks[i].critical for i in path)
    assert len(set(path)) == len(path)
    by_id = {t.id: t for t in net.tasks}
    for pred, succ in itertools.pairwise(path):
        driving = [
            link for link in net.links
            if (link.predecessor, link.successor) == (pred, succ)
            and not satisfied(link, early_points(net, result, by_id[pred]),
                              tuple(p - 1 for p in early_points(net, result, by_id[succ])))]
        assert driving, f"{pred} doesn't drive {succ}"
    first = result.tasks[path[0]]
    assert first.total_float == min(t.total_float for t in result.tasks.values())
    if all(t.finish_no_later_than is None for t in net.tasks):
        assert result.tasks[path[-1]].early_finish == result.project_finish
        assert first.total_float == 0


@examples
@given(networks(), st.data())
def test_flexible_rescheduling_matches_scheduling_around_the_change(net, data):
    """Starting from the early dates (every item as early as it can be), moving one item and
    rescheduling `flexible` gives what the scheduler gives with that item pinned there."""
    before = schedule(net.tasks, net.links, net.calendar, net.start)
    dated = [replace(t, start=before.tasks[t.id].early_start,
                     finish=before.tasks[t.id].early_finish) for t in net.tasks]
    moved = data.draw(st.sampled_from(dated))
    shift = data.draw(st.integers(-5, 8))
    cal = net.calendar
    new_start = cal.add_working_days(moved.start, shift) if shift else moved.start
    new_finish = cal.add_working_days(new_start, max(moved.duration - 1, 0))
    changed = replace(moved, start=new_start, finish=new_finish)
    tasks = [changed if t.id == moved.id else t for t in dated]
    previous = {moved.id: (moved.start, moved.finish)}
    answer = reschedule(tasks, net.links, cal, "flexible", previous, project_start=net.start)
    pinned = schedule([replace(t, external=True) if t.id == moved.id else t for t in tasks],
                      net.links, cal, net.start)
    now = {t.id: (t.start, t.finish) for t in tasks}
    now.update({m.id: (m.new_start, m.new_finish) for m in answer.moved})
    for t in tasks:
        if t.id != moved.id:
            assert now[t.id] == (pinned.tasks[t.id].early_start, pinned.tasks[t.id].early_finish)
    assert all(v.link.successor == moved.id for v in answer.violations)


@examples
@given(networks(), st.data(), st.sampled_from(["strict", "flexible"]))
def test_rescheduling_breaks_no_link_and_moves_only_what_follows(net, data, mode):
    before = schedule(net.tasks, net.links, net.calendar, net.start)
    done = set(data.draw(st.lists(st.sampled_from([t.id for t in net.tasks]))))
    dated = [replace(t, start=before.tasks[t.id].early_start,
                     finish=before.tasks[t.id].early_finish, done=t.id in done)
             for t in net.tasks]
    moved = data.draw(st.sampled_from(dated))
    cal = net.calendar
    shift = data.draw(st.integers(-4, 8))
    start = cal.add_working_days(moved.start, shift) if shift else moved.start
    tasks = [replace(t, start=start, finish=cal.add_working_days(start, max(t.duration - 1, 0)))
             if t.id == moved.id else t for t in dated]
    previous = {moved.id: (moved.start, moved.finish)}
    answer = reschedule(tasks, net.links, cal, mode, previous, project_start=net.start)
    downstream, frontier = set(), {moved.id}
    while frontier:
        frontier = {k.successor for k in net.links if k.predecessor in frontier} - downstream
        downstream |= frontier
    for m in answer.moved:
        assert m.id in downstream and m.id not in done and m.id != moved.id
        assert m.new_start >= cal.next_working(net.start)
        assert m.delta == cal.working_day_offset(m.old_start, m.new_start)
        # Nothing downstream moves further than the change, nor the other way.
        assert 0 < m.delta <= shift if shift > 0 else shift <= m.delta < 0
    for v in answer.violations:
        assert v.link.successor == moved.id or v.link.successor in done
