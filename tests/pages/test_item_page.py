"""The item page: every field with its control (or read-only), the description rendered from
Markdown and sanitised, sub-items, dependencies, comments with the people one may mention,
files, full history with old → new values, the time and approval parts; the same item as a
side-panel fragment for htmx; visibility exactly as the API; a fixed number of queries."""

import datetime as dt
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from automations.services.approvals import approval_start, flow_create
from boards import services
from boards.models import Privacy
from boards.services.attachments import attachment_create
from boards.services.comments import comment_create
from tests.factories import MembershipFactory
from timetracking.services import time_entry_create, timer_start


@pytest.fixture
def board(people):
    board = services.board_create(actor=people.owner, name="Office")
    services.column_create(actor=people.owner, board=board, title="Cost", type="money",
                           key="cost")
    services.column_create(actor=people.owner, board=board, title="Kind", type="dropdown",
                           key="kind", settings={"options": [{"label": "Repair"},
                                                             {"label": "Purchase"}]})
    services.column_create(actor=people.owner, board=board, title="Window", type="timeline",
                           key="window")
    services.column_create(actor=people.owner, board=board, title="Checked", type="checkbox",
                           key="checked")
    return board


@pytest.fixture
def item(people, board):
    return services.item_create(actor=people.owner, board=board, fields={
        "name": "Fix the heating", "assignees": [people.member.pk], "priority": "high",
        "due_date": "2030-05-01", "estimate_hours": "6",
        "values": {"cost": "120.00", "kind": "repair"},
    })


