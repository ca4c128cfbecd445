"""The project fields the life cycle added to PATCH: team, schedule mode and close-out summary."""

from __future__ import annotations

import pytest

from projects.services import project_create
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def test_team_and_schedule_mode_are_editable(people, api, url):
    project = project_create(actor=people.admin, name="Launch", manager=people.member)
    team = TeamFactory(workspace=people.workspace)
    response = api(people.member).patch(url(f"projects/{project.pk}/"), {
        "team": team.pk, "schedule_mode": "strict"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["team"] == team.pk and response.json()["schedule_mode"] == "strict"


@pytest.mark.parametrize(("payload", "field"), [
    ({"schedule_mode": "chaotic"}, "schedule_mode"),
    ({"closeout_summary": "x" * 20_001}, "closeout_summary"),
    ({"team": 999_999}, "team"),
])
def test_bad_values_are_refused(people, api, url, payload, field):
    project = project_create(actor=people.admin, name="Launch", manager=people.member)
    response = api(people.member).patch(url(f"projects/{project.pk}/"), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_another_workspaces_team_is_refused(people, api, url):
    project = project_create(actor=people.admin, name="Launch")
    theirs = TeamFactory(workspace=people.outsider.workspace)
    response = api(people.admin).patch(url(f"projects/{project.pk}/"), {"team": theirs.pk},
                                       format="json")
    assert response.status_code == 400 and "team" in response.json()["fields"]
