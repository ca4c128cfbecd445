"""Who may do what, one row per endpoint and method: easy to read, easy to extend.

Columns: anonymous, outsider (member of another workspace), guest, member, admin, owner, and a
read-only token of the owner.
"""

from __future__ import annotations

import pytest

from tests.factories import MembershipFactory, TeamFactory, make_token
from workos.tenancy.models import Role

CALLERS = ("anonymous", "outsider", "guest", "member", "admin", "owner", "read_only_token")

# (method, path under /api/v1/workspaces/{ws}/, body) -> expected status per caller, in CALLERS order.
WORKSPACE = [
    (("get", "", None),                                   (401, 404, 200, 200, 200, 200, 200)),
    (("patch", "", {"timezone": "Europe/Paris"}),         (401, 404, 403, 403, 200, 200, 403)),
    (("delete", "", None),                                (401, 404, 403, 403, 403, 204, 403)),
]
MEMBERS = [
    (("get", "members/", None),                           (401, 404, 200, 200, 200, 200, 200)),
    (("post", "members/", {"email": "new@example.com"}),  (401, 404, 403, 403, 201, 201, 403)),
    (("post", "members/", {"email": "n@example.com", "role": "admin"}),
                                                          (401, 404, 403, 403, 201, 201, 403)),
    (("post", "members/", {"email": "n@example.com", "role": "owner"}),
                                                          (401, 404, 403, 403, 403, 201, 403)),
    (("get", "members/{target}/", None),                  (401, 404, 200, 200, 200, 200, 200)),
    (("patch", "members/{target}/", {"role": "guest"}),   (401, 404, 403, 403, 200, 200, 403)),
    (("delete", "members/{target}/", None),               (401, 404, 403, 403, 204, 204, 403)),
    # The target is an admin: admins may manage admins, members may not.
    (("patch", "members/{target_admin}/", {"role": "member"}),
                                                          (401, 404, 403, 403, 200, 200, 403)),
    # The target is an owner: only owners manage owners.
    (("patch", "members/{target_owner}/", {"role": "admin"}),
                                                          (401, 404, 403, 403, 403, 200, 403)),
    (("delete", "members/{target_owner}/", None),         (401, 404, 403, 403, 403, 204, 403)),
]
TEAMS = [
    (("get", "teams/", None),                             (401, 404, 200, 200, 200, 200, 200)),
    (("post", "teams/", {"name": "Legal"}),               (401, 404, 403, 403, 201, 201, 403)),
    (("get", "teams/{team}/", None),                      (401, 404, 200, 200, 200, 200, 200)),
    (("patch", "teams/{team}/", {"name": "Ops"}),         (401, 404, 403, 403, 200, 200, 403)),
    (("delete", "teams/{team}/", None),                   (401, 404, 403, 403, 204, 204, 403)),
]
TOKENS = [
    (("get", "tokens/", None),                            (401, 404, 200, 200, 200, 200, 200)),
    (("post", "tokens/", {"name": "CI"}),                 (401, 404, 201, 201, 201, 201, 403)),
]


def _cases(table):
    for (method, path, body), expected in table:
        for caller, status in zip(CALLERS, expected, strict=True):
            yield pytest.param(method, path, body, caller, status,
                               id=f"{method.upper()} {path or '.'} as {caller}")


@pytest.mark.parametrize(
    ("method", "path", "body", "caller", "expected"),
    [*_cases(WORKSPACE), *_cases(MEMBERS), *_cases(TEAMS), *_cases(TOKENS)],
)
def test_role_matrix(people, api, method, path, body, caller, expected):
    ws = people.workspace
    targets = {
        "target": MembershipFactory(workspace=ws, role=Role.MEMBER).pk,
        "target_admin": MembershipFactory(workspace=ws, role=Role.ADMIN).pk,
        "target_owner": MembershipFactory(workspace=ws, role=Role.OWNER).pk,
        "team": TeamFactory(workspace=ws).pk,
    }
    url = f"/api/v1/workspaces/{ws.slug}/" + path.format(**targets)
    if caller == "anonymous":
        client = api()
    elif caller == "read_only_token":
        client = api(token=make_token(people.owner, read_only=True)[1])
    else:
        client = api(people.of(caller))
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        assert set(response.json()) >= {"code", "message", "fields"}
