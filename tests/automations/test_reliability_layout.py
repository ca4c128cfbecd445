"""The Celery layout: queues by kind of work, every beat entry runnable, every queue consumed,
no wait in the broker longer than Redis's visibility timeout."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from workos.celery import app
from workos.reliability import CountedTask

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tasks():
    app.loader.import_default_modules()
    app.autodiscover_tasks(lambda: settings.INSTALLED_APPS, force=True)
    return app.tasks


@pytest.mark.parametrize(("task", "queue"), [
    ("workos.activity.tasks.dispatch_events", "events"),
    ("automations.tasks.run_rule", "events"),
    ("automations.tasks_hooks.send_webhook", "webhooks"),
    ("automations.tasks_hooks.retry_due_webhooks", "scheduled"),
    ("automations.tasks_hooks.run_recurring", "scheduled"),
    ("workos.activity.tasks.sweep_undispatched", "scheduled"),
])
def test_each_kind_of_work_has_its_queue(task, queue):
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_every_beat_entry_names_a_registered_task(tasks):
    missing = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if entry["task"] not in tasks]
    assert missing == []


def test_the_idempotent_tasks_are_counted_and_acknowledged_late(tasks):
    for name in ("workos.activity.tasks.dispatch_events", "automations.tasks_hooks.send_webhook",
                 "automations.tasks_hooks.retry_due_webhooks",
                 "automations.tasks_hooks.run_recurring"):
        task = tasks[name]
        assert isinstance(task, CountedTask), name
        assert task.acks_late and task.reject_on_worker_lost, name


def test_no_retry_waits_in_the_broker_longer_than_the_visibility_timeout(tasks):
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    for name, task in tasks.items():
        if getattr(task, "autoretry_for", None) and getattr(task, "retry_backoff", False):
            assert getattr(task, "retry_backoff_max", 600) < visibility, name


def test_the_deployed_workers_consume_every_queue():
    compose = (ROOT / "docker-compose.yml").read_text()
    consumed = {queue for listed in re.findall(r'"-Q",\s*"([^"]+)"', compose)
                for queue in listed.split(",")}
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {"default"} <= consumed
