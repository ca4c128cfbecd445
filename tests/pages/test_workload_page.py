"""The workload page: a people by days heat map of load against capacity with over-allocation
marked, filtered by team and sized in weeks; a cell's items with the hours each puts on that
day; members only, work on hidden boards left out; a fixed number of queries."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards import services
from boards.models import Privacy
from tests.factories import MembershipFactory, TeamFactory

MONDAY = dt.date(2025, 3, 10)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel("2025-03-10T09:00:00Z", tick=False):
        yield


@pytest.fixture
def board(people):
    return services.board_create(actor=people.owner, name="Maintenance")


def _item(people, board, name, who, start, due, hours):
    return services.item_create(actor=people.owner, board=board, fields={
        "name": name, "assignees": [m.pk for m in who], "start_date": start, "due_date": due,
        "estimate_hours": str(hours)})


def _page(client, membership, **query):
    client.force_login(membership.user)
    url = reverse("workload-page", kwargs={"ws": membership.workspace.slug})
    return client.get(url, query)


def _cell(html, member, day):
    match = re.search(rf'<td class="wl-cell ([^"]*)" data-member="{member.pk}" '
                      rf'data-date="{day.isoformat()}">\s*<button[^>]*>([^<]*)</button>', html)
    assert match, (member, day)
    return match[1], match[2]


def test_the_heat_map_marks_each_day_by_load_and_over_allocation_in_red(client, people, board):
    _item(people, board, "Boiler service", [people.member], MONDAY, MONDAY, 12)
    _item(people, board, "Paint hall", [people.member], MONDAY + dt.timedelta(days=1),
          MONDAY + dt.timedelta(days=1), 4)
    html = _page(client, people.admin).content.decode()
    assert _cell(html, people.member, MONDAY) == ("lvl-over is-week-start", "12")
    assert _cell(html, people.member, MONDAY + dt.timedelta(days=1)) == ("lvl-l1", "4")
    assert _cell(html, people.member, MONDAY + dt.timedelta(days=2)) == ("lvl-l0", "")
    assert _cell(html, people.member, MONDAY + dt.timedelta(days=5))[0] == "lvl-off"
    assert "12 of 8 hours, over-allocated" in html
    assert '<span class="wl-flag" title="Days over capacity">1 over</span>' in html
    assert html.count('<th scope="col" class="wl-day') == 14  # two weeks by default


def test_a_team_and_a_range_of_weeks_narrow_the_map(client, people, board):
    desk = TeamFactory(workspace=people.workspace, name="Desk")
    desk.members.add(people.member)
    html = _page(client, people.admin, team=desk.pk, weeks=1,
                 start="2025-03-19").content.decode()
    assert html.count('<th scope="col" class="wl-day') == 7
    assert 'data-date="2025-03-17"' in html and 'data-date="2025-03-24"' not in html
    assert re.findall(r'<tr data-member="(\d+)"', html) == [str(people.member.pk)]
    assert f'<option value="{desk.pk}" selected>Desk</option>' in html


def test_work_on_boards_the_viewer_cannot_see_is_left_out(client, people):
    secret = services.board_create(actor=people.owner, name="HR cases",
                                   privacy=Privacy.PRIVATE)
    _item(people, secret, "Confidential case", [people.admin], MONDAY, MONDAY, 30)
    html = _page(client, people.member).content.decode()
    assert _cell(html, people.admin, MONDAY)[0] == "lvl-l0 is-week-start"
    cell = client.get(reverse("workload-cell", kwargs={"ws": people.workspace.slug}),
                      {"member": people.admin.pk, "date": MONDAY.isoformat()})
    assert "Confidential case" not in cell.content.decode()


def test_guests_are_refused_and_other_workspaces_are_not_found(client, people):
    assert _page(client, people.guest).status_code == 403
    assert _page(client, people.member).status_code == 200
    client.force_login(people.outsider.user)
    url = reverse("workload-page", kwargs={"ws": people.workspace.slug})
    assert client.get(url).status_code == 404


def test_a_cell_lists_the_items_of_that_person_and_day_with_their_hours(client, people, board):
    _item(people, board, "Replace lights", [people.member], MONDAY,
          MONDAY + dt.timedelta(days=1), 10)
    _item(people, board, "Shared job", [people.member, people.admin], MONDAY, MONDAY, 6)
    services.item_create(actor=people.owner, board=board, fields={
        "name": "No estimate yet", "assignees": [people.member.pk], "due_date": MONDAY})
    client.force_login(people.admin.user)
    url = reverse("workload-cell", kwargs={"ws": people.workspace.slug})
    html = client.get(url, {"member": people.member.pk, "date": MONDAY.isoformat()}).content
    html = re.sub(r"\s+", " ", html.decode())
    assert "<strong>8 h</strong> of 8 h" in html
    assert ">Replace lights</a> <span class=\"wl-hours\">5 h</span>" in html
    assert ">Shared job</a> <span class=\"wl-hours\">3 h</span>" in html and "shared by 2" in html
    assert ">No estimate yet</a> <span class=\"wl-hours\">no estimate</span>" in html
    assert html.count('draggable="true"') == 3


def test_a_cell_with_bad_input_is_refused(client, people):
    client.force_login(people.admin.user)
    url = reverse("workload-cell", kwargs={"ws": people.workspace.slug})
    assert client.get(url, {"member": "x", "date": "2025-03-10"}).status_code == 400
    assert client.get(url, {"member": people.member.pk, "date": "soon"}).status_code == 400
    assert client.get(url, {"member": people.outsider.pk, "date": "2025-03-10"}).status_code == 404


def test_the_grid_part_is_rendered_alone(client, people):
    html = _page(client, people.admin, part="grid").content.decode()
    assert html.lstrip().startswith("<table") and "<html" not in html


def test_the_query_count_does_not_grow_with_people_or_items(client, people, board):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert _page(client, people.admin).status_code == 200
        return len(queries)

    _item(people, board, "One", [people.member], MONDAY, MONDAY, 3)
    count()  # the first request fills per-process caches (content types, the session)
    few = count()
    for n in range(12):
        someone = MembershipFactory(workspace=people.workspace)
        _item(people, board, f"Job {n}", [someone, people.member], MONDAY,
              MONDAY + dt.timedelta(days=n), 5)
    assert count() == few
