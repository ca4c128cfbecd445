"""CSV export: a streamed file of readable cells, guarded against formula injection, filtered
by a saved view, hidden boards answered 404, and a query count independent of the item count."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boards import services
from boards.models import StatusCategory
from tests.boards.conftest import status_named
from tests.factories import (
    BoardMemberFactory,
    ColumnFactory,
    ItemFactory,
    StatusFactory,
    ViewFactory,
)


def _rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:], newline="")))


def _export(client, url, board, query=""):
    return client.get(url(f"boards/{board.pk}/export/{query}"))


@pytest.fixture
def columns(board):
    return {
        "cost": ColumnFactory(board=board, key="cost", title="Cost", type="money"),
        "owner": ColumnFactory(board=board, key="owner", title="Owner", type="people"),
        "size": ColumnFactory(board=board, key="size", title="Size", type="dropdown",
                              settings={"options": [{"id": "s", "label": "Small"},
                                                    {"id": "l", "label": "Large"}]}),
        "span": ColumnFactory(board=board, key="span", title="Span", type="timeline"),
        "done": ColumnFactory(board=board, key="done", title="Checked", type="checkbox"),
        "twice": ColumnFactory(board=board, key="twice", title="Twice", type="formula",
                               settings={"expression": "{cost} * 2"}),
        "state": ColumnFactory(board=board, key="state", title="Status", type="status",
                               settings={"options": [{"id": "ok", "label": "Fine"}]}),
    }


def test_the_export_streams_a_header_and_readable_rows(people, api, url, board, columns):
    people.member.user.first_name, people.member.user.last_name = "Ana", "Silva"
    people.member.user.save()
    parent = ItemFactory(board=board, group=board.groups.get(), name="Launch",
                         status=status_named(board, "In progress"))
    child = ItemFactory(
        board=board, group=board.groups.get(), name="Press kit", parent=parent,
        due_date=dt.date(2025, 3, 31), estimate_hours="4.50", priority="high",
        is_milestone=True,
        values={"cost": "12.50", "owner": [people.member.pk], "size": "l", "done": True,
                "span": {"start": "2025-03-01", "end": "2025-03-31"}, "state": "ok"},
    )
    child.assignees.set([people.member])
    ItemFactory(board=board, group=board.groups.get(), name="Old",
                archived_at=timezone.now())

    response = _export(api(people.member), url, board)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="Roadmap.csv"')
    header, *rows = _rows(response)
    assert header == ["ID", "Name", "Group", "Status", "Assignees", "Start date", "Due date",
                      "Estimate (hours)", "Priority", "Parent", "Milestone", "Cost", "Owner",
                      "Size", "Span", "Checked", "Twice", "Status (state)"]
    assert [row[1] for row in rows] == ["Launch", "Press kit"]  # archived items stay out
    ana = f"Ana Silva <{people.member.user.email}>"
    assert rows[1] == [
        str(child.pk), "Press kit", "Tasks", "", ana, "", "2025-03-31", "4.5", "high",
        "Launch", "true", "12.50", ana, "Large", "2025-03-01 \u2013 2025-03-31", "true", "25",
        "Fine",
    ]
    assert rows[0][3] == "In progress"


@pytest.mark.parametrize(("name", "written"), [
    ('=HYPERLINK("https://evil.example","click")', '\'=HYPERLINK("https://evil.example","click")'),
    ("+1+1", "'+1+1"),
    ("-1+1", "'-1+1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("plain", "plain"),
])
def test_formula_like_cells_are_neutralised(people, api, url, board, name, written):
    ItemFactory(board=board, group=board.groups.get(), name=name)
    _, row = _rows(_export(api(people.member), url, board))
    assert row[1] == written


def test_negative_numbers_stay_numbers(people, api, url, board):
    ColumnFactory(board=board, key="delta", title="Delta", type="number")
    ItemFactory(board=board, group=board.groups.get(), values={"delta": -12.5})
    _, row = _rows(_export(api(people.member), url, board))
    assert row[-1] == "-12.5"


def test_a_private_board_is_not_found_for_non_members(people, api, url, private_board):
    response = _export(api(people.member), url, private_board)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    BoardMemberFactory(board=private_board, membership=people.member, role="viewer")
    assert _export(api(people.member), url, private_board).status_code == 200


def test_another_workspaces_board_is_not_found(people, api, url, board):
    outsider = api(people.outsider)
    assert _export(outsider, url, board).status_code == 404
    own = url(f"boards/{board.pk}/export/", slug=people.outsider.workspace.slug)
    assert outsider.get(own).status_code == 404


def test_export_with_a_view_applies_its_filters_and_sorts(people, api, url, board):
    group = board.groups.get()
    for name, priority in (("low", "low"), ("urgent", "urgent"), ("high", "high")):
        ItemFactory(board=board, group=group, name=name, priority=priority,
                    status=status_named(board, "To do"))
    ItemFactory(board=board, group=group, name="done", priority="urgent",
                status=status_named(board, "Done"))
    view = ViewFactory(board=board, config={
        "filters": [{"field": "status_category", "op": "is_not", "value": "done"}],
        "sorts": [{"field": "priority", "direction": "desc"}],
    })
    _, *rows = _rows(_export(api(people.member), url, board, f"?view={view.pk}"))
    assert [row[1] for row in rows] == ["urgent", "high", "low"]


def test_a_view_of_another_board_or_one_not_visible_is_refused(people, api, url, board):
    other = services.board_create(actor=people.owner, name="Other")
    client = api(people.member)
    foreign = ViewFactory(board=other)
    response = _export(client, url, board, f"?view={foreign.pk}")
    assert response.status_code == 400 and "another board" in response.json()["message"]
    personal = ViewFactory(board=board, created_by=people.admin, is_shared=False)
    assert _export(client, url, board, f"?view={personal.pk}").status_code == 404
    assert _export(client, url, board, "?view=abc").status_code == 400


def test_a_view_with_a_bad_filter_is_a_400_naming_it(people, api, url, board):
    view = ViewFactory(board=board, config={"filters": [
        {"field": "name", "op": "contains", "value": "x"},
        {"field": "values.gone", "op": "empty"},
    ]})
    response = _export(api(people.member), url, board, f"?view={view.pk}")
    assert response.status_code == 400
    assert "filters[1]: 'values.gone'" in response.json()["message"]


def test_the_query_count_does_not_grow_with_the_items(people, api, url):
    client = api(people.member)
    counts = []
    for total in (10, 200):
        board = services.board_create(actor=people.owner, name=f"{total} items")
        ColumnFactory(board=board, key="owner", title="Owner", type="people")
        ColumnFactory(board=board, key="size", title="Size", type="dropdown",
                      settings={"options": [{"id": "s", "label": "Small"}]})
        view = ViewFactory(board=board, config={"filters": [{"field": "name",
                                                              "op": "not_empty"}]})
        for n in range(total):
            item = ItemFactory(board=board, group=board.groups.get(), name=f"Item {n}",
                               values={"owner": [people.admin.pk], "size": "s"})
            item.assignees.set([people.member])
        with CaptureQueriesContext(connection) as ctx:
            rows = _rows(_export(client, url, board, f"?view={view.pk}"))
        assert len(rows) == total + 1
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_large_exports_are_written_in_chunks(people, board, django_assert_max_num_queries):
    from boards.selectors.csv_export import board_csv_export

    for n in range(5):
        ItemFactory(board=board, group=board.groups.get(), name=f"Item {n}")
    export = board_csv_export(board=board, chunk_size=2)
    with django_assert_max_num_queries(5):
        chunks = list(export.chunks)
    # The header, then three chunks of at most two rows.
    assert len(chunks) == 4
    assert chunks[1].decode().count("\r\n") == 2


def test_the_file_name_is_safe_ascii_with_the_real_name_alongside(people, api, url):
    board = services.board_create(actor=people.owner, name='Équipe "Q3"/Plan')
    StatusFactory(board=board, name="Extra", category=StatusCategory.TODO)
    disposition = _export(api(people.member), url, board)["Content-Disposition"]
    assert 'filename="Equipe _Q3_Plan.csv"' in disposition
    assert "filename*=UTF-8''%C3%89quipe%20%22Q3%22%2FPlan.csv" in disposition
