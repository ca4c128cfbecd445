"""The forms API (CRUD by board editors and admins, a form's submissions) and a form by its link
at /api/v1/forms/<token>/: its definition and submissions, for anyone (public) or for members
and teams only; a link reaches its own form and nothing else."""

import pytest

from automations.models import Form, Submission
from boards.models import BoardMember, Item, Privacy
from boards.services import board_archive, board_update
from tests.automations.intake_setup import make_form, question, service_desk, submit
from tests.factories import MembershipFactory, TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def _no_spam_wait(settings):
    settings.INTAKE_MIN_SECONDS = 0


@pytest.fixture
def desk(people):
    return service_desk(people.owner)


def _url(people, path=""):
    return f"/api/v1/workspaces/{people.workspace.slug}/forms/{path}"


def _body(desk, **extra):
    return {"board": desk.board.pk, "name": "IT request", "public": True,
            "fields": [question("title", "name", required=True),
                       question("kind", "values.dropdown")], **extra}


def test_create_read_update_and_archive_a_form(people, desk, api, settings):
    settings.SITE_URL = "https://work.example"
    client = api(people.member)
    created = client.post(_url(people), _body(desk, reference_prefix="IT"), format="json")
    assert created.status_code == 201, created.content
    form = created.json()
    assert form["access"] == "public" and form["public"] is True
    assert form["url"] == f"https://work.example/f/{form['token']}/"
    assert form["fields"][1]["type"] == "dropdown" and form["reference_prefix"] == "IT"
    assert client.get(_url(people)).json()["results"][0]["id"] == form["id"]
    detail = client.get(_url(people, f"{form['id']}/"))
    assert detail.status_code == 200 and detail.json()["name"] == "IT request"

    changed = client.patch(_url(people, f"{form['id']}/"), {"is_open": False, "name": "IT"},
                           format="json")
    assert changed.status_code == 200
    assert changed.json()["is_open"] is False and changed.json()["name"] == "IT"
    renewed = client.post(_url(people, f"{form['id']}/regenerate-token/"))
    assert renewed.status_code == 200 and renewed.json()["token"] != form["token"]

    assert client.delete(_url(people, f"{form['id']}/")).status_code == 204
    assert Form.objects.get(pk=form["id"]).archived_at is not None
    assert client.get(_url(people)).json()["results"] == []
    archived = client.get(_url(people, "?archived=1")).json()["results"]
    assert [f["id"] for f in archived] == [form["id"]]
    assert api().get(f"/api/v1/forms/{renewed.json()['token']}/").status_code == 404


def test_teams_access_needs_teams_of_the_workspace(people, desk, api):
    client = api(people.admin)
    team = TeamFactory(workspace=people.workspace)
    missing = client.post(_url(people), _body(desk, access="teams"), format="json")
    assert missing.status_code == 400 and "teams" in missing.json()["fields"]
    foreign = client.post(_url(people), _body(desk, access="teams",
                                              teams=[TeamFactory().pk]), format="json")
    assert foreign.status_code == 400 and foreign.json()["fields"] == {
        "teams": ["No such team."]}
    ok = client.post(_url(people), _body(desk, access="teams", teams=[team.pk]), format="json")
    assert ok.status_code == 201 and ok.json()["teams"] == [team.pk]


def test_only_editors_of_the_board_manage_its_forms(people, desk, api):
    board_update(actor=people.owner, board=desk.board, privacy=Privacy.PRIVATE)
    viewer = MembershipFactory(workspace=people.workspace, role="member")
    BoardMember.objects.create(board=desk.board, membership=viewer, role="viewer")
    form = make_form(people.owner, desk.board, [question("title", "name")])
    hidden = api(people.member).post(_url(people), _body(desk), format="json")
    assert hidden.status_code == 400 and hidden.json()["fields"] == {"board": ["No such board."]}
    assert api(people.member).get(_url(people, f"{form.pk}/")).status_code == 404
    refused = api(viewer).post(_url(people), _body(desk), format="json")
    assert refused.status_code == 403
    assert api(viewer).patch(_url(people, f"{form.pk}/"), {"name": "x"},
                             format="json").status_code == 403
    assert api(viewer).get(_url(people, f"{form.pk}/submissions/")).status_code == 403
    assert api(people.admin).patch(_url(people, f"{form.pk}/"), {"name": "Desk"},
                                   format="json").status_code == 200


