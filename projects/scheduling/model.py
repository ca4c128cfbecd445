"""The scheduler's inputs, answers and errors: plain frozen dataclasses, no behaviour."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

LinkType = Literal["FS", "SS", "FF", "SF"]
RescheduleMode = Literal["strict", "flexible", "none"]
LINK_TYPES: frozenset[str] = frozenset({"FS", "SS", "FF", "SF"})
RESCHEDULE_MODES: frozenset[str] = frozenset({"strict", "flexible", "none"})


@dataclass(frozen=True, slots=True)
class Task:
    """One item to schedule. `duration` is in working days, 0 for a milestone. `start`/`finish`
    are its current dates: kept as they are when the item is `done` or `external` (an item of
    another project, a fixed input), the starting point of `reschedule`, ignored by `schedule`
    otherwise."""

    id: int
    duration: int = 1
    start: dt.date | None = None
    finish: dt.date | None = None
    start_no_earlier_than: dt.date | None = None
    finish_no_later_than: dt.date | None = None
    done: bool = False
    external: bool = False

    def __post_init__(self) -> None:
        if self.duration < 0:
            raise ValueError(f"item {self.id}: negative duration {self.duration}")

    @property
    def fixed(self) -> bool:
        """Done or external, with a date to keep: it never moves."""
        return (self.done or self.external) and (
            self.start is not None or self.finish is not None)


@dataclass(frozen=True, slots=True)
class Link:
    """`successor` depends on `predecessor`; `lag` in working days, negative for a lead."""

    predecessor: int
    successor: int
    type: LinkType = "FS"
    lag: int = 0

    def __post_init__(self) -> None:
        if self.type not in LINK_TYPES:
            raise ValueError(f"unknown dependency type {self.type!r}")


class SchedulingError(ValueError):
    """The input can't be scheduled: an unknown item in a link, an id given twice."""


class ScheduleCycleError(SchedulingError):
    """The links go round in a circle; `cycle` holds the ids of one such circle, in link order,
    starting from its smallest id (each item is a predecessor of the next, the last of the
    first)."""

    def __init__(self, cycle: list[int]) -> None:
        self.cycle = cycle
        path = " → ".join(str(item) for item in [*cycle, cycle[0]])
        super().__init__(f"dependency cycle between items {path}")


@dataclass(frozen=True, slots=True)
class Violation:
    """A link its successor doesn't satisfy: it starts (or finishes) `days` working days too
    early."""

    link: Link
    days: int


@dataclass(frozen=True, slots=True)
class ScheduledTask:
    id: int
    duration: int
    early_start: dt.date
    early_finish: dt.date
    late_start: dt.date
    late_finish: dt.date
    total_float: int
    free_float: int
    critical: bool
    fixed: bool


@dataclass(frozen=True, slots=True)
class Schedule:
    project_start: dt.date
    project_finish: dt.date
    tasks: dict[int, ScheduledTask]  # by id, in input order
    critical_path: list[int]
    violations: list[Violation]  # links into fixed items their dates break


@dataclass(frozen=True, slots=True)
class Move:
    """An item the cascade moved; `delta` in working days (None when it had no dates)."""

    id: int
    old_start: dt.date | None
    old_finish: dt.date | None
    new_start: dt.date
    new_finish: dt.date
    delta: int | None


@dataclass(frozen=True, slots=True)
class Reschedule:
    mode: RescheduleMode
    moved: list[Move]  # in cascade (topological) order
    violations: list[Violation]  # links still broken once the moves are made
