"""Approval flows: ordered steps of approvers on an item, the requests that run through them,
and every decision taken (by a person, or by the deadline's escalation)."""

from __future__ import annotations

from django.db import models

from boards.models import Item
from workos.tenancy.models import Membership, Workspace


class ApprovalFlow(models.Model):
    """A reusable approval process. `steps` is an ordered list; each step is
    {"name", "approvers": {"kind": "people", "people": [membership ids]} |
    {"kind": "team", "team": id, "mode": "any" | "all"} | {"kind": "manager"},
    "when": optional condition on the item (a step that does not apply is skipped),
    "deadline_hours", "remind_hours_before", "fallback": membership id}.
    `on_approved` / `on_rejected`: {"status": id, "group": id, "notify": [...]}."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE,
                                  related_name="approval_flows")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    steps = models.JSONField(default=list)
    on_approved = models.JSONField(default=dict, blank=True)
    on_rejected = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


class ApprovalRequest(models.Model):
    """One run of a flow on one item. The flow's steps are copied at the start, so editing the
    flow never changes a request already under way."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    flow = models.ForeignKey(ApprovalFlow, on_delete=models.PROTECT, related_name="requests")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="approval_requests")
    steps = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=ApprovalStatus.choices,
                              default=ApprovalStatus.PENDING)
    # Index into `steps` of the step waiting for decisions.
    current_step = models.PositiveSmallIntegerField(default=0)
    # Who may still decide the current step ("all" removes each approver as they approve).
    pending_approvers = models.ManyToManyField(Membership, blank=True,
                                               related_name="approvals_waiting")
    requested_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requester_email = models.EmailField(blank=True)
    submission = models.ForeignKey("automations.Submission", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="approval_requests")
    step_started_at = models.DateTimeField(null=True, blank=True)
    step_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "status"]),
            models.Index(fields=["status", "step_due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.flow} on {self.item} ({self.status})"


class DecisionKind(models.TextChoices):
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"
    ESCALATED = "escalated", "Escalated"
    SKIPPED = "skipped", "Skipped"


class Decision(models.Model):
    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE,
                                related_name="decisions")
    step = models.PositiveSmallIntegerField()
    approver = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=DecisionKind.choices)
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            # A person decides a step of a request once.
            models.UniqueConstraint(
                fields=["request", "step", "approver"], name="decision_once_per_step",
                condition=models.Q(decision__in=["approve", "reject"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} on step {self.step} of {self.request_id}"
