"""In Chromium: dragging a task's bar on the Gantt chart moves its successor (and both stay
moved after a reload); a move the server refuses, made from the keyboard, puts the bar back
with the server's reason.

The plan starts on the Monday after today: A runs Monday-Tuesday, B (FS after A) Wednesday-
Thursday.
"""

import datetime as dt
import os
import pathlib

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from boards.models import Item
from projects import services
from projects.services.constraints import constraint_create
from tests.factories import DependencyFactory, ItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def output_dir() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("E2E_OUTPUT", "test-results"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def sign_in(page: Page, live_server, client, membership) -> None:
    client.force_login(membership.user)
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])


def short(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


@pytest.fixture
def plan(people):
    today = dt.date.today()
    monday = today + dt.timedelta(days=7 - today.weekday())
    project = services.project_create(actor=people.owner, name="Office move", start_date=monday)
    group = project.board.groups.first()
    a = ItemFactory(board=project.board, group=group, name="Pack the archive",
                    start_date=monday, due_date=monday + dt.timedelta(days=1))
    b = ItemFactory(board=project.board, group=group, name="Drive the van",
                    start_date=monday + dt.timedelta(days=2),
                    due_date=monday + dt.timedelta(days=3))
    DependencyFactory(predecessor=a, successor=b, type="FS")
    return project, a, b, monday


def row(page: Page, item: Item):
    return page.locator(f'.gantt-table tr[data-id="{item.pk}"]')


def open_gantt(page: Page, live_server, project) -> None:
    page.goto(live_server.url + reverse("project-gantt-page", kwargs={
        "ws": project.workspace.slug, "id": project.pk}))
    expect(page.locator("#gantt.ready")).to_be_attached()


def test_dragging_a_bar_moves_its_successor_and_both_stay_moved(
        live_server, page: Page, client, people, plan):
    project, a, b, monday = plan
    sign_in(page, live_server, client, people.owner)
    open_gantt(page, live_server, project)
    expect(page.locator('[data-zoom="day"]')).to_have_attribute("aria-pressed", "true")
    expect(row(page, b).locator("td").nth(1)).to_have_text(short(monday + dt.timedelta(days=2)))

    bar = page.locator(f'g.task[data-id="{a.pk}"] .bar-body').bounding_box()
    x, y = bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 2 * 32, y, steps=8)  # two days at the day zoom's 32 px a day
    page.mouse.up()

    expect(page.locator("#gantt-message")).to_have_text("1 task moved: Drive the van (2 days later).")
    friday, next_monday = monday + dt.timedelta(days=4), monday + dt.timedelta(days=7)
    expect(row(page, a).locator("td").nth(1)).to_have_text(short(monday + dt.timedelta(days=2)))
    expect(row(page, b).locator("td").nth(1)).to_have_text(short(friday))
    expect(row(page, b).locator("td").nth(2)).to_have_text(short(next_monday))
    expect(page.locator(f'g.task[data-id="{b.pk}"]')).to_have_class(
        "task critical editable moved")

    page.reload()
    expect(row(page, b).locator("td").nth(1)).to_have_text(short(friday))
    b.refresh_from_db()
    assert (b.start_date, b.due_date) == (friday, next_monday)

    page.locator('[data-zoom="week"]').click()
    expect(page.locator('[data-zoom="week"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".gantt-head .scale").first).to_contain_text(" ")
    page.screenshot(path=str(output_dir() / "gantt.png"), full_page=True)


def test_a_refused_keyboard_move_puts_the_bar_back_with_the_servers_reason(
        live_server, page: Page, client, people, plan):
    project, a, b, monday = plan
    thursday = monday + dt.timedelta(days=3)
    constraint_create(actor=people.owner, project=project, item=b.pk,
                      finish_no_later_than=thursday)
    sign_in(page, live_server, client, people.owner)
    open_gantt(page, live_server, project)

    handle = page.locator(f'g.task[data-id="{a.pk}"]')
    handle.focus()
    page.keyboard.press("ArrowRight")
    expect(row(page, a).locator("td").nth(1)).to_have_text(short(monday + dt.timedelta(days=1)))
    expect(page.locator("#gantt-message")).to_contain_text("Press Enter to save")
    page.keyboard.press("Enter")

    expect(page.locator("#gantt-message")).to_contain_text("Drive the van")
    expect(page.locator("#gantt-message")).to_have_class("gantt-message error")
    expect(row(page, a).locator("td").nth(1)).to_have_text(short(monday))
    expect(page.locator(f'g.task[data-id="{a.pk}"]')).to_be_focused()
    a.refresh_from_db()
    assert a.start_date == monday
    page.screenshot(path=str(output_dir() / "gantt-refused.png"), full_page=True)
