"""Periodic work of time tracking; tasks are thin and safe to run twice."""

from __future__ import annotations

from celery import shared_task

from timetracking.services import timesheet_reminders_send


@shared_task(name="timetracking.tasks.remind_unsubmitted_timesheets",
             autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def remind_unsubmitted_timesheets() -> int:
    """Daily (see CELERY_BEAT_SCHEDULE): remind members of past weeks not submitted yet. A week
    is reminded at most once in six days, so retries and catch-up runs never mail twice."""
    return timesheet_reminders_send()
