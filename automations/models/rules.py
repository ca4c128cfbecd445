"""Rules ("when TRIGGER, if CONDITIONS, then ACTIONS"), their versions, their runs, and the
workspace's monthly usage and quota."""

from __future__ import annotations

from django.db import models

from boards.models import Board, Item
from projects.models import Project
from workos.activity.models import Activity
from workos.tenancy.models import Membership, Workspace


class Scope(models.TextChoices):
    BOARD = "board", "Board"
    PROJECT = "project", "Project"
    WORKSPACE = "workspace", "Workspace"


class Rule(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(max_length=200)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.BOARD)
    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, null=True, blank=True, related_name="rules"
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="rules"
    )
    enabled = models.BooleanField(default=True)
    # Bumped by every edit of trigger, conditions or actions; RuleVersion keeps each one.
    version = models.PositiveIntegerField(default=1)
    trigger = models.JSONField(default=dict)  # {"type": ..., "config": {...}}
    conditions = models.JSONField(default=dict, blank=True)  # {"all"|"any": [...]}
    actions = models.JSONField(default=list)  # [{"type": ..., "config": {...}}]
    # Off by default: changes made by automations don't trigger this rule.
    triggered_by_automations = models.BooleanField(default=False)
    max_runs_per_item_per_minute = models.PositiveIntegerField(default=10)
    # The author may leave; the rule keeps running as its own named actor.
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_rules"
    )
    # When the owner was last told the loop guard stopped this rule (told once per episode).
    guard_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["workspace", "enabled"])]

    def __str__(self) -> str:
        return self.name


class RuleVersion(models.Model):
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    trigger = models.JSONField(default=dict)
    conditions = models.JSONField(default=dict, blank=True)
    actions = models.JSONField(default=list)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rule", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "version"], name="rule_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} v{self.version}"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class RuleRun(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="rule_runs")
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="runs")
    version = models.PositiveIntegerField()
    # What caused the run: an Activity, or for time-based triggers a key such as
    # "date:<item>:<date>" or "period:<occurrence>". Unique per rule: a redelivered event or a
    # second beat tick never runs a rule twice.
    event = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="rule_runs"
    )
    event_key = models.CharField(max_length=200)
    item = models.ForeignKey(Item, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    depth = models.PositiveSmallIntegerField(default=0)
    actions = models.JSONField(default=list, blank=True)  # what each action did
    reason = models.TextField(blank=True)  # why skipped
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "event_key"], name="rule_run_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["rule", "-created_at"]),
            models.Index(fields=["rule", "item", "created_at"]),
            models.Index(fields=["workspace", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.event_key} {self.status}"


class AutomationUsage(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    runs = models.PositiveIntegerField(default=0)
    actions = models.PositiveIntegerField(default=0)
    warned_at_percent = models.PositiveSmallIntegerField(default=0)  # 0, 80 or 100

    class Meta:
        ordering = ["workspace", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "month"], name="usage_month_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.workspace} {self.month:%Y-%m}"


class AutomationSettings(models.Model):
    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE,
                                     related_name="automation_settings")
    # Runs per month before warnings; null = unlimited. Never stops rules silently.
    monthly_run_quota = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"automation settings of {self.workspace}"


class RoundRobinCursor(models.Model):
    """Where a rule's round-robin assignment within a team got to: the member it assigned
    last. Read and advanced under a row lock, so two runs at once never pick the same member."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("tenancy.Team", on_delete=models.CASCADE, related_name="+")
    last_member_id = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "team"], name="round_robin_once_per_team"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} in team {self.team_id}"
