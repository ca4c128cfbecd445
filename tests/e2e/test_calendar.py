"""In Chromium: an item dragged to another day of the calendar keeps its new date after a
reload, a span keeps its length, and a refused change puts the item back."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from boards import services
from boards.models import Item
from tests.e2e.board_views_session import output_dir, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def board(people):
    board = services.board_create(actor=people.owner, name="Content calendar")
    statuses = {s.name: s.pk for s in board.statuses.all()}
    for name, fields in [
        ("Newsletter", {"due_date": "2026-03-10", "status": statuses["To do"]}),
        ("Spring campaign", {"start_date": "2026-03-16", "due_date": "2026-03-18",
                             "status": statuses["In progress"]}),
        ("Case study", {"due_date": "2026-03-26", "status": statuses["Done"]}),
        ("Video script", {}),
    ]:
        services.item_create(actor=people.owner, board=board, fields={
            "name": name, "assignees": [people.member.pk], **fields})
    return board


def day(page: Page, date: str):
    return page.locator(f'.cal-day[data-date="{date}"]')


def entry(page: Page, name: str):
    return page.locator(".cal-entries .cal-entry", has_text=name)


def test_dragging_items_to_other_days_reschedules_them_and_a_refusal_puts_them_back(
    live_server, page: Page, client, people, board
):
    page.set_viewport_size({"width": 1440, "height": 1000})
    sign_in(page, live_server, client, people.member)
    page.goto(live_server.url + reverse(
        "board-calendar-page", kwargs={"ws": people.workspace.slug, "board_id": board.pk},
    ) + "?date=2026-03-10")
    expect(page.get_by_role("heading", name="March 2026")).to_be_visible()

    page.wait_for_load_state("networkidle")
    entry(page, "Newsletter").drag_to(day(page, "2026-03-12"))
    expect(page.locator("#notices")).to_contain_text("“Newsletter” is now due Thu, Mar 12")
    # The grid is drawn again after each save: drag the next item once that has happened.
    expect(entry(page, "Newsletter")).to_have_attribute("data-due", "2026-03-12")
    page.wait_for_load_state("networkidle")
    # The span is grabbed by its middle day (the 17th) and dropped on the 24th: a week later.
    entry(page, "Spring campaign").drag_to(day(page, "2026-03-24"))
    expect(page.locator("#notices")).to_contain_text("“Spring campaign” is now",
                                                      timeout=10_000)
    expect(entry(page, "Spring campaign").first).to_have_attribute("data-from", "2026-03-23")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Video script").drag_to(day(page, "2026-03-05"))
    expect(entry(page, "Video script")).to_be_visible(timeout=10_000)
    page.wait_for_timeout(300)  # let the redraw settle before the picture
    page.screenshot(path=str(output_dir() / "calendar.png"), full_page=True)

    # Someone else changes the item meanwhile: the stale change is refused and undone.
    services.item_update(actor=people.owner, item=Item.objects.get(name="Case study"),
                         fields={"priority": "high"})
    entry(page, "Case study").drag_to(day(page, "2026-03-02"))
    expect(page.locator("#notices")).to_contain_text("Someone changed “Case study”")

    page.reload()
    expect(entry(page, "Newsletter")).to_have_attribute("data-due", "2026-03-12")
    expect(entry(page, "Spring campaign").first).to_have_attribute("data-from", "2026-03-23")
    saved = {i.name: (i.start_date, i.due_date) for i in Item.objects.all()}
    assert saved["Newsletter"] == (None, dt.date(2026, 3, 12))
    assert saved["Spring campaign"] == (dt.date(2026, 3, 23), dt.date(2026, 3, 25))
    assert saved["Video script"] == (None, dt.date(2026, 3, 5))
    assert saved["Case study"] == (None, dt.date(2026, 3, 26))


def test_the_keyboard_reschedules_through_the_dialog(live_server, page: Page, client, people,
                                                     board):
    sign_in(page, live_server, client, people.member)
    page.goto(live_server.url + reverse(
        "board-calendar-page", kwargs={"ws": people.workspace.slug, "board_id": board.pk},
    ) + "?date=2026-03-10&view=week")
    entry(page, "Newsletter").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Due date").fill("2026-03-13")
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator("#notices")).to_contain_text("“Newsletter” is now due Fri, Mar 13")
    expect(entry(page, "Newsletter")).to_have_attribute("data-due", "2026-03-13")
    expect(entry(page, "Newsletter")).to_be_focused()
    assert Item.objects.get(name="Newsletter").due_date == dt.date(2026, 3, 13)
