"""Actions that reach beyond the item: send a webhook (delivered with retries by the webhooks
service after the run commits) and start an approval flow (through the approvals service)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from automations.catalogue.base import ACTIONS, Action, ConfigError, Field
from automations.models import ApprovalFlow, ApprovalRequest, ApprovalStatus
from workos.errors import ValidationFailed

if TYPE_CHECKING:
    from automations.catalogue.validation import ValidationContext
    from automations.engine.context import RunContext


def _payload(run: RunContext, config: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "rule": {"id": run.rule.pk, "name": run.rule.name, "version": run.rule.version},
        "run": run.run.pk if run.run else None,
        "event": None,
        "trigger": run.trigger,
    }
    if run.event is not None:
        payload["event"] = {"id": run.event.pk, "verb": run.event.verb,
                            "created_at": run.event.created_at.isoformat()}
    item = run.item
    if item is not None and config.get("include_item", True):
        payload["item"] = {
            "id": item.pk, "name": item.name, "board": item.board_id, "group": item.group_id,
            "status": item.status.name if item.status_id else None,
            "priority": item.priority,
            "due_date": item.due_date.isoformat() if item.due_date else None,
            "assignees": sorted(m.pk for m in item.assignees.all()),
            "values": item.values, "url": run.placeholder("item.url"),
        }
    return payload


@ACTIONS.register
class SendWebhook(Action):
    id = "send_webhook"
    label = "Send a webhook"
    description = ("POST a JSON payload (rule, run, event, trigger values and the item) to a "
                   "URL, with retries, after the run commits. It is not signed: to receive "
                   "signed events, register a webhook endpoint instead.")
    needs_item = False
    fields = (
        Field("url", "string", "An http(s) URL.", required=True, max_length=2000),
        Field("event_type", "string", "The event type the receiver sees.",
              default="automation.rule", max_length=64),
        Field("include_item", "boolean", "Include the item's fields.", default=True),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        url = config["url"].strip()
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ConfigError.on("url", "Give an http or https URL with a host.")
        try:
            from automations.services.webhooks import url_check
        except ImportError:
            return {**config, "url": url}
        try:
            url_check(url)
        except ValidationFailed as exc:
            raise ConfigError.on("url", exc.message) from exc
        return {**config, "url": url}

    def execute(self, config: dict[str, Any], run: RunContext) -> dict[str, Any]:
        try:
            from automations.services.webhooks import webhook_post
        except ImportError as exc:
            raise ValidationFailed("Outgoing webhooks are not available on this server.",
                                   fields={"url": ["Webhooks unavailable."]}) from exc
        delivery = webhook_post(
            workspace=run.workspace, url=config["url"], payload=_payload(run, config),
            event_type=config.get("event_type") or "automation.rule", rule_run=run.run,
        )
        return {"delivery": getattr(delivery, "pk", None), "url": config["url"]}

    def preview(self, config: dict[str, Any], run: RunContext) -> str:
        return f"POST a webhook to {config['url']}"


@ACTIONS.register
class StartApproval(Action):
    id = "start_approval"
    label = "Start an approval flow"
    description = ("Start an approval flow on the item, requested by the item's creator (their "
                   "manager answers a manager step). Nothing happens when the flow already "
                   "waits on the item.")
    fields = (Field("flow", "integer", "The approval flow.", required=True),)

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        flow = ApprovalFlow.objects.filter(workspace=vctx.workspace, id=config["flow"]).first()
        if flow is None:
            raise ConfigError.on("flow", f"There is no approval flow {config['flow']} in this "
                                 "workspace.")
        if not flow.enabled:
            raise ConfigError.on("flow", f"The approval flow '{flow.name}' is disabled.")
        return config

    def execute(self, config: dict[str, Any], run: RunContext) -> dict[str, Any]:
        # The service imports the catalogue (step conditions): imported when first used.
        from automations.services.approvals import approval_start

        item = run.require_item()
        flow = ApprovalFlow.objects.filter(workspace=run.workspace, id=config["flow"]).first()
        if flow is None:
            raise ValidationFailed(f"The approval flow {config['flow']} no longer exists.",
                                   fields={"flow": ["Not found."]})
        waiting = ApprovalRequest.objects.filter(flow=flow, item=item,
                                                 status=ApprovalStatus.PENDING).first()
        if waiting is not None:
            return {"flow": flow.pk, "request": waiting.pk, "started": False}
        creator = item.created_by if item.created_by_id else None
        if creator is not None and creator.removed_at is not None:
            creator = None
        request = approval_start(actor=run.actor, flow=flow, item=item, requested_by=creator,
                                 requester_email=creator.user.email if creator else "")
        return {"flow": flow.pk, "request": request.pk, "started": True}

    def preview(self, config: dict[str, Any], run: RunContext) -> str:
        return f"Start the approval flow {config['flow']} on the item"
