"""Conventions every endpoint shares: error format, sorting allowlist, pages, idempotency."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MembershipFactory, TeamFactory


def _url(people, path=""):
    return f"/api/v1/workspaces/{people.workspace.slug}/{path}"


def test_errors_have_a_code_a_message_and_fields(people, api):
    response = api(people.admin).post(_url(people, "teams/"), {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "name" in body["fields"]
    assert body["message"].startswith("name")


def test_an_unknown_api_path_is_a_json_404(people, api):
    response = api(people.member).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_malformed_json_is_a_400_not_a_500(people, api):
    response = api(people.admin).generic(
        "POST", _url(people, "teams/"), "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_sorting_by_a_field_outside_the_allowlist_is_a_400(people, api):
    client = api(people.member)
    ok = client.get(_url(people, "members/?ordering=-joined_at"))
    assert ok.status_code == 200
    bad = client.get(_url(people, "members/?ordering=user__password"))
    assert bad.status_code == 400
    assert "Cannot sort by user__password" in bad.json()["message"]


def test_lists_are_cursor_paginated_up_to_500(people, api):
    for _ in range(7):
        MembershipFactory(workspace=people.workspace)
    client = api(people.member)
    first = client.get(_url(people, "members/?page_size=5")).json()
    assert len(first["results"]) == 5 and first["next"]
    ids, page = [m["id"] for m in first["results"]], first
    while page["next"]:
        page = client.get(page["next"]).json()
        ids += [m["id"] for m in page["results"]]
    assert len(ids) == len(set(ids)) == 11
    assert ids == sorted(ids)
    assert page["previous"]
    big = client.get(_url(people, "members/?page_size=10000")).json()
    assert len(big["results"]) == 11


def test_a_retried_post_with_the_same_idempotency_key_creates_one_thing(people, api):
    client = api(people.admin)
    first = client.post(_url(people, "teams/"), {"name": "Legal"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="abc-123")
    again = client.post(_url(people, "teams/"), {"name": "Legal"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    other_body = client.post(_url(people, "teams/"), {"name": "Other"}, format="json",
                             HTTP_IDEMPOTENCY_KEY="abc-123")
    assert other_body.status_code == 400


def test_throttling_answers_429_with_the_wait(people, api, settings, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "token": "2/min", "user": "2/min"}
    )
    client = api(people.member)
    codes = [client.get(_url(people)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert "try again in" in client.get(_url(people)).json()["message"]
    anonymous = api()
    assert [anonymous.get("/api/v1/me/").status_code for _ in range(3)] == [401, 401, 429]
    guesser = api(token="wos_guessing")
    settings.TOKEN_FAILURES_PER_MINUTE = 3
    assert [guesser.get(_url(people)).status_code for _ in range(5)] == [401, 401, 401, 429, 429]
    settings.THROTTLE = "off"
    assert client.get(_url(people)).status_code == 200


@pytest.mark.parametrize(("path", "make"), [
    ("members/", lambda ws: MembershipFactory(workspace=ws)),
    ("teams/", lambda ws: TeamFactory(workspace=ws)),
])
def test_list_query_count_does_not_grow_with_page_size(people, api, path, make):
    for _ in range(30):
        obj = make(people.workspace)
        if hasattr(obj, "members"):
            obj.members.add(people.member)
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_url(people, f"{path}?page_size={size}"))
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_workspace_list_query_count_is_constant(people, api, django_assert_max_num_queries):
    for _ in range(10):
        MembershipFactory(user=people.member.user)
    client = api(people.member)
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/workspaces/")
    assert len(response.json()["results"]) == 11
