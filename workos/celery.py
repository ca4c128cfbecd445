"""The Celery application. Without REDIS_URL, tasks run in process (eager) after commit."""

import os
from typing import Any

from celery import Celery, signals
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workos.settings")

app = Celery("workos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def _recycle_connections(sender: Any = None, **kwargs: Any) -> None:
    """What Django does around each request, around each task: a connection that failed or
    outlived CONN_MAX_AGE is closed, any other is kept for the next task (CELERY_DB_REUSE_MAX
    keeps Celery from closing every connection after every task, which costs a new PostgreSQL
    session per task). Eager tasks run inside their caller's transaction: left alone."""
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    close_old_connections()
