"""A kanban laid out by a single-choice dropdown column: one lane per option."""

from boards.services.board_columns import column_create
from boards.services.boards import board_create
from boards.services.items import item_create


def test_lanes_follow_the_options_of_a_dropdown_column(people, api):
    owner = people.owner
    board = board_create(actor=owner, name="Requests")
    column_create(actor=owner, board=board, title="Area", type="dropdown", key="area",
                  settings={"options": [{"label": "Web"}, {"label": "Ops"}]})
    for n in range(3):
        item_create(actor=owner, board=board, fields={"name": f"web {n}", "values": {"area": "Web"}})
    item_create(actor=owner, board=board, fields={"name": "ops", "values": {"area": "Ops"}})
    item_create(actor=owner, board=board, fields={"name": "unsorted"})
    client = api(people.member)
    url = f"/api/v1/workspaces/{people.workspace.slug}/boards/{board.pk}/kanban/"
    body = client.get(url, {"by": "area", "per_column": 2}).json()
    lanes = {lane["name"]: lane for lane in body["columns"]}
    assert list(lanes) == ["Web", "Ops", "No value"]
    assert lanes["Web"]["count"] == 3
    assert [i["name"] for i in lanes["Web"]["items"]] == ["web 0", "web 1"]
    assert lanes["Web"]["next"]
    more = client.get(url, {"by": "area", "per_column": 2, "column": lanes["Web"]["id"],
                            "cursor": lanes["Web"]["next"]}).json()
    assert [i["name"] for i in more["columns"][0]["items"]] == ["web 2"]
    assert [i["name"] for i in lanes["No value"]["items"]] == ["unsorted"]


def test_a_kanban_by_a_text_column_is_refused(people, api):
    board = board_create(actor=people.owner, name="Plain")
    column_create(actor=people.owner, board=board, title="Note", type="text", key="note")
    url = f"/api/v1/workspaces/{people.workspace.slug}/boards/{board.pk}/kanban/"
    response = api(people.member).get(url, {"by": "note"})
    assert response.status_code == 400
    assert "single-choice" in response.json()["message"]
