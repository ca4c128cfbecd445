"""Deleting a whole workspace or purging a board takes its items with it; a group does not."""

import datetime as dt

import pytest
from django.db.models import RestrictedError
from django.utils import timezone

from boards.models import Board, Group, Item
from boards.services.boards import board_create, board_delete
from boards.services.items import item_create
from boards.tasks import purge_deleted_boards


def test_deleting_a_workspace_deletes_its_boards_and_items(people, api):
    board = board_create(actor=people.owner, name="B")
    item_create(actor=people.owner, board=board, fields={"name": "x"})
    response = api(people.owner).delete(f"/api/v1/workspaces/{people.workspace.slug}/")
    assert response.status_code == 204
    assert not Board.objects.filter(pk=board.pk).exists()
    assert not Item.objects.filter(board_id=board.pk).exists()


def test_a_group_with_items_cannot_be_deleted_under_them(people):
    board = board_create(actor=people.owner, name="B")
    item = item_create(actor=people.owner, board=board, fields={"name": "x"})
    with pytest.raises(RestrictedError):
        Group.objects.filter(pk=item.group_id).delete()


def test_boards_deleted_over_30_days_ago_are_purged(people):
    old = board_create(actor=people.owner, name="Old")
    doomed = item_create(actor=people.owner, board=old, fields={"name": "x"})
    from boards.services.comments import comment_create

    comment_create(actor=people.owner, item=doomed, body="bye")
    recent = board_create(actor=people.owner, name="Recent")
    board_delete(actor=people.owner, board=old)
    board_delete(actor=people.owner, board=recent)
    Board.objects.filter(pk=old.pk).update(deleted_at=timezone.now() - dt.timedelta(days=31))
    assert purge_deleted_boards() == 1
    assert not Board.objects.filter(pk=old.pk).exists()
    from workos.activity.models import Comment

    assert not Comment.objects.exists()
    assert Board.objects.filter(pk=recent.pk).exists()


def test_bulk_archive_and_restore_take_sub_items_along(people, api):
    board = board_create(actor=people.owner, name="Tree")
    parent = item_create(actor=people.owner, board=board, fields={"name": "parent"})
    child = item_create(actor=people.owner, board=board, fields={"name": "child",
                                                                 "parent": parent.pk})
    url = f"/api/v1/workspaces/{people.workspace.slug}/items/bulk/"
    client = api(people.owner)
    assert client.post(url, {"ids": [parent.pk], "action": "archive"},
                       format="json").status_code == 200
    child.refresh_from_db()
    assert child.archived_at is not None
    assert client.post(url, {"ids": [parent.pk], "action": "restore"},
                       format="json").status_code == 200
    child.refresh_from_db()
    assert child.archived_at is None
