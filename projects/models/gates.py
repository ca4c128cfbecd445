"""Gate checklists: what a phase needs before the project may advance, and the record of every
advance (with the override reason when an admin advanced past unmet items)."""

from __future__ import annotations

from django.db import models

from workos.tenancy.models import Membership

from .project import Phase, Project


class GateCheck(models.TextChoices):
    """Checks the system evaluates itself; MANUAL items are ticked by people."""

    MANUAL = "manual", "Ticked by hand"
    GOALS = "goals", "Linked to a goal"
    MANAGER = "manager", "Has a manager"
    SCHEDULE = "schedule", "Every task has dates"
    BUDGET_APPROVED = "budget_approved", "Budget approved"
    TASKS_CLOSED = "tasks_closed", "All tasks done or cancelled"
    CLOSEOUT_SUMMARY = "closeout_summary", "Close-out summary written"


class GateItem(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="gate_items")
    # The phase this item gates: it must be met to leave that phase.
    phase = models.CharField(max_length=12, choices=Phase.choices)
    label = models.CharField(max_length=200)
    rule = models.CharField(max_length=20, choices=GateCheck.choices, default=GateCheck.MANUAL)
    position = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["project", "phase", "position", "id"]
        indexes = [models.Index(fields=["project", "phase", "position"])]

    def __str__(self) -> str:
        return self.label


class PhaseTransition(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions")
    from_phase = models.CharField(max_length=12, choices=Phase.choices)
    to_phase = models.CharField(max_length=12, choices=Phase.choices)
    actor = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The gate items unmet when an admin overrode, and why.
    overridden = models.BooleanField(default=False)
    unmet = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} {self.from_phase} → {self.to_phase}"
