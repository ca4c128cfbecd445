"""In Chromium: on a project's page the manager tries to advance, is told which gate item is
unmet, ticks it, advances, and the project is in planning after the reload; a status update
posted from the page shows at once."""

import os
import pathlib

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from projects import services
from projects.models import Phase, Project
from projects.services import gates as gate_services
from tests.factories import GoalFactory

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


@pytest.fixture
def project(people):
    project = services.project_create(actor=people.owner, name="Office move")
    GoalFactory(workspace=people.workspace).projects.add(project)
    gate_services.gate_item_create(actor=people.owner, project=project, phase=Phase.INITIATION,
                                   label="Sponsor signed the charter")
    return project


def test_the_manager_ticks_the_gate_item_and_advances_the_project(
        live_server, page: Page, client, people, project):
    sign_in(page, live_server, client, people.owner)
    page.goto(live_server.url + reverse("project-page", kwargs={
        "ws": people.workspace.slug, "id": project.pk}))
    expect(page.get_by_role("heading", name="Phase: Initiation")).to_be_visible()

    page.get_by_role("button", name="Advance to Planning").click()
    refusal = page.locator("#advance-refusal")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("Sponsor signed the charter")

    page.get_by_label("Sponsor signed the charter").check()
    expect(page.locator("#notices")).to_contain_text("Ticked: Sponsor signed the charter")
    expect(page.locator("#gate .gate-state")).to_have_text("The gate is met.")
    expect(page.get_by_label("Sponsor signed the charter")).to_be_focused()

    page.get_by_role("button", name="Advance to Planning").click()
    expect(page.get_by_role("heading", name="Phase: Planning")).to_be_visible()
    expect(page.locator("#notices")).to_contain_text("The project is now in planning.")
    assert Project.objects.get(pk=project.pk).phase == Phase.PLANNING

    page.get_by_label("Health now").select_option("at_risk")
    page.get_by_label("What happened and what comes next").fill("The lift is booked late.")
    page.get_by_role("button", name="Post update").click()
    expect(page.locator("#status .update-text")).to_have_text("The lift is booked late.")
    expect(page.locator("#status .health")).to_have_text("At risk")
    page.screenshot(path=str(output_dir() / "project-page.png"), full_page=True)
