"""Demo time for `manage.py seed_demo`: rates, a part-time schedule, time off, allocations (one
person over-allocated), three past weeks of logged time and timesheets in every state.

Everything goes through the services, so the demo data obeys the same rules as real data.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools

from boards.models import Board, Item
from timetracking import services
from timetracking.models import Timesheet, week_start_of
from workos.tenancy.models import Membership

LOGGERS = ("ivan@example.com", "maria@example.com", "hana@example.com", "erin@example.com")
RATES = {  # cost, bill per hour
    "olivia@example.com": (90, 0), "adam@example.com": (70, 120), "maria@example.com": (55, 110),
    "ivan@example.com": (45, 95), "hana@example.com": (50, 0), "felix@example.com": (60, 0),
    "erin@example.com": (65, 130),
}
# A working day: (start hour, length in hours) slots, with lunch left free.
DAY_SLOTS = ((9, 2), (11, 1.5), (13, 2), (15, 1.5), (16.5, 0.5))


def _at(day: dt.date, hour: float) -> dt.datetime:
    whole = int(hour)
    return dt.datetime.combine(day, dt.time(whole, int((hour - whole) * 60)))


def _localised(owner: Membership, moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=services.workspace_zone(owner.workspace))


def seed_time(
    owner: Membership, people: dict[str, Membership], boards: list[Board], today: dt.date
) -> None:
    """`owner` must be an owner; `people` by e-mail as in `workos.tenancy.demo.PEOPLE`."""
    monday = week_start_of(today)
    long_ago = monday - dt.timedelta(weeks=20)
    for email, (cost, bill) in RATES.items():
        if email in people:
            services.rate_create(actor=owner, member=people[email], cost_rate=decimal.Decimal(
                cost), bill_rate=decimal.Decimal(bill), effective_from=long_ago)
    it_desk, content = boards[0], boards[1]
    ivan, hana, erin = (people[e] for e in ("ivan@example.com", "hana@example.com",
                                             "erin@example.com"))
    services.rate_create(actor=owner, member=ivan, board=it_desk, cost_rate=decimal.Decimal(45),
                         bill_rate=decimal.Decimal(80), effective_from=long_ago)
    # Hana works three days a week.
    services.schedule_create(actor=owner, member=hana, hours=[8, 8, 8, 0, 0, 0, 0])
    services.time_off_create(actor=owner, member=erin, start_date=monday + dt.timedelta(days=7),
                             end_date=monday + dt.timedelta(days=8))
    services.time_off_create(actor=people["felix@example.com"],
                             start_date=monday + dt.timedelta(days=4),
                             end_date=monday + dt.timedelta(days=4), half_day=True)
    # Ivan is booked beyond his capacity: 30 h a week on the desk plus 40 % on content.
    services.allocation_create(actor=owner, member=ivan, board=it_desk, start_date=monday,
                               end_date=monday + dt.timedelta(weeks=4, days=-1),
                               hours_per_week=decimal.Decimal(30))
    services.allocation_create(actor=owner, member=ivan, board=content, start_date=monday,
                               end_date=monday + dt.timedelta(weeks=4, days=-1),
                               percent=decimal.Decimal(40))
    services.allocation_create(actor=owner, member=people["maria@example.com"], board=content,
                               start_date=monday, end_date=monday + dt.timedelta(weeks=8),
                               percent=decimal.Decimal(50))
    _log_weeks(owner, people, boards, monday)
    _decide_weeks(owner, people, monday)


def _log_weeks(owner: Membership, people: dict[str, Membership], boards: list[Board],
               monday: dt.date) -> None:
    items = list(Item.objects.filter(board__in=boards, parent__isnull=True).order_by("id"))
    cycle = itertools.cycle(items or [None])
    for weeks_back in (3, 2, 1):
        start = monday - dt.timedelta(weeks=weeks_back)
        for email in LOGGERS:
            member = people[email]
            schedule_days = 3 if email == "hana@example.com" else 5
            for offset in range(schedule_days):
                day = start + dt.timedelta(days=offset)
                for n, (hour, length) in enumerate(DAY_SLOTS):
                    services.time_entry_create(
                        actor=owner, member=member, item=next(cycle),
                        started_at=_localised(owner, _at(day, hour)),
                        duration_minutes=int(length * 60),
                        billable=n != len(DAY_SLOTS) - 1,  # the last half hour is admin
                        note="",
                    )


def _decide_weeks(owner: Membership, people: dict[str, Membership], monday: dt.date) -> None:
    """Three weeks ago: all approved. Two weeks ago: one of each state. Last week: drafts."""
    adam = people["adam@example.com"]

    def sheet(email: str, weeks_back: int) -> Timesheet:
        return Timesheet.objects.get(member=people[email],
                                     week_start=monday - dt.timedelta(weeks=weeks_back))

    for email in LOGGERS:
        submitted = services.timesheet_submit(actor=people[email], sheet=sheet(email, 3))
        services.timesheet_approve(actor=owner, sheet=submitted)
    ivan = services.timesheet_submit(actor=people["ivan@example.com"],
                                     sheet=sheet("ivan@example.com", 2))
    services.timesheet_approve(actor=adam, sheet=ivan)
    services.timesheet_submit(actor=people["maria@example.com"],
                              sheet=sheet("maria@example.com", 2))
    hana = services.timesheet_submit(actor=people["hana@example.com"],
                                     sheet=sheet("hana@example.com", 2))
    services.timesheet_reject(actor=owner, sheet=hana,
                              comment="Wednesday's interviews are missing.")
