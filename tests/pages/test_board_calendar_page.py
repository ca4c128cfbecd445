"""The calendar page puts a board's items on the days they are due, or on their start-due
spans, with navigation, a week view and the undated items aside; visibility and rights follow
the API, and bad parameters never break the page."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards import services
from boards.models import Privacy
from tests.factories import BoardMemberFactory, ItemFactory

MARCH_10 = dt.date(2026, 3, 10)  # a Tuesday


@pytest.fixture
def board(people):
    return services.board_create(actor=people.owner, name="Content calendar")


def _url(board, **query):
    url = reverse("board-calendar-page", kwargs={"ws": board.workspace.slug,
                                                 "board_id": board.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _item(people, board, name, **fields):
    return services.item_create(actor=people.owner, board=board, fields={"name": name, **fields})


def _day(html, date):
    """Entries placed on the week row holding `date`, as (name, column, span) triples."""
    week_start = date - dt.timedelta(days=date.weekday())
    start = html.index(f'data-start="{week_start.isoformat()}"')
    end = html.find("</section>", start)
    return [(name, int(col), int(span)) for col, span, name in re.findall(
        r'class="cal-slot c-(\d) s-(\d) r-\d+">.*?data-name="([^"]+)"', html[start:end], re.S)]


def test_the_month_shows_items_on_their_due_days_and_undated_ones_aside(client, people, board):
    _item(people, board, "Newsletter", due_date=MARCH_10)
    _item(people, board, "Launch post", due_date=dt.date(2026, 3, 29))
    _item(people, board, "April teaser", due_date=dt.date(2026, 4, 20))
    _item(people, board, "Someday")
    client.force_login(people.member.user)
    html = client.get(_url(board, date="2026-03-10")).content.decode()
    assert "March 2026" in html
    assert _day(html, MARCH_10) == [("Newsletter", 2, 1)]
    assert _day(html, dt.date(2026, 3, 29)) == [("Launch post", 7, 1)]
    assert "April teaser" not in html
    aside = html[html.index('id="cal-unscheduled-title"'):]
    assert "Someday" in aside and '<span class="cal-count">1</span>' in aside
    # Whole weeks, Monday first: 23 Feb to 5 April.
    assert 'data-start="2026-02-23"' in html and 'data-start="2026-03-30"' in html


def test_timeline_spans_cross_weeks_and_keep_their_length(client, people, board):
    _item(people, board, "Campaign", start_date=dt.date(2026, 3, 12),
          due_date=dt.date(2026, 3, 17))
    client.force_login(people.member.user)
    html = client.get(_url(board, date="2026-03-10")).content.decode()
    assert 'aria-current="page">Timeline' in html  # chosen because items have start dates
    assert _day(html, dt.date(2026, 3, 12)) == [("Campaign", 4, 4)]
    assert _day(html, dt.date(2026, 3, 16)) == [("Campaign", 1, 2)]
    assert "cont-after" in html and "cont-before" in html
    assert 'data-from="2026-03-12" data-to="2026-03-17"' in html
    by_due = client.get(_url(board, date="2026-03-10", by="due")).content.decode()
    assert _day(by_due, dt.date(2026, 3, 17)) == [("Campaign", 2, 1)]


def test_a_crowded_day_counts_what_does_not_fit(client, people, board):
    for n in range(6):
        _item(people, board, f"Post {n}", due_date=MARCH_10)
    client.force_login(people.member.user)
    month = client.get(_url(board, date="2026-03-10", by="due")).content.decode()
    assert len(_day(month, MARCH_10)) == 4
    assert "+2 more" in month and "view=week&amp;date=2026-03-10" in month
    week = client.get(_url(board, date="2026-03-10", by="due", view="week")).content.decode()
    assert len(_day(week, MARCH_10)) == 6 and 'class="cal-more"' not in week
    assert "9\N{EN DASH}15 March 2026" in week


def test_previous_next_and_today_links_keep_the_view_and_the_dates_shown(client, people, board):
    client.force_login(people.member.user)
    html = client.get(_url(board, date="2026-03-10", view="week", by="due")).content.decode()
    assert 'rel="prev" href="?view=week&amp;date=2026-03-03&amp;by=due"' in html
    assert 'rel="next" href="?view=week&amp;date=2026-03-17&amp;by=due"' in html
    assert 'href="?view=week&amp;by=due">Today' in html
    month = client.get(_url(board, date="2026-01-31", by="due")).content.decode()
    assert 'date=2025-12-01' in month and 'date=2026-02-01' in month


@pytest.mark.parametrize("query", [{"date": "yesterday"}, {"date": "0001-01-01"},
                                   {"date": "9999-12-31"}, {"view": "year"}, {"by": "moon"}])
def test_bad_parameters_show_today_or_the_defaults_without_failing(client, people, board,
                                                                    query):
    client.force_login(people.member.user)
    response = client.get(_url(board, **query))
    assert response.status_code == 200
    assert 'class="cal-week cal-month"' in response.content.decode()


def test_a_private_board_or_another_workspace_is_not_found(client, people):
    private = services.board_create(actor=people.owner, name="Salaries",
                                    privacy=Privacy.PRIVATE)
    client.force_login(people.member.user)
    assert client.get(_url(private)).status_code == 404
    public = services.board_create(actor=people.owner, name="Desk")
    client.force_login(people.outsider.user)
    assert client.get(_url(public)).status_code == 404


def test_a_viewer_sees_items_that_cannot_be_dragged(client, people, board):
    BoardMemberFactory(board=board, membership=people.guest, role="viewer")
    _item(people, board, "Look only", due_date=MARCH_10)
    client.force_login(people.guest.user)
    html = client.get(_url(board, date="2026-03-10")).content.decode()
    assert "Look only" in html
    assert 'draggable="true"' not in html and 'id="cal-dialog"' not in html


def test_an_editor_can_drag_and_open_the_reschedule_dialog(client, people, board):
    _item(people, board, "Movable", due_date=MARCH_10)
    client.force_login(people.member.user)
    html = client.get(_url(board, date="2026-03-10")).content.decode()
    assert 'role="button" tabindex="0" draggable="true"' in html
    assert 'id="cal-dialog"' in html and 'for="cal-due"' in html
    assert "<script>" not in html and "style=" not in html


def test_the_grid_alone_is_served_for_redrawing(client, people, board):
    _item(people, board, "Redrawn", due_date=MARCH_10)
    client.force_login(people.member.user)
    body = client.get(_url(board, date="2026-03-10", partial="grid")).content.decode()
    assert body.lstrip().startswith("<div class=\"cal-body\"") or "cal-body" in body[:300]
    assert "Redrawn" in body and "<html" not in body


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_number_of_items(client, people,
                                                                              board):
    client.force_login(people.member.user)
    counts = []
    for total in (2, 40):
        while board.items.count() < total:
            n = board.items.count()
            item = ItemFactory(board=board, group=board.groups.first(),
                               due_date=MARCH_10 + dt.timedelta(days=n % 9) if n % 3 else None)
            item.assignees.add(people.member)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_url(board, date="2026-03-10")).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
