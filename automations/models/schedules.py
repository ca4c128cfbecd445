"""Recurring work: an RFC 5545 RRULE in a time zone that creates an item, or a set of items from
a template board, once per occurrence."""

from __future__ import annotations

from django.db import models

from boards.models import Board
from workos.tenancy.models import Membership, Team, Workspace


class RecurringSchedule(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE,
                                  related_name="recurring_schedules")
    name = models.CharField(max_length=200)
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="recurring_schedules")
    rrule = models.TextField()  # e.g. "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9"
    timezone = models.CharField(max_length=64, default="UTC")
    starts_at = models.DateTimeField()
    # One item from these fields (placeholders like {date} allowed) ...
    item_template = models.JSONField(default=dict, blank=True)
    # ... or every item of a template board, one set per member of `team` when given.
    template_board = models.ForeignKey(
        Board, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    enabled = models.BooleanField(default=True)
    # The latest occurrence already created; everything up to it is done.
    last_occurrence_at = models.DateTimeField(null=True, blank=True)
    next_occurrence_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class RecurringOccurrence(models.Model):
    schedule = models.ForeignKey(RecurringSchedule, on_delete=models.CASCADE,
                                 related_name="occurrences")
    occurs_at = models.DateTimeField()
    item_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurs_at", "-id"]
        constraints = [
            # Two beat ticks, or a catch-up racing a tick, can't create one occurrence twice.
            models.UniqueConstraint(fields=["schedule", "occurs_at"],
                                    name="occurrence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} @ {self.occurs_at:%Y-%m-%d %H:%M}"
