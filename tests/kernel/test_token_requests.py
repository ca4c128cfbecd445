"""A request with a token reads the token, its user, workspace and membership in one query."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_token
from workos.tenancy import selectors
from workos.tenancy.models import AccessToken, Membership, Workspace
from workos.tenancy.rows import as_connection_check
from workos.tenancy.tokens import token_digest


def test_the_token_look_up_builds_the_same_objects_as_the_orm(people):
    token, secret = make_token(people.member)
    found = selectors.token_by_digest(digest=token_digest(secret))
    for model, got, pk in [(AccessToken, found, token.pk),
                           (get_user_model(), found.user, people.member.user_id),
                           (Workspace, found.workspace, people.workspace.pk),
                           (Membership, selectors.token_membership(found), people.member.pk)]:
        expected = model._base_manager.get(pk=pk)
        for field in model._meta.concrete_fields:
            assert getattr(got, field.attname) == getattr(expected, field.attname), field.name
    assert selectors.token_by_digest(digest=token_digest(secret + "x")) is None


def test_me_with_a_token_takes_one_query_and_shows_the_tokens_workspace(people, api):
    _, secret = make_token(people.member)
    client = api(token=secret)
    client.get("/api/v1/me/")  # the token's use is recorded, at most once a minute
    with CaptureQueriesContext(connection) as ctx:
        body = client.get("/api/v1/me/").json()
    assert len(ctx.captured_queries) == 1
    assert body["memberships"] == [{
        "id": people.member.pk, "workspace": people.workspace.slug,
        "workspace_name": people.workspace.name, "role": "member",
    }]


def test_a_workspace_route_with_a_token_reads_no_membership_again(people, api):
    _, secret = make_token(people.member)
    client = api(token=secret)
    url = f"/api/v1/workspaces/{people.workspace.slug}/"
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert not [q for q in ctx.captured_queries[1:] if "tenancy_membership" in q["sql"]]


def test_a_removed_members_token_sees_no_workspace(people, api):
    _, secret = make_token(people.member)
    Membership.all_objects.filter(pk=people.member.pk).update(removed_at="2026-01-01T00:00Z")
    client = api(token=secret)
    assert client.get("/api/v1/me/").json()["memberships"] == []
    response = client.get(f"/api/v1/workspaces/{people.workspace.slug}/")
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_database_dropped_is_replaced_by_the_token_look_up(people):
    if connection.vendor != "postgresql":
        pytest.skip("Only a server-side database can drop a connection.")
    _, secret = make_token(people.member)
    digest = token_digest(secret)
    selectors.token_by_digest(digest=digest)
    connection.connection.close()  # the server side went away between requests
    connection.health_check_enabled, connection.health_check_done = True, False
    token = as_connection_check(lambda: selectors.token_by_digest(digest=digest))
    assert token is not None and token.user_id == people.member.user_id
