"""Activity: one row per change (the audit log, an object's history and the event outbox), and
the collaboration around objects: comments, attachments and notifications."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class Activity(models.Model):
    workspace = models.ForeignKey(
        "tenancy.Workspace", on_delete=models.CASCADE, related_name="activities"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    # Who acted as a person reads it: a user's name, or an automation's when a rule acted.
    actor_label = models.CharField(max_length=200, blank=True)
    verb = models.CharField(max_length=64)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.BigIntegerField()
    target_repr = models.CharField(max_length=200, blank=True)
    # Field-level diff: {"field": [old, new]}.
    changes = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The activity whose handling caused this one (an automation run), and how deep the chain is.
    cause = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="effects"
    )
    cause_run_id = models.BigIntegerField(null=True, blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # The dispatch message (its task id) handling the event until `claimed_until`: one task
    # drains a backlog, and the same message, redelivered after its worker died, takes back
    # what it held; past the lease the sweep sends the event again.
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(
                fields=["workspace", "target_type", "target_id", "-created_at"],
                name="activity_target_idx",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(dispatched_at__isnull=True),
                name="activity_undispatched_idx",
            ),
            models.Index(
                fields=["id"],
                condition=Q(dispatched_at__isnull=True),
                name="activity_dispatch_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label or 'system'} {self.verb} {self.target_repr}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """A path of the workspace and a random name: the uploader's file name never reaches the
    file system, so it cannot traverse directories, collide, or reveal anything in a listing."""
    return f"attachments/{instance.workspace_id}/{uuid.uuid4().hex}"


class Comment(models.Model):
    """A comment ("update") on any object of a workspace, such as an item."""

    workspace = models.ForeignKey(
        "tenancy.Workspace", on_delete=models.CASCADE, related_name="comments"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.BigIntegerField()
    author = models.ForeignKey(
        "tenancy.Membership", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="comments",
    )
    # Always sanitised (workos.activity.richtext) before it is stored; safe to render as is.
    body_html = models.TextField(blank=True)
    # The same text without markup, for search and for e-mail or push previews.
    body_text = models.TextField(blank=True)
    # Ids of the workspace members mentioned, in order of first mention.
    mentions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Soft delete keeps the thread's shape and the history's references; the text is erased.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "target_type", "target_id", "-id"],
                         name="comment_target_idx"),
        ]

    def __str__(self) -> str:
        return self.body_text[:60] or f"Comment {self.pk}"


class Attachment(models.Model):
    """A file attached to an object of a workspace. Served only through a permission-checked
    download view, never from a public media URL."""

    workspace = models.ForeignKey(
        "tenancy.Workspace", on_delete=models.CASCADE, related_name="attachments"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.BigIntegerField()
    uploaded_by = models.ForeignKey(
        "tenancy.Membership", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="attachments",
    )
    file = models.FileField(upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    # Guessed from the name on upload; the client's claimed type is never trusted.
    content_type = models.CharField(max_length=127)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "target_type", "target_id", "-id"],
                         name="attachment_target_idx"),
        ]

    def __str__(self) -> str:
        return self.original_name


class Notification(models.Model):
    """Something a member should look at: they were mentioned, assigned, asked to approve."""

    workspace = models.ForeignKey(
        "tenancy.Workspace", on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="notifications"
    )
    verb = models.CharField(max_length=64)
    actor_label = models.CharField(max_length=200, blank=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    # Where the notification leads, as a path of this site.
    link = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"],
                         name="notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.verb}: {self.title}"
