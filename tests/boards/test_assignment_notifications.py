from workos.activity.models import Comment, Notification


def _url(people, path=""):
    return f"/api/v1/workspaces/{people.workspace.slug}/items/{path}"


def test_people_newly_assigned_are_notified_once(people, api):
    from boards.services.boards import board_create

    board = board_create(actor=people.owner, name="Desk")
    client = api(people.admin)
    item = client.post(_url(people), {"board": board.pk, "name": "Printer",
                                      "assignees": [people.member.pk, people.admin.pk]},
                       format="json").json()
    assert list(Notification.objects.values_list("recipient_id", "verb")) == [
        (people.member.pk, "assigned")
    ]  # not the admin, who assigned themselves
    client.patch(_url(people, f"{item['id']}/"),
                 {"assignees": [people.member.pk, people.guest.pk]}, format="json")
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        [people.member.pk, people.guest.pk]
    )


def test_deleting_an_item_removes_its_comments(people, api):
    from boards.services.boards import board_create

    board = board_create(actor=people.owner, name="Desk")
    client = api(people.owner)
    item = client.post(_url(people), {"board": board.pk, "name": "x"}, format="json").json()
    assert client.post(_url(people, f"{item['id']}/comments/"), {"body": "hello"},
                       format="json").status_code == 201
    assert client.delete(_url(people, f"{item['id']}/")).status_code == 204
    assert not Comment.objects.exists()
