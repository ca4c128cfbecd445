"""Outgoing webhooks: one signed delivery per endpoint and event, retries with backoff, giving
up, and disabling an endpoint that keeps failing."""

import datetime as dt

import orjson
import pytest
from django.utils import timezone

from automations import http
from automations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from automations.services import webhooks
from automations.signing import verify_signature
from tests.factories import WebhookDeliveryFactory, WebhookEndpointFactory, WorkspaceFactory
from workos.activity.models import Activity, Notification
from workos.activity.services import activity_record
from workos.activity.tasks import dispatch_events
from workos.errors import ValidationFailed


def _event(people, verb="item.created"):
    return activity_record(workspace=people.workspace, actor=people.admin.user, verb=verb,
                           target=people.workspace, changes={"name": ["a", "b"]},
                           data={"board": 7})


def _dispatch(capture, *ids, replay=False):
    with capture(execute=True):
        dispatch_events(list(ids), replay=replay)


def test_an_event_makes_one_signed_delivery_per_subscribed_endpoint(
    people, receiver, django_capture_on_commit_callbacks
):
    everything = WebhookEndpointFactory(workspace=people.workspace, url="https://a.example/in")
    items = WebhookEndpointFactory(workspace=people.workspace, url="https://b.example/in",
                                   event_types=["item.*"])
    WebhookEndpointFactory(workspace=people.workspace, event_types=["comment.added"])
    WebhookEndpointFactory(workspace=people.workspace, enabled=False)
    WebhookEndpointFactory(workspace=WorkspaceFactory())
    event = _event(people)

    _dispatch(django_capture_on_commit_callbacks, event.pk)

    assert sorted(c["url"] for c in receiver.calls) == ["https://a.example/in",
                                                        "https://b.example/in"]
    for call, endpoint in zip(sorted(receiver.calls, key=lambda c: c["url"]),
                              [everything, items], strict=True):
        headers = call["headers"]
        assert headers["X-WorkOS-Event"] == "item.created"
        assert verify_signature(endpoint.secret, headers["X-WorkOS-Signature"], call["body"])
        assert headers["X-WorkOS-Signature"].startswith(f"t={headers['X-WorkOS-Timestamp']},")
        delivery = WebhookDelivery.objects.get(pk=int(headers["X-WorkOS-Delivery"]))
        assert delivery.endpoint == endpoint and delivery.status == DeliveryStatus.SUCCEEDED
        payload = orjson.loads(call["body"])
        assert payload["id"] == event.pk and payload["type"] == "item.created"
        assert payload["workspace"] == people.workspace.slug
        assert payload["actor"] == {"member": people.admin.pk, "name": event.actor_label}
        assert payload["target"] == {"type": "tenancy.workspace", "id": people.workspace.pk,
                                     "repr": str(people.workspace)}
        assert payload["changes"] == {"name": ["a", "b"]} and payload["data"] == {"board": 7}


def test_an_event_dispatched_twice_is_delivered_once_per_endpoint(
    people, receiver, django_capture_on_commit_callbacks
):
    WebhookEndpointFactory(workspace=people.workspace)
    WebhookEndpointFactory(workspace=people.workspace)
    event = _event(people)

    _dispatch(django_capture_on_commit_callbacks, event.pk)
    _dispatch(django_capture_on_commit_callbacks, event.pk, replay=True)
    _dispatch(django_capture_on_commit_callbacks, event.pk, replay=True)

    assert WebhookDelivery.objects.filter(activity=event).count() == 2
    assert len(receiver.calls) == 2


def test_a_duplicated_send_message_makes_one_attempt(people, receiver):
    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(workspace=people.workspace))
    first = webhooks.delivery_attempt(delivery_id=delivery.pk, attempt=0)
    second = webhooks.delivery_attempt(delivery_id=delivery.pk, attempt=0)
    assert first.status == DeliveryStatus.SUCCEEDED and second is None
    assert len(receiver.calls) == 1


