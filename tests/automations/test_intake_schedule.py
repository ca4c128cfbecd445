"""Intake's periodic work: files kept between the pages of forms never sent are removed daily,
on the queue of scheduled work."""

import datetime as dt
import os

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from automations.tasks_intake import prune_pending_uploads
from automations.views_intake_uploads import PENDING_DIR
from workos.celery import app

DAY = 24 * 3600


def test_kept_files_are_pruned_daily_on_the_scheduled_queue():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values()
               if e["task"] == "automations.tasks_intake.prune_pending_uploads"]
    assert [e["schedule"] for e in entries] == [DAY]
    route = app.amqp.router.route({}, "automations.tasks_intake.prune_pending_uploads")
    assert route["queue"].name == "scheduled"


def test_the_task_removes_only_files_kept_longer_than_a_day():
    old = default_storage.save(f"{PENDING_DIR}/1/old", ContentFile(b"%PDF old"))
    new = default_storage.save(f"{PENDING_DIR}/1/new", ContentFile(b"%PDF new"))
    two_days_ago = (dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=2)).timestamp()
    os.utime(default_storage.path(old), (two_days_ago, two_days_ago))
    assert prune_pending_uploads.apply().get() == 1
    assert not default_storage.exists(old) and default_storage.exists(new)
