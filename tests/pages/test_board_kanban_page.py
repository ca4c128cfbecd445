"""The Kanban page shows a board's lanes with counts and WIP limits, cards with what a person
scans for, and the cards endpoint behind "load more" and live updates; visibility and rights
follow the API."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards import services
from boards.models import Privacy
from tests.factories import BoardMemberFactory, ItemFactory


@pytest.fixture
def board(people):
    return services.board_create(actor=people.owner, name="Service desk")


def _url(board, **query):
    url = reverse("board-kanban-page", kwargs={"ws": board.workspace.slug, "board_id": board.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _cards_url(board):
    return reverse("board-kanban-cards", kwargs={"ws": board.workspace.slug,
                                                  "board_id": board.pk})


def _status(board, name):
    return board.statuses.get(name=name)


def _item(people, board, name, **fields):
    return services.item_create(actor=people.owner, board=board, fields={"name": name, **fields})


def _lane(html, name):
    """The HTML of the lane headed `name`."""
    start = html.index(f">{name}</h2>")
    end = html.find('<section class="kb-lane', start)
    return html[start:end if end > 0 else None]


def test_lanes_show_counts_against_wip_limits_and_mark_a_full_lane(client, people, board):
    doing = _status(board, "In progress")
    services.status_update(actor=people.owner, status=doing, wip_limit=2)
    review = services.status_create(actor=people.owner, board=board, name="Review",
                                    category="in_progress", wip_limit=4)
    for n in range(2):
        _item(people, board, f"Doing {n}", status=doing.pk)
    _item(people, board, "Reviewing", status=review.pk)
    client.force_login(people.member.user)
    html = client.get(_url(board)).content.decode()
    assert re.findall(r'class="kb-lane-name">([^<]+)<', html) == [
        "Backlog", "To do", "In progress", "Done", "Cancelled", "Review"]
    doing_lane, review_lane = _lane(html, "In progress"), _lane(html, "Review")
    assert ">2 / 2</span>" in doing_lane and "hidden>Full" not in doing_lane
    assert ">1 / 4</span>" in review_lane and "hidden>Full" in review_lane
    assert f'data-lane="{doing.pk}"' in html and "is-full" in html


def test_a_card_shows_assignees_due_date_priority_tags_and_sub_item_progress(client, people,
                                                                             board):
    people.member.user.first_name, people.member.user.last_name = "Hana", "Novak"
    people.member.user.save()
    services.column_create(actor=people.owner, board=board, title="Labels", type="tags",
                           key="labels")
    done = _status(board, "Done")
    parent = _item(people, board, "Replace laptops", assignees=[people.member.pk],
                   due_date=dt.date(2020, 1, 31), priority="high",
                   values={"labels": ["hardware", "finance"]})
    _item(people, board, "Order", parent=parent.pk, status=done.pk)
    _item(people, board, "Install", parent=parent.pk)
    _item(people, board, "Finished long ago", due_date=dt.date(2020, 1, 31), status=done.pk)
    client.force_login(people.member.user)
    html = client.get(_url(board)).content.decode()
    card = html[html.index('data-name="Replace laptops"'):]
    card = card[:card.index("</li>\n", card.index("kb-foot"))]
    assert 'title="Hana Novak">HN</abbr>' in card
    assert "Overdue · Jan 31, 2020" in card
    assert ">High</span>" in card
    assert ">hardware</li>" in card and ">finance</li>" in card
    assert "1/2<span class=\"visually-hidden\"> sub-items done" in card
    finished = html[html.index('data-name="Finished long ago"'):]
    assert "Due Jan 31, 2020" in finished[:finished.index("</li>")]  # closed items are never overdue


def test_lanes_by_group_and_by_a_dropdown_column(client, people, board):
    services.group_create(actor=people.owner, board=board, name="Later")
    services.column_create(actor=people.owner, board=board, title="Team", type="dropdown",
                           key="team", settings={"options": ["Ops", "Dev"]})
    _item(people, board, "Patch servers", values={"team": "Ops"})
    _item(people, board, "Unsorted")
    client.force_login(people.member.user)
    by_group = client.get(_url(board, by="group")).content.decode()
    assert re.findall(r'class="kb-lane-name">([^<]+)<', by_group) == ["Tasks", "Later"]
    by_team = client.get(_url(board, by="column:team")).content.decode()
    assert re.findall(r'class="kb-lane-name">([^<]+)<', by_team) == ["Ops", "Dev", "No value"]
    assert "Patch servers" in _lane(by_team, "Ops") and "Unsorted" in _lane(by_team, "No value")
    assert '<option value="column:team" selected>Team</option>' in by_team


@pytest.mark.parametrize("by", ["colour", "column:nothing", "column:"])
def test_an_unknown_layout_falls_back_to_status_with_a_message(client, people, board, by):
    client.force_login(people.member.user)
    response = client.get(_url(board, by=by))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "Showing columns by status." in html
    assert ">In progress</h2>" in html


def test_a_private_board_or_another_workspace_is_not_found(client, people):
    private = services.board_create(actor=people.owner, name="Salaries",
                                    privacy=Privacy.PRIVATE)
    client.force_login(people.member.user)
    assert client.get(_url(private)).status_code == 404
    client.force_login(people.outsider.user)
    public = services.board_create(actor=people.owner, name="Desk")
    assert client.get(_url(public)).status_code == 404
    assert client.get(_cards_url(public) + "?ids=1").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, board):
    response = client.get(_url(board))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_viewer_sees_cards_without_drag_or_move_controls(client, people, board):
    BoardMemberFactory(board=board, membership=people.guest, role="viewer")
    _item(people, board, "Look only")
    client.force_login(people.guest.user)
    html = client.get(_url(board)).content.decode()
    assert "Look only" in html
    assert 'data-editable="0"' in html and "kb-move" not in html
    assert "You can view this board but not change it." in html


def test_a_closed_projects_board_is_read_only(client, people, board):
    _item(people, board, "Frozen")
    board.read_only = True
    board.save(update_fields=["read_only"])
    client.force_login(people.member.user)
    html = client.get(_url(board)).content.decode()
    assert 'data-editable="0"' in html and "read-only because its project is closed" in html


def test_a_contributor_can_move_only_cards_assigned_to_them(client, people, board):
    BoardMemberFactory(board=board, membership=people.guest, role="contributor")
    _item(people, board, "Mine", assignees=[people.guest.pk])
    _item(people, board, "Theirs")
    client.force_login(people.guest.user)
    html = client.get(_url(board)).content.decode()
    mine = html[html.index('data-name="Mine"') - 200:html.index('data-name="Mine"')]
    theirs = html[html.index('data-name="Theirs"') - 200:html.index('data-name="Theirs"')]
    assert "is-locked" not in mine and "is-locked" in theirs
    assert html.count('class="kb-move"') == 1


def test_the_page_loads_only_our_scripts_and_no_inline_styles(client, people, board):
    _item(people, board, "Styled")
    client.force_login(people.member.user)
    html = client.get(_url(board)).content.decode()
    assert "/static/vendor/sortablejs/Sortable.min.js" in html
    assert "/static/js/board-kanban.js" in html
    assert "<script>" not in html and "style=" not in html


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_number_of_cards(client, people,
                                                                              board):
    todo, member = _status(board, "To do"), people.member
    client.force_login(member.user)
    counts = []
    for total in (2, 40):
        while board.items.count() < total:
            parent = ItemFactory(board=board, group=board.groups.first(), status=todo)
            parent.assignees.add(member)
            ItemFactory(board=board, group=parent.group, parent=parent)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url(board)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_load_more_renders_the_next_cards_of_a_lane(client, people, board):
    todo = _status(board, "To do")
    for n in range(30):
        _item(people, board, f"Task {n:02d}", status=todo.pk)
    client.force_login(people.member.user)
    html = client.get(_url(board)).content.decode()
    cursor = re.search(r'data-cursor="([^"]+)"', html)[1]
    assert "Task 24" in html and "Task 25" not in html
    data = client.get(_cards_url(board), {"lane": todo.pk, "cursor": cursor}).json()
    assert [c["id"] for c in data["cards"]] == list(
        board.items.filter(name__gte="Task 25").order_by("position").values_list("id", flat=True))
    assert data["next"] is None
    assert "Task 25" in data["cards"][0]["html"] and data["cards"][0]["lane"] == str(todo.pk)


def test_changed_cards_come_back_rendered_with_every_lane_count(client, people, board):
    doing = _status(board, "In progress")
    moved = _item(people, board, "Moved by someone", status=doing.pk)
    client.force_login(people.member.user)
    data = client.get(_cards_url(board), {"ids": f"{moved.pk},999999"}).json()
    assert [(c["id"], c["lane"]) for c in data["cards"]] == [(moved.pk, str(doing.pk))]
    assert {lane["key"]: lane["count"] for lane in data["lanes"]}[str(doing.pk)] == 1


@pytest.mark.parametrize("query", [{"ids": "1,x"}, {"ids": ",".join(["1"] * 201)},
                                   {"lane": "nope"}, {"lane": "", "cursor": "x"},
                                   {"by": "weather", "ids": "1"}])
def test_the_cards_endpoint_answers_bad_input_with_a_400(client, people, board, query):
    client.force_login(people.member.user)
    if "cursor" in query:
        query["lane"] = str(_status(board, "To do").pk)
    response = client.get(_cards_url(board), query)
    assert response.status_code == 400
    assert response.json()["message"]


def test_the_cards_endpoint_reads_a_fixed_number_of_queries_whatever_the_number_of_ids(
    client, people, board
):
    todo = _status(board, "To do")
    items = []
    for _ in range(30):
        item = ItemFactory(board=board, group=board.groups.first(), status=todo)
        item.assignees.add(people.member)
        ItemFactory(board=board, group=item.group, parent=item)
        items.append(item.pk)
    client.force_login(people.member.user)
    counts = []
    for size in (2, 30):
        with CaptureQueriesContext(connection) as ctx:
            data = client.get(_cards_url(board), {"ids": ",".join(map(str, items[:size]))}).json()
        assert len(data["cards"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
