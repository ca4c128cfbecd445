"""In Chromium: a card dragged to another Kanban column keeps its new status after a reload; a
drop into a column at its WIP limit is refused and the card returns; the "Move to…" menu does
the same from the keyboard."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from boards import services
from boards.models import Item
from tests.e2e.board_views_session import output_dir, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(people):
    board = services.board_create(actor=people.owner, name="IT requests")
    statuses = {s.name: s for s in board.statuses.all()}
    services.status_update(actor=people.owner, status=statuses["In progress"], wip_limit=2)
    services.column_create(actor=people.owner, board=board, title="Labels", type="tags",
                           key="labels")
    items = {}
    for name, status, extra in [
        ("Fix printer", "To do", {"priority": "high", "due_date": "2020-01-31",
                                  "values": {"labels": ["hardware"]}}),
        ("New laptop for Ana", "To do", {"priority": "medium", "due_date": "2099-06-30",
                                         "values": {"labels": ["hardware", "onboarding"]}}),
        ("VPN access", "In progress", {}),
    ]:
        items[name] = services.item_create(actor=people.owner, board=board, fields={
            "name": name, "status": statuses[status].pk, "assignees": [people.member.pk],
            **extra,
        })
    services.item_create(actor=people.owner, board=board, fields={
        "name": "Order the laptop", "parent": items["New laptop for Ana"].pk,
        "status": statuses["Done"].pk})
    return board, statuses


def lane(page: Page, name: str):
    return page.locator(".kb-lane").filter(has=page.get_by_role("heading", name=name, exact=True))


def card(page: Page, name: str):
    return page.locator(".kb-card", has_text=name)


def test_a_dragged_card_keeps_its_new_column_after_reload_and_a_full_column_refuses(
    live_server, page: Page, client, people, desk
):
    board, statuses = desk
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, client, people.member)
    url = live_server.url + reverse("board-kanban-page",
                                    kwargs={"ws": people.workspace.slug, "board_id": board.pk})
    page.goto(url)
    doing = lane(page, "In progress")
    expect(doing.locator(".kb-count")).to_have_text("1 / 2")

    card(page, "Fix printer").drag_to(doing.locator(".kb-card").first)
    expect(page.locator("#notices")).to_contain_text("“Fix printer” moved to In progress")
    expect(doing.locator(".kb-count")).to_have_text("2 / 2")
    expect(doing.locator(".kb-full")).to_be_visible()

    # The column is full now: the next card is refused and goes back where it was.
    card(page, "New laptop for Ana").drag_to(doing.locator(".kb-card").first)
    expect(page.locator("#notices")).to_contain_text("at its WIP limit (2 / 2)")
    expect(lane(page, "To do").locator(".kb-card", has_text="New laptop for Ana")).to_be_visible()
    expect(doing.locator(".kb-card")).to_have_count(2)
    page.wait_for_timeout(400)  # let the cards' animations settle before the picture
    page.screenshot(path=str(output_dir() / "kanban.png"), full_page=True)

    page.reload()
    expect(lane(page, "In progress").locator(".kb-card", has_text="Fix printer")).to_be_visible()
    expect(lane(page, "To do").locator(".kb-card", has_text="New laptop for Ana")).to_be_visible()
    assert Item.objects.get(name="Fix printer").status_id == statuses["In progress"].pk
    assert Item.objects.get(name="New laptop for Ana").status_id == statuses["To do"].pk


def test_move_to_from_the_keyboard_and_a_refused_move_rolls_back(
    live_server, page: Page, client, people, desk
):
    board, statuses = desk
    sign_in(page, live_server, client, people.member)
    page.goto(live_server.url + reverse(
        "board-kanban-page", kwargs={"ws": people.workspace.slug, "board_id": board.pk}))
    card(page, "VPN access").get_by_role("button", name="Move to…").focus()
    page.keyboard.press("Enter")
    menu = page.get_by_role("dialog", name="Move “VPN access”")
    menu.get_by_role("button", name="To Done").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#notices")).to_contain_text("“VPN access” moved to Done")
    expect(lane(page, "Done").locator(".kb-card", has_text="VPN access")).to_be_visible()
    assert Item.objects.get(name="VPN access").status_id == statuses["Done"].pk

    # Someone else changes the card meanwhile: the stale move is refused and undone.
    services.item_update(actor=people.owner, item=Item.objects.get(name="Fix printer"),
                         fields={"priority": "low"})
    card(page, "Fix printer").get_by_role("button", name="Move to…").click()
    page.get_by_role("dialog").get_by_role("button", name="To Backlog").click()
    expect(page.locator("#notices")).to_contain_text("Someone changed “Fix printer”")
    expect(lane(page, "To do").locator(".kb-card", has_text="Fix printer")).to_be_visible()
    assert Item.objects.get(name="Fix printer").status_id == statuses["To do"].pk


def test_a_card_moved_by_someone_else_moves_on_the_page(live_server, page: Page, client, people,
                                                        desk):
    board, statuses = desk
    sign_in(page, live_server, client, people.member)
    page.goto(live_server.url + reverse(
        "board-kanban-page", kwargs={"ws": people.workspace.slug, "board_id": board.pk}))
    expect(lane(page, "To do").locator(".kb-count")).to_have_text("2")
    services.item_move(actor=people.owner, item=Item.objects.get(name="New laptop for Ana"),
                       status=statuses["Backlog"].pk, status_given=True)
    backlog = lane(page, "Backlog")
    # The page polls every few seconds.
    expect(backlog.locator(".kb-card", has_text="New laptop for Ana")).to_be_visible(timeout=9000)
    expect(backlog.locator(".kb-count")).to_have_text("1")
    expect(lane(page, "To do").locator(".kb-count")).to_have_text("1")