def test_submissions_list_filters_by_status_in_constant_queries(
        people, desk, api, django_assert_max_num_queries):
    form = make_form(people.owner, desk.board, [question("title", "name")])
    for n in range(6):
        submit(form, {"title": f"Request {n}"}, process=n % 2 == 0)
    client = api(people.owner)
    url = _url(people, f"{form.pk}/submissions/")
    with django_assert_max_num_queries(8):
        small = client.get(url + "?page_size=2")
    with django_assert_max_num_queries(8):
        large = client.get(url + "?page_size=50")
    assert len(small.json()["results"]) == 2 and len(large.json()["results"]) == 6
    row = large.json()["results"][0]
    assert row["answers"] == {"title": "Request 5"}
    assert row["raw_answers"] == {"title": "Request 5"}
    received = client.get(url + "?status=received").json()["results"]
    assert {r["status"] for r in received} == {"received"} and len(received) == 3
    assert client.get(url + "?status=lost").status_code == 400
    detail = client.get(url + f"{row['id']}/")
    assert detail.status_code == 200 and detail.json()["reference"] == row["reference"]


def test_forms_list_in_constant_queries(people, desk, api, django_assert_max_num_queries):
    team = TeamFactory(workspace=people.workspace)
    for n in range(4):
        make_form(people.owner, desk.board, [question("title", "name")], name=f"F{n}",
                  access="teams", teams=[team])
    client = api(people.owner)
    with django_assert_max_num_queries(8):
        small = client.get(_url(people, "?page_size=1"))
    with django_assert_max_num_queries(8):
        large = client.get(_url(people, f"?page_size=50&board={desk.board.pk}"))
    assert len(small.json()["results"]) == 1 and len(large.json()["results"]) == 4


def _public(form):
    return f"/api/v1/forms/{form.token}/"


def _send(client, form, answers, **extra):
    stamp = client.get(_public(form)).json()["stamp"]
    return client.post(_public(form), {"answers": answers, "email": "ana@example.com",
                                       "stamp": stamp, "website": "", **extra}, format="json")


def test_a_public_form_is_read_and_submitted_without_an_account(
        people, desk, api, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://work.example"
    form = make_form(people.owner, desk.board, [
        question("title", "name", required=True), question("kind", "values.dropdown"),
        question("source", "values.text", hidden=True, default="web")],
        routing_default={"assign": {"mode": "member", "member": people.member.pk}})
    client = api()
    shown = client.get(_public(form))
    assert shown.status_code == 200
    body = shown.json()
    assert set(body) == {"name", "description", "access", "is_open", "fields", "pages",
                         "stamp"}
    assert [f["key"] for f in body["fields"]] == ["title", "kind"]
    assert "maps_to" not in body["fields"][0] and "routing" not in body
    with django_capture_on_commit_callbacks(execute=True):
        sent = _send(client, form, {"title": "Laptop", "kind": "Laptop"})
    assert sent.status_code == 202, sent.content
    receipt = sent.json()
    assert receipt["reference"] == "REQ-1"
    assert receipt["status_url"].startswith(f"https://work.example/f/{form.token}/s/")
    submission = Submission.objects.get()
    assert submission.status == "created" and submission.item.assignees.get() == people.member
    assert submission.item.values == {"dropdown": "laptop", "text": "web"}


def test_bad_answers_are_a_400_per_question(people, desk, api):
    form = make_form(people.owner, desk.board, [question("title", "name", required=True),
                                                question("score", "values.rating")])
    sent = _send(api(), form, {"title": "", "score": "11"}, email="")
    assert sent.status_code == 400
    assert sent.json()["fields"] == {
        "title": ["Answer this question."],
        "score": ["A rating is a whole number from 0 to 5."],
        "email": ["Give your e-mail address, to receive the reference and follow your "
                  "request."]}
    assert Submission.objects.count() == 0
    garbled = api().post(_public(form), {"answers": ["not", "an", "object"]}, format="json")
    assert garbled.status_code == 400


def test_a_link_reaches_only_its_own_form_and_sets_only_what_it_asks(
        people, desk, api, django_capture_on_commit_callbacks):
    form = make_form(people.owner, desk.board, [question("title", "name")])
    other = make_form(people.owner, desk.board, [question("secret", "description")],
                      name="Internal", access="members")
    client = api()
    assert client.get(f"/api/v1/forms/{form.token}x/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        sent = _send(client, form, {
            "title": "Laptop", "secret": "injected", "values": {"checkbox": True},
            "name": "Renamed", "assignees": [people.owner.pk], "group": 1, "status": 1,
            "priority": "urgent", "description": "<script>x</script>"})
    assert sent.status_code == 202
    item = Item.objects.get(board=desk.board)
    assert item.name == "Laptop" and item.description == "" and item.values == {}
    assert item.priority == "none" and list(item.assignees.all()) == []
    assert Submission.objects.get().answers == {"title": "Laptop", "_raw": {"title": "Laptop"}}
    assert other.submissions.count() == 0
    assert client.get(_public(other)).status_code == 401


