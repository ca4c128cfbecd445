"""The board table page: sections and first rows rendered by the server, every column type shown
with the control it is edited with, saved views applied, more rows and sub-items loaded later,
changed rows for polling, and the same visibility and roles as the API."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from boards import services
from boards.models import Board, BoardMember, Item, Privacy
from boards.selectors.table_page import FIRST_ROWS
from tests.factories import BoardFactory, ItemFactory, MembershipFactory, ViewFactory


def _url(board: Board, name: str = "board-table-page") -> str:
    return reverse(name, kwargs={"ws": board.workspace.slug, "id": board.pk})


def _rows(html: str) -> list[str]:
    """Names of the item rows, in page order."""
    return re.findall(r'<span class="name-text">([^<]*)</span>', html)


def _sections(html: str) -> list[str]:
    return re.findall(r'<h2 class="section-title">([^<]*)</h2>', html)


@pytest.fixture
def board(people):
    board = services.board_create(actor=people.member, name="Facilities", groups=["Now", "Later"])
    return board


def _add(people, board, name, **fields):
    return services.item_create(actor=people.member, board=board, fields={"name": name, **fields})


def test_members_see_the_board_with_its_groups_as_sections_and_links_to_each_item(
        client, people, board):
    now, later = board.groups.order_by("position")
    fix = _add(people, board, "Fix the tap", group=now.pk)
    _add(people, board, "Paint the hall", group=later.pk)
    client.force_login(people.member.user)
    page = client.get(_url(board))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Facilities</h1>" in html
    assert _sections(html) == ["Now", "Later"]
    assert _rows(html) == ["Fix the tap", "Paint the hall"]
    assert f'href="/w/{people.workspace.slug}/items/{fix.pk}/"' in html
    assert 'aria-current="page">Table</a>' in html
    assert 'id="board-table-data"' in html


def test_every_column_type_is_shown_with_its_value(client, people, board):
    other = MembershipFactory(workspace=people.workspace, user__first_name="Ana",
                              user__last_name="Lima")
    add = lambda title, kind, **settings: services.column_create(  # noqa: E731
        actor=people.member, board=board, title=title, type=kind, settings=settings or None)
    add("Area", "status", options=[{"label": "Kitchen", "color": "#00c875"}])
    add("Kind", "dropdown", options=["Repair", "Purchase"], multiple=True)
    add("Tags", "tags")
    add("Score", "rating", max=5)
    add("Checked", "checkbox")
    add("Site", "link")
    add("Mail", "email")
    add("Phone", "phone")
    add("Count", "number", decimals=1, unit="m")
    add("Cost", "money", currency="USD")
    add("Note", "text")
    add("Story", "long_text")
    add("When", "timeline")
    add("Owners", "people")
    add("Twice", "formula", expression="{count} * 2")
    _add(people, board, "Fix the tap", assignees=[other.pk], due_date=dt.date(2031, 3, 9),
         priority="high", values={
             "area": "Kitchen", "kind": ["Repair", "Purchase"], "tags": ["urgent"], "score": 4,
             "checked": True, "site": "https://example.com/tap", "mail": "ana@example.com",
             "phone": "+44 20 7946 0958", "count": 2.5, "cost": "1250", "note": "Ask Ana",
             "story": "Long " * 40, "when": {"start": "2031-03-01", "end": "2031-03-05"},
             "owners": [other.pk]})
    client.force_login(people.member.user)
    html = client.get(_url(board)).content.decode()
    assert '<span class="pill" data-color="#00c875">Kitchen</span>' in html
    assert '<span class="pill" data-color="#579bfc">To do</span>' in html  # the item's status
    assert ">Repair</span>" in html and ">Purchase</span>" in html and ">urgent</span>" in html
    assert 'aria-label="Rated 4 of 5"' in html
    assert 'class="check on"' in html
    assert 'href="https://example.com/tap"' in html
    assert 'href="mailto:ana@example.com"' in html and 'href="tel:+44 20 7946 0958"' in html
    row = html[html.index('id="item-'):html.index('class="totals-row"')]
    cells = dict(re.findall(r'data-col="values\.(\w+)"[^>]*>(?:<[^>]+>)*([^<]*)<', row))
    assert (cells["count"], cells["cost"], cells["twice"]) == ("2.5 m", "1,250.00 USD", "5")
    assert "Mar 9, 2031" in html and "Mar 1, 2031 \N{EN DASH} Mar 5, 2031" in html
    assert 'title="Ana Lima"' in html and ">AL</span>" in html
    assert ">High</span>" in html
    assert "Long Long" in html and "…" in html  # long text shortened in the cell
    assert 'data-type="formula"' in html and 'data-type="rating"' in html


def test_group_totals_sum_and_average_numbers_and_show_the_status_mix(client, people, board):
    services.column_create(actor=people.member, board=board, title="Cost", type="money")
    done = board.statuses.get(name="Done")
    _add(people, board, "A", values={"cost": "10"}, status=done.pk)
    _add(people, board, "B", values={"cost": "30"})
    _add(people, board, "C")
    client.force_login(people.member.user)
    html = client.get(_url(board)).content.decode()
    assert "Σ 40.00 EUR · avg 20.00 EUR" in html
    assert 'title="Done: 1 (33%)"' in html and 'title="To do: 2 (67%)"' in html
    assert 'aria-label="Status mix: To do 2, Done 1"' in html


def test_a_big_group_shows_its_first_rows_and_a_show_more_button_that_loads_the_rest(
        client, people, board):
    now = board.groups.order_by("position").first()
    for i in range(FIRST_ROWS + 5):
        ItemFactory(board=board, group=now, name=f"Task {i:03d}", position=f"m{i:05d}")
    client.force_login(people.member.user)
    html = client.get(_url(board)).content.decode()
    assert len(_rows(html)) == FIRST_ROWS
    assert f"{FIRST_ROWS + 5} items" in html
    more = re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert f"offset={FIRST_ROWS}" in more
    rest = client.get(more).content.decode()
    assert _rows(rest) == [f"Task {i:03d}" for i in range(FIRST_ROWS, FIRST_ROWS + 5)]
    assert "hx-get" not in rest  # nothing more after these


def test_the_page_and_the_rows_cost_the_same_queries_however_many_items(
        client, people, board, django_assert_max_num_queries):
    now = board.groups.order_by("position").first()
    services.column_create(actor=people.member, board=board, title="Cost", type="money")
    client.force_login(people.member.user)
    ItemFactory.create_batch(3, board=board, group=now)
    with django_assert_max_num_queries(20) as few:
        client.get(_url(board))
    ItemFactory.create_batch(120, board=board, group=now)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_url(board))
    rows = _url(board, "board-table-rows")
    with django_assert_max_num_queries(20) as small:
        client.get(rows, {"section": now.pk, "offset": 100})
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(rows, {"section": now.pk, "offset": 0})


def test_a_saved_view_filters_sorts_and_groups_the_table(client, people, board):
    services.column_create(actor=people.member, board=board, title="Cost", type="money")
    done = board.statuses.get(name="Done")
    _add(people, board, "Cheap", values={"cost": "5"})
    _add(people, board, "Dear", values={"cost": "500"})
    _add(people, board, "Finished", values={"cost": "50"}, status=done.pk)
    view = services.view_create(actor=people.member, board=board, name="Open by cost", config={
        "filters": [{"field": "status_category", "op": "is_not", "value": "done"}],
        "sorts": [{"field": "values.cost", "direction": "desc"}], "group_by": "status"})
    client.force_login(people.member.user)
    html = client.get(_url(board), {"view": view.pk}).content.decode()
    assert _rows(html) == ["Dear", "Cheap"]
    assert _sections(html) == ["Backlog", "To do", "In progress", "Done", "Cancelled"]
    assert f'<option value="{view.pk}" selected>Open by cost</option>' in html


def test_unsaved_controls_come_in_the_address_and_a_bad_one_shows_everything_with_a_reason(
        client, people, board):
    _add(people, board, "Kettle")
    _add(people, board, "Boiler")
    client.force_login(people.member.user)
    config = {"filters": [{"field": "name", "op": "contains", "value": "kett"}]}
    html = client.get(_url(board), {"config": json.dumps(config)}).content.decode()
    assert _rows(html) == ["Kettle"]
    page = client.get(_url(board), {"config": '{"filters": [{"field": "nope", "op": "is"}]}'})
    assert page.status_code == 200
    assert _rows(page.content.decode()) == ["Kettle", "Boiler"]
    assert "neither an item field nor a column of this board" in page.content.decode()
    assert client.get(_url(board), {"config": "{not json"}).status_code == 200


def test_a_view_of_another_board_or_workspace_is_not_found(client, people, board):
    elsewhere = ViewFactory(board=BoardFactory(workspace=people.workspace))
    foreign = ViewFactory()
    client.force_login(people.member.user)
    assert client.get(_url(board), {"view": elsewhere.pk}).status_code == 404
    assert client.get(_url(board), {"view": foreign.pk}).status_code == 404
    assert client.get(_url(board), {"view": "x"}).status_code == 404


def test_sub_items_are_counted_on_their_parent_and_load_under_it(client, people, board):
    parent = _add(people, board, "Move office")
    _add(people, board, "Pack", parent=parent.pk)
    _add(people, board, "Unpack", parent=parent.pk)
    client.force_login(people.member.user)
    html = client.get(_url(board)).content.decode()
    assert _rows(html) == ["Move office"]
    assert 'aria-label="Show 2 sub-items of Move office"' in html
    subs = client.get(_url(board, "board-table-rows"), {"parent": parent.pk}).content.decode()
    assert _rows(subs) == ["Pack", "Unpack"]
    assert subs.count("item-row sub-row") == 2


def test_changed_rows_come_with_their_section_and_whether_the_filters_keep_them(
        client, people, board):
    later = board.groups.order_by("position").last()
    before = timezone.now() - dt.timedelta(seconds=1)
    kettle = _add(people, board, "Kettle", group=later.pk)
    boiler = _add(people, board, "Boiler")
    client.force_login(people.member.user)
    config = json.dumps({"filters": [{"field": "name", "op": "contains", "value": "kett"}]})
    answer = client.get(_url(board, "board-table-changes"),
                        {"since": before.isoformat(), "config": config, "summary": "1"}).json()
    rows = {r["id"]: r for r in answer["rows"]}
    assert rows[kettle.pk]["matches"] and not rows[boiler.pk]["matches"]
    assert rows[kettle.pk]["section"] == str(later.pk)
    assert f'id="item-{kettle.pk}"' in rows[kettle.pk]["html"]
    assert {s["key"]: s["count"] for s in answer["sections"]} == {
        str(board.groups.order_by("position").first().pk): 0, str(later.pk): 1}
    by_id = client.get(_url(board, "board-table-changes"), {"ids": str(boiler.pk)}).json()
    assert [r["id"] for r in by_id["rows"]] == [boiler.pk]


@pytest.mark.parametrize("params", [{"ids": "1,x"}, {"since": "yesterday"}, {}])
def test_bad_change_requests_are_answered_400_with_a_reason(client, people, board, params):
    client.force_login(people.member.user)
    answer = client.get(_url(board, "board-table-changes"), params)
    assert answer.status_code == 400
    assert answer.json()["message"]


def test_bad_row_requests_are_answered_400(client, people, board):
    client.force_login(people.member.user)
    rows = _url(board, "board-table-rows")
    assert client.get(rows, {"section": "abc", "offset": "0"}).status_code == 400
    assert client.get(rows, {"section": "1", "offset": "-3"}).status_code == 400


def test_private_boards_and_other_workspaces_are_not_found(client, people):
    secret = BoardFactory(workspace=people.workspace, privacy=Privacy.PRIVATE)
    client.force_login(people.member.user)
    for name in ("board-table-page", "board-table-rows", "board-table-changes"):
        assert client.get(_url(secret, name), {"ids": "1"}).status_code == 404
    client.force_login(people.outsider.user)
    open_board = BoardFactory(workspace=people.workspace)
    assert client.get(_url(open_board)).status_code == 404
    client.force_login(people.guest.user)
    assert client.get(_url(open_board)).status_code == 404


def test_viewers_get_no_controls_to_change_items(client, people, board):
    _add(people, board, "Fix the tap")
    viewer = MembershipFactory(workspace=people.workspace, role="guest")
    BoardMember.objects.create(board=board, membership=viewer, role="viewer")
    client.force_login(viewer.user)
    html = client.get(_url(board)).content.decode()
    assert _rows(html) == ["Fix the tap"]
    assert "data-editable" not in html
    assert 'class="add-item"' not in html and 'id="bulk-bar"' not in html
    assert "You can view this board but not change it." in html


def test_contributors_may_edit_only_the_rows_assigned_to_them(client, people, board):
    contributor = MembershipFactory(workspace=people.workspace, role="guest")
    BoardMember.objects.create(board=board, membership=contributor, role="contributor")
    mine = _add(people, board, "Mine", assignees=[contributor.pk])
    theirs = _add(people, board, "Theirs")
    client.force_login(contributor.user)
    html = client.get(_url(board)).content.decode()
    assert re.search(rf'id="item-{mine.pk}"[^>]*data-editable', html)
    assert not re.search(rf'id="item-{theirs.pk}"[^>]*data-editable', html)


def test_editors_get_column_and_group_controls_members_of_a_read_only_board_do_not(
        client, people, board):
    client.force_login(people.member.user)
    html = client.get(_url(board)).content.decode()
    assert 'id="add-column-form"' in html and 'id="add-group-form"' in html
    Board.objects.filter(pk=board.pk).update(read_only=True)
    html = client.get(_url(board)).content.decode()
    assert 'id="add-column-form"' not in html and "data-editable" not in html
    assert "read-only because its project is closed" in html


def test_guests_never_see_time_tracked(client, people, board):
    services.column_create(actor=people.member, board=board, title="Time", type="time_tracked")
    item = _add(people, board, "Fix the tap")
    Item.objects.filter(pk=item.pk).update(tracked_minutes=90)
    BoardMember.objects.create(board=board, membership=people.guest, role="editor")
    client.force_login(people.member.user)
    assert "1.5 h" in client.get(_url(board)).content.decode()
    client.force_login(people.guest.user)
    assert "1.5 h" not in client.get(_url(board)).content.decode()


def test_the_page_runs_only_our_own_scripts(client, people, board):
    client.force_login(people.member.user)
    html = client.get(_url(board)).content.decode()
    assert "/static/js/board-table.js" in html
    assert "<script>" not in html and ' style="' not in html and " onclick=" not in html


def test_the_boards_list_links_each_board_to_its_table(client, people, board):
    client.force_login(people.member.user)
    html = client.get(reverse("board-list-page", kwargs={"ws": people.workspace.slug})).content
    assert f'<a href="{_url(board)}">Facilities</a>'.encode() in html


def test_new_board_form_creates_the_board_and_opens_its_table(client, people):
    client.force_login(people.member.user)
    url = reverse("board-create-page", kwargs={"ws": people.workspace.slug})
    answer = client.post(url, {"name": "  Hiring ", "privacy": "private"})
    board = Board.objects.get(name="Hiring")
    assert answer.status_code == 302 and answer["Location"] == _url(board)
    assert board.privacy == "private" and board.groups.count() == 1
    assert client.get(url).status_code == 405


def test_new_board_form_explains_a_missing_name_and_refuses_guests(client, people):
    client.force_login(people.member.user)
    url = reverse("board-create-page", kwargs={"ws": people.workspace.slug})
    answer = client.post(url, {"name": " "}, follow=True)
    assert b"A board needs a name." in answer.content
    assert not Board.objects.exists()
    client.force_login(people.guest.user)
    listing = client.get(reverse("board-list-page", kwargs={"ws": people.workspace.slug}))
    assert b"New board" not in listing.content
    assert client.post(url, {"name": "Sneaky"}).status_code == 403
    client.force_login(people.outsider.user)
    assert client.post(url, {"name": "Sneaky"}).status_code == 404
