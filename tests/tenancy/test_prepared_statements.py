"""The per-request reads run as prepared statements on PostgreSQL, and never answer from an old
state: a revoked token, a removed member or a changed role counts from the very next request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_token
from workos.tenancy import prepared, selectors
from workos.tenancy.models import AccessToken, Membership, Role
from workos.tenancy.tokens import token_digest

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _server_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def test_placeholders_are_numbered_and_a_literal_percent_stays():
    assert prepared._numbered("a = %s AND b LIKE 'x%%' AND c IN (%s, %s)") == (
        "a = $1 AND b LIKE 'x%%' AND c IN ($2, $3)"
    )


@on_postgresql
def test_a_token_request_runs_the_prepared_look_up(people, api):
    _, secret = make_token(people.member)
    client = api(token=secret)
    client.get("/api/v1/me/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/me/").status_code == 200
    assert [q["sql"].split("(")[0] for q in ctx.captured_queries] == [
        "EXECUTE workos_token_by_digest"
    ]
    assert "workos_token_by_digest" in _server_statements()


def test_without_prepared_statements_the_look_up_is_plain_sql(people, settings):
    settings.DB_PREPARED_STATEMENTS = False
    token, secret = make_token(people.member)
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.token_by_digest(digest=token_digest(secret))
    assert found.pk == token.pk
    assert ctx.captured_queries[0]["sql"].startswith("SELECT")


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_statement_the_session_lost_is_prepared_again(people):
    token, secret = make_token(people.member)
    digest = token_digest(secret)
    selectors.token_by_digest(digest=digest)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as a pooler resets a session between clients
    assert selectors.token_by_digest(digest=digest).pk == token.pk
    assert "workos_token_by_digest" in _server_statements()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_statement_the_session_already_had_is_used(people):
    token, secret = make_token(people.member)
    digest = token_digest(secret)
    selectors.token_by_digest(digest=digest)
    del connection._prepared_statements  # a new client of the same server session
    assert selectors.token_by_digest(digest=digest).pk == token.pk


@on_postgresql
def test_past_the_cap_a_connection_lets_its_statements_go(people, monkeypatch):
    monkeypatch.setattr(prepared, "MAX_PER_CONNECTION", 2)
    for n in range(5):
        rows = prepared.fetch_prepared(f"workos_test_{n}", "SELECT %s + " + str(n), [1])
        assert rows == [(1 + n,)]
    assert len({s for s in _server_statements() if s.startswith("workos_test_")}) <= 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_its_statements_anew(people):
    _, secret = make_token(people.member)
    digest = token_digest(secret)
    selectors.token_by_digest(digest=digest)
    connection.close()  # the next statement opens another connection
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.token_by_digest(digest=digest) is not None
    assert ctx.captured_queries[0]["sql"].startswith("PREPARE workos_token_by_digest AS ")


# -- what a cached plan must never do: answer from before a change ----------------------------


@pytest.fixture
def member_client(people, api):
    token, secret = make_token(people.member)
    client = api(token=secret)
    url = f"/api/v1/workspaces/{people.workspace.slug}/"
    for _ in range(7):  # past the runs after which PostgreSQL keeps a generic plan
        assert client.get(url).status_code == 200
    return token, client, url


def test_a_revoked_token_is_refused_on_the_very_next_request(member_client):
    token, client, url = member_client
    AccessToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert client.get(url).status_code == 401


def test_an_expired_token_is_refused_on_the_very_next_request(member_client):
    token, client, url = member_client
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert client.get(url).status_code == 401


def test_a_removed_members_token_stops_working_at_once(people, member_client):
    _, client, url = member_client
    Membership.all_objects.filter(pk=people.member.pk).update(removed_at=timezone.now())
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/me/").json()["memberships"] == []


def test_a_deactivated_users_token_stops_working_at_once(people, member_client):
    _, client, url = member_client
    people.member.user.is_active = False
    people.member.user.save(update_fields=["is_active"])
    assert client.get(url).status_code == 401


def test_a_role_change_counts_from_the_next_request(people, member_client):
    _, client, url = member_client
    teams = f"{url}teams/"
    assert client.post(teams, {"name": "Ops"}, format="json").status_code == 403
    Membership.objects.filter(pk=people.member.pk).update(role=Role.ADMIN)
    assert client.post(teams, {"name": "Ops"}, format="json").status_code == 201
    Membership.objects.filter(pk=people.member.pk).update(role=Role.MEMBER)
    assert client.post(teams, {"name": "Design"}, format="json").status_code == 403
