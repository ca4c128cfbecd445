"""Formula, rollup and mirror columns are computed when items are read, for a whole page at once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards.services.board_columns import column_create
from boards.services.boards import board_create
from boards.services.items import item_create


def _url(people, path):
    return f"/api/v1/workspaces/{people.workspace.slug}/{path}"


def test_formula_rollup_and_mirror_values_appear_on_items(people, api):
    owner = people.owner
    board = board_create(actor=owner, name="Budget")
    column_create(actor=owner, board=board, title="Cost", type="number", key="cost")
    column_create(actor=owner, board=board, title="Qty", type="number", key="qty")
    column_create(actor=owner, board=board, title="Total", type="formula", key="total",
                  settings={"expression": "{cost} * {qty}"})
    column_create(actor=owner, board=board, title="Sub cost", type="rollup", key="sub_cost",
                  settings={"column": "cost", "function": "sum"})
    column_create(actor=owner, board=board, title="Per hour", type="formula", key="per_hour",
                  settings={"expression": "{cost} / {estimate_hours}"})
    vendors = board_create(actor=owner, name="Vendors")
    column_create(actor=owner, board=vendors, title="Country", type="text", key="country")
    column_create(actor=owner, board=board, title="Vendor", type="relation", key="vendor",
                  settings={"board": vendors.pk})
    column_create(actor=owner, board=board, title="Vendor country", type="mirror",
                  key="vendor_country", settings={"relation": "vendor", "column": "country"})
    acme = item_create(actor=owner, board=vendors, fields={"name": "Acme",
                                                             "values": {"country": "Germany"}})
    parent = item_create(actor=owner, board=board, fields={
        "name": "Laptops", "estimate_hours": 0,
        "values": {"cost": 1000, "qty": 3, "vendor": [acme.pk]}})
    for cost in (200, 300.5):
        item_create(actor=owner, board=board, fields={"name": "part", "parent": parent.pk,
                                                      "values": {"cost": cost}})
    client = api(people.member)
    detail = client.get(_url(people, f"items/{parent.pk}/")).json()["values"]
    assert detail["total"] == 3000
    assert detail["sub_cost"] == 500.5
    assert detail["per_hour"] is None  # division by zero gives no value, not an error
    assert detail["vendor_country"] == ["Germany"]
    listed = client.get(_url(people, "items/"), {"board": board.pk}).json()["results"]
    assert next(r for r in listed if r["id"] == parent.pk)["values"] == detail


def test_computed_values_cost_the_same_queries_for_any_page_size(people, api):
    owner = people.owner
    board = board_create(actor=owner, name="Many")
    column_create(actor=owner, board=board, title="N", type="number", key="n")
    column_create(actor=owner, board=board, title="Double", type="formula", key="double",
                  settings={"expression": "{n} * 2"})
    column_create(actor=owner, board=board, title="Sum", type="rollup", key="sum",
                  settings={"column": "n", "function": "sum"})
    for n in range(30):
        item_create(actor=owner, board=board, fields={"name": f"i{n}", "values": {"n": n}})
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            rows = client.get(_url(people, "items/"), {"board": board.pk, "page_size": size})
        assert rows.json()["results"][0]["values"]["double"] is not None
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_a_computed_column_cannot_be_written(people, api):
    owner = people.owner
    board = board_create(actor=owner, name="Locked")
    column_create(actor=owner, board=board, title="Double", type="formula", key="double",
                  settings={"expression": "2 * 2"})
    response = api(owner).post(_url(people, "items/"), {
        "board": board.pk, "name": "x", "values": {"double": 5}}, format="json")
    assert response.status_code == 400
    assert "computed" in response.json()["message"]


def test_a_relation_accepts_only_items_of_its_board(people, api):
    owner = people.owner
    board = board_create(actor=owner, name="Orders")
    vendors = board_create(actor=owner, name="Vendors")
    other = board_create(actor=owner, name="Other")
    column_create(actor=owner, board=board, title="Vendor", type="relation", key="vendor",
                  settings={"board": vendors.pk})
    acme = item_create(actor=owner, board=vendors, fields={"name": "Acme"})
    stray = item_create(actor=owner, board=other, fields={"name": "Stray"})
    url = _url(people, "items/")
    ok = api(owner).post(url, {"board": board.pk, "name": "a", "values": {"vendor": [acme.pk]}},
                         format="json")
    assert ok.status_code == 201
    bad = api(owner).post(url, {"board": board.pk, "name": "b", "values": {"vendor": [stray.pk]}},
                          format="json")
    assert bad.status_code == 400
    assert "not on the board this column links to" in bad.json()["message"]
