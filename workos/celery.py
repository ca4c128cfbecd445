"""The Celery application. Without REDIS_URL, tasks run in process (eager) after commit."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workos.settings")

app = Celery("workos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
