"""Request intake: forms bound to a board and the submissions people send through them."""

from __future__ import annotations

from django.db import models

from boards.models import Board, Item
from workos.tenancy.models import Membership, Team, Workspace


class FormAccess(models.TextChoices):
    PUBLIC = "public", "Anyone with the link"
    MEMBERS = "members", "Members of the workspace"
    TEAMS = "teams", "Members of chosen teams"


class Form(models.Model):
    """`fields` is an ordered list of questions, each {"key", "label", "help", "type",
    "maps_to" ("name", "description", "due_date", "start_date", "priority", "estimate_hours",
    "assignees", "values.<column key>" or "" for an answer kept only on the submission),
    "required", "default", "hidden" (pre-filled from the URL), "options", "show_if": condition,
    "page"}. `pages` are [{"key", "title", "next": [{"when": condition, "page": key}],
    "default_next"}]. `routing` is an ordered list of {"when": condition, "group", "assign":
    {"mode": "member" | "round_robin" | "least_loaded", "member" | "team"}, "priority"};
    the first that matches applies, then `routing_default`."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="forms")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="forms")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The public link /f/<token>/; not a credential to anything but this form.
    token = models.CharField(max_length=64, unique=True)
    access = models.CharField(max_length=10, choices=FormAccess.choices,
                              default=FormAccess.MEMBERS)
    teams = models.ManyToManyField(Team, blank=True, related_name="forms")
    fields = models.JSONField(default=list)
    pages = models.JSONField(default=list, blank=True)
    routing = models.JSONField(default=list, blank=True)
    routing_default = models.JSONField(default=dict, blank=True)
    approval_flow = models.ForeignKey("automations.ApprovalFlow", on_delete=models.SET_NULL,
                                      null=True, blank=True, related_name="forms")
    reference_prefix = models.CharField(max_length=10, blank=True)
    last_reference = models.PositiveIntegerField(default=0)
    confirmation_message = models.TextField(blank=True)
    is_open = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    CREATED = "created", "Item created"
    FAILED = "failed", "Failed"


class Submission(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="submissions")
    reference = models.CharField(max_length=32)
    answers = models.JSONField(default=dict)
    submitter = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitter_email = models.EmailField(blank=True)
    status = models.CharField(max_length=10, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.RECEIVED)
    item = models.OneToOneField(Item, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="submission")
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "reference"], name="submission_reference"),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.reference


class FormRoundRobin(models.Model):
    """Where a form's round-robin routing within a team got to (locked while advanced)."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    last_member_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["form", "team"], name="form_round_robin_once"),
        ]

    def __str__(self) -> str:
        return f"{self.form} in team {self.team_id}"
