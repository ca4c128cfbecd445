"""The boards page lists what the member may see, like the API does."""

from django.urls import reverse

from boards.models import Privacy
from tests.factories import BoardFactory, ItemFactory


def _url(people):
    return reverse("board-list-page", kwargs={"ws": people.workspace.slug})


def test_members_see_workspace_boards_with_open_item_counts_but_not_private_ones(client, people):
    desk = BoardFactory(workspace=people.workspace, name="IT requests")
    ItemFactory.create_batch(3, board=desk)
    BoardFactory(workspace=people.workspace, name="Salary review", privacy=Privacy.PRIVATE)
    client.force_login(people.member.user)
    page = client.get(_url(people))
    assert page.status_code == 200
    assert b"IT requests" in page.content
    assert b"<td>3</td>" in page.content
    assert b"Salary review" not in page.content


def test_another_workspaces_boards_page_is_not_found(client, people):
    client.force_login(people.outsider.user)
    assert client.get(_url(people)).status_code == 404


def test_the_page_loads_only_our_own_scripts(client, people):
    client.force_login(people.member.user)
    page = client.get(_url(people)).content.decode()
    assert "/static/vendor/htmx/htmx.min.js" in page
    assert "<script>" not in page and "http://" not in page.split("<body>")[1]
