"""A requester fills in a public form over two pages in Chromium with the keyboard alone, sees a
conditional question appear as they answer, sends it, and follows the status link."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from automations.models import Submission
from tests.automations.intake_pages_setup import request_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fill_a_conditional_form_with_the_keyboard_and_follow_the_request(
        live_server, page: Page, people, settings, output_path):
    settings.INTAKE_MIN_SECONDS = 0
    form = request_form(people.owner)
    page.goto(f"{live_server.url}/f/{form.token}/?source=e2e")
    expect(page.get_by_role("heading", level=1)).to_have_text("IT request")
    device = page.get_by_label("Which device?")
    expect(device).to_be_hidden()

    page.keyboard.press("Tab")
    expect(page.get_by_label("What do you need?")).to_be_focused()
    page.keyboard.type("A laptop")
    page.keyboard.press("Tab")
    expect(page.get_by_label("What kind of request is it?")).to_be_focused()
    page.keyboard.type("Hardware")
    expect(device).to_be_visible()  # shown by the page script, before any post
    expect(page.locator("[data-intake-live]")).to_have_text("New question: Which device?")
    page.keyboard.press("Tab")
    expect(device).to_be_focused()
    page.keyboard.type("ThinkPad X1")
    page.keyboard.press("Enter")  # Continue: the first button of the form

    expect(page.get_by_text("Page 2 of 2: Details")).to_be_visible()
    reason = page.get_by_label("Why is it worth it?")
    expect(reason).to_be_hidden()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Tell us more")).to_be_focused()
    page.keyboard.type("For travelling to clients.")
    page.keyboard.press("Tab")
    page.keyboard.type("2400")
    expect(reason).to_be_visible()
    page.keyboard.press("Tab")
    expect(reason).to_be_focused()
    page.keyboard.type("The old one no longer charges.")
    page.keyboard.press("Tab")
    expect(page.get_by_label("A quote, if you have one")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Your e-mail address")).to_be_focused()
    page.keyboard.type("sam@example.com")
    page.keyboard.press("Enter")  # Send request

    expect(page.get_by_role("heading", level=1)).to_have_text("Request sent")
    expect(page.locator(".reference")).to_have_text("IT-1")
    expect(page.get_by_text("We e-mailed a confirmation to sa…@example.com")).to_be_visible()
    shot = Path(output_path) / "public-form-confirmation.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0

    page.locator("a.status-link").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Request IT-1")
    expect(page.get_by_text("Sent with the form “IT request”.")).to_be_visible()
    submission = Submission.objects.get(form=form)
    assert submission.answers["reason"] == "The old one no longer charges."
    assert submission.answers["source"] == "e2e"


def test_errors_are_summarised_and_lead_to_their_field(live_server, page: Page, people,
                                                       settings):
    settings.INTAKE_MIN_SECONDS = 0
    form = request_form(people.owner)
    page.goto(f"{live_server.url}/f/{form.token}/")

    page.get_by_role("button", name="Continue").press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the first error's link
    title = page.get_by_label("What do you need?")
    expect(title).to_be_focused()
    expect(title).to_have_attribute("aria-invalid", "true")
