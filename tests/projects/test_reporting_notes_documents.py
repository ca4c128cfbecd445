"""Project notes (comments on the project) and documents (files on it): sanitisation and
mentions, who may write and remove, file limits, downloads that never render, other
workspaces, and constant list queries."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from projects import services
from projects.models import Project
from tests.factories import BoardMemberFactory, MembershipFactory
from workos.activity.models import Activity, Attachment, Comment, Notification
from workos.tenancy.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(people):
    return services.project_create(actor=people.admin, name="Launch", manager=people.member)


def _notes(url, project, rest=""):
    return url(f"projects/{project.pk}/notes/{rest}")


def _docs(url, project, rest=""):
    return url(f"projects/{project.pk}/documents/{rest}")


def _upload(client, url, project, name="plan.pdf", data=b"%PDF-1.4 plan",
            content_type="application/pdf"):
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(_docs(url, project), {"file": upload}, format="multipart")


# --- notes ------------------------------------------------------------------------------------


def test_a_note_is_sanitised_and_mentions_notify_who_can_see_the_project(
        people, api, url, project):
    body = (f'<p onmouseover="x()">Ask @[{people.admin.display_name}](member:{people.admin.pk})'
            f' and @[Ghost](member:{people.outsider.pk})<script>alert(1)</script>'
            '<img src=x onerror=alert(1)></p>')
    response = api(people.member).post(_notes(url, project), {"body": body}, format="json")
    assert response.status_code == 201, response.content
    note = response.json()
    assert note["project"] == project.pk and note["author"] == people.member.pk
    html = note["body_html"]
    assert "script" not in html and "onmouseover" not in html and "<img" not in html
    assert f'<span data-mention="{people.admin.pk}">@{people.admin.display_name}</span>' in html
    assert "@Ghost" in html and note["mentions"] == [people.admin.pk]
    notified = Notification.objects.get()
    assert notified.recipient == people.admin
    assert notified.target_type == ContentType.objects.get_for_model(Project)
    assert Activity.objects.filter(verb="note.added", target_id=project.pk).exists()


def test_guests_who_see_the_project_write_notes(people, api, url, project):
    BoardMemberFactory(board=project.board, membership=people.guest, role="viewer")
    response = api(people.guest).post(_notes(url, project), {"body": "Question"},
                                      format="json")
    assert response.status_code == 201
    hidden = services.project_create(actor=people.admin, name="Hidden")
    denied = api(people.guest).post(_notes(url, hidden), {"body": "x"}, format="json")
    assert denied.status_code == 404


def test_only_the_author_or_an_admin_deletes_a_note(people, api, url, project):
    client = api(people.member)
    note_id = client.post(_notes(url, project), {"body": "Mine"}, format="json").json()["id"]
    other = MembershipFactory(workspace=people.workspace, role=Role.MEMBER)
    assert api(other).delete(_notes(url, project, f"{note_id}/")).status_code == 403
    assert api(people.admin).delete(_notes(url, project, f"{note_id}/")).status_code == 204
    note = Comment.objects.get(pk=note_id)
    assert note.deleted_at is not None and note.body_text == ""
    assert client.get(_notes(url, project)).json()["results"] == []


def test_empty_notes_are_refused(people, api, url, project):
    response = api(people.member).post(_notes(url, project), {"body": "<p></p>"},
                                       format="json")
    assert response.status_code == 400 and "body" in response.json()["fields"]


def test_notes_of_an_item_or_another_project_are_not_found_here(people, api, url, project):
    other = services.project_create(actor=people.admin, name="Other")
    note_id = api(people.admin).post(_notes(url, other), {"body": "x"},
                                     format="json").json()["id"]
    assert api(people.admin).get(_notes(url, project, f"{note_id}/")).status_code == 404
    assert api(people.admin).delete(_notes(url, project, f"{note_id}/")).status_code == 404


# --- documents --------------------------------------------------------------------------------


def test_a_document_is_stored_listed_and_downloaded_as_an_attachment(
        people, api, url, project):
    client = api(people.member)
    response = _upload(client, url, project, name="../../Plan <v2>.html",
                       data=b"<script>alert(1)</script>", content_type="application/pdf")
    assert response.status_code == 201, response.content
    doc = response.json()
    assert doc["original_name"] == "Plan <v2>.html" and doc["project"] == project.pk
    assert doc["content_type"] == "text/html"  # guessed from the name, not the claim
    assert doc["download"] == _docs(url, project, f"{doc['id']}/download/")
    stored = Attachment.objects.get().file.name
    assert stored.startswith(f"attachments/{people.workspace.pk}/") and "Plan" not in stored

    download = client.get(doc["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"<script>alert(1)</script>"
    assert download["Content-Type"] == "application/octet-stream"  # never rendered as HTML
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert [d["id"] for d in client.get(_docs(url, project)).json()["results"]] == [doc["id"]]
    assert Activity.objects.filter(verb="document.added", target_id=project.pk).exists()


@pytest.mark.parametrize(("name", "data"), [
    ("setup.exe", b"hello"),
    ("report.pdf.js", b"hello"),
    ("innocent.txt", b"MZ\x90\x00binary"),
    ("empty.txt", b""),
])
def test_programs_and_empty_files_are_refused(people, api, url, project, name, data):
    response = _upload(api(people.member), url, project, name=name, data=data,
                       content_type="text/plain")
    assert response.status_code == 400, response.content
    assert not Attachment.objects.exists()


def test_files_over_the_limit_are_refused(people, api, url, project, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    response = _upload(api(people.member), url, project, data=b"x" * 11)
    assert response.status_code == 400 and "file" in response.json()["fields"]


def test_who_may_add_and_remove_documents(people, api, url, project):
    BoardMemberFactory(board=project.board, membership=people.guest, role="editor")
    assert _upload(api(people.guest), url, project).status_code == 403
    doc_id = _upload(api(people.admin), url, project).json()["id"]
    # A guest who sees the project downloads its documents.
    assert api(people.guest).get(_docs(url, project, f"{doc_id}/download/")).status_code == 200
    other = MembershipFactory(workspace=people.workspace, role=Role.MEMBER)
    assert api(other).delete(_docs(url, project, f"{doc_id}/")).status_code == 403
    # The manager removes what someone else uploaded.
    assert api(people.member).delete(_docs(url, project, f"{doc_id}/")).status_code == 204
    assert not Attachment.objects.exists()
    assert Activity.objects.filter(verb="document.deleted").exists()


def test_a_closed_project_s_documents_are_read_only(people, api, url, project):
    doc_id = _upload(api(people.member), url, project).json()["id"]
    Project.objects.filter(pk=project.pk).update(phase="closed")
    project.board.read_only = True
    project.board.save()
    assert _upload(api(people.admin), url, project).status_code == 409
    assert api(people.admin).delete(_docs(url, project, f"{doc_id}/")).status_code == 409
    assert api(people.admin).get(_docs(url, project, f"{doc_id}/download/")).status_code == 200
    # Talking about a closed project is still fine.
    assert api(people.member).post(_notes(url, project), {"body": "Retro"},
                                   format="json").status_code == 201


def test_other_workspaces_get_not_found(people, api, url, project):
    doc_id = _upload(api(people.member), url, project).json()["id"]
    outsider = api(people.outsider)
    assert outsider.get(_docs(url, project, f"{doc_id}/download/")).status_code == 404
    foreign = url(f"projects/{project.pk}/documents/{doc_id}/download/",
                  slug=people.outsider.workspace.slug)
    assert outsider.get(foreign).status_code == 404
    assert outsider.get(_notes(url, project)).status_code == 404


def test_list_queries_do_not_grow(people, api, url, project, django_assert_max_num_queries):
    client = api(people.member)
    for n in range(2):
        client.post(_notes(url, project), {"body": f"Note {n}"}, format="json")
        _upload(client, url, project, name=f"f{n}.txt", data=b"abc", content_type="text/plain")
    small = {}
    for path in (_notes(url, project), _docs(url, project)):
        client.get(path)
        with django_assert_max_num_queries(8) as counted:
            client.get(path)
        small[path] = len(counted.captured_queries)
    for n in range(15):
        api(people.admin).post(_notes(url, project), {"body": f"More {n}"}, format="json")
        _upload(api(people.admin), url, project, name=f"g{n}.txt", data=b"abc",
                content_type="text/plain")
    for path, count in small.items():
        with django_assert_max_num_queries(count):
            response = client.get(path, {"page_size": 100})
        assert len(response.json()["results"]) == 17
