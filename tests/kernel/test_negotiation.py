"""Content negotiation keeps DRF's answers while skipping work for the usual Accept headers."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("accept", "status"), [
    (None, 200), ("*/*", 200), ("application/json", 200),
    ("application/json; q=0.9, */*; q=0.1", 200), ("text/html", 406),
])
def test_the_api_answers_json_or_406(people, api, accept, status):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = api(people.member).get(f"/api/v1/workspaces/{people.workspace.slug}/",
                                      **headers)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"


def test_an_unknown_format_is_still_a_404(people, api):
    client = api(people.member)
    url = f"/api/v1/workspaces/{people.workspace.slug}/"
    assert client.get(url + "?format=json").status_code == 200
    assert client.get(url + "?format=xml").status_code == 404
