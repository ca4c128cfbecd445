"""A receiver can tell a genuine delivery from a forged, altered or replayed one."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from automations.models import DeliveryStatus, WebhookDelivery
from automations.services import webhooks
from automations.signing import signature_header, verify_signature
from workos.activity.services import activity_record
from workos.activity.tasks import dispatch_events

SECRET = "whsec_test_secret"
BODY = b'{"id": 1, "type": "item.created"}'


def test_a_genuine_signature_verifies():
    header, _ = signature_header(SECRET, BODY)
    assert verify_signature(SECRET, header, BODY)


def test_a_tampered_body_fails():
    header, _ = signature_header(SECRET, BODY)
    assert not verify_signature(SECRET, header, BODY.replace(b"1", b"2"))


def test_another_secret_fails():
    header, _ = signature_header("whsec_someone_else", BODY)
    assert not verify_signature(SECRET, header, BODY)


def test_an_old_timestamp_fails_even_with_a_valid_signature():
    header, _ = signature_header(SECRET, BODY, timestamp=int(time.time()) - 301)
    assert not verify_signature(SECRET, header, BODY, tolerance=300)
    assert verify_signature(SECRET, header, BODY, tolerance=600)


def test_a_timestamp_from_the_future_fails():
    header, _ = signature_header(SECRET, BODY, timestamp=int(time.time()) + 3600)
    assert not verify_signature(SECRET, header, BODY)


def test_a_changed_timestamp_fails():
    header, stamp = signature_header(SECRET, BODY)
    forged = header.replace(f"t={stamp}", f"t={stamp + 1}")
    assert not verify_signature(SECRET, forged, BODY)


@pytest.mark.parametrize("header", ["", "garbage", "t=abc,v1=00", "v1=00", "t=123"])
def test_a_malformed_header_fails(header):
    assert not verify_signature(SECRET, header, BODY)


def test_any_of_several_signatures_may_match():
    header, stamp = signature_header(SECRET, BODY)
    assert verify_signature(SECRET, f"t={stamp},v1=deadbeef,{header.split(',')[1]}", BODY)


class _VerifyingReceiver(BaseHTTPRequestHandler):
    """A receiver as its documentation tells it to be written: raw body, then verify."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ok = verify_signature(self.server.secret, self.headers["X-WorkOS-Signature"], body)
        self.server.received.append({"verified": ok, "event": self.headers["X-WorkOS-Event"],
                                     "payload": json.loads(body)})
        self.send_response(200 if ok else 401)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def verifying_server(settings):
    settings.OUTGOING_HTTP_ALLOWLIST = ["127.0.0.1/32"]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _VerifyingReceiver)
    httpd.received = []
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_a_real_receiver_verifies_a_real_delivery(
    people, verifying_server, django_capture_on_commit_callbacks
):
    url = f"http://127.0.0.1:{verifying_server.server_address[1]}/hook"
    endpoint, secret = webhooks.webhook_create(actor=people.admin, url=url,
                                               event_types=["team.created"])
    verifying_server.secret = secret
    event = activity_record(workspace=people.workspace, actor=people.admin.user,
                            verb="team.created", target=people.workspace)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_events([event.pk])

    assert verifying_server.received == [
        {"verified": True, "event": "team.created", "payload": verifying_server.received[0][
            "payload"]}]
    assert verifying_server.received[0]["payload"]["id"] == event.pk
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.response_status == 200

    # After a rotation the receiver still holding the old secret rejects the next delivery.
    webhooks.webhook_rotate_secret(actor=people.admin, endpoint=endpoint)
    second = activity_record(workspace=people.workspace, actor=people.admin.user,
                             verb="team.created", target=people.workspace)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_events([second.pk])
    assert verifying_server.received[1]["verified"] is False
    assert WebhookDelivery.objects.get(activity=second).status == DeliveryStatus.RETRYING
