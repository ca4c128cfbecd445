"""Reads of outgoing webhook endpoints and their deliveries, and of incoming webhooks. Every read
names its workspace; another workspace's row is a NotFound, like a missing one."""

from __future__ import annotations

from django.db.models import QuerySet

from automations.models import IncomingWebhook, WebhookDelivery, WebhookEndpoint
from boards.models import Board
from workos.errors import NotFound
from workos.tenancy.models import Workspace
from workos.tenancy.tokens import token_digest

# The events an endpoint may subscribe to: activity verbs as services record them. `item.*`
# subscribes to every verb of a noun; an empty list subscribes to everything.
EVENT_TYPES: tuple[str, ...] = (
    "item.created", "item.updated", "item.moved", "item.archived", "item.restored",
    "item.deleted",
    "comment.added", "comment.edited", "comment.deleted",
    "board.created", "board.updated", "board.archived", "board.restored", "board.deleted",
    "group.created", "group.updated", "group.deleted",
    "status.created", "status.updated", "status.deleted",
    "column.created", "column.updated", "column.deleted",
    "dependency.created", "dependency.updated", "dependency.deleted",
    "view.created", "view.updated", "view.deleted",
    "project.created", "project.updated", "project.deleted", "project.advanced",
    "project.reopened", "project.rescheduled", "project.budget_approved",
    "goal.created", "goal.updated", "goal.deleted",
    "key_result.created", "key_result.updated", "key_result.deleted",
    "time_entry.created", "time_entry.updated", "time_entry.deleted",
    "timesheet.submitted", "timesheet.approved", "timesheet.rejected",
    "time_off.created", "time_off.updated", "time_off.deleted",
    "member.added", "member.updated", "member.removed",
    "team.created", "team.updated", "team.deleted",
    "workspace.updated",
    "form.created", "form.updated", "form.archived", "form.token_regenerated",
    "intake.submitted",
    "approval_flow.created", "approval_flow.updated", "approval_flow.deleted",
    "approval.requested", "approval.step_decided", "approval.escalated",
    "approval.decided", "approval.cancelled",
    "recurring.occurred", "recurring.failed",
    "webhook.created", "webhook.updated", "webhook.deleted", "webhook.disabled",
)
EVENT_NOUNS: frozenset[str] = frozenset(verb.split(".", 1)[0] for verb in EVENT_TYPES)


def subscribed(event_types: list[str], verb: str) -> bool:
    if not event_types:
        return True
    noun = verb.split(".", 1)[0]
    return verb in event_types or f"{noun}.*" in event_types


def webhook_list(*, workspace: Workspace) -> QuerySet:
    return WebhookEndpoint.objects.filter(workspace=workspace).order_by("id")


def webhook_get(*, workspace: Workspace, id: int) -> WebhookEndpoint:
    endpoint = webhook_list(workspace=workspace).filter(pk=id).first()
    if endpoint is None:
        raise NotFound("Webhook not found.")
    return endpoint


def webhooks_enabled_for(*, workspace_ids: set[int]) -> list[WebhookEndpoint]:
    """The enabled endpoints of these workspaces (the event consumer's one read per batch)."""
    return list(
        WebhookEndpoint.objects.filter(workspace_id__in=workspace_ids, enabled=True).order_by("id")
    )


def delivery_list(
    *, workspace: Workspace, endpoint: WebhookEndpoint, status: str | None = None
) -> QuerySet:
    deliveries = WebhookDelivery.objects.filter(workspace=workspace, endpoint=endpoint)
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("-created_at", "-id")


def delivery_get(*, workspace: Workspace, endpoint: WebhookEndpoint, id: int) -> WebhookDelivery:
    delivery = delivery_list(workspace=workspace, endpoint=endpoint).filter(pk=id).first()
    if delivery is None:
        raise NotFound("Delivery not found.")
    return delivery


def incoming_list(*, workspace: Workspace, board: Board) -> QuerySet:
    return IncomingWebhook.objects.filter(workspace=workspace, board=board).order_by("id")


def incoming_get(*, workspace: Workspace, board: Board, id: int) -> IncomingWebhook:
    hook = incoming_list(workspace=workspace, board=board).filter(pk=id).first()
    if hook is None:
        raise NotFound("Incoming webhook not found.")
    return hook


def incoming_by_token(*, token: str) -> IncomingWebhook:
    """The enabled incoming webhook whose secret is `token`; disabled and unknown alike are a
    NotFound, so the answer tells a guesser nothing."""
    hook = (
        IncomingWebhook.objects.select_related("board", "workspace")
        .filter(token_digest=token_digest(token), enabled=True,
                board__deleted_at__isnull=True)
        .first()
    )
    if hook is None:
        raise NotFound("No incoming webhook has this address.")
    return hook
