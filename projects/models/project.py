"""The project itself: a board plus an outcome, a manager and team, dates, a phase, a health, a
budget, and once closed its close-out report."""

from __future__ import annotations

from django.db import models

from boards.models import Board
from workos.tenancy.models import Membership, Team, Workspace


class Phase(models.TextChoices):
    INITIATION = "initiation", "Initiation"
    PLANNING = "planning", "Planning"
    EXECUTION = "execution", "Execution"
    CLOSING = "closing", "Closing"
    CLOSED = "closed", "Closed"


class Health(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"


class ScheduleMode(models.TextChoices):
    STRICT = "strict", "Strict"
    FLEXIBLE = "flexible", "Flexible"
    NONE = "none", "None"


class Project(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="projects")
    board = models.OneToOneField(Board, on_delete=models.CASCADE, related_name="project")
    name = models.CharField(max_length=200)
    outcome = models.TextField(blank=True)
    manager = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="managed_projects",
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="projects"
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.INITIATION)
    health = models.CharField(max_length=10, choices=Health.choices, default=Health.ON_TRACK)
    budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    schedule_mode = models.CharField(
        max_length=10, choices=ScheduleMode.choices, default=ScheduleMode.FLEXIBLE
    )
    # The planning gate asks for an approved budget: who approved which amount, and when.
    budget_approved_at = models.DateTimeField(null=True, blank=True)
    budget_approved_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_template = models.BooleanField(default=False)
    # The baseline variance is measured against; null until one is chosen.
    reference_baseline = models.ForeignKey(
        "projects.Baseline", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closeout_summary = models.TextField(blank=True)
    # Frozen at closing: planned vs actual dates, budget vs cost, task counts.
    closeout_report = models.JSONField(default=dict, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["workspace", "phase"])]

    def __str__(self) -> str:
        return self.name
