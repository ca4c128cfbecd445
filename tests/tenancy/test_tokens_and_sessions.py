from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from tests.factories import make_token
from workos.tenancy.models import AccessToken
from workos.tenancy.tokens import token_digest


def _ws_url(people, path=""):
    return f"/api/v1/workspaces/{people.workspace.slug}/{path}"


def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(people, api):
    response = api(people.member).post(_ws_url(people, "tokens/"), {"name": "Zapier"}, format="json")
    assert response.status_code == 201
    secret = response.json()["token"]
    assert secret.startswith("wos_")
    row = AccessToken.objects.get(pk=response.json()["id"])
    assert secret not in {row.digest, row.prefix, row.name}
    assert row.digest == token_digest(secret)
    assert secret.startswith(row.prefix)
    listed = api(people.member).get(_ws_url(people, "tokens/")).json()["results"]
    assert [t["id"] for t in listed] == [row.pk]
    assert "token" not in listed[0]


def test_a_token_authenticates_and_records_when_it_was_used(people, api):
    token, secret = make_token(people.member)
    response = api(token=secret).get(_ws_url(people, "members/"))
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_unknown_revoked_and_expired_tokens_are_refused_with_401(people, api):
    _, revoked_secret = make_token(people.member, revoked_at=timezone.now())
    _, expired_secret = make_token(
        people.member, expires_at=timezone.now() - timedelta(minutes=1)
    )
    for secret in ["wos_not-a-real-token", revoked_secret, expired_secret]:
        response = api(token=secret).get(_ws_url(people))
        assert response.status_code == 401, secret
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoking_a_token_through_the_api_stops_it_at_once(people, api):
    token, secret = make_token(people.member)
    client = api(token=secret)
    assert client.get(_ws_url(people)).status_code == 200
    assert api(people.member).delete(_ws_url(people, f"tokens/{token.pk}/")).status_code == 204
    assert client.get(_ws_url(people)).status_code == 401


def test_someone_elses_token_cannot_be_revoked(people, api):
    token, _ = make_token(people.owner)
    response = api(people.admin).delete(_ws_url(people, f"tokens/{token.pk}/"))
    assert response.status_code == 404


def test_a_read_only_token_reads_but_never_writes(people, api):
    _, secret = make_token(people.owner, read_only=True)
    client = api(token=secret)
    assert client.get(_ws_url(people, "members/")).status_code == 200
    response = client.post(_ws_url(people, "teams/"), {"name": "Ops"}, format="json")
    assert response.status_code == 403
    assert "read-only" in response.json()["message"]


def test_a_token_works_only_in_its_own_workspace(people, api):
    _, secret = make_token(people.outsider)
    client = api(token=secret)
    assert client.get(f"/api/v1/workspaces/{people.outsider.workspace.slug}/").status_code == 200
    # Even if the same person were a member of the other workspace, the token is not for it.
    people.workspace.memberships.create(user=people.outsider.user, role="member")
    assert client.get(_ws_url(people)).status_code == 404
    assert [w["slug"] for w in client.get("/api/v1/workspaces/").json()["results"]] == [
        people.outsider.workspace.slug
    ]


def test_a_removed_member_loses_access_by_token_and_session_at_once(people, api):
    _, secret = make_token(people.member)
    by_token, by_session = api(token=secret), api(people.member)
    assert by_token.get(_ws_url(people)).status_code == 200
    assert by_session.get(_ws_url(people)).status_code == 200
    assert api(people.admin).delete(_ws_url(people, f"members/{people.member.pk}/")).status_code == 204
    assert by_token.get(_ws_url(people)).status_code == 401  # its tokens were revoked
    assert by_session.get(_ws_url(people)).status_code == 404


def test_a_deactivated_user_loses_access_by_token_and_session_at_once(people, api):
    _, secret = make_token(people.member)
    by_token, by_session = api(token=secret), api(people.member)
    user = people.member.user
    user.is_active = False
    user.save()
    assert by_token.get(_ws_url(people)).status_code == 401
    assert by_session.get(_ws_url(people)).status_code in {401, 403}


def test_issue_token_command_prints_only_a_working_token(people, api, capsys):
    call_command(
        "issue_token", people.guest.user.email, "--workspace", people.workspace.slug,
        "--read-only",
    )
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("wos_") and "\n" not in secret
    client = api(token=secret)
    assert client.get(_ws_url(people, "members/")).status_code == 200
    assert client.post(_ws_url(people, "tokens/"), {"name": "x"}, format="json").status_code == 403
