"""The single-item update path that people and automations share: it writes only what changed,
can leave its savepoint to a caller that rolls back anyway, and reads a board's structure once
across the writes of a block that shares it."""

import pytest
from django.db import transaction
from django.db.models import signals

from boards import services
from boards.models import Item, StatusCategory
from boards.services.contexts import board_structure_shared
from tests.boards.conftest import status_named
from workos.activity.models import Activity
from workos.errors import NotFound, StaleVersion, ValidationFailed


@pytest.fixture
def item(people, board):
    return services.item_create(actor=people.owner, board=board, fields={"name": "Ship it"})


def test_an_update_writes_only_the_columns_it_changed(people, board, item):
    Item.objects.filter(pk=item.pk).update(tracked_minutes=90)  # kept by time tracking
    sent: list = []

    def receiver(sender, instance, update_fields=None, **kwargs):
        sent.append(update_fields)

    signals.post_save.connect(receiver, sender=Item)
    try:
        services.item_update(actor=people.owner, item=item, fields={"priority": "high"})
    finally:
        signals.post_save.disconnect(receiver, sender=Item)
    assert sent == [frozenset({"priority", "version", "updated_at"})]
    fresh = Item.objects.get(pk=item.pk)
    assert (fresh.priority, fresh.version, fresh.tracked_minutes) == ("high", 2, 90)


def test_a_status_change_writes_the_completion_time_with_it(people, board, item):
    done = board.statuses.get(category=StatusCategory.DONE)
    updated = services.item_update(actor=people.owner, item=item, fields={"status": done.pk})
    fresh = Item.objects.get(pk=item.pk)
    assert fresh.status_id == done.pk
    assert fresh.completed_at == updated.completed_at is not None
    activity = Activity.objects.filter(verb="item.updated", target_id=item.pk).get()
    assert set(activity.changes) == {"status", "completed_at"}


def test_the_locked_read_still_answers_if_match_and_missing_items(people, board, item):
    with pytest.raises(StaleVersion) as stale:
        services.item_update(actor=people.owner, item=item, fields={"name": "New"},
                             expected_version=7)
    assert stale.value.current.version == 1
    assert stale.value.current.board == board
    with pytest.raises(NotFound):
        services.item_update(actor=people.owner, item=Item(pk=10**9), fields={"name": "New"})


def test_without_a_savepoint_a_refusal_rolls_back_the_callers_savepoint(people, board, item):
    other = services.item_create(actor=people.owner, board=board, fields={"name": "Other"})

    def both() -> None:
        with transaction.atomic():
            services.item_update(actor=people.owner, item=other, fields={"name": "Renamed"},
                                 savepoint=False)
            services.item_update(actor=people.owner, item=item, fields={"status": 10**9},
                                 savepoint=False)

    with transaction.atomic():
        with pytest.raises(ValidationFailed):
            both()
        # The caller's savepoint took both back; its transaction goes on.
        services.item_update(actor=people.owner, item=item, fields={"priority": "low"})
    assert Item.objects.get(pk=other.pk).name == "Other"
    assert Item.objects.get(pk=item.pk).priority == "low"


def test_with_its_savepoint_a_caller_may_catch_a_refusal_and_go_on(people, board, item):
    with transaction.atomic():
        with pytest.raises(ValidationFailed):
            services.item_update(actor=people.owner, item=item, fields={"status": 10**9})
        services.item_update(actor=people.owner, item=item, fields={"name": "Still fine"})
    assert Item.objects.get(pk=item.pk).name == "Still fine"


def test_a_shared_block_reads_each_boards_statuses_once(people, board,
                                                       django_assert_num_queries):
    items = [services.item_create(actor=people.owner, board=board, fields={"name": f"I{n}"})
             for n in range(3)]
    doing = status_named(board, "In progress")

    def update_all() -> None:
        for row in items:
            services.item_update(actor=people.owner, item=row, fields={"status": doing.pk},
                                 savepoint=False)

    # Per item: lock, update, activity; plus the statuses once, and the block's transaction.
    with transaction.atomic(), board_structure_shared():
        with django_assert_num_queries(3 * 3 + 1):
            update_all()
        transaction.set_rollback(True)
    # Outside a shared block every write reads them again.
    with transaction.atomic():
        with django_assert_num_queries(3 * 4):
            update_all()
        transaction.set_rollback(True)


def test_a_status_added_after_a_shared_block_is_seen_by_the_next(people, board, item):
    with transaction.atomic(), board_structure_shared():
        services.item_update(actor=people.owner, item=item,
                             fields={"status": status_named(board, "In progress").pk},
                             savepoint=False)
    review = services.status_create(actor=people.owner, board=board, name="Review",
                                    category=StatusCategory.IN_PROGRESS)
    with transaction.atomic(), board_structure_shared():
        updated = services.item_update(actor=people.owner, item=item,
                                       fields={"status": review.pk}, savepoint=False)
    assert updated.status == review
