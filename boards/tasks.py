"""Periodic work of the boards app."""

from __future__ import annotations

from celery import shared_task

from boards.services.boards import boards_purge_deleted


@shared_task(name="boards.tasks.purge_deleted_boards")
def purge_deleted_boards() -> int:
    """Remove boards deleted more than 30 days ago, with their items; restorable until then."""
    return boards_purge_deleted()
