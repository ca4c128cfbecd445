"""A person creates a board in the browser, adds items inline, edits a status and a date in the
table, sees both after a reload, and archives two items at once; two people on one board see each
other's changes without reloading. In Chromium."""

import os
import pathlib

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from boards import services
from boards.models import Item
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = pathlib.Path(os.environ.get("E2E_OUTPUT", "test-results"))


def _sign_in(page: Page, live_server, membership) -> None:
    client = Client()
    client.force_login(membership.user)
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])


def _row(page: Page, name: str):
    return page.locator("tr.item-row", has=page.locator(".name-text", has_text=name))


def test_create_board_add_items_edit_inline_and_bulk_archive(live_server, page: Page, people):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())
    _sign_in(page, live_server, people.member)

    page.goto(f"{live_server.url}/w/{people.workspace.slug}/boards/")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "boards-list.png"))
    page.get_by_label("Name").fill("Office move")
    page.get_by_role("button", name="Create board").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Office move")

    add = page.get_by_label("Add an item to Tasks")
    for name in ("Pack the archive", "Book the van", "Label the desks"):
        add.fill(name)
        add.press("Enter")
        expect(_row(page, name)).to_be_visible()
    expect(page.locator("tr.item-row")).to_have_count(3)

    row = _row(page, "Book the van")
    row.locator('td[data-col="status"]').click()
    page.get_by_role("option", name="In progress").click()
    expect(row.locator('td[data-col="status"] .pill')).to_have_text("In progress")

    row.locator('td[data-col="due_date"]').click()
    editor = row.locator('td[data-col="due_date"] input[type="date"]')
    editor.fill("2031-05-17")
    editor.press("Enter")
    expect(row.locator('td[data-col="due_date"]')).to_have_text("May 17, 2031")
    expect(row).not_to_have_class("saving")

    page.reload()
    row = _row(page, "Book the van")
    expect(row.locator('td[data-col="status"] .pill')).to_have_text("In progress")
    expect(row.locator('td[data-col="due_date"]')).to_have_text("May 17, 2031")

    page.screenshot(path=str(OUTPUT / "board-table.png"), full_page=True)

    _row(page, "Pack the archive").locator(".row-select").check()
    _row(page, "Label the desks").locator(".row-select").check()
    expect(page.locator("#bulk-count")).to_have_text("2 selected")
    page.get_by_role("button", name="Archive").click()
    expect(page.locator("tr.item-row")).to_have_count(1)
    page.reload()
    expect(page.locator("tr.item-row")).to_have_count(1)
    archived = set(Item.objects.filter(archived_at__isnull=False).values_list("name", flat=True))
    assert archived == {"Pack the archive", "Label the desks"}
    assert errors == []


def test_changes_by_someone_else_appear_without_a_reload(live_server, page: Page, people):
    board = services.board_create(actor=people.member, name="Front desk")
    colleague = MembershipFactory(workspace=people.workspace, role="member")
    keys = services.item_create(actor=people.member, board=board, fields={"name": "Order keys"})
    mail = services.item_create(actor=people.member, board=board, fields={"name": "Sort mail"})
    _sign_in(page, live_server, people.member)
    page.goto(f"{live_server.url}/w/{people.workspace.slug}/boards/{board.pk}/")
    expect(page.locator("tr.item-row")).to_have_count(2)

    services.item_update(actor=colleague, item=keys, fields={"name": "Order spare keys"})
    services.item_archive(actor=colleague, item=mail)
    services.item_create(actor=colleague, board=board, fields={"name": "Water plants"})

    # The page looks for changes every few seconds.
    expect(_row(page, "Order spare keys")).to_be_visible(timeout=15_000)
    expect(_row(page, "Sort mail")).to_have_count(0, timeout=15_000)
    expect(_row(page, "Water plants")).to_be_visible(timeout=15_000)
    expect(page.locator(".section-count")).to_have_text("2 items")


def test_filter_save_as_view_and_arrange_columns(live_server, page: Page, people):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    board = services.board_create(actor=people.member, name="Repairs")
    services.column_create(actor=people.member, board=board, title="Area", type="dropdown",
                           settings={"options": ["Kitchen", "Garden"]})
    services.column_create(actor=people.member, board=board, title="Score", type="rating")
    for name, area in (("Fix tap", "Kitchen"), ("Mow lawn", "Garden"), ("Clean oven", "Kitchen")):
        services.item_create(actor=people.member, board=board,
                             fields={"name": name, "values": {"area": area}})
    _sign_in(page, live_server, people.member)
    page.goto(f"{live_server.url}/w/{people.workspace.slug}/boards/{board.pk}/")

    _row(page, "Mow lawn").locator('td[data-col="values.score"]').click()
    page.get_by_role("button", name="4 of 5").click()
    expect(_row(page, "Mow lawn").locator(".star.on")).to_have_count(4)

    page.get_by_role("button", name="Filter").click()
    rule = page.locator("#filter-rules li").first
    rule.get_by_label("Field").select_option(label="Area")
    rule.get_by_label("Value for Area").select_option(label="Kitchen")
    page.locator("#filter-apply").click()
    expect(page.locator("tr.item-row")).to_have_count(2)
    expect(page.locator("#unsaved")).to_be_visible()

    page.get_by_role("button", name="Save as view…").click()
    page.get_by_label("Name", exact=True).fill("Kitchen jobs")
    page.get_by_role("button", name="Save view").click()
    page.wait_for_url("**?view=*")
    expect(page.locator("#view-select option:checked")).to_have_text("Kitchen jobs")
    expect(page.locator("tr.item-row")).to_have_count(2)

    page.get_by_role("button", name="Columns").click()
    page.get_by_role("button", name="Move Area left").click()
    page.get_by_role("button", name="Move Area left").click()
    heads = page.locator("thead th.col-head")
    expect(heads.nth(2)).to_have_attribute("data-col", "values.area")
    expect(page.locator("#notices")).to_contain_text("Column order saved in “Kitchen jobs”")
    page.reload()
    expect(page.locator("thead th.col-head").nth(2)).to_have_attribute("data-col", "values.area")
    assert errors == []
