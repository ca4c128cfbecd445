"""A person signs in, sees their workspace, switches workspace and signs out, in Chromium."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, MembershipFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_switch_workspace_and_sign_out(live_server, page: Page, people):
    second = MembershipFactory(user=people.member.user).workspace
    TeamFactory(workspace=people.workspace, name="Facilities").members.add(people.member)

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("E-mail or username").fill(people.member.user.username)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(people.workspace.name)
    expect(page.get_by_text("Facilities").first).to_be_visible()

    page.get_by_role("navigation", name="Workspaces").get_by_role("link", name=second.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(second.name)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
