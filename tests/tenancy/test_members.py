from django.core import mail

from workos.activity.models import Activity
from workos.tenancy.models import Membership, Role


def _url(people, path=""):
    return f"/api/v1/workspaces/{people.workspace.slug}/members/{path}"


def test_adding_someone_by_email_creates_their_account_and_membership(people, api):
    response = api(people.admin).post(
        _url(people), {"email": "New.Person@Example.com", "role": "member", "name": "New Person"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "new.person@example.com"
    assert body["role"] == "member"
    assert body["name"] == "New Person"
    added = Membership.objects.get(pk=body["id"])
    assert not added.user.has_usable_password()
    assert Activity.objects.filter(verb="member.added", target_id=added.pk).exists()


def test_adding_an_existing_member_again_is_a_conflict(people, api):
    response = api(people.admin).post(
        _url(people), {"email": people.member.user.email}, format="json"
    )
    assert response.status_code == 409
    assert "already a member" in response.json()["message"]


def test_a_bad_email_or_role_is_a_400_naming_the_field(people, api):
    client = api(people.admin)
    response = client.post(_url(people), {"email": "not-an-email"}, format="json")
    assert response.status_code == 400
    assert "email" in response.json()["fields"]
    response = client.post(_url(people), {"email": "a@example.com", "role": "boss"}, format="json")
    assert response.status_code == 400
    assert "role" in response.json()["fields"]


def test_an_admin_cannot_make_anyone_owner(people, api):
    response = api(people.admin).patch(
        _url(people, f"{people.member.pk}/"), {"role": "owner"}, format="json"
    )
    assert response.status_code == 403
    assert Membership.objects.get(pk=people.member.pk).role == Role.MEMBER


def test_an_admin_cannot_demote_an_owner(people, api):
    response = api(people.admin).patch(
        _url(people, f"{people.owner.pk}/"), {"role": "guest"}, format="json"
    )
    assert response.status_code == 403
    assert Membership.objects.get(pk=people.owner.pk).role == Role.OWNER


def test_the_last_owner_cannot_leave_or_be_demoted(people, api):
    client = api(people.owner)
    response = client.patch(_url(people, f"{people.owner.pk}/"), {"role": "admin"}, format="json")
    assert response.status_code == 409
    assert client.delete(_url(people, f"{people.owner.pk}/")).status_code == 409


def test_a_member_may_leave_a_workspace_themselves(people, api):
    assert api(people.guest).delete(_url(people, f"{people.guest.pk}/")).status_code == 204
    assert not Membership.objects.filter(pk=people.guest.pk).exists()


def test_role_changes_are_recorded_with_old_and_new_value(people, api):
    api(people.owner).patch(_url(people, f"{people.member.pk}/"), {"role": "admin"}, format="json")
    activity = Activity.objects.get(verb="member.updated", target_id=people.member.pk)
    assert activity.changes == {"role": ["member", "admin"]}
    assert activity.actor == people.owner.user


def test_a_manager_must_be_another_member_of_the_workspace(people, api):
    client = api(people.admin)
    ok = client.patch(
        _url(people, f"{people.member.pk}/"), {"manager": people.admin.pk}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["manager"] == people.admin.pk
    foreign = client.patch(
        _url(people, f"{people.member.pk}/"), {"manager": people.outsider.pk}, format="json"
    )
    assert foreign.status_code == 404


def test_a_person_without_an_account_is_invited_to_set_a_password(
    people, api, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api(people.admin).post(_url(people), {"email": "fresh@example.com"}, format="json")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["fresh@example.com"]
    link = next(line for line in message.body.splitlines() if "/reset/" in line)
    path = link.split("8000", 1)[1] if "8000" in link else link
    page = client.get(path, follow=True)
    assert page.status_code == 200
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else path,
        {"new_password1": "a fresh long passphrase", "new_password2": "a fresh long passphrase"},
    )
    assert response.status_code == 302
    assert client.login(username="fresh@example.com", password="a fresh long passphrase")


def test_an_existing_account_is_not_sent_an_invitation(
    people, api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api(people.admin).post(
            _url(people), {"email": people.outsider.user.email}, format="json"
        )
    assert mail.outbox == []


def test_removing_a_member_keeps_their_logged_time_and_rejoining_restores_it(people, api):
    from tests.factories import TimeEntryFactory
    from timetracking.models import TimeEntry

    TimeEntryFactory(member=people.member, duration_minutes=120)
    admin = api(people.admin)
    assert admin.delete(_url(people, f"{people.member.pk}/")).status_code == 204
    listed = [m["id"] for m in admin.get(_url(people)).json()["results"]]
    assert people.member.pk not in listed
    assert TimeEntry.objects.filter(member_id=people.member.pk).count() == 1
    assert api(people.member).get(f"/api/v1/workspaces/{people.workspace.slug}/").status_code == 404
    again = admin.post(_url(people), {"email": people.member.user.email, "role": "guest"},
                       format="json")
    assert again.status_code == 201
    assert again.json()["id"] == people.member.pk
    assert again.json()["role"] == "guest"
