"""In Chromium: open an item, change a field, write a comment mentioning someone chosen from
the autocomplete, start and stop the timer and see the time entry; then My work (notifications
marked read) and the search box. Screenshots of the item, My work and search pages."""

import datetime as dt

import pytest
from django.db.models import F
from django.urls import reverse
from playwright.sync_api import Page, expect

from boards import services
from projects.services import project_create
from tests.e2e.work_session import screenshots, signed_in
from tests.factories import MembershipFactory, UserFactory
from timetracking.models import TimeEntry, Timer
from workos.activity.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def heating(people):
    people.member.user.first_name, people.member.user.last_name = "Sam", "Reed"
    people.member.user.save()
    hana = MembershipFactory(workspace=people.workspace, role="member",
                             user=UserFactory(first_name="Hana", last_name="Novak"))
    board = services.board_create(actor=people.owner, name="Facilities")
    item = services.item_create(actor=people.owner, board=board, fields={
        "name": "Fix the heating", "assignees": [people.member.pk], "priority": "high",
        "due_date": dt.date.today(), "estimate_hours": "4",
        "description": "The **boiler** in room 2 is cold.\n\n- check pressure\n- bleed radiators",
    })
    services.item_create(actor=people.owner, board=board,
                         fields={"name": "Order a new valve", "parent": item.pk})
    # More of Sam's work, so My work has something in most of its lists.
    today = dt.date.today()
    for name, due in [("Renew the fire certificate", today - dt.timedelta(days=2)),
                      ("Quarterly safety walk", today + dt.timedelta(days=12)),
                      ("Tidy the store room", None)]:
        services.item_create(actor=people.owner, board=board, fields={
            "name": name, "assignees": [people.member.pk], "due_date": due})
    project = project_create(actor=people.owner, name="Office move", manager=people.member)
    services.item_create(actor=people.owner, board=project.board, fields={
        "name": "Book the movers", "assignees": [people.member.pk],
        "due_date": today + dt.timedelta(days=20)})
    return item, hana


def quiet(page: Page) -> None:
    """Clear the message area so it does not cover the picture."""
    page.evaluate("() => { const n = document.getElementById('notices'); if (n) n.remove(); }")


def test_comment_with_a_mention_and_a_timer_on_an_item(live_server, page: Page, client, people,
                                                      heating):
    item, hana = heating
    page.set_viewport_size({"width": 1440, "height": 1000})
    signed_in(page, live_server, client, people.member)
    ws = people.workspace.slug
    page.goto(live_server.url + reverse("item-page", kwargs={"ws": ws, "id": item.pk}))
    expect(page.get_by_role("heading", level=1)).to_have_text("Fix the heating")
    expect(page.locator(".it-markdown strong")).to_have_text("boiler")

    page.get_by_label("Status").select_option(label="In progress")
    expect(page.locator("#notices")).to_contain_text("Status saved.")
    expect(page.locator("#item-history")).to_contain_text("To do → changed to In progress")

    box = page.get_by_label("Write a comment")
    box.click()
    box.press_sequentially("Thanks @ha")
    option = page.get_by_role("option", name="Hana Novak")
    expect(option).to_be_visible()
    box.press("Enter")
    expect(box).to_have_value("Thanks @Hana Novak ")
    box.press_sequentially("please check the valve")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator("#notices")).to_contain_text("Comment added.")
    expect(page.locator(".it-comment [data-mention]")).to_have_text("@Hana Novak")
    assert Comment.objects.get().mentions == [hana.pk]

    expect(page.locator("#item-time")).to_contain_text("No time logged yet.")
    page.get_by_role("button", name="Start timer").click()
    stop = page.get_by_role("button", name="Stop timer")
    expect(stop).to_be_visible()
    # The timer has been running for 25 minutes.
    Timer.objects.filter(member=people.member).update(
        started_at=F("started_at") - dt.timedelta(minutes=25))
    stop.click()
    expect(page.locator("#notices")).to_contain_text("Timer stopped: 0:25 logged.")
    expect(page.locator("#item-time .it-entry")).to_contain_text("25 min")
    expect(page.locator("#item-time")).to_contain_text("25 min tracked of 4 h estimated")
    assert TimeEntry.objects.get().duration_minutes == 25
    quiet(page)
    page.screenshot(path=str(screenshots() / "item.png"), full_page=True)

    page.get_by_role("link", name="My work").click()
    expect(page.locator(".bucket-today")).to_contain_text("Fix the heating")
    expect(page.locator("#mw-timer")).to_contain_text("No timer running")
    expect(page.locator("#mw-notifications .unread-count")).to_have_text("5 unread")
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator("#notices")).to_contain_text("5 notifications marked read.")
    expect(page.locator("#mw-notifications .unread-count")).to_be_hidden()
    quiet(page)
    page.screenshot(path=str(screenshots() / "my-work.png"), full_page=True)

    search = page.get_by_role("searchbox", name="Search items, boards and projects")
    search.fill("heating")
    search.press("Enter")
    expect(page.get_by_role("heading", name="Items")).to_be_visible()
    expect(page.get_by_role("link", name="Fix the heating")).to_be_visible()
    page.screenshot(path=str(screenshots() / "search.png"), full_page=True)
