"""The workspace home ("My work"): my open items by due date, my running timer with Stop, the
approvals waiting for me, my notifications, the boards and projects I follow, and the teams;
only what I may see, in a fixed number of queries."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from automations.services.approvals import approval_start, flow_create
from boards import services
from boards.models import Privacy
from projects.services import project_create
from tests.factories import NotificationFactory, TeamFactory
from timetracking.services import timer_start

# A Wednesday: "later this week" is Thursday to Sunday.
NOW = "2025-03-12T10:00:00Z"
TODAY = dt.date(2025, 3, 12)


@pytest.fixture(autouse=True)
def _wednesday():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def board(people):
    return services.board_create(actor=people.owner, name="Facilities")


def _item(people, board, name, **fields):
    return services.item_create(actor=people.owner, board=board, fields={"name": name, **fields})


def _home(client, membership):
    client.force_login(membership.user)
    response = client.get(reverse("workspace-home", kwargs={"ws": membership.workspace.slug}))
    assert response.status_code == 200
    return response.content.decode()


def _section(html, bucket):
    start = html.index(f'class="mw-bucket bucket-{bucket}')
    end = html.find('class="mw-bucket', start + 10)
    return html[start:end if end > 0 else None]


def test_my_open_items_are_grouped_by_due_date(client, people, board):
    me = [people.member.pk]
    done = board.statuses.get(name="Done")
    _item(people, board, "Fix the door", assignees=me, due_date=TODAY - dt.timedelta(days=3))
    _item(people, board, "Order chairs", assignees=me, due_date=TODAY)
    _item(people, board, "Book the room", assignees=me, due_date=TODAY + dt.timedelta(days=4))
    _item(people, board, "Plan the move", assignees=me, due_date=TODAY + dt.timedelta(days=5))
    _item(people, board, "Tidy the shed", assignees=me, priority="high")
    _item(people, board, "Already done", assignees=me, due_date=TODAY, status=done.pk)
    _item(people, board, "Someone else's", assignees=[people.admin.pk], due_date=TODAY)
    html = _home(client, people.member)
    assert "Fix the door" in _section(html, "overdue") and "Overdue · " in html
    assert "Order chairs" in _section(html, "today")
    assert "Book the room" in _section(html, "week")  # Sunday the 16th
    assert "Plan the move" in _section(html, "later")  # Monday the 17th
    assert "Tidy the shed" in _section(html, "none")
    items = html[html.index('class="card mw-items"'):html.index('class="mw-side"')]
    assert "Already done" not in items and "Someone else" not in items
    assert ">5 open</span>" in items
    item = board.items.get(name="Order chairs")
    assert f'href="/w/{people.workspace.slug}/items/{item.pk}/"' in html


def test_items_on_boards_i_cannot_see_stay_hidden(client, people):
    secret = services.board_create(actor=people.owner, name="Board minutes",
                                   privacy=Privacy.PRIVATE)
    _item(people, secret, "Confidential", assignees=[people.member.pk], due_date=TODAY)
    html = _home(client, people.member)
    items = html[html.index('class="card mw-items"'):html.index('class="mw-side"')]
    following = html[html.index('class="card mw-following"'):]
    assert "Confidential" not in items and "Board minutes" not in following


def test_my_running_timer_is_shown_with_a_stop_button(client, people, board):
    item = _item(people, board, "Write the report", assignees=[people.member.pk])
    timer_start(actor=people.member, item=item)
    html = _home(client, people.member)
    timer = html[html.index('id="mw-timer"'):html.index('class="card mw-approvals"')]
    assert "Write the report" in timer and "Facilities" in timer
    assert 'data-action="timer-stop"' in timer
    assert 'data-started="2025-03-12T10:00:00+00:00"' in timer
    assert "No timer running" in _home(client, people.admin)


def test_approvals_waiting_for_me_lead_to_their_decision_page(client, people, board):
    flow = flow_create(actor=people.owner, name="Purchase", steps=[
        {"name": "Sign-off", "approvers": {"kind": "people", "people": [people.member.pk]}}])
    item = _item(people, board, "New boiler")
    request = approval_start(actor=people.owner, flow=flow, item=item,
                             requested_by=people.owner, requester_email="")
    html = _home(client, people.member)
    approvals = html[html.index('class="card mw-approvals"'):]
    url = reverse("approval-page", kwargs={"ws": people.workspace.slug, "id": request.pk})
    assert f'href="{url}">New boiler</a>' in approvals
    assert "Purchase · Sign-off" in approvals
    assert "Nothing waits for your approval." in _home(client, people.admin)


def test_notifications_show_unread_ones_and_lead_to_the_item_page(client, people, board):
    item = _item(people, board, "Replace the lock", assignees=[people.member.pk])
    note = people.member.notifications.get(verb="assigned")
    NotificationFactory(recipient=people.admin, workspace=people.workspace, title="Not mine")
    html = _home(client, people.member)
    notes = html[html.index('id="mw-notifications"'):]
    assert "1 unread" in notes and "Not mine" not in notes
    assert f'data-id="{note.pk}"' in notes and 'data-action="read-one"' in notes
    assert f'href="/w/{people.workspace.slug}/items/{item.pk}/">You were assigned' in notes


def test_boards_and_projects_i_follow(client, people, board):
    _item(people, board, "Paint", assignees=[people.member.pk])
    services.board_create(actor=people.owner, name="Unrelated board")
    project = project_create(actor=people.owner, name="Office move", manager=people.member)
    project_create(actor=people.owner, name="Someone else's project")
    html = _home(client, people.member)
    following = html[html.index('class="card mw-following"'):]
    assert ">Facilities</a>" in following and "1 open item for you" in following
    assert "Unrelated board" not in following
    assert f'href="/w/{people.workspace.slug}/projects/{project.pk}/">Office move' in following
    assert "you manage it" in following and "Someone else" not in following


def test_the_page_keeps_the_teams_and_my_role(client, people):
    TeamFactory(workspace=people.workspace, name="Service Desk").members.add(people.member)
    TeamFactory(workspace=people.workspace, name="Finance")
    html = _home(client, people.member)
    assert "member</strong>" in html
    assert re.search(r"Your teams: <span class=\"tag\">Service Desk</span>", html)
    assert "<td>Finance</td>" in html


def test_guests_see_only_the_boards_shared_with_them(client, people, board):
    shared = services.board_create(actor=people.owner, name="Shared with guests")
    services.board_member_add(actor=people.owner, board=shared, membership=people.guest,
                              role="contributor")
    _item(people, shared, "Guest task", assignees=[people.guest.pk], due_date=TODAY)
    _item(people, board, "Internal task", assignees=[people.guest.pk], due_date=TODAY)
    html = _home(client, people.guest)
    items = html[html.index('class="card mw-items"'):html.index('class="mw-side"')]
    assert "Guest task" in items and "Internal task" not in items


def test_the_query_count_does_not_grow_with_my_items(client, people, board):
    def count() -> int:
        client.force_login(people.member.user)
        url = reverse("workspace-home", kwargs={"ws": people.workspace.slug})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    # One item in each bucket (overdue, today, this week, later, no date), then many more.
    for n, days in enumerate([-3, 0, 2, 10, None]):
        _item(people, board, f"Task {n}", assignees=[people.member.pk],
              due_date=None if days is None else TODAY + dt.timedelta(days=days))
        NotificationFactory(recipient=people.member, workspace=people.workspace)
    count()  # the first request fills per-process caches (content types, the session)
    few = count()
    for n in range(20):
        _item(people, board, f"More {n}", assignees=[people.member.pk],
              due_date=TODAY + dt.timedelta(days=n - 3) if n % 4 else None)
        NotificationFactory(recipient=people.member, workspace=people.workspace)
    assert count() == few
