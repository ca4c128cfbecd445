"""Files on items: limits and blocked types, storage paths, downloads that never render, who
may attach and remove, other workspaces' files, and constant query counts."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards import services
from boards.models import Item
from tests.factories import (
    AttachmentFactory,
    BoardMemberFactory,
    CommentFactory,
    MembershipFactory,
    NotificationFactory,
)
from workos.activity.models import Activity, Attachment, Comment, Notification
from workos.activity.services import collaboration_purge


@pytest.fixture
def item(people, board):
    return services.item_create(actor=people.owner, board=board, fields={"name": "Contract"})


def _path(url, item, rest=""):
    return url(f"items/{item.pk}/attachments/{rest}")


def _upload(client, url, item, name="notes.txt", data=b"hello world", content_type="text/plain"):
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(_path(url, item), {"file": upload}, format="multipart")


def _download(client, url, item, attachment_id):
    response = client.get(_path(url, item, f"{attachment_id}/download/"))
    body = b"".join(response.streaming_content) if response.status_code == 200 else None
    return response, body


def test_an_upload_is_stored_under_the_workspace_with_a_random_name(people, api, url, item):
    response = _upload(api(people.member), url, item, name="Q3 ../../etc/passwd report.pdf",
                       data=b"%PDF-1.4 fake", content_type="text/html")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "item", "uploaded_by", "original_name", "content_type", "size",
                         "created_at", "download"}
    assert body["original_name"] == "passwd report.pdf"
    # Guessed from the name; the type the client claimed is ignored.
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(b"%PDF-1.4 fake")
    assert body["uploaded_by"] == people.member.pk
    assert body["download"] == _path(url, item, f"{body['id']}/download/")
    stored = Attachment.objects.get().file.name
    prefix = f"attachments/{people.workspace.pk}/"
    assert stored.startswith(prefix) and len(stored) == len(prefix) + 32
    assert "report" not in stored and "passwd" not in stored
    assert default_storage.exists(stored)
    activity = Activity.objects.filter(verb="attachment.added").get()
    assert activity.target_id == item.pk and activity.data["name"] == "passwd report.pdf"


def test_a_file_over_the_size_limit_is_a_400(people, api, url, item, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    response = _upload(api(people.member), url, item, data=b"x" * 11)
    assert response.status_code == 400
    assert response.json()["fields"] == {"file": ["At most 10 bytes."]}
    assert _upload(api(people.member), url, item, data=b"x" * 10).status_code == 201
    assert Attachment.objects.count() == 1


@pytest.mark.parametrize("name", ["setup.exe", "run.sh", "x.BAT", "a.js", "i.msi", "lib.dll",
                                  "invoice.pdf.exe", "y.ps1", "z.cmd"])
def test_executables_and_scripts_are_refused_by_extension(people, api, url, item, name):
    response = _upload(api(people.member), url, item, name=name)
    assert response.status_code == 400, name
    assert response.json()["fields"] == {"file": ["Blocked file type."]}
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize("head", [b"MZ\x90\x00", b"\x7fELF\x02\x01", b"#!/bin/sh\n"])
def test_programs_under_a_harmless_name_are_refused_by_their_first_bytes(people, api, url, item,
                                                                         head):
    response = _upload(api(people.member), url, item, name="photo.png", data=head + b"rest")
    assert response.status_code == 400


def test_an_empty_file_or_no_file_is_a_400(people, api, url, item):
    assert _upload(api(people.member), url, item, data=b"").status_code == 400
    response = api(people.member).post(_path(url, item), {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["fields"]


@pytest.mark.parametrize(("name", "data"), [
    ("page.html", b"<html><script>alert(document.cookie)</script></html>"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("feed.xml", b"<?xml version='1.0'?><x/>"),
    ("page.xhtml", b"<html xmlns='http://www.w3.org/1999/xhtml'/>"),
])
def test_renderable_files_download_as_opaque_attachments(people, api, url, item, name, data):
    client = api(people.member)
    created = _upload(client, url, item, name=name, data=data).json()
    response, body = _download(client, url, item, created["id"])
    assert response.status_code == 200
    assert body == data
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f'filename="{name}"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_pdf_keeps_its_type_and_still_downloads(people, api, url, item):
    client = api(people.member)
    created = _upload(client, url, item, name="plan.pdf", data=b"%PDF-1.7").json()
    response, _ = _download(client, url, item, created["id"])
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_non_ascii_name_is_offered_on_download(people, api, url, item):
    client = api(people.member)
    created = _upload(client, url, item, name='Résumé "final".txt').json()
    response, _ = _download(client, url, item, created["id"])
    assert "filename*=utf-8''R%C3%A9sum%C3%A9" in response["Content-Disposition"]


def test_another_workspaces_attachment_is_not_found(people, api, url, item):
    theirs = AttachmentFactory()  # on an item of another workspace
    client = api(people.member)
    missing = client.get(_path(url, item, "999999/download/")).json()
    missing_item = client.get(url("items/999999/attachments/1/download/")).json()
    for path, expected in (
        (_path(url, item, f"{theirs.pk}/download/"), missing),
        (_path(url, item, f"{theirs.pk}/"), missing),
        (url(f"items/{theirs.target_id}/attachments/{theirs.pk}/download/"), missing_item),
    ):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == expected
    assert client.delete(_path(url, item, f"{theirs.pk}/")).status_code == 404
    assert Attachment.objects.filter(pk=theirs.pk).exists()
    # And from their own workspace, under our slug: the workspace itself is not found.
    outsider = api(people.outsider)
    response = outsider.get(_path(url, item, f"{theirs.pk}/download/"))
    assert response.status_code == 404


def test_a_private_boards_files_are_not_found_for_non_members(people, api, url, private_board):
    item = services.item_create(actor=people.owner, board=private_board, fields={"name": "T"})
    created = _upload(api(people.owner), url, item).json()
    client = api(people.member)
    assert client.get(_path(url, item)).status_code == 404
    assert _download(client, url, item, created["id"])[0].status_code == 404
    assert _upload(client, url, item).status_code == 404


def test_viewers_download_but_cannot_attach_and_contributors_only_to_their_items(
    people, api, url, private_board
):
    mine = services.item_create(actor=people.owner, board=private_board,
                                fields={"name": "Mine", "assignees": [people.member.pk]})
    theirs = services.item_create(actor=people.owner, board=private_board,
                                  fields={"name": "Theirs"})
    created = _upload(api(people.owner), url, theirs).json()
    row = BoardMemberFactory(board=private_board, membership=people.member, role="viewer")
    client = api(people.member)
    assert _download(client, url, theirs, created["id"])[0].status_code == 200
    assert _upload(client, url, mine).status_code == 403
    row.role = "contributor"
    row.save()
    assert _upload(client, url, mine).status_code == 201
    assert _upload(client, url, theirs).status_code == 403


@pytest.mark.parametrize(("who", "code"), [
    ("uploader", 204), ("admin", 204), ("other_member", 403),
])
def test_the_uploader_or_a_workspace_admin_removes_a_file(
    people, api, url, item, who, code, django_capture_on_commit_callbacks
):
    created = _upload(api(people.member), url, item).json()
    stored = Attachment.objects.get().file.name
    caller = {"uploader": people.member, "admin": people.admin,
              "other_member": MembershipFactory(workspace=people.workspace)}[who]
    with django_capture_on_commit_callbacks(execute=True):
        response = api(caller).delete(_path(url, item, f"{created['id']}/"))
    assert response.status_code == code
    if code == 204:
        assert not Attachment.objects.exists()
        assert not default_storage.exists(stored)
        assert Activity.objects.filter(verb="attachment.deleted", target_id=item.pk).exists()
    else:
        assert default_storage.exists(stored)


def test_a_json_post_to_the_upload_is_a_415_not_a_500(people, api, url, item):
    response = api(people.member).post(_path(url, item), {"file": "x"}, format="json")
    assert response.status_code == 415


def test_list_query_count_does_not_grow_with_page_size(people, api, url, item):
    for n in range(30):
        AttachmentFactory(item=item, uploaded_by=people.member,
                          file=ContentFile(b"x", name=f"f{n}.txt"))
    client = api(people.member)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_path(url, item, f"?page_size={size}"))
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_purging_deleted_items_removes_their_comments_files_and_notifications(
    people, item, django_capture_on_commit_callbacks
):
    attachment = AttachmentFactory(item=item)
    kept = AttachmentFactory(item=services.item_create(actor=people.owner, board=item.board,
                                                       fields={"name": "Kept"}))
    CommentFactory(item=item)
    NotificationFactory(item=item)
    with django_capture_on_commit_callbacks(execute=True):
        collaboration_purge(workspace=people.workspace, model=Item, ids=[item.pk])
    assert list(Attachment.objects.all()) == [kept]
    assert not Comment.objects.exists() and not Notification.objects.exists()
    assert not default_storage.exists(attachment.file.name)
    assert default_storage.exists(kept.file.name)
