"""Outgoing webhooks (endpoints, signed deliveries with retries) and incoming ones (a secret URL
per board that creates an item)."""

from __future__ import annotations

from django.db import models

from boards.models import Board
from workos.activity.models import Activity
from workos.tenancy.models import Membership, Workspace


class WebhookEndpoint(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=128)  # signs payloads; shown to admins
    event_types = models.JSONField(default=list, blank=True)  # activity verbs; [] = all
    enabled = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    RETRYING = "retrying", "Retrying"
    FAILED = "failed", "Failed"  # gave up


class WebhookDelivery(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    # Null for a rule's "send a webhook" action to a URL of its own.
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, null=True, blank=True,
        related_name="deliveries",
    )
    url = models.URLField(max_length=2000)
    event_type = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule_run = models.ForeignKey(
        "automations.RuleRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One delivery of one event to one endpoint, however often it is dispatched.
            models.UniqueConstraint(
                fields=["endpoint", "activity"], name="delivery_once_per_endpoint_event",
                condition=models.Q(endpoint__isnull=False, activity__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["endpoint", "-created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.url} ({self.status})"


class IncomingWebhook(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="incoming_webhooks")
    name = models.CharField(max_length=200, blank=True)
    # Only a digest is stored; the URL's secret is shown once.
    token_digest = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(max_length=16)
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"incoming {self.token_prefix}… → {self.board}"
