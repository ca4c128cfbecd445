"""In Chromium: the workload page shows an over-allocated day in red; clicking it lists that
person's items; dragging an item onto another person's day reassigns it, and a refused move
puts the item back with the reason. Screenshot."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from boards import services
from boards.models import Board, Item
from tests.e2e.work_session import screenshots, signed_in
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _person(people, first, last):
    return MembershipFactory(workspace=people.workspace, role="member",
                             user=UserFactory(first_name=first, last_name=last))


@pytest.fixture
def team(people):
    ana, ben = _person(people, "Ana", "Silva"), _person(people, "Ben", "Okafor")
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday())
    board = services.board_create(actor=people.owner, name="Maintenance")

    def item(name, who, start, due, hours):
        return services.item_create(actor=people.owner, board=board, fields={
            "name": name, "assignees": [m.pk for m in who], "start_date": start,
            "due_date": due, "estimate_hours": str(hours)})

    item("Boiler service", [ana], today, today, 10)
    item("Replace lights", [ana], today, today, 3)
    item("Paint the hall", [ben], monday, monday + dt.timedelta(days=4), 20)
    item("Fix the gate", [ben, ana], monday + dt.timedelta(days=1),
         monday + dt.timedelta(days=3), 9)
    return ana, ben, today


def cell(page: Page, member, day):
    return page.locator(f'td.wl-cell[data-member="{member.pk}"][data-date="{day.isoformat()}"]')


def test_an_over_allocated_day_is_red_and_its_items_can_move(live_server, page: Page, client,
                                                            people, team):
    ana, ben, today = team
    page.set_viewport_size({"width": 1440, "height": 900})
    signed_in(page, live_server, client, people.admin)
    page.goto(live_server.url + reverse("workload-page", kwargs={"ws": people.workspace.slug}))
    expect(page.get_by_role("heading", name="Workload")).to_be_visible()

    over = cell(page, ana, today)
    expect(over).to_have_class(re.compile(r"\blvl-over\b"))
    expect(over).to_have_css("background-color", "rgb(240, 68, 56)")
    expect(over.get_by_role("button")).to_have_attribute(
        "aria-label", re.compile(r"^Ana Silva, \w+ \d+ \w+: 13 of \d+ hours, over-allocated$"))
    over.get_by_role("button").click()
    panel = page.locator("#wl-cell")
    expect(panel.get_by_role("heading", level=2)).to_contain_text("Ana Silva")
    expect(panel.locator(".wl-item")).to_have_count(2)
    expect(panel).to_contain_text("Boiler service")
    expect(panel).to_contain_text("over-allocated")
    page.screenshot(path=str(screenshots() / "workload.png"), full_page=True)

    panel.locator(".wl-item", has_text="Replace lights").drag_to(cell(page, ben, today))
    expect(page.locator("#notices")).to_contain_text("“Replace lights” moved to Ben Okafor")
    expect(panel.locator(".wl-item")).to_have_count(1)
    moved = Item.objects.get(name="Replace lights")
    assert [m.pk for m in moved.assignees.all()] == [ben.pk]
    assert moved.due_date == today

    # A refused move puts the item back and says why.
    Board.objects.filter(name="Maintenance").update(read_only=True)
    panel.locator(".wl-item", has_text="Boiler service").drag_to(cell(page, ben, today))
    expect(page.locator("#notices")).to_contain_text("“Boiler service” was not moved")
    expect(page.locator("#notices")).to_contain_text("read-only")
    expect(panel.locator(".wl-item", has_text="Boiler service")).to_be_visible()
    assert [m.pk for m in Item.objects.get(name="Boiler service").assignees.all()] == [ana.pk]
