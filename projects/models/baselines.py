"""Baselines (frozen copies of task dates and estimates) and per-task scheduling constraints."""

from __future__ import annotations

from django.db import models

from boards.models import Item
from workos.tenancy.models import Membership

from .project import Project


class Baseline(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="baselines")
    name = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="baseline_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class BaselineTask(models.Model):
    """One task as it stood when the baseline was taken; the item may since have gone."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="tasks")
    item = models.ForeignKey(Item, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(max_length=500)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    estimate_hours = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    is_milestone = models.BooleanField(default=False)

    class Meta:
        ordering = ["baseline", "id"]
        constraints = [
            models.UniqueConstraint(fields=["baseline", "item"], name="baseline_task_unique_item"),
        ]

    def __str__(self) -> str:
        return self.name


class TaskConstraint(models.Model):
    """"Start no earlier than" / "finish no later than" on one of a project's tasks."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="constraints")
    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="schedule_constraint")
    start_no_earlier_than = models.DateField(null=True, blank=True)
    finish_no_later_than = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["project", "item"]

    def __str__(self) -> str:
        return f"constraint on {self.item_id}"
