"""The pages a person opens first: sign-in, the workspace home, API docs, admin."""

from django.urls import reverse

from tests.factories import PASSWORD, TeamFactory


def test_signing_in_leads_to_the_workspace_home(client, people):
    response = client.post(
        reverse("login"), {"username": people.member.user.username, "password": PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert people.workspace.name.encode() in response.content
    assert b"Sign out" in response.content


def test_pages_need_a_signed_in_user(client, people):
    response = client.get(reverse("workspace-home", kwargs={"ws": people.workspace.slug}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_another_workspaces_home_is_not_found(client, people):
    client.force_login(people.outsider.user)
    response = client.get(reverse("workspace-home", kwargs={"ws": people.workspace.slug}))
    assert response.status_code == 404


def test_the_home_page_lists_teams_and_my_role(client, people):
    team = TeamFactory(workspace=people.workspace, name="Service Desk")
    team.members.add(people.member)
    client.force_login(people.member.user)
    page = client.get(reverse("workspace-home", kwargs={"ws": people.workspace.slug}))
    assert b"Service Desk" in page.content
    assert b"member</strong>" in page.content


def test_failed_sign_ins_are_throttled_per_account(client, people, settings):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "account": 3}
    username = people.member.user.username
    for _ in range(3):
        response = client.post(reverse("login"), {"username": username, "password": "wrong"})
        assert b"Too many" not in response.content
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_failed_sign_ins_are_throttled_per_address(client, people, settings):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "ip": 4}
    for n in range(4):
        client.post(reverse("login"), {"username": f"nobody{n}@example.com", "password": "x"})
    response = client.post(
        reverse("login"), {"username": people.admin.user.username, "password": PASSWORD}
    )
    assert b"Too many failed sign-in attempts" in response.content


def test_schema_and_docs_are_served_without_external_assets(client, people):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert "/api/v1/workspaces/{ws}/members/" in schema.json()["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
    assert b"swagger-ui" in docs.content


def test_admin_is_for_staff_only(client, people):
    client.force_login(people.member.user)
    assert client.get("/admin/").status_code == 302
    staff = people.owner.user
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    for url in ["/admin/", "/admin/tenancy/workspace/", "/admin/tenancy/membership/?q=example",
                "/admin/tenancy/team/", "/admin/tenancy/accesstoken/", "/admin/activity/activity/"]:
        assert client.get(url).status_code == 200, url
