"""A real worker on Redis and PostgreSQL is SIGKILLed in the middle of dispatching an event; the
message comes back (acks_late, reject_on_worker_lost) and a second worker finishes it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from automations.models import DeadLetter, TaskDelivery
from workos.activity.models import Activity
from workos.activity.services import activity_record

ROOT = Path(__file__).resolve().parents[2]
# The worker_hang_consumer module reacts to this verb; it is not imported here, or the test
# process would register its consumer too.
VERB = "test.worker_killed"
VISIBILITY = 2  # seconds before Redis hands an unacknowledged message to another worker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL for a broker"),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="a worker process needs the test database on a server"),
]


def _worker(marks: Path, *, hang: bool) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": (f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:"
                         f"{db['PORT'] or 5432}/{db['NAME']}"),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "WORKOS_TEST_MARKS": str(marks),
        "WORKOS_TEST_HANG": "1" if hang else "0",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "workos", "worker", "-Q", "events", "-P", "solo",
         "--without-mingle", "--without-gossip", "--without-heartbeat", "-l", "warning",
         "--include", "tests.automations.worker_hang_consumer"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_dispatch_loses_no_event(people, tmp_path):
    first = _worker(tmp_path, hang=True)
    second = None
    try:
        event = activity_record(workspace=people.workspace, actor=people.owner.user, verb=VERB,
                                target=people.workspace)  # autocommit: queued on commit
        _wait_for(lambda: (tmp_path / "in-task").exists(), 60, "the first worker to start")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        event.refresh_from_db()
        assert event.dispatched_at is None
        assert not TaskDelivery.objects.exists()  # a first delivery is not counted

        time.sleep(VISIBILITY + 0.5)  # the message's visibility runs out
        second = _worker(tmp_path, hang=False)
        _wait_for(lambda: Activity.objects.get(pk=event.pk).dispatched_at is not None, 60,
                  "the second worker to dispatch the event")

        # The second worker got the message marked redelivered, counted one lost delivery,
        # finished, and cleared the counter.
        seen = (tmp_path / "seen").read_text().split()
        assert seen == [str(event.pk), str(second.pid), "1"]
        assert not TaskDelivery.objects.exists()
        assert not DeadLetter.objects.exists()
    finally:
        if first.poll() is None:
            first.kill()
        if second is not None:
            _stop(second)
