"""Status updates: a dated health and a few words, the latest shown on the project."""

from __future__ import annotations

import datetime as dt

from django.db import models

from workos.tenancy.models import Membership

from .project import Health, Project


class StatusUpdate(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_updates")
    author = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    health = models.CharField(max_length=10, choices=Health.choices)
    text = models.TextField()
    date = models.DateField(default=dt.date.today)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["project", "-date", "-id"])]

    def __str__(self) -> str:
        return f"{self.project} {self.date} {self.health}"