def test_failed_attempts_back_off_for_most_of_a_day_then_give_up(
    people, receiver, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpointFactory(workspace=people.workspace)
    receiver.answers = [500] * 20
    _dispatch(django_capture_on_commit_callbacks, _event(people).pk)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    waits = []
    while delivery.status == DeliveryStatus.RETRYING:
        waits.append(delivery.next_attempt_at - timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            assert webhooks.deliveries_enqueue_due(now=delivery.next_attempt_at) == 1
        delivery.refresh_from_db()

    minutes = [round(w.total_seconds() / 60) for w in waits]
    assert minutes == [1, 5, 30, 120, 360, 720]
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 7
    assert delivery.next_attempt_at is None
    assert delivery.response_status == 500 and "answered 500" in delivery.error
    assert len(receiver.calls) == 7
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1 and endpoint.enabled


def test_a_success_after_failures_clears_the_endpoints_failure_count(
    people, receiver, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpointFactory(workspace=people.workspace, consecutive_failures=3)
    receiver.answers = [http.ConnectionFailed("Could not reach b.example"), 204]
    _dispatch(django_capture_on_commit_callbacks, _event(people).pk)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.error == "Could not reach b.example" and delivery.response_status is None
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.deliveries_enqueue_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.error == ""
    assert delivery.delivered_at is not None and delivery.response_status == 204
    assert endpoint.consecutive_failures == 0


def test_an_endpoint_failing_again_and_again_is_disabled_and_the_admins_are_told(
    people, receiver
):
    endpoint = WebhookEndpointFactory(workspace=people.workspace,
                                      consecutive_failures=webhooks.DISABLE_AFTER - 1)
    last_try = WebhookDeliveryFactory(endpoint=endpoint, status=DeliveryStatus.RETRYING,
                                      attempts=webhooks.MAX_ATTEMPTS - 1)
    waiting = WebhookDeliveryFactory(endpoint=endpoint, status=DeliveryStatus.RETRYING,
                                     attempts=1)
    receiver.answers = [410]

    webhooks.delivery_attempt(delivery_id=last_try.pk, attempt=last_try.attempts)

    endpoint.refresh_from_db()
    assert not endpoint.enabled and endpoint.disabled_at is not None
    assert "5 deliveries in a row" in endpoint.disabled_reason
    assert "answered 410" in endpoint.disabled_reason
    told = set(Notification.objects.filter(verb="webhook.disabled")
               .values_list("recipient_id", flat=True))
    assert told == {people.owner.pk, people.admin.pk}
    assert Activity.objects.filter(verb="webhook.disabled", target_id=endpoint.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.FAILED
    # Nothing more is sent to it, and new events make no deliveries.
    assert webhooks.delivery_attempt(delivery_id=waiting.pk, attempt=1) is None
    assert webhooks.deliveries_for_events([_event(people)]) == []


def test_enabling_an_endpoint_again_resets_its_failures(people):
    endpoint = WebhookEndpointFactory(workspace=people.workspace, enabled=False,
                                      consecutive_failures=5, disabled_at=timezone.now(),
                                      disabled_reason="Disabled after 5 deliveries")
    webhooks.webhook_update(actor=people.admin, endpoint=endpoint, enabled=True)
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.consecutive_failures == 0
    assert endpoint.disabled_at is None and endpoint.disabled_reason == ""


def test_an_attempt_whose_worker_was_lost_is_retried_after_its_lease(
    people, receiver, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpointFactory(workspace=people.workspace)
    delivery = WebhookDeliveryFactory(endpoint=endpoint)
    # Claimed by a worker that then died: attempts counted, the lease set, no outcome.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=1, next_attempt_at=timezone.now() + webhooks.SEND_LEASE)
    assert webhooks.deliveries_enqueue_due() == 0
    later = timezone.now() + webhooks.SEND_LEASE + dt.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.deliveries_enqueue_due(now=later) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 2


def test_the_beat_picks_a_due_delivery_once_while_it_is_queued(people, receiver):
    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(workspace=people.workspace),
                                      status=DeliveryStatus.RETRYING, attempts=1,
                                      next_attempt_at=timezone.now())
    assert webhooks.deliveries_enqueue_due() == 1  # queued (not run: no commit here)
    assert webhooks.deliveries_enqueue_due() == 0
    delivery.refresh_from_db()
    assert delivery.next_attempt_at > timezone.now()


def test_a_rule_can_post_an_unsigned_webhook_to_a_url(
    people, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = webhooks.webhook_post(workspace=people.workspace,
                                         url="https://ci.example/build", payload={"item": 5},
                                         event_type="rule.webhook")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.endpoint is None
    call = receiver.calls[0]
    assert call["url"] == "https://ci.example/build" and orjson.loads(call["body"]) == {"item": 5}
    assert call["headers"]["X-WorkOS-Event"] == "rule.webhook"
    assert "X-WorkOS-Signature" not in call["headers"]


@pytest.mark.parametrize("url", ["ftp://ci.example/", "not a url", ""])
def test_a_rule_cannot_post_to_a_url_that_is_not_http(people, url):
    with pytest.raises(ValidationFailed):
        webhooks.webhook_post(workspace=people.workspace, url=url, payload={},
                              event_type="rule.webhook")


def test_an_internal_address_is_recorded_as_a_failed_attempt(people, settings):
    settings.OUTGOING_HTTP_ALLOWLIST = []
    endpoint = WebhookEndpointFactory(workspace=people.workspace,
                                      url="http://169.254.169.254/latest/meta-data/")
    delivery = WebhookDeliveryFactory(endpoint=endpoint)
    webhooks.delivery_attempt(delivery_id=delivery.pk, attempt=0)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    assert "link-local" in delivery.error and "OUTGOING_HTTP_ALLOWLIST" in delivery.error


def test_a_fixed_url_is_used_by_the_next_retry(people, receiver):
    endpoint = WebhookEndpointFactory(workspace=people.workspace, url="https://old.example/")
    delivery = WebhookDeliveryFactory(endpoint=endpoint, status=DeliveryStatus.RETRYING,
                                      attempts=1)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="https://new.example/")
    webhooks.delivery_attempt(delivery_id=delivery.pk, attempt=1)
    assert receiver.calls[0]["url"] == "https://new.example/"


def test_finished_deliveries_and_stale_counters_are_pruned_after_a_while(people):
    from automations.models import TaskDelivery
    from automations.services.housekeeping import records_prune

    endpoint = WebhookEndpointFactory(workspace=people.workspace)
    old_done = WebhookDeliveryFactory(endpoint=endpoint, status=DeliveryStatus.SUCCEEDED)
    old_waiting = WebhookDeliveryFactory(endpoint=endpoint, status=DeliveryStatus.RETRYING)
    recent = WebhookDeliveryFactory(endpoint=endpoint, status=DeliveryStatus.FAILED)
    long_ago = timezone.now() - dt.timedelta(days=31)
    WebhookDelivery.objects.filter(pk__in=[old_done.pk, old_waiting.pk]).update(
        created_at=long_ago)
    TaskDelivery.objects.create(key="gone:1", deliveries=1)
    TaskDelivery.objects.filter(key="gone:1").update(updated_at=long_ago)
    TaskDelivery.objects.create(key="recent:1", deliveries=1)

    assert records_prune() == {"webhook_deliveries": 1, "task_deliveries": 1}
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {old_waiting.pk,
                                                                         recent.pk}
    assert list(TaskDelivery.objects.values_list("key", flat=True)) == ["recent:1"]