def _url(item, **query):
    url = reverse("item-page", kwargs={"ws": item.workspace.slug, "id": item.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _get(client, membership, url, **headers):
    client.force_login(membership.user)
    return client.get(url, **headers)


def _field(html, name):
    start = html.index(f'data-field="{name}"')
    return html[start:html.index('<div class="it-field', start + 10)
                if '<div class="it-field' in html[start + 10:] else None]


def test_every_field_has_its_control_for_someone_who_may_edit(client, people, item):
    html = _get(client, people.member, _url(item)).content.decode()
    assert '<h1 class="it-title"' in html and "Fix the heating" in html
    status = _field(html, "status")
    assert 'data-kind="select"' in status and "<option" in status and ">To do</option>" in status
    assert f'value="{people.member.pk}" checked' in _field(html, "assignees")
    assert 'type="date"' in _field(html, "due_date") and 'value="2030-05-01"' in html
    assert 'value="high" selected' in _field(html, "priority")
    assert 'value="6.00"' in _field(html, "estimate_hours")
    assert 'value="120.00"' in _field(html, "values.cost")
    assert re.search(r'value="repair"[^>]* selected', _field(html, "values.kind"))
    assert 'data-end="start"' in _field(html, "values.window")
    assert 'class="it-check"' in _field(html, "values.checked")
    assert 'data-editable="1"' in html and 'data-action="rename"' in html
    assert "js/item-page.js" in html and "css/item.css" in html


def test_the_description_is_markdown_rendered_and_sanitised(client, people, item):
    services.item_update(actor=people.owner, item=item, fields={"description": (
        "# Plan\n\nCall **the plumber**, see [the quote](https://example.com/q).\n\n"
        "- radiators\n- boiler\n\n[click](javascript:alert(1)) <script>alert(2)</script>"
        '<img src=x onerror="alert(3)">')})
    html = _get(client, people.member, _url(item)).content.decode()
    body = html[html.index('class="it-markdown"'):html.index('class="it-description-form"')]
    assert "<p><strong>Plan</strong></p>" in body
    assert "<strong>the plumber</strong>" in body
    assert '<a href="https://example.com/q" rel="noopener noreferrer">the quote</a>' in body
    assert "<li>radiators</li>" in body
    assert 'href="javascript' not in body and "<script" not in body and "<img" not in body
    assert "[click](javascript:alert(1))" in body  # not a link: shown as the text it is


def test_a_viewer_sees_values_without_controls_and_may_still_comment(client, people, board,
                                                                      item):
    services.board_update(actor=people.owner, board=board, privacy=Privacy.PRIVATE)
    viewer = MembershipFactory(workspace=people.workspace, role="member")
    services.board_member_add(actor=people.owner, board=board, membership=viewer,
                              role="viewer")
    html = _get(client, viewer, _url(item)).content.decode()
    assert "You can view this item and comment on it, but not change it." in html
    assert 'data-editable="0"' in html and "<select" not in _field(html, "status")
    assert ">Repair</span>" in _field(html, "values.kind")
    assert 'data-action="rename"' not in html and 'data-action="add-comment"' in html


def test_items_hidden_from_the_viewer_are_not_found(client, people, board, item):
    services.board_update(actor=people.owner, board=board, privacy=Privacy.PRIVATE)
    assert _get(client, people.member, _url(item)).status_code == 404
    assert _get(client, people.outsider, _url(item)).status_code == 404
    other = reverse("item-page", kwargs={"ws": people.outsider.workspace.slug, "id": item.pk})
    assert _get(client, people.outsider, other).status_code == 404
    client.logout()
    assert client.get(_url(item)).status_code == 302


def test_sub_items_dependencies_comments_and_files_are_listed(client, people, board, item):
    services.item_create(actor=people.owner, board=board,
                         fields={"name": "Bleed radiators", "parent": item.pk})
    other_board = services.board_create(actor=people.owner, name="Suppliers")
    order = services.item_create(actor=people.owner, board=other_board,
                                 fields={"name": "Order valves"})
    services.dependency_create(actor=people.owner, predecessor=order.pk, successor=item.pk)
    comment_create(actor=people.owner, item=item,
                   body=f"Thanks @[Member](member:{people.member.pk})!")
    attachment_create(actor=people.member, item=item,
                      upload=SimpleUploadedFile("quote.pdf", b"%PDF-1.4", "application/pdf"))
    html = _get(client, people.member, _url(item)).content.decode()
    assert ">Bleed radiators</a>" in html
    links = html[html.index('id="item-links"'):html.index('id="item-comments"')]
    assert ">Order valves</a>" in links and "on Suppliers" in links
    assert "finish to start" in links and 'data-action="remove-link"' in links
    assert f'<span data-mention="{people.member.pk}">@' in html
    files = html[html.index('id="item-attachments"'):]
    assert ">quote.pdf</a>" in files and "/download/" in files


def test_history_names_every_change_with_its_old_and_new_value(client, people, board, item):
    done = board.statuses.get(name="Done")
    people.admin.user.first_name, people.admin.user.last_name = "Ada", "Byron"
    people.admin.user.save()
    services.item_update(actor=people.owner, item=item, fields={
        "status": done.pk, "assignees": [people.admin.pk], "values": {"kind": "purchase"}})
    html = _get(client, people.member, _url(item)).content.decode()
    history = html[html.index('id="item-history"'):]
    changes = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", history))
    assert "Status : To do → changed to Done" in changes
    assert "People : " in changes and "changed to Ada Byron" in changes
    assert "Kind : Repair → changed to Purchase" in changes
    assert "created the item" in changes


def test_people_one_may_mention_are_those_who_can_see_the_board(client, people, board, item):
    services.board_update(actor=people.owner, board=board, privacy=Privacy.PRIVATE)
    services.board_member_add(actor=people.owner, board=board, membership=people.member)
    html = _get(client, people.member, _url(item)).content.decode()
    data = html[html.index('<script type="application/json">') + 32:]
    mentionable = {row["id"] for row in json.loads(data[:data.index("</script>")])}
    assert mentionable == {people.owner.pk, people.admin.pk, people.member.pk}


def test_an_htmx_request_gets_the_item_alone_for_a_side_panel(client, people, item):
    response = _get(client, people.member, _url(item), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'class="item-detail is-panel"' in html
    assert "js/item-page.js" in html and ">Open full page</a>" in html


def test_one_part_is_rendered_alone_and_an_unknown_part_is_refused(client, people, item):
    html = _get(client, people.member, _url(item, part="comments")).content.decode()
    assert html.lstrip().startswith('<section class="it-section it-comments"')
    assert _get(client, people.member, _url(item, part="secrets")).status_code == 400


def test_the_time_part_lists_entries_and_offers_the_timer(client, people, item):
    time_entry_create(actor=people.member, item=item,
                 started_at=dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC),
                 ended_at=dt.datetime(2025, 3, 3, 10, 30, tzinfo=dt.UTC), note="Looked at it")
    url = reverse("item-time", kwargs={"ws": item.workspace.slug, "id": item.pk})
    html = _get(client, people.member, url).content.decode()
    assert "<strong>1 h 30 min</strong> tracked of 6 h estimated" in html
    assert "Looked at it" in html and 'data-action="timer-start"' in html
    timer_start(actor=people.member, item=item)
    assert 'data-action="timer-stop"' in _get(client, people.member, url).content.decode()
    assert "Looked at it" in _get(client, people.owner, url).content.decode()


def test_the_approvals_part_shows_steps_and_decisions(client, people, item):
    flow = flow_create(actor=people.owner, name="Spend", steps=[
        {"name": "Budget holder", "approvers": {"kind": "people", "people": [people.admin.pk]}}])
    approval_start(actor=people.owner, flow=flow, item=item, requested_by=people.owner,
                   requester_email="")
    url = reverse("item-approvals", kwargs={"ws": item.workspace.slug, "id": item.pk})
    html = _get(client, people.member, url).content.decode()
    assert ">Spend</a>" in html and ">Pending</span>" in html
    assert "Budget holder" in html and "Waiting" in html


def test_the_query_count_does_not_grow_with_what_the_item_holds(client, people, board, item):
    def count() -> int:
        client.force_login(people.member.user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(item)).status_code == 200
        return len(queries)

    def grow(n: int) -> None:
        for k in range(n):
            services.item_create(actor=people.owner, board=board,
                                 fields={"name": f"Sub {k}", "parent": item.pk,
                                         "assignees": [people.member.pk]})
            comment_create(actor=people.owner, item=item, body=f"Note {k}")
            services.item_update(actor=people.owner, item=item, fields={"priority": "low"
                                 if k % 2 else "medium", "assignees": [people.member.pk]})

    grow(2)
    count()  # the first request fills per-process caches (content types, the session)
    few = count()
    grow(12)
    assert count() == few


def test_a_guest_sees_an_item_only_on_a_board_shared_with_them(client, people, board, item):
    assert _get(client, people.guest, _url(item)).status_code == 404
    services.board_member_add(actor=people.owner, board=board, membership=people.guest,
                              role="viewer")
    html = _get(client, people.guest, _url(item)).content.decode()
    assert "Fix the heating" in html and 'data-editable="0"' in html
