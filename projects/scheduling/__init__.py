"""Critical-path scheduling over a working-day calendar: pure functions over plain values (no ORM,
no database, no other app), so every number can be checked by hand.

    WorkCalendar(working_days, holidays)                                    (workdays.py)
    schedule(tasks, links, calendar, project_start, *, deadline=None) -> Schedule   (cpm.py)
    reschedule(tasks, links, calendar, mode, changed, *, project_start=None)
        -> Reschedule; changed = {item id: (start, finish) before the change}   (cascade.py)
    Task, Link, Schedule, ScheduledTask, Reschedule, Move, Violation,
    SchedulingError, ScheduleCycleError                                      (model.py)

Conventions
-----------
Working days. Only the calendar's working weekdays (Monday = 0) that aren't holidays count.
Durations, lags and floats are whole working days. Internally each working day has an integer
index and all arithmetic is on those integers; dates are converted once on the way in and once
on the way out (`WorkCalendar.indexes` / `dates`).

Inclusive dates. A task of duration d >= 1 starting on working day S finishes on working day
S + d - 1: a one-day task starts and finishes on the same date. On the working-time line it runs
from the start of its first day to the end of its last day.

Milestones (duration 0) are the instant at the END of their date: start and finish are that
date. A milestone after a task (FS, lag 0) falls on the task's finish date, and a task after a
milestone (FS, lag 0) starts on the next working day. A milestone no earlier than the project
start is at the end of that day at the soonest, so a kickoff milestone's FS successors start on
the second working day (lag -1 makes them start on the first).

Links, with lag L in working days (negative = lead), compare the two items' points on the
working-time line (start point = start of the first day, finish point = end of the last day,
both the end of the date for a milestone), successor against predecessor:
    FS  succ start  >= pred finish + L   tasks, L = 0: the working day after pred's finish
    SS  succ start  >= pred start  + L   tasks, L = 0: the same start date
    FF  succ finish >= pred finish + L   the same finish date
    SF  succ finish >= pred start  + L   tasks, L = 0: succ finishes the working day before
                                         pred starts
So FS +2 after a task finishing Thursday (Monday-Friday week) starts Tuesday: Friday + 2.

Forward pass. A non-fixed item starts as early as its links allow, but its start date is never
before `project_start` or its `start_no_earlier_than` (non-working dates roll forward; the
answer's `project_start` is the date as given).
Backward pass, from the project end: the latest early finish of the non-external items, or
`deadline` when given; every late finish is at most that end and at most the item's
`finish_no_later_than` (non-working dates roll back). Constraints never move early dates, so a
finish-no-later-than or a deadline can give negative float.

Floats, in working days: total float = late start - early start; free float = the least slack of
the item's outgoing links at the early dates, capped by its total float. An item is critical
when its total float <= 0 (fixed items never are). The critical path starts from the most
critical item (least total float, then latest early finish, then smallest id) and walks back
along driving links (no slack at the early dates) to critical predecessors (least float, then
smallest id); it is returned first item first.

Fixed items: `done` or `external` (another project's item) with at least one date keep their
dates (the missing one follows from `duration`); their early and late dates are those dates,
floats 0, never critical, duration = the working days their dates span. Their dates constrain
their successors' early dates and their predecessors' late dates; a link into a fixed item its
dates break is reported in `Schedule.violations`. Done or external items without dates are
scheduled like the others. `project_finish` ignores external items.

Cycles: `ScheduleCycleError.cycle` names the items of one cycle in link order (each a
predecessor of the next), starting from the smallest id.

Rescheduling. `tasks` hold every item as it is now, the changed ones with their new dates, and
`changed` maps each changed item to its (start, finish) before the change. The changed items stay
put; only items downstream of them (reachable along links) may move, never a done or external
one. For items with dates the dates are authoritative (duration = the working days they span);
items without dates use `duration`. A link's requirement is the earliest start it allows the
successor; an item's gap to a predecessor is how far it starts after that requirement.
    flexible  an item that sat as early as its links and the project start allowed before the
              change (or had no dates, or broke a link) moves to the earliest start its
              links now allow, earlier or later alike; one that had a gap keeps its dates unless
              a link now pushes it later, and then only as far as needed. Never before
              `project_start` or its start-no-earlier-than.
    strict    an item keeps its gap to its driving predecessor (the smallest gap before the
              change): it moves by as many working days as that link's requirement moved
              (the predecessor's start or finish, per the link type), later or earlier; if that
              would break another link, or cross `project_start`, it goes only as far as allowed.
    none      nothing moves.
`Reschedule.moved` lists the items the cascade moved (not the changed ones), in cascade order,
with old and new dates and the delta in working days; `violations` holds the links still broken
afterwards (for `none`, every broken link).
"""

from .cascade import reschedule
from .cpm import schedule
from .model import (
    Link,
    LinkType,
    Move,
    Reschedule,
    RescheduleMode,
    Schedule,
    ScheduleCycleError,
    ScheduledTask,
    SchedulingError,
    Task,
    Violation,
)
from .workdays import WorkCalendar

__all__ = [
    "Link",
    "LinkType",
    "Move",
    "Reschedule",
    "RescheduleMode",
    "Schedule",
    "ScheduleCycleError",
    "ScheduledTask",
    "SchedulingError",
    "Task",
    "Violation",
    "WorkCalendar",
    "reschedule",
    "schedule",
]
