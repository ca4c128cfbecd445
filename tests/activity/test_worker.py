"""A real Celery worker on the configured Redis broker runs the on-commit dispatch."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker

from workos.activity.models import Activity
from workos.celery import app
from workos.tenancy import services

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL for a broker"),
]


@pytest.fixture
def worker():
    import celery.contrib.testing.tasks  # noqa: F401 - registers the ping task

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, queues=["default", "events"],
            shutdown_timeout=10,
        ) as running:
            yield running
    finally:
        app.conf.task_always_eager = previous


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_dispatches_the_event_after_commit(people, worker):
    team = services.team_create(actor=people.admin, name="Ops")
    activity = Activity.objects.get(verb="team.created", target_id=team.pk)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        activity.refresh_from_db()
        if activity.dispatched_at is not None:
            break
        time.sleep(0.1)
    assert activity.dispatched_at is not None, "the worker did not dispatch the event"
