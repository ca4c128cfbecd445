"""Goals (a tree, each with an owner and a period) and the key results that measure them."""

from __future__ import annotations

from django.db import models

from boards.models import Board
from workos.tenancy.models import Membership, Workspace

from .project import Project


class Goal(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="goals")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="goals"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    # The projects that serve this goal (a project's initiation gate asks for one).
    projects = models.ManyToManyField(Project, blank=True, related_name="goals")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period_start", "name", "id"]
        indexes = [models.Index(fields=["workspace", "parent"])]

    def __str__(self) -> str:
        return self.name


class KeyResultKind(models.TextChoices):
    MANUAL = "manual", "A number entered by hand"
    PROJECTS = "projects", "Linked projects' progress"
    ITEMS = "items", "Done items on linked boards"


class KeyResult(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="key_results")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=KeyResultKind.choices,
                            default=KeyResultKind.MANUAL)
    start_value = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    target_value = models.DecimalField(max_digits=14, decimal_places=2, default=100)
    current_value = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    unit = models.CharField(max_length=30, blank=True)
    projects = models.ManyToManyField(Project, blank=True, related_name="key_results")
    boards = models.ManyToManyField(Board, blank=True, related_name="key_results")
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["goal", "position", "id"]

    def __str__(self) -> str:
        return self.name
