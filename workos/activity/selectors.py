"""Reads of activity (an object's history, the undispatched events) and of the comments,
attachments and notifications around objects. Every read names its workspace."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from workos.activity.models import Activity, Attachment, Comment, Notification
from workos.errors import NotFound
from workos.tenancy.models import Membership, Workspace


def activity_for_target(*, workspace: Workspace, target: models.Model) -> QuerySet:
    return (
        Activity.objects.filter(
            workspace=workspace,
            target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            target_id=target.pk,
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def activities_by_ids(*, ids: list[int], include_dispatched: bool = False) -> list[Activity]:
    events = Activity.objects.filter(id__in=ids)
    if not include_dispatched:
        events = events.filter(dispatched_at__isnull=True)
    return list(events.select_related("workspace", "target_type").order_by("id"))


def activities_undispatched(*, older_than: timedelta, limit: int = 500) -> list[int]:
    """Events never dispatched, a while after their commit, that no live claim holds."""
    now = timezone.now()
    return list(
        Activity.objects.filter(dispatched_at__isnull=True, created_at__lt=now - older_than)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def _target_filter(workspace: Workspace, target: models.Model) -> dict[str, object]:
    return {
        "workspace": workspace,
        "target_type": ContentType.objects.get_for_model(target, for_concrete_model=False),
        "target_id": target.pk,
    }


def comment_list(*, workspace: Workspace, target: models.Model) -> QuerySet:
    """The live (not deleted) comments on `target`, newest first, with their authors."""
    return (
        Comment.objects.filter(**_target_filter(workspace, target), deleted_at__isnull=True)
        .select_related("author__user")
        .order_by("-id")
    )


def comment_get(*, workspace: Workspace, target: models.Model, id: int) -> Comment:
    comment = comment_list(workspace=workspace, target=target).filter(id=id).first()
    if comment is None:
        raise NotFound("Comment not found.")
    return comment


def attachment_list(*, workspace: Workspace, target: models.Model) -> QuerySet:
    return Attachment.objects.filter(**_target_filter(workspace, target)).order_by("-id")


def attachment_get(*, workspace: Workspace, target: models.Model, id: int) -> Attachment:
    attachment = attachment_list(workspace=workspace, target=target).filter(id=id).first()
    if attachment is None:
        raise NotFound("Attachment not found.")
    return attachment


def notification_list(*, membership: Membership, unread: bool | None = None) -> QuerySet:
    """The member's own notifications in their workspace, newest first."""
    qs = Notification.objects.filter(
        workspace_id=membership.workspace_id, recipient=membership
    ).select_related("target_type")
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    return qs.order_by("-id")
