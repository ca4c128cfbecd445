"""Our own delivery counter for acks-late tasks, and the dead letters of messages that kept
killing workers: visible and replayable in the admin instead of looping."""

from __future__ import annotations

from django.db import models


class TaskDelivery(models.Model):
    # The task's name and idempotency key, e.g. "dispatch_events:123,124".
    key = models.CharField(max_length=255, unique=True)
    deliveries = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.key} delivered {self.deliveries} times"


class DeadLetter(models.Model):
    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    deliveries = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    replayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task} {self.args}"
