"""The boards "time tracked" column shows hours logged on an item and its sub-items."""

from boards.services.board_columns import column_create
from boards.services.boards import board_create
from boards.services.items import item_create
from tests.factories import TimeEntryFactory


def test_time_tracked_rolls_up_sub_items_and_stays_hidden_from_guests(people, api):
    owner = people.owner
    board = board_create(actor=owner, name="Work")
    column_create(actor=owner, board=board, title="Time", type="time_tracked", key="time")
    parent = item_create(actor=owner, board=board, fields={"name": "Launch"})
    child = item_create(actor=owner, board=board, fields={"name": "Slides", "parent": parent.pk})
    TimeEntryFactory(member=people.member, item=parent, duration_minutes=90)
    TimeEntryFactory(member=people.member, item=child, duration_minutes=30)
    url = f"/api/v1/workspaces/{people.workspace.slug}/items/"
    member = api(people.member)
    assert member.get(f"{url}{parent.pk}/").json()["values"]["time"] == 2.0
    listed = {r["id"]: r["values"]["time"] for r in
              member.get(url, {"board": board.pk}).json()["results"]}
    assert listed == {parent.pk: 2.0, child.pk: 0.5}

    from boards.services.boards import board_member_add

    board_member_add(actor=owner, board=board, membership=people.guest, role="viewer")
    guest_view = api(people.guest).get(f"{url}{parent.pk}/").json()
    assert guest_view["values"]["time"] is None
