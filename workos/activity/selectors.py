"""Reads of activity: an object's history and the undispatched events."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from workos.activity.models import Activity
from workos.tenancy.models import Workspace


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


def activities_by_ids(*, ids: list[int]) -> list[Activity]:
    return list(
        Activity.objects.filter(id__in=ids, dispatched_at__isnull=True)
        .select_related("workspace", "target_type")
        .order_by("id")
    )


def activities_undispatched(*, older_than: timedelta, limit: int = 500) -> list[int]:
    cutoff = timezone.now() - older_than
    return list(
        Activity.objects.filter(dispatched_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )
