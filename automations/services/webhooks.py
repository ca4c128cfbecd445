"""Outgoing webhooks: endpoints, one signed delivery per (endpoint, event), attempts with
retries, and disabling an endpoint that keeps failing.

How a delivery travels, with nothing waiting in the broker longer than a moment:

1. The event consumer (`deliveries_for_events`) inserts one delivery per subscribed endpoint
   and event (the unique (endpoint, activity) constraint makes a second dispatch a no-op) and
   queues `send_webhook(id, attempts)` after commit.
2. `delivery_attempt` claims the attempt with one conditional UPDATE (attempts must still be
   the number it was queued with), which also moves `next_attempt_at` a lease ahead, so a
   duplicate message does nothing and a worker killed mid-request leaves a delivery the beat
   picks up once the lease ends. The HTTP call runs outside any transaction.
3. A 2xx succeeds. Anything else waits `RETRY_DELAYS[n]` in `next_attempt_at`; the beat task
   (`deliveries_enqueue_due`, every minute, SELECT ... FOR UPDATE SKIP LOCKED) queues the due
   ones. After the last delay the delivery has failed for good.
4. `DISABLE_AFTER` deliveries in a row failing for good disable the endpoint, and the
   workspace's admins are notified; re-enabling it resets the count.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import orjson
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from automations import http
from automations.models import DeliveryStatus, RuleRun, WebhookDelivery, WebhookEndpoint
from automations.selectors import webhooks as selectors
from automations.services.actor import human_admins
from automations.signing import signature_header
from workos.activity.models import Activity
from workos.activity.services import activity_record, notify
from workos.errors import Conflict, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership, Role, Workspace, role_at_least

RETRY_DELAYS: tuple[dt.timedelta, ...] = (
    dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30),
    dt.timedelta(hours=2), dt.timedelta(hours=6), dt.timedelta(hours=12),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1  # the first try and one per delay: ~21 hours in all
# An attempt in flight holds its delivery this long; past it, a lost worker's attempt is retried.
SEND_LEASE = dt.timedelta(minutes=5)
SEND_TIMEOUT = 10.0
RESPONSE_BYTES_KEPT = 2000
DISABLE_AFTER = 5  # deliveries in a row that failed for good
DUE_BATCH = 500
SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
OPEN = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


# --- endpoints ---------------------------------------------------------------------------------


def _require_admin(actor: Membership, doing: str) -> None:
    if not role_at_least(actor.role, Role.ADMIN):
        raise PermissionDenied(f"{doing} needs the admin role or higher; you are {actor.role}.")


def secret_generate() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def url_check(url: str, *, field: str = "url") -> str:
    """A URL webhooks may be sent to: http(s) with a host; https unless plain http is allowed
    (WEBHOOKS_ALLOW_HTTP, or a host OUTGOING_HTTP_ALLOWLIST admits). Addresses are checked at
    every send, not here: DNS answers change."""
    url = (url or "").strip()
    if not url:
        raise ValidationFailed("A webhook needs a URL.", fields={field: ["Required."]})
    if len(url) > 2000:
        raise ValidationFailed("Keep the URL under 2000 characters.",
                               fields={field: ["Too long."]})
    try:
        http.check_url(url)
    except http.InvalidURL as exc:
        raise ValidationFailed(str(exc), fields={field: [str(exc)]}) from exc
    if url.lower().startswith("http://") and not settings.WEBHOOKS_ALLOW_HTTP:
        host = (urlsplit(url).hostname or "").lower()
        if not http.allowlist().admits_literal_or_name(host):
            message = "Use an https URL: webhook bodies must not travel in the clear."
            raise ValidationFailed(message, fields={field: [message]})
    return url


def _check_event_types(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationFailed("event_types is a list of event names.",
                               fields={"event_types": ["Not a list of names."]})
    unknown = [
        v for v in value
        if v not in selectors.EVENT_TYPES
        and not (v.endswith(".*") and v[:-2] in selectors.EVENT_NOUNS)
    ]
    if unknown:
        message = (f"Unknown event types: {', '.join(unknown)}. Use names such as item.created, "
                   "or item.* for every event of items; an empty list sends every event.")
        raise ValidationFailed(message, fields={"event_types": [message]})
    return sorted(set(value))


@transaction.atomic
def webhook_create(
    *, actor: Membership, url: str, description: str = "", event_types: list[str] | None = None,
    enabled: bool = True,
) -> tuple[WebhookEndpoint, str]:
    """Create an endpoint; returns it and its signing secret (shown once)."""
    _require_admin(actor, "Adding a webhook")
    secret = secret_generate()
    endpoint = WebhookEndpoint.objects.create(
        workspace=actor.workspace, url=url_check(url), description=(description or "")[:200],
        secret=secret, event_types=_check_event_types(event_types), enabled=enabled,
        created_by=actor,
    )
    activity_record(workspace=actor.workspace, actor=actor.user, verb="webhook.created",
                    target=endpoint, data={"url": endpoint.url,
                                           "event_types": endpoint.event_types})
    return endpoint, secret


@transaction.atomic
def webhook_update(*, actor: Membership, endpoint: WebhookEndpoint, **fields: Any
                   ) -> WebhookEndpoint:
    _require_admin(actor, "Changing a webhook")
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    changes: dict[str, list[Any]] = {}
    new: dict[str, Any] = {}
    if "url" in fields:
        new["url"] = url_check(fields["url"])
    if "description" in fields:
        new["description"] = (fields["description"] or "")[:200]
    if "event_types" in fields:
        new["event_types"] = _check_event_types(fields["event_types"])
    if "enabled" in fields:
        new["enabled"] = bool(fields["enabled"])
    for key, value in new.items():
        if getattr(endpoint, key) != value:
            changes[key] = [getattr(endpoint, key), value]
            setattr(endpoint, key, value)
    if changes.get("enabled") == [False, True]:
        # A fresh start: the failures that disabled it are history.
        endpoint.consecutive_failures = 0
        endpoint.disabled_at = None
        endpoint.disabled_reason = ""
    if changes:
        endpoint.save()
        activity_record(workspace=actor.workspace, actor=actor.user, verb="webhook.updated",
                        target=endpoint, changes=changes)
    return endpoint


@transaction.atomic
def webhook_rotate_secret(*, actor: Membership, endpoint: WebhookEndpoint
                          ) -> tuple[WebhookEndpoint, str]:
    """Replace the signing secret at once; attempts from now on are signed with the new one."""
    _require_admin(actor, "Rotating a webhook's secret")
    secret = secret_generate()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=secret)
    endpoint.secret = secret
    activity_record(workspace=actor.workspace, actor=actor.user, verb="webhook.secret_rotated",
                    target=endpoint)
    return endpoint, secret


@transaction.atomic
def webhook_delete(*, actor: Membership, endpoint: WebhookEndpoint) -> None:
    _require_admin(actor, "Deleting a webhook")
    activity_record(workspace=actor.workspace, actor=actor.user, verb="webhook.deleted",
                    target=endpoint, data={"url": endpoint.url})
    endpoint.delete()


# --- deliveries --------------------------------------------------------------------------------


def event_payload(event: Activity, member_ids: dict[tuple[int, int], int]) -> dict[str, Any]:
    target_type = event.target_type
    return {
        "id": event.pk,
        "type": event.verb,
        "created_at": event.created_at.isoformat(),
        "workspace": event.workspace.slug,
        "actor": {
            "member": member_ids.get((event.workspace_id, event.actor_id or 0)),
            "name": event.actor_label,
        },
        "target": {
            "type": f"{target_type.app_label}.{target_type.model}",
            "id": event.target_id,
            "repr": event.target_repr,
        },
        "changes": event.changes,
        "data": event.data,
    }


def deliveries_for_events(events: Sequence[Activity]) -> list[int]:
    """The event consumer: one delivery per enabled, subscribed endpoint and event, sent after
    commit. Idempotent: a redelivered event finds its deliveries and creates none."""
    endpoints = selectors.webhooks_enabled_for(workspace_ids={e.workspace_id for e in events})
    if not endpoints:
        return []
    by_workspace: dict[int, list[WebhookEndpoint]] = defaultdict(list)
    for endpoint in endpoints:
        by_workspace[endpoint.workspace_id].append(endpoint)
    matched = [
        (event, endpoint) for event in events for endpoint in by_workspace[event.workspace_id]
        if selectors.subscribed(endpoint.event_types, event.verb)
    ]
    if not matched:
        return []
    actors = {(e.workspace_id, e.actor_id) for e, _ in matched if e.actor_id}
    member_ids = {
        (m.workspace_id, m.user_id): m.pk
        for m in Membership.all_objects.filter(
            workspace_id__in={w for w, _ in actors}, user_id__in={u for _, u in actors})
    }
    payloads: dict[int, dict[str, Any]] = {}
    now = timezone.now()
    rows = []
    for event, endpoint in matched:
        if event.pk not in payloads:
            payloads[event.pk] = event_payload(event, member_ids)
        rows.append(WebhookDelivery(
            workspace_id=event.workspace_id, endpoint=endpoint, url=endpoint.url,
            event_type=event.verb, payload=payloads[event.pk], activity=event,
            next_attempt_at=now + SEND_LEASE,
        ))
    with transaction.atomic():
        WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        fresh = list(
            WebhookDelivery.objects.filter(
                activity_id__in=payloads, endpoint_id__in={e.pk for _, e in matched},
                status=DeliveryStatus.PENDING, attempts=0,
            ).values_list("id", flat=True)
        )
        _send_on_commit([(delivery_id, 0) for delivery_id in fresh])
    return fresh


@transaction.atomic
def webhook_post(
    *, workspace: Workspace, url: str, payload: dict[str, Any], event_type: str,
    rule_run: RuleRun | None = None,
) -> WebhookDelivery:
    """Record a delivery of `payload` to an arbitrary URL (a rule's "send a webhook" action)
    and send it after commit, with the same retries as endpoint deliveries. It has no
    endpoint, so no secret: it is not signed."""
    delivery = WebhookDelivery.objects.create(
        workspace=workspace, endpoint=None, url=url_check(url), event_type=event_type[:64],
        payload=payload, rule_run=rule_run, next_attempt_at=timezone.now() + SEND_LEASE,
    )
    _send_on_commit([(delivery.pk, 0)])
    return delivery


def _send_on_commit(attempts: list[tuple[int, int]]) -> None:
    if not attempts:
        return
    from automations.tasks_hooks import send_webhook

    def send() -> None:
        for delivery_id, attempt in attempts:
            send_webhook.delay(delivery_id, attempt)

    transaction.on_commit(send)


def _headers(delivery: WebhookDelivery, body: bytes) -> dict[str, str]:
    headers = {
        "Content-Type": "application/json",
        "X-WorkOS-Event": delivery.event_type,
        "X-WorkOS-Delivery": str(delivery.pk),
    }
    if delivery.endpoint is not None:
        header, stamp = signature_header(delivery.endpoint.secret, body)
        headers["X-WorkOS-Signature"] = header
        headers["X-WorkOS-Timestamp"] = str(stamp)
    else:
        headers["X-WorkOS-Timestamp"] = str(int(timezone.now().timestamp()))
    return headers


def delivery_attempt(*, delivery_id: int, attempt: int) -> WebhookDelivery | None:
    """Make attempt number `attempt + 1` of a delivery, unless another message already did.

    Runs the HTTP request outside any transaction; the claim before it and the outcome after it
    are each one short transaction. Returns None when there was nothing to do.
    """
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, attempts=attempt, status__in=OPEN
    ).update(attempts=F("attempts") + 1, next_attempt_at=timezone.now() + SEND_LEASE)
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if endpoint is not None and not endpoint.enabled:
        return _record_outcome(delivery, status_code=None, error="The endpoint is disabled.",
                               final=True)
    if endpoint is not None and endpoint.url != delivery.url:
        delivery.url = endpoint.url  # an admin fixed the URL: retries go to the new one
    body = orjson.dumps(delivery.payload)
    try:
        answer = http.request("POST", delivery.url, headers=_headers(delivery, body), body=body,
                              timeout=SEND_TIMEOUT, max_bytes=RESPONSE_BYTES_KEPT, truncate=True,
                              max_redirects=3)
    except http.OutgoingRequestError as exc:
        return _record_outcome(delivery, status_code=None, error=str(exc))
    if answer.ok:
        return _record_outcome(delivery, status_code=answer.status, error="")
    text = answer.body.decode("utf-8", "replace").strip()
    error = f"The receiver answered {answer.status}" + (f": {text[:500]}" if text else ".")
    return _record_outcome(delivery, status_code=answer.status, error=error)


@transaction.atomic
def _record_outcome(delivery: WebhookDelivery, *, status_code: int | None, error: str,
                    final: bool = False) -> WebhookDelivery:
    now = timezone.now()
    delivery.response_status = status_code
    delivery.error = error
    if not error:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif not final and delivery.attempts < MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
    else:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    delivery.save(update_fields=["url", "status", "response_status", "error", "delivered_at",
                                 "next_attempt_at"])
    if delivery.endpoint_id is not None:
        if delivery.status == DeliveryStatus.SUCCEEDED:
            WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, consecutive_failures__gt=0
                                           ).update(consecutive_failures=0)
        elif delivery.status == DeliveryStatus.FAILED and not final:
            _count_failure(delivery)
    return delivery


def _count_failure(delivery: WebhookDelivery) -> None:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    endpoint.consecutive_failures += 1
    fields = ["consecutive_failures"]
    if endpoint.enabled and endpoint.consecutive_failures >= DISABLE_AFTER:
        endpoint.enabled = False
        endpoint.disabled_at = timezone.now()
        endpoint.disabled_reason = (
            f"Disabled after {endpoint.consecutive_failures} deliveries in a row failed for "
            f"good. The last error: {delivery.error[:500]}"
        )
        fields += ["enabled", "disabled_at", "disabled_reason"]
        endpoint.save(update_fields=fields)
        _announce_disabled(endpoint)
        return
    endpoint.save(update_fields=fields)


def _announce_disabled(endpoint: WebhookEndpoint) -> None:
    workspace = endpoint.workspace
    notify(
        workspace=workspace, recipients=human_admins(workspace), verb="webhook.disabled",
        target=endpoint,
        title=f"The webhook to {endpoint.url[:200]} was disabled after repeated failures",
        actor_label="WorkOS", data={"reason": endpoint.disabled_reason},
    )
    activity_record(workspace=workspace, actor=None, verb="webhook.disabled", target=endpoint,
                    data={"reason": endpoint.disabled_reason})
    # What was still waiting would only fail again; it is closed with the reason.
    WebhookDelivery.objects.filter(endpoint=endpoint, status__in=OPEN).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None,
        error="The endpoint was disabled after repeated failures.",
    )


def deliveries_enqueue_due(*, now: dt.datetime | None = None, limit: int = DUE_BATCH) -> int:
    """Queue an attempt for each delivery whose time has come (retries, and attempts whose
    worker was lost). Rows locked by a concurrent run are skipped, not waited for; each one
    picked moves a lease ahead so the next run does not pick it again while it is queued."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status__in=OPEN, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("id", "attempts")[:limit]
        )
        if due:
            WebhookDelivery.objects.filter(pk__in=[pk for pk, _ in due]).update(
                next_attempt_at=now + SEND_LEASE)
            _send_on_commit(due)
    return len(due)


def delivery_retry(*, actor: Membership, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now: one more attempt for a failed one, or an early one for a
    delivery waiting to retry."""
    _require_admin(actor, "Retrying a delivery")
    return delivery_retry_now(delivery=delivery)


@transaction.atomic
def delivery_retry_now(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """`delivery_retry` without the role check, for callers that made their own (the Django
    admin, which only staff reach)."""
    delivery = (WebhookDelivery.objects.select_for_update(of=("self",))
                .select_related("endpoint").get(pk=delivery.pk))
    if delivery.status == DeliveryStatus.SUCCEEDED:
        raise Conflict("This delivery already succeeded.")
    if delivery.status == DeliveryStatus.PENDING:
        raise Conflict("This delivery is being sent; wait for its outcome.")
    if delivery.endpoint is not None and not delivery.endpoint.enabled:
        raise Conflict("The endpoint is disabled; enable it before retrying its deliveries.")
    delivery.status = DeliveryStatus.RETRYING
    delivery.next_attempt_at = timezone.now() + SEND_LEASE
    delivery.save(update_fields=["status", "next_attempt_at"])
    _send_on_commit([(delivery.pk, delivery.attempts)])
    return delivery
