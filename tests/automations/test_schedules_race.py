"""Two beat processes running at the same tick, for real, on PostgreSQL: one occurrence."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from automations.models import RecurringOccurrence
from automations.services import schedules
from boards.models import Item
from tests.factories import BoardFactory, GroupFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite has none"
)


@pytest.mark.django_db(transaction=True)
def test_two_beats_racing_at_the_same_tick_make_one_occurrence(people):
    board = BoardFactory(workspace=people.workspace)
    GroupFactory(board=board)
    schedule = schedules.schedule_create(
        actor=people.member, name="Daily stand-up notes", board=board,
        rrule="FREQ=DAILY;BYHOUR=9;BYMINUTE=0", timezone_name="Europe/Berlin",
        starts_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        item_template={"name": "Notes {date}"}, now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    tick = dt.datetime(2026, 3, 4, 8, 30, tzinfo=dt.UTC)  # 1 to 4 March are due
    start = threading.Barrier(4)
    results: list[int] = []
    errors: list[BaseException] = []

    def beat() -> None:
        try:
            start.wait(timeout=10)
            results.append(schedules.schedules_run_due(now=tick))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=beat) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(results) == 4
    assert RecurringOccurrence.objects.filter(schedule=schedule).count() == 4
    assert Item.objects.filter(board=board).count() == 4
