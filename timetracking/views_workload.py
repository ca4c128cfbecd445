"""How the workload heat map reads: a column per day (weekends and today marked) and a row
per person, each cell's load against capacity as a heat level, over-allocation as its own
level. Presentation only; the numbers come from `timetracking.selectors.workload_as_dict`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from timetracking.capacity import days_between

# Load as a share of capacity, up to which a cell takes each heat level.
LEVELS = ((0.0, "l0"), (0.5, "l1"), (0.8, "l2"), (1.0, "l3"))


@dataclass
class Day:
    date: dt.date
    working: bool
    today: bool
    week_start: bool


@dataclass
class Cell:
    date: dt.date
    capacity: float
    assigned: float
    allocated: float
    over: bool
    # Strings the template writes as they are: a map holds hundreds of cells, and template
    # filters on each cost more than the rest of the page.
    iso: str = ""
    css: str = ""
    label: str = ""
    title: str = ""

    @property
    def load(self) -> float:
        return round(self.assigned + self.allocated, 2)

    @property
    def level(self) -> str:
        if self.over:
            return "over"
        if self.capacity <= 0:
            return "off" if self.load <= 0 else "over"
        share = self.load / self.capacity
        for top, name in LEVELS:
            if share <= top + 1e-9:
                return name
        return "over"

    @property
    def text(self) -> str:
        return "" if self.load <= 0 else _hours(self.load)


@dataclass
class Row:
    member: int
    name: str
    cells: list[Cell] = field(default_factory=list)

    @property
    def capacity(self) -> float:
        return round(sum(c.capacity for c in self.cells), 2)

    @property
    def load(self) -> float:
        return round(sum(c.load for c in self.cells), 2)

    @property
    def over_days(self) -> int:
        return sum(1 for c in self.cells if c.level == "over")


def _hours(value: float) -> str:
    return f"{value:g}" if value == round(value) else f"{value:.1f}"


def _number(value: float) -> str:
    return f"{round(value, 2):g}"


def _describe(cell: Cell, name: str, day_text: str) -> None:
    cell.iso = cell.date.isoformat()
    cell.css = f"lvl-{cell.level}" + (" is-week-start" if cell.date.weekday() == 0 else "")
    cell.label = (f"{name}, {day_text}: {_number(cell.load)} of {_number(cell.capacity)} hours"
                  + (", over-allocated" if cell.level == "over" else ""))
    cell.title = (f"Assigned {_number(cell.assigned)} h · allocated {_number(cell.allocated)} h"
                  f" · capacity {_number(cell.capacity)} h")


def week_days(start: dt.date, end: dt.date, today: dt.date, working_days: list[int]
              ) -> list[Day]:
    working = set(working_days)
    return [Day(date=d, working=d.weekday() in working, today=d == today,
                week_start=d.weekday() == 0) for d in days_between(start, end)]


def grid_rows(workload: dict[str, Any], names: dict[int, str]) -> list[Row]:
    """One row per member of the workload, by name."""
    rows = []
    day_texts: dict[dt.date, str] = {}
    for entry in workload["members"]:
        member = entry["member"]
        row = Row(member=member, name=names.get(member, f"Member {member}"), cells=[
            Cell(date=day["date"], capacity=day["capacity"], assigned=day["assigned"],
                 allocated=day["allocated"], over=day["over"]) for day in entry["days"]])
        for cell in row.cells:
            day = cell.date
            if day not in day_texts:
                day_texts[day] = f"{day:%A} {day.day} {day:%B}"
            _describe(cell, row.name, day_texts[day])
        rows.append(row)
    rows.sort(key=lambda r: (r.name.casefold(), r.member))
    return rows
