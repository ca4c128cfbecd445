from boards.models import BoardMember
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
    # A guest sees only boards shared with them: assigned on another board, they are not told
    # its item's name; once the board is shared with them, they are.
    client.patch(_url(people, f"{item['id']}/"),
                 {"assignees": [people.member.pk, people.guest.pk]}, format="json")
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [people.member.pk]
    BoardMember.objects.create(board=board, membership=people.guest, role="viewer")
    second = client.post(_url(people), {"board": board.pk, "name": "Toner",
                                        "assignees": [people.guest.pk]}, format="json").json()
    assert Notification.objects.filter(recipient=people.guest).get().link == (
        f"/w/{people.workspace.slug}/items/{second['id']}/")


def test_assignees_who_cannot_see_a_private_board_are_not_notified(people, api):
    from boards.services.boards import board_create

    board = board_create(actor=people.owner, name="Salaries", privacy="private")
    response = api(people.owner).post(_url(people), {
        "board": board.pk, "name": "Raise for Sam",
        "assignees": [people.member.pk, people.admin.pk]}, format="json")
    assert response.status_code == 201, response.json()
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [people.admin.pk]


def test_deleting_an_item_removes_its_comments(people, api):
    from boards.services.boards import board_create

    board = board_create(actor=people.owner, name="Desk")
    client = api(people.owner)
    item = client.post(_url(people), {"board": board.pk, "name": "x"}, format="json").json()
    assert client.post(_url(people, f"{item['id']}/comments/"), {"body": "hello"},
                       format="json").status_code == 201
    assert client.delete(_url(people, f"{item['id']}/")).status_code == 204
    assert not Comment.objects.exists()