def test_members_forms_need_a_member_of_the_workspace(people, desk, api, token_for,
                                                      django_capture_on_commit_callbacks):
    form = make_form(people.owner, desk.board, [question("title", "name")], access="members")
    outsider = api(people.outsider)
    assert api().get(_public(form)).status_code == 401
    assert api().post(_public(form), {"answers": {"title": "x"}},
                      format="json").status_code == 401
    assert outsider.get(_public(form)).status_code == 403
    assert api(token=token_for(people.outsider)).get(_public(form)).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        sent = api(people.guest).post(_public(form), {"answers": {"title": "From a guest"}},
                                      format="json")
    assert sent.status_code == 202, sent.content
    with django_capture_on_commit_callbacks(execute=True):
        by_token = api(token=token_for(people.member)).post(
            _public(form), {"answers": {"title": "From a script"}}, format="json")
    assert by_token.status_code == 202
    senders = dict(Submission.objects.values_list("answers__title", "submitter_id"))
    assert senders == {"From a guest": people.guest.pk, "From a script": people.member.pk}


def test_teams_forms_take_their_teams_and_admins(people, desk, api):
    team = TeamFactory(workspace=people.workspace)
    team.members.add(people.member)
    form = make_form(people.owner, desk.board, [question("title", "name")], access="teams",
                     teams=[team])
    outside = MembershipFactory(workspace=people.workspace, role="member")
    refused = api(outside).post(_public(form), {"answers": {"title": "x"}}, format="json")
    assert refused.status_code == 403 and "certain teams" in refused.json()["message"]
    for member in (people.member, people.admin):
        sent = api(member).post(_public(form), {"answers": {"title": "x"}}, format="json")
        assert sent.status_code == 202, member.role


def test_a_closed_form_is_a_409_and_an_archived_one_a_404(people, desk, api):
    form = make_form(people.owner, desk.board, [question("title", "name")], is_open=False)
    shown = api().get(_public(form))
    assert shown.status_code == 200 and shown.json()["is_open"] is False
    closed = _send(api(), form, {"title": "x"})
    assert closed.status_code == 409 and closed.json()["code"] == "closed"
    form.archived_at = form.created_at
    form.save()
    assert api().get(_public(form)).status_code == 404


def test_a_form_on_an_archived_board_takes_no_submissions(people, desk, api):
    form = make_form(people.owner, desk.board, [question("title", "name")])
    board_archive(actor=people.owner, board=desk.board)
    assert api().get(_public(form)).json()["is_open"] is False
    assert _send(api(), form, {"title": "x"}).status_code == 409


def test_a_signed_in_user_of_another_workspace_fills_a_public_form_as_anyone(people, desk, api):
    form = make_form(people.owner, desk.board, [question("title", "name")])
    stranger = api(MembershipFactory(user=UserFactory()))
    sent = _send(stranger, form, {"title": "Hello"})
    assert sent.status_code == 202
    assert Submission.objects.get().submitter is None
