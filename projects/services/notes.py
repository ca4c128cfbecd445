"""Project notes and documents: the kernel's Comment and Attachment, targeted at the project.

Notes work as comments on items do: anyone who can see the project (its board) writes one,
viewers and guests included, and even once the project is closed (talking about a frozen
project changes nothing in it). Text is sanitised and mentions resolved by the kernel's rich
text; mentioned members who can see the project are notified. The author or a workspace
admin deletes a note (soft delete: the text is erased, the row stays for the history).

Documents are files on the project: its manager, workspace admins and editors of its board
(not guests) add them, under the same size and type limits as item attachments; the uploader,
the manager or an admin removes one. A closed project's board is read-only, so its documents
are too. Each write records an Activity on the project.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from boards.selectors import board_role, visible_board_ids
from boards.services.access import require_board_writable
from boards.services.attachments import attachment_store
from projects.models import Project
from projects.services.access import is_workspace_admin
from projects.services.status_updates import TEXT_MAX_CHARS, require_project_voice
from workos.activity.models import Attachment, Comment
from workos.activity.richtext import mention_ids, render
from workos.activity.services import activity_record, files_delete_on_commit, notify
from workos.errors import NotFound, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership

MAX_MENTIONS = 20


def _project_type() -> ContentType:
    return ContentType.objects.get_for_model(Project)


def _require_sees(project: Project, actor: Membership) -> None:
    if board_role(project.board, actor) is None:
        raise NotFound("Project not found.")


def _on_project(row: Comment | Attachment, project: Project) -> bool:
    return (row.target_type_id == _project_type().pk and row.target_id == project.pk
            and row.workspace_id == project.workspace_id)


@transaction.atomic
def note_create(*, actor: Membership, project: Project, body: str) -> Comment:
    _require_sees(project, actor)
    if not isinstance(body, str) or len(body) > TEXT_MAX_CHARS:
        raise ValidationFailed(f"Keep a note under {TEXT_MAX_CHARS} characters.",
                               fields={"body": [f"At most {TEXT_MAX_CHARS} characters."]})
    wanted = mention_ids(body)
    if len(wanted) > MAX_MENTIONS:
        raise ValidationFailed(f"Mention at most {MAX_MENTIONS} people in one note.",
                               fields={"body": ["Too many mentions."]})
    members = {
        m.pk: m for m in Membership.objects.filter(workspace=project.workspace_id, id__in=wanted)
        .select_related("user")
    }
    rich = render(body, members={pk: m.display_name for pk, m in members.items()})
    if not rich.text:
        raise ValidationFailed("A note needs some text.", fields={"body": ["Empty."]})
    note = Comment.objects.create(
        workspace=project.workspace, target_type=_project_type(), target_id=project.pk,
        author=actor, body_html=rich.html, body_text=rich.text, mentions=rich.mentions,
    )
    activity_record(
        workspace=project.workspace, actor=actor.user, verb="note.added", target=project,
        data={"comment": note.pk},
    )
    _notify_mentioned(actor, project, note, [members[pk] for pk in rich.mentions])
    return note


def _notify_mentioned(actor: Membership, project: Project, note: Comment,
                      mentioned: list[Membership]) -> None:
    # Only those who can see the project: the title names it.
    can_see = [
        m for m in mentioned
        if visible_board_ids(workspace=project.workspace, membership=m)
        .filter(id=project.board_id).exists()
    ]
    if not can_see:
        return
    name = actor.display_name
    notify(
        workspace=project.workspace, recipients=can_see, verb="mentioned", target=project,
        title=f"{name} mentioned you on the project '{project.name}'", actor_label=name,
        actor=actor,
        link=reverse("project-detail", kwargs={"ws": project.workspace.slug, "id": project.pk}),
        data={"project": project.pk, "comment": note.pk, "excerpt": note.body_text[:200]},
    )


@transaction.atomic
def note_delete(*, actor: Membership, project: Project, note: Comment) -> None:
    if not _on_project(note, project):
        raise NotFound("Note not found.")
    _require_sees(project, actor)
    note = Comment.objects.select_for_update().filter(pk=note.pk).first()
    if note is None or note.deleted_at is not None:
        raise NotFound("Note not found.")
    if note.author_id != actor.pk and not is_workspace_admin(actor):
        raise PermissionDenied("Only the author or a workspace admin can delete a note.")
    note.body_html, note.body_text, note.mentions = "", "", []
    note.deleted_at = timezone.now()
    note.save(update_fields=["body_html", "body_text", "mentions", "deleted_at"])
    activity_record(
        workspace=project.workspace, actor=actor.user, verb="note.deleted", target=project,
        data={"comment": note.pk},
    )


@transaction.atomic
def document_create(*, actor: Membership, project: Project, upload: File) -> Attachment:
    require_project_voice(project=project, actor=actor, doing="Adding a document")
    require_board_writable(project.board)
    return attachment_store(actor=actor, target=project, upload=upload, verb="document.added")


@transaction.atomic
def document_delete(*, actor: Membership, project: Project, document: Attachment) -> None:
    if not _on_project(document, project):
        raise NotFound("Document not found.")
    _require_sees(project, actor)
    require_board_writable(project.board)
    if (document.uploaded_by_id != actor.pk and project.manager_id != actor.pk
            and not is_workspace_admin(actor)):
        raise PermissionDenied(
            "Only the uploader, the project's manager or a workspace admin can remove a "
            "document.")
    stored, document_id, name = document.file.name, document.pk, document.original_name
    document.delete()
    activity_record(
        workspace=project.workspace, actor=actor.user, verb="document.deleted", target=project,
        data={"attachment": document_id, "name": name},
    )
    files_delete_on_commit([stored])
