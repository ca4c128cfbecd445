"""Time and capacity: entries, timers, weekly timesheets, rates, schedules, time off, allocations.

Invariants that belong to one row are constraints here; the rules that span rows (no overlapping
entries for a member, locks from approved timesheets, rates that never rewrite past costs) are
kept by `timetracking.services`, which every write goes through.
"""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from boards.models import Board, Item
from workos.tenancy.models import Membership, Workspace

# Entries are whole minutes; one entry lies inside one local day of the workspace.
MINUTES_PER_DAY = 24 * 60


def week_start_of(day: dt.date) -> dt.date:
    """The Monday of the ISO week holding `day`: a timesheet's key."""
    return day - dt.timedelta(days=day.weekday())


class EntrySource(models.TextChoices):
    TIMER = "timer", "Timer"
    MANUAL = "manual", "Manual"


class TimesheetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class TimeOffStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Timesheet(models.Model):
    """A member's ISO week (Monday to Sunday). Created with the week's first entry."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="timesheets")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="timesheets")
    week_start = models.DateField()
    status = models.CharField(
        max_length=10, choices=TimesheetStatus.choices, default=TimesheetStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(blank=True)
    # The reminder task writes this so a retried or repeated run never mails twice in a week.
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "week_start"], name="timesheet_unique_week"),
        ]
        indexes = [
            models.Index(fields=["workspace", "status", "week_start"], name="timesheet_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Week of {self.week_start} ({self.status})"

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)

    @property
    def is_locked(self) -> bool:
        return self.status == TimesheetStatus.APPROVED


class TimeEntry(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="time_entries")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="time_entries")
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="time_entries"
    )
    # The item's board when the time was logged: reports and project costs group by it without
    # a join, and the cost stays with that board if the item is deleted or moves on.
    board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.SET_NULL, related_name="time_entries"
    )
    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="entries")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField()
    # The local date (workspace time zone) of `started_at`: the day rates, timesheets and
    # reports count the entry on.
    date = models.DateField()
    billable = models.BooleanField(default=True)
    note = models.TextField(blank=True)
    source = models.CharField(max_length=6, choices=EntrySource.choices, default=EntrySource.MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name_plural = "time entries"
        indexes = [
            models.Index(fields=["member", "started_at"], name="entry_member_start_idx"),
            models.Index(fields=["workspace", "date"], name="entry_ws_date_idx"),
            models.Index(fields=["board", "date"], name="entry_board_date_idx"),
            # Lists are newest first: the whole workspace's for admins.
            models.Index(fields=["workspace", "-started_at", "-id"], name="entry_ws_recent_idx"),
            # The workload sums the time tracked on each open item: an index-only read of the
            # item's minutes instead of a heap fetch per entry (PostgreSQL; elsewhere ignored).
            models.Index(fields=["item"], include=["duration_minutes"],
                         name="entry_item_minutes_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gt=F("started_at")), name="entry_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="entry_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.duration_minutes} min on {self.date}"


class Timer(models.Model):
    """A running stopwatch; stopping it turns it into entries (one per local day)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="timers")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="timers")
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="timers"
    )
    billable = models.BooleanField(default=True)
    note = models.TextField(blank=True)
    started_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            # The database, not a read-then-write check, guarantees one running timer.
            models.UniqueConstraint(
                fields=["member"], condition=Q(stopped_at__isnull=True),
                name="timer_one_running_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"Timer from {self.started_at:%Y-%m-%d %H:%M}"


_money = {"max_digits": 10, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class Rate(models.Model):
    """Hourly cost and bill rates of a member from a date on, optionally for one board.

    A board rate overrides the member's general rate on that board. Rates are versions: a change
    is a new row from a date, and services refuse any change that would alter the cost of time
    already logged.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="rates")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="rates")
    board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.CASCADE, related_name="rates"
    )
    cost_rate = models.DecimalField(**_money)
    bill_rate = models.DecimalField(**_money)
    effective_from = models.DateField()
    created_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member", "board", "-effective_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "board", "effective_from"], condition=Q(board__isnull=False),
                name="rate_unique_board_date",
            ),
            models.UniqueConstraint(
                fields=["member", "effective_from"], condition=Q(board__isnull=True),
                name="rate_unique_general_date",
            ),
            models.CheckConstraint(
                condition=Q(cost_rate__gte=0) & Q(bill_rate__gte=0), name="rate_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Rate from {self.effective_from}"


def default_hours() -> list[float]:
    return [8, 8, 8, 8, 8, 0, 0]


class WorkSchedule(models.Model):
    """Hours a member works on each weekday, Monday first. Without one, the workspace's
    working days count 8 hours each."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="schedules")
    member = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="work_schedule"
    )
    hours = models.JSONField(default=default_hours)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["member", "id"]

    def __str__(self) -> str:
        return f"Schedule {self.hours}"


class TimeOff(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="time_off")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="time_off")
    start_date = models.DateField()
    end_date = models.DateField()
    # Half a day off; only for a single day.
    half_day = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=TimeOffStatus.choices, default=TimeOffStatus.REQUESTED
    )
    note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name_plural = "time off"
        indexes = [
            models.Index(fields=["workspace", "status", "start_date"], name="timeoff_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="timeoff_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(half_day=False) | Q(end_date=F("start_date")),
                name="timeoff_half_day_single",
            ),
        ]

    def __str__(self) -> str:
        return f"Off {self.start_date} to {self.end_date} ({self.status})"


class Allocation(models.Model):
    """A member booked on a board for a period, in hours per week or a share of capacity."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="allocations")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="allocations")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="allocations")
    start_date = models.DateField()
    end_date = models.DateField()
    hours_per_week = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
    )
    percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_date", "id"]
        indexes = [
            models.Index(
                fields=["workspace", "start_date", "end_date"], name="allocation_dates_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="allocation_ends_after_start"
            ),
            models.CheckConstraint(
                condition=(
                    Q(hours_per_week__isnull=False, percent__isnull=True)
                    | Q(hours_per_week__isnull=True, percent__isnull=False)
                ),
                name="allocation_hours_or_percent",
            ),
        ]

    def __str__(self) -> str:
        amount = f"{self.hours_per_week} h/week" if self.percent is None else f"{self.percent}%"
        return f"{amount} {self.start_date} to {self.end_date}"
