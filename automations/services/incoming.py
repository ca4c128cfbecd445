"""Incoming webhooks: a secret URL per board that creates an item from a JSON body.

Only the SHA-256 digest of the URL's token is stored (like access tokens): the URL is shown
once, when the hook is made. Items are created by the workspace's automation actor, so a hook
keeps working when the editor who made it leaves.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from automations.models import IncomingWebhook
from automations.selectors.webhooks import incoming_by_token
from automations.services.actor import automation_actor
from boards.models import Board, Item
from boards.services.access import require_board_role
from boards.services.items import item_create
from workos.activity.services import activity_record
from workos.errors import ValidationFailed
from workos.tenancy.models import Membership
from workos.tenancy.tokens import token_digest

TOKEN_PREFIX = "whin_"  # noqa: S105 - a prefix, not a secret
BODY_KEYS = ("name", "description", "due_date", "start_date", "priority", "values", "group",
             "status", "external_id")
_EDITOR = "editor"


def _require_editor(actor: Membership, board: Board, doing: str) -> None:
    require_board_role(board=board, actor=actor, minimum=_EDITOR, doing=doing)


@transaction.atomic
def incoming_create(*, actor: Membership, board: Board, name: str = "", enabled: bool = True
                    ) -> tuple[IncomingWebhook, str]:
    """Make a hook; returns it and its token (the URL is /hooks/in/<token>/, shown once)."""
    _require_editor(actor, board, "Adding an incoming webhook")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    hook = IncomingWebhook.objects.create(
        workspace=actor.workspace, board=board, name=(name or "").strip()[:200],
        token_digest=token_digest(token), token_prefix=token[: len(TOKEN_PREFIX) + 6],
        enabled=enabled, created_by=actor,
    )
    activity_record(workspace=actor.workspace, actor=actor.user, verb="incoming_webhook.created",
                    target=hook, data={"board": board.pk})
    return hook, token


@transaction.atomic
def incoming_update(*, actor: Membership, hook: IncomingWebhook, **fields: Any
                    ) -> IncomingWebhook:
    _require_editor(actor, hook.board, "Changing an incoming webhook")
    changes = {}
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()[:200]
    for key in ("name", "enabled"):
        if key in fields and getattr(hook, key) != fields[key]:
            changes[key] = [getattr(hook, key), fields[key]]
            setattr(hook, key, fields[key])
    if changes:
        hook.save(update_fields=list(changes))
        activity_record(workspace=actor.workspace, actor=actor.user,
                        verb="incoming_webhook.updated", target=hook, changes=changes)
    return hook


@transaction.atomic
def incoming_delete(*, actor: Membership, hook: IncomingWebhook) -> None:
    _require_editor(actor, hook.board, "Deleting an incoming webhook")
    activity_record(workspace=actor.workspace, actor=actor.user, verb="incoming_webhook.deleted",
                    target=hook, data={"board": hook.board_id})
    hook.delete()


def _date(value: Any, key: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise ValidationFailed(f"{key} is a date like 2026-03-31.", fields={key: ["Not a date."]})


def _fields(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValidationFailed("Send a JSON object, such as {\"name\": \"New request\"}.")
    unknown = sorted(set(body) - set(BODY_KEYS))
    if unknown:
        raise ValidationFailed(
            f"Unknown fields: {', '.join(unknown)}; use {', '.join(BODY_KEYS)}.",
            fields={key: ["Unknown field."] for key in unknown})
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        raise ValidationFailed("An item needs a name.", fields={"name": ["Required."]})
    fields: dict[str, Any] = {"name": body["name"]}
    if body.get("description") is not None:
        if not isinstance(body["description"], str):
            raise ValidationFailed("description is text.", fields={"description": ["Not text."]})
        fields["description"] = body["description"]
    for key in ("due_date", "start_date"):
        if key in body:
            fields[key] = _date(body[key], key)
    for key in ("priority", "values", "external_id"):
        if key in body:
            fields[key] = body[key]
    for key in ("group", "status"):
        if key in body and body[key] is not None:
            fields[key] = body[key]
    return fields


def _by_name(board: Board, fields: dict[str, Any]) -> None:
    """Accept a group or status by id or by name (integrations rarely know ids)."""
    for key, rows in (("group", board.groups), ("status", board.statuses)):
        value = fields.get(key)
        if isinstance(value, str):
            match = rows.filter(name__iexact=value.strip()).values_list("pk", flat=True).first()
            if match is None:
                raise ValidationFailed(f"This board has no {key} named '{value}'.",
                                       fields={key: ["Unknown name."]})
            fields[key] = match
        elif value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValidationFailed(f"{key} is an id or a name.", fields={key: ["Not an id."]})


@transaction.atomic
def incoming_receive(*, token: str, body: Any, now: dt.datetime | None = None) -> Item:
    """Create an item on the hook's board from `body`. Unknown or disabled tokens are a
    NotFound; a body that does not make a valid item is a ValidationFailed naming the field."""
    hook = incoming_by_token(token=token)
    fields = _fields(body)
    _by_name(hook.board, fields)
    if fields.get("external_id") is not None and not isinstance(fields["external_id"], str):
        raise ValidationFailed("external_id is text.", fields={"external_id": ["Not text."]})
    actor = automation_actor(hook.workspace)
    item = item_create(actor=actor, board=hook.board, fields=fields)
    IncomingWebhook.objects.filter(pk=hook.pk).update(last_used_at=now or timezone.now())
    return item
