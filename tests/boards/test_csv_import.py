"""CSV import: a round trip through the export, the dry-run report, all or nothing, the board
role, unreadable files, and one set of bulk queries however many rows there are."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards import services
from boards.models import Group, Item
from boards.services import csv_import as csv_import_module
from tests.boards.conftest import status_named
from tests.factories import BoardMemberFactory, ColumnFactory, ItemFactory
from workos.activity.models import Activity

OPTIONS = {"options": [{"id": "s", "label": "Small"}, {"id": "l", "label": "Large"}]}


def _csv(rows, *, delimiter=",", bom=False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode()
    return codecs.BOM_UTF8 + data if bom else data


def _post(client, url, board, data: bytes, *, mapping=None, dry_run=False, name="items.csv"):
    body = {"file": SimpleUploadedFile(name, data, content_type="text/csv"),
            "dry_run": "true" if dry_run else "false"}
    if mapping is not None:
        body["mapping"] = json.dumps(mapping)
    return client.post(url(f"boards/{board.pk}/import/"), body, format="multipart")


def _with_columns(board):
    ColumnFactory(board=board, key="cost", title="Cost", type="money")
    ColumnFactory(board=board, key="hours", title="Hours", type="number")
    ColumnFactory(board=board, key="owner", title="Owner", type="people")
    ColumnFactory(board=board, key="size", title="Size", type="dropdown", settings=OPTIONS)
    ColumnFactory(board=board, key="labels", title="Labels", type="tags")
    ColumnFactory(board=board, key="span", title="Span", type="timeline")
    ColumnFactory(board=board, key="ok", title="OK", type="checkbox")
    ColumnFactory(board=board, key="notes", title="Notes", type="text")
    ColumnFactory(board=board, key="review", title="Review", type="date")


def _snapshot(board):
    items = board.items.order_by("position", "id")
    return [
        (i.name, i.group.name, i.status.name if i.status else None, i.due_date, i.start_date,
         i.estimate_hours, i.priority, i.is_milestone, i.parent.name if i.parent else None,
         sorted(m.pk for m in i.assignees.all()), i.values)
        for i in items
    ]


def test_an_exported_board_imports_into_another_board_unchanged(people, api, url, board):
    _with_columns(board)
    group = board.groups.get()
    launch = ItemFactory(board=board, group=group, name="Launch", priority="urgent",
                         status=status_named(board, "In progress"),
                         start_date=dt.date(2025, 3, 1), due_date=dt.date(2025, 3, 31))
    launch.assignees.set([people.member, people.admin])
    ItemFactory(board=board, group=group, name="=cmd|' /C calc'!A0", parent=launch,
                estimate_hours="2.50", is_milestone=True, status=status_named(board, "Done"),
                values={"cost": "-3.00", "hours": 1.5, "owner": [people.admin.pk],
                        "size": "l", "labels": ["client", "q3"], "ok": True,
                        "span": {"start": "2025-03-01", "end": "2025-03-09"},
                        "notes": "-2+3", "review": "2025-04-01"})
    client = api(people.member)
    exported = b"".join(client.get(url(f"boards/{board.pk}/export/")).streaming_content)
    target = services.board_create(actor=people.member, name="Copy")
    # The same columns under other titles: the mapping says which is which.
    for column in board.columns.all():
        ColumnFactory(board=target, key=column.key, title=f"New {column.title}",
                      type=column.type, settings=column.settings)
    header = next(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    core = {"Name": "name", "Group": "group", "Status": "status", "Assignees": "assignees",
            "Start date": "start_date", "Due date": "due_date",
            "Estimate (hours)": "estimate_hours", "Priority": "priority", "Parent": "parent",
            "Milestone": "is_milestone", "ID": "ignore"}
    titles = {c.title: f"values.{c.key}" for c in board.columns.all()}
    mapping = {h: core.get(h) or titles[h] for h in header}

    response = _post(client, url, target, exported, mapping=mapping)

    assert response.status_code == 201, response.content
    assert response.json()["created"] == 2 and response.json()["errors"] == []
    assert _snapshot(target) == _snapshot(board)


def test_without_a_mapping_headers_are_matched_by_name(people, api, url, board):
    _with_columns(board)
    data = _csv([["Name", "Due date", "Cost", "size", "values.ok", "Whatever"],
                 ["A", "2025-05-01", "€1,200.50", "Small", "yes", "x"]])
    response = _post(api(people.member), url, board, data)
    assert response.status_code == 201, response.content
    assert response.json()["mapping"] == {"Name": "name", "Due date": "due_date",
                                          "Cost": "values.cost", "size": "values.size",
                                          "values.ok": "values.ok", "Whatever": "ignore"}
    item = board.items.get()
    assert item.due_date == dt.date(2025, 5, 1)
    assert item.values == {"cost": "1200.50", "size": "s", "ok": True}


def test_an_export_imports_back_without_a_mapping_despite_lookalike_titles(
        people, api, url, board):
    ColumnFactory(board=board, key="state", title="Status", type="status",
                  settings={"options": [{"id": "ok", "label": "Fine"}]})
    ColumnFactory(board=board, key="code", title="ID", type="text")
    ItemFactory(board=board, group=board.groups.get(), name="A",
                status=status_named(board, "Done"), values={"state": "ok", "code": "X-1"})
    client = api(people.member)
    exported = b"".join(client.get(url(f"boards/{board.pk}/export/")).streaming_content)
    response = _post(client, url, board, exported)
    assert response.status_code == 201, response.content
    mapping = response.json()["mapping"]
    assert (mapping["ID"], mapping["Status"]) == ("ignore", "status")
    assert (mapping["ID (code)"], mapping["Status (state)"]) == ("values.code", "values.state")
    first, second = board.items.order_by("id")
    assert (second.name, second.status, second.values) == ("A", first.status, first.values)


def test_a_dry_run_writes_nothing_and_reports_every_row_error(people, api, url, board):
    _with_columns(board)
    data = _csv([
        ["Title", "Due", "State", "Cost", "Owner"],
        ["Fine", "2025-01-31", "To do", "5", people.member.user.email],
        ["Bad date", "31/01/2025", "to do", "", ""],
        ["", "2025-01-31", "Nope", "lots", "nobody@example.com"],
    ])
    mapping = {"Title": "name", "Due": "due_date", "State": "status", "Cost": "values.cost",
               "Owner": "values.owner"}
    before = (Item.objects.count(), Activity.objects.count())
    response = _post(api(people.member), url, board, data, mapping=mapping, dry_run=True)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "nothing was imported" in body["message"]
    assert (body["rows"], body["valid"], body["created"], body["dry_run"]) == (3, 1, 0, True)
    found = {(e["row"], e["field"]) for e in body["errors"]}
    assert found == {(3, "due_date"), (4, "status"), (4, "values.cost"), (4, "values.owner"),
                     (4, "name")}
    status_error = next(e for e in body["errors"] if e["field"] == "status")
    assert status_error["column"] == "State" and "No status 'Nope'" in status_error["message"]
    assert (Item.objects.count(), Activity.objects.count()) == before


def test_a_clean_dry_run_reports_groups_it_would_create(people, api, url, board):
    data = _csv([["Name", "Group"], ["A", "Tasks"], ["B", "Later"], ["C", "later"]])
    response = _post(api(people.member), url, board, data, dry_run=True)
    assert response.status_code == 200
    body = response.json()
    assert (body["rows"], body["valid"], body["created"]) == (3, 3, 0)
    assert body["groups_created"] == ["Later"]
    assert not board.items.exists() and board.groups.count() == 1


def test_one_bad_row_means_nothing_is_written(people, api, url, board):
    rows = [["Name", "Group", "Due date"]] + [[f"Item {n}", "New", "2025-01-01"]
                                              for n in range(20)]
    rows[15][2] = "tomorrow"
    before = Activity.objects.count()
    response = _post(api(people.member), url, board, _csv(rows))
    assert response.status_code == 400
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(16, "due_date")]
    assert not board.items.exists()
    assert not board.groups.filter(name="New").exists()
    assert Activity.objects.count() == before


def test_a_commit_creates_everything_with_positions_groups_and_activity(
        people, api, url, board):
    existing = ItemFactory(board=board, group=board.groups.get(), name="Existing")
    data = _csv([["Name", "Group", "Status", "Parent"], ["One", "Tasks", "Done", ""],
                 ["Two", "Tasks", "", "One"], ["Three", "Later", "", ""]], bom=True,
                delimiter=";")
    response = _post(api(people.member), url, board, data)
    assert response.status_code == 201, response.content
    assert response.json()["groups_created"] == ["Later"]
    tasks = list(board.items.filter(group__name="Tasks").order_by("position"))
    assert [i.name for i in tasks] == ["Existing", "One", "Two"]
    one, two = tasks[1], tasks[2]
    assert one.status.name == "Done" and one.completed_at is not None
    assert two.status.name == "To do" and two.parent_id == one.pk
    later = Group.objects.get(board=board, name="Later")
    assert later.position > board.groups.get(name="Tasks").position
    assert existing.position < one.position < two.position
    verbs = list(Activity.objects.filter(workspace=people.workspace)
                 .exclude(verb="board.created").values_list("verb", flat=True))
    assert sorted(verbs) == ["board.imported", "group.created", "item.created",
                             "item.created", "item.created"]
    created = Activity.objects.filter(verb="item.created").values_list("target_id", flat=True)
    assert set(created) == set(board.items.exclude(pk=existing.pk).values_list("id", flat=True))


def test_import_queries_do_not_grow_with_the_rows(people, api, url, board):
    _with_columns(board)
    client = api(people.member)
    counts = []
    # Up to 40 rows: SQLite splits an INSERT of more rows (999 parameters at most).
    for total in (5, 40):
        rows = [["Name", "Owner", "Assignees", "Size"]] + [
            [f"Item {n}", people.admin.user.email, people.member.user.email, "Large"]
            for n in range(total)]
        with CaptureQueriesContext(connection) as ctx:
            response = _post(client, url, board, _csv(rows))
        assert response.status_code == 201, response.content
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert board.items.count() == 45
    assert all(i.values["owner"] == [people.admin.pk] for i in board.items.all())


def test_a_viewer_cannot_import(people, api, url, private_board):
    BoardMemberFactory(board=private_board, membership=people.member, role="viewer")
    response = _post(api(people.member), url, private_board, _csv([["Name"], ["A"]]))
    assert response.status_code == 403
    assert "editor" in response.json()["message"]


def test_a_private_board_is_not_found_for_non_members(people, api, url, private_board):
    response = _post(api(people.member), url, private_board, _csv([["Name"], ["A"]]))
    assert response.status_code == 404


@pytest.mark.parametrize(("data", "needle"), [
    (b"PK\x03\x04\x14\x00\x06\x00", "workbook"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not UTF-8"),
    (b"Name\r\nA\x00B\r\n", "not a CSV"),
    ("Name\r\nCaf\u00e9\r\n".encode("latin-1"), "not UTF-8"),
    (b"   \r\n", "empty"),
    (b"Name,Name\r\nA,B\r\n", "Several columns"),
    (b'Name\r\n"A\r\n', "cannot be read"),
])
def test_an_unreadable_file_is_a_clear_400(people, api, url, board, data, needle):
    response = _post(api(people.member), url, board, data)
    assert response.status_code == 400
    assert needle in response.json()["message"]


def test_limits_on_size_and_rows(people, api, url, board, monkeypatch):
    client = api(people.member)
    monkeypatch.setattr(csv_import_module, "MAX_IMPORT_ROWS", 3)
    response = _post(client, url, board, _csv([["Name"], ["A"], ["B"], ["C"], ["D"]]))
    assert response.status_code == 400 and "more than 3 rows" in response.json()["message"]
    monkeypatch.setattr("boards.api.csv_views.MAX_IMPORT_BYTES", 10)
    response = _post(client, url, board, _csv([["Name"], ["A long enough name"]]))
    assert response.status_code == 400 and "larger than" in response.json()["message"]


@pytest.mark.parametrize(("mapping", "needle"), [
    ({"Title": "name", "Nope": "due_date"}, "'Nope', which is not a column"),
    ({"Title": "name", "Due": "values.missing"}, "not something an item holds"),
    ({"Title": "name", "Due": "id"}, "not something an item holds"),
    ({"Title": "due_date"}, "Map one column of the file to name"),
    ({"Title": "name", "Due": "name"}, "Two columns of the file are mapped to name"),
    (["name"], "mapping is a JSON object"),
])
def test_a_bad_mapping_is_a_400(people, api, url, board, mapping, needle):
    data = _csv([["Title", "Due"], ["A", "2025-01-01"]])
    response = _post(api(people.member), url, board, data, mapping=mapping)
    assert response.status_code == 400
    assert needle in response.json()["message"]


def test_row_level_reference_errors(people, api, url, board):
    ColumnFactory(board=board, key="blocks", title="Blocks", type="relation")
    ItemFactory(board=board, group=board.groups.get(), name="Old", external_id="E1")
    data = _csv([
        ["Name", "External id", "Parent", "Blocks"],
        ["A", "E1", "", ""],
        ["B", "E2", "C", ""],
        ["C", "E2", "B", "999999"],
        ["D", "", "Old", ""],
        ["E", "", "Ghost", ""],
    ])
    body = _post(api(people.member), url, board, data, dry_run=True).json()
    assert {(e["row"], e["field"]) for e in body["errors"]} == {
        (2, "external_id"), (4, "external_id"), (4, "values.blocks"), (3, "parent"),
        (4, "parent"), (6, "parent"),
    }
    assert body["valid"] == 1  # only D, whose parent is an item already on the board


def test_rows_without_a_group_on_a_board_without_one_are_errors(people, api, url, board):
    board.groups.update(archived_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    data = _csv([["Name", "Group"], ["A", ""], ["B", "Fresh"]])
    body = _post(api(people.member), url, board, data, dry_run=True).json()
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(2, "group")]
    assert body["groups_created"] == ["Fresh"]


def test_an_archived_board_cannot_be_imported_into(people, api, url, board):
    services.board_archive(actor=people.owner, board=board)
    response = _post(api(people.member), url, board, _csv([["Name"], ["A"]]))
    assert response.status_code == 409


CALLERS = ("anonymous", "outsider", "guest", "member", "admin", "owner", "read_only_token")


@pytest.mark.parametrize(("endpoint", "expected"), [
    ("export", (401, 404, 404, 200, 200, 200, 200)),
    ("import", (401, 404, 404, 201, 201, 201, 403)),
])
def test_who_may_export_and_import(people, api, url, board, token_for, endpoint, expected):
    clients = {
        "anonymous": api(), "outsider": api(people.outsider), "guest": api(people.guest),
        "member": api(people.member), "admin": api(people.admin), "owner": api(people.owner),
        "read_only_token": api(token=token_for(people.owner, read_only=True)),
    }
    for caller, status in zip(CALLERS, expected, strict=True):
        client = clients[caller]
        if endpoint == "export":
            response = client.get(url(f"boards/{board.pk}/export/"))
        else:
            response = _post(client, url, board, _csv([["Name"], [f"By {caller}"]]))
        assert response.status_code == status, (caller, response.status_code)
