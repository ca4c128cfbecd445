"""Loaded only by the subprocess workers of test_reliability_worker (celery --include): an
event consumer that, in a worker started with WORKOS_TEST_HANG=1, announces it has started on
the test event and then hangs, so the test can SIGKILL the worker mid-task."""

import os
import pathlib
import time

from workos.activity.dispatch import consumer_register

VERB = "test.worker_killed"


def _consume(events) -> None:
    if "WORKOS_TEST_MARKS" not in os.environ:
        return
    marks = pathlib.Path(os.environ["WORKOS_TEST_MARKS"])
    for event in events:
        if event.verb != VERB:
            continue
        if os.environ.get("WORKOS_TEST_HANG") == "1":
            (marks / "in-task").write_text(str(os.getpid()))
            time.sleep(120)
        from automations.models import TaskDelivery

        # The delivery counter as this delivery sees it: how many deliveries before it died.
        died = (TaskDelivery.objects.filter(key__startswith="workos.activity.tasks.dispatch")
                .values_list("deliveries", flat=True).first())
        with (marks / "seen").open("a") as seen:
            seen.write(f"{event.pk} {os.getpid()} {died}\n")


consumer_register("test-worker-killed", _consume)
