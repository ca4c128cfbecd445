"""The webhooks API: admins manage endpoints, see their deliveries and retry them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from automations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.factories import WebhookDeliveryFactory, WebhookEndpointFactory


def _url(people, path=""):
    return f"/api/v1/workspaces/{people.workspace.slug}/webhooks/{path}"


def test_an_admin_adds_a_webhook_and_sees_its_secret_once(people, api):
    client = api(people.admin)
    response = client.post(_url(people), {"url": "https://hooks.example.com/workos",
                                          "description": "CRM",
                                          "event_types": ["item.created", "comment.*"]},
                           format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
    assert body["event_types"] == ["comment.*", "item.created"] and body["enabled"] is True
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert endpoint.secret == body["secret"] and endpoint.created_by == people.admin

    listed = client.get(_url(people)).json()["results"]
    assert "secret" not in listed[0] and listed[0]["secret_hint"] == body["secret"][:10] + "…"
    assert "secret" not in client.get(_url(people, f"{body['id']}/")).json()


@pytest.mark.parametrize(("role", "expected"), [
    ("owner", 200), ("admin", 200), ("member", 403), ("guest", 403),
])
def test_only_admins_reach_webhooks(people, api, role, expected):
    WebhookEndpointFactory(workspace=people.workspace)
    assert api(people.of(role)).get(_url(people)).status_code == expected
    created = api(people.of(role)).post(_url(people), {"url": "https://x.example/"},
                                        format="json")
    assert created.status_code == (201 if expected == 200 else 403)


@pytest.mark.parametrize(("body", "field"), [
    ({"url": "ftp://files.example.com/"}, "url"),
    ({"url": ""}, "url"),
    ({"url": "https://x.example/", "event_types": ["item.exploded"]}, "event_types"),
    ({"url": "https://x.example/", "event_types": ["nothing.*"]}, "event_types"),
])
def test_bad_webhooks_are_refused_with_the_reason(people, api, body, field):
    response = api(people.admin).post(_url(people), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_plain_http_needs_the_allowlist_or_development_mode(people, api, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    settings.OUTGOING_HTTP_ALLOWLIST = ["10.0.0.0/8", "jira.internal"]
    client = api(people.admin)
    refused = client.post(_url(people), {"url": "http://hooks.example.com/"}, format="json")
    assert refused.status_code == 400 and "https" in refused.json()["message"]
    for url in ("http://jira.internal/hook", "http://10.1.2.3:8080/hook"):
        assert client.post(_url(people), {"url": url}, format="json").status_code == 201


def test_rotating_the_secret_shows_the_new_one(people, api):
    endpoint = WebhookEndpointFactory(workspace=people.workspace)
    old = endpoint.secret
    response = api(people.admin).post(_url(people, f"{endpoint.pk}/rotate-secret/"))
    assert response.status_code == 200
    endpoint.refresh_from_db()
    assert endpoint.secret == response.json()["secret"] != old


def test_patching_and_deleting_a_webhook(people, api):
    endpoint = WebhookEndpointFactory(workspace=people.workspace, enabled=False,
                                      consecutive_failures=5)
    client = api(people.admin)
    response = client.patch(_url(people, f"{endpoint.pk}/"),
                            {"enabled": True, "event_types": []}, format="json")
    assert response.status_code == 200
    assert response.json()["enabled"] is True and response.json()["consecutive_failures"] == 0
    assert client.delete(_url(people, f"{endpoint.pk}/")).status_code == 204
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_the_event_types_are_listed(people, api):
    response = api(people.admin).get(_url(people, "event-types/"))
    assert response.status_code == 200 and "item.created" in response.json()["event_types"]


def test_deliveries_are_listed_newest_first_and_filtered_by_status(people, api):
    endpoint = WebhookEndpointFactory(workspace=people.workspace)
    ok = WebhookDeliveryFactory(endpoint=endpoint, status=DeliveryStatus.SUCCEEDED)
    failed = WebhookDeliveryFactory(endpoint=endpoint, status=DeliveryStatus.FAILED)
    WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(workspace=people.workspace))
    client = api(people.admin)
    everything = client.get(_url(people, f"{endpoint.pk}/deliveries/")).json()["results"]
    assert [d["id"] for d in everything] == [failed.pk, ok.pk]
    only = client.get(_url(people, f"{endpoint.pk}/deliveries/?status=failed")).json()
    assert [d["id"] for d in only["results"]] == [failed.pk]
    assert client.get(_url(people, f"{endpoint.pk}/deliveries/?status=odd")).status_code == 400


def test_the_delivery_list_query_count_does_not_grow_with_page_size(people, api):
    endpoint = WebhookEndpointFactory(workspace=people.workspace)
    for _ in range(30):
        WebhookDeliveryFactory(endpoint=endpoint, payload={"id": 1, "data": {"x": [1, 2]}})
    client = api(people.admin)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_url(people, f"{endpoint.pk}/deliveries/?page_size={size}"))
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_webhook_list_query_count_does_not_grow_with_page_size(people, api):
    for _ in range(30):
        WebhookEndpointFactory(workspace=people.workspace)
    client = api(people.admin)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_url(people, f"?page_size={size}"))
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_a_failed_delivery_can_be_retried_now(
    people, api, receiver, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpointFactory(workspace=people.workspace)
    failed = WebhookDeliveryFactory(endpoint=endpoint, status=DeliveryStatus.FAILED, attempts=7,
                                    error="The receiver answered 503.")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(people.admin).post(
            _url(people, f"{endpoint.pk}/deliveries/{failed.pk}/retry/"))
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.SUCCEEDED and failed.attempts == 8
    assert len(receiver.calls) == 1


def test_a_delivered_one_or_a_disabled_endpoints_one_is_not_retried(people, api):
    endpoint = WebhookEndpointFactory(workspace=people.workspace)
    done = WebhookDeliveryFactory(endpoint=endpoint, status=DeliveryStatus.SUCCEEDED)
    client = api(people.admin)
    assert client.post(_url(people, f"{endpoint.pk}/deliveries/{done.pk}/retry/")
                       ).status_code == 409
    off = WebhookEndpointFactory(workspace=people.workspace, enabled=False)
    stuck = WebhookDeliveryFactory(endpoint=off, status=DeliveryStatus.FAILED)
    response = client.post(_url(people, f"{off.pk}/deliveries/{stuck.pk}/retry/"))
    assert response.status_code == 409 and "enable it" in response.json()["message"]


def test_a_delivery_is_reached_only_through_its_own_endpoint(people, api):
    one = WebhookEndpointFactory(workspace=people.workspace)
    other = WebhookEndpointFactory(workspace=people.workspace)
    delivery = WebhookDeliveryFactory(endpoint=one)
    client = api(people.admin)
    assert client.get(_url(people, f"{other.pk}/deliveries/{delivery.pk}/")).status_code == 404
    assert client.get(_url(people, f"{one.pk}/deliveries/{delivery.pk}/")).status_code == 200
    assert WebhookDelivery.objects.count() == 1
