"""End to end on a real worker, Redis and PostgreSQL: an event is dispatched on the `events`
queue, its delivery sent on the `webhooks` queue, and the receiver verifies the signature."""

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from automations.models import DeliveryStatus, WebhookDelivery
from automations.services import webhooks
from automations.signing import verify_signature
from workos.activity.services import activity_record

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL for a broker"),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="a worker process needs the test database on a server"),
]


class _Receiver(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(
            (verify_signature(self.server.secret, self.headers["X-WorkOS-Signature"], body),
             json.loads(body)))
        self.send_response(204)
        self.end_headers()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_a_signed_webhook(people):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    httpd.received = []
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    db = settings.DATABASES["default"]
    env = {**os.environ, "DEBUG": "1", "OUTGOING_HTTP_ALLOWLIST": "127.0.0.1/32",
           "DATABASE_URL": (f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:"
                            f"{db['PORT'] or 5432}/{db['NAME']}")}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "workos", "worker", "-Q", "events,webhooks",
         "-P", "solo", "--without-mingle", "--without-gossip", "--without-heartbeat",
         "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/hook"
        endpoint, httpd.secret = webhooks.webhook_create(actor=people.admin, url=url)
        event = activity_record(workspace=people.workspace, actor=people.admin.user,
                                verb="team.created", target=people.workspace)
        def ours() -> list:
            return [(ok, body) for ok, body in httpd.received if body["id"] == event.pk]

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not ours():
            time.sleep(0.2)
        assert ours(), "the event's delivery did not reach the receiver"
        verified, payload = ours()[0]
        assert verified and payload["type"] == "team.created"
        # The endpoint's own creation was an event too, delivered the same way (by its own
        # task, so possibly after the later event's).
        def types() -> set:
            return {body["type"] for _, body in httpd.received}

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and types() != {"webhook.created", "team.created"}:
            time.sleep(0.2)
        assert types() == {"webhook.created", "team.created"}
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            delivery = WebhookDelivery.objects.filter(endpoint=endpoint, activity=event).first()
            if delivery is not None and delivery.status == DeliveryStatus.SUCCEEDED:
                break
            time.sleep(0.2)
        assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.response_status == 204
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        httpd.shutdown()
        httpd.server_close()
