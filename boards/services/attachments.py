"""Files attached to items.

Attaching changes the item, so it needs the right to change it (viewers cannot; contributors
only on items assigned to them). The uploader or a workspace admin removes a file. What is
stored is checked here: a size limit (`ATTACHMENT_MAX_BYTES`), no executables or scripts by
extension or by their first bytes, the content type guessed from the name (the client's claim
is never used), and a storage path that never contains the uploader's file name.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.db import transaction
from django.db.models import Model

from boards.models import Item
from boards.services.access import (
    VIEWER,
    require_board_role,
    require_board_writable,
    require_item_write,
)
from workos.activity.models import Attachment
from workos.activity.services import activity_record, files_delete_on_commit
from workos.errors import NotFound, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership, Role, role_at_least

# Programs and scripts that run when opened on a common desktop.
BLOCKED_EXTENSIONS = frozenset({
    "app", "apk", "bat", "bash", "cmd", "com", "cpl", "csh", "dll", "exe", "gadget", "hta",
    "inf", "ins", "isp", "jar", "js", "jse", "ksh", "lnk", "mjs", "msc", "msi", "msp", "mst",
    "pif", "ps1", "ps2", "psm1", "reg", "scf", "scr", "sh", "sys", "vb", "vbe", "vbs", "ws",
    "wsc", "wsf", "wsh", "zsh",
})
# First bytes of native executables (PE, ELF, Mach-O) and of scripts with an interpreter line.
BLOCKED_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xfe\xed\xfa",
                 b"\xca\xfe\xba\xbe", b"#!")
_UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f/\\]+")


def clean_file_name(raw: str | None) -> str:
    """The name to show and to offer on download: no directories, no control characters."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE_NAME_CHARS.sub("", name).strip().strip(".")
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 254 - len(extension)] + dot + extension) if dot else name[:255]
    return name or "file"


def upload_check(upload: File, name: str) -> None:
    """Refuse a file too large, empty, or an executable or script (by extension or first
    bytes). Project documents use the same limits."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationFailed(
            f"'{name}' is larger than the {limit // (1024 * 1024) or 1} MB a file may have.",
            fields={"file": [f"At most {limit} bytes."]},
        )
    if upload.size == 0:
        raise ValidationFailed(f"'{name}' is empty.", fields={"file": ["Empty file."]})
    # Every extension counts: "invoice.pdf.exe" and "setup.exe.txt" are both refused.
    extensions = {part.lower() for part in name.split(".")[1:]}
    blocked = sorted(extensions & BLOCKED_EXTENSIONS)
    if blocked:
        raise ValidationFailed(
            f"Files of type .{blocked[0]} cannot be attached; put them in an archive.",
            fields={"file": ["Blocked file type."]},
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(BLOCKED_MAGIC):
        raise ValidationFailed(
            f"'{name}' is a program or a script, which cannot be attached.",
            fields={"file": ["Blocked file type."]},
        )


def _item_type() -> ContentType:
    return ContentType.objects.get_for_model(Item)


def attachment_store(*, actor: Membership, target: Model, upload: File,
                     verb: str = "attachment.added",
                     extra: dict[str, Any] | None = None) -> Attachment:
    """Check, store and record an upload attached to `target` (an item, a project), in the
    caller's transaction; the Activity `verb` names the file and `extra`."""
    name = clean_file_name(upload.name)
    upload_check(upload, name)
    attachment = Attachment(
        workspace=actor.workspace,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=target.pk, uploaded_by=actor, original_name=name,
        content_type=mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream",
        size=upload.size,
    )
    # The storage name comes from upload_to (workspace id and a random uuid), not `name`.
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
        activity_record(
            workspace=actor.workspace, actor=actor.user, verb=verb, target=target,
            data={**(extra or {}), "attachment": attachment.pk, "name": name,
                  "size": attachment.size},
        )
    except Exception:
        # No file without its row: the write failed, so the stored file goes too.
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_create(*, actor: Membership, item: Item, upload: File) -> Attachment:
    role = require_board_role(board=item.board, actor=actor, minimum=VIEWER,
                              doing="Attaching a file")
    require_board_writable(item.board)
    require_item_write(item=item, actor=actor, role=role, doing="Attaching a file")
    return attachment_store(actor=actor, target=item, upload=upload,
                            extra={"board": item.board_id})


@transaction.atomic
def attachment_delete(*, actor: Membership, item: Item, attachment: Attachment) -> None:
    if (attachment.target_type_id != _item_type().pk or attachment.target_id != item.pk
            or attachment.workspace_id != item.workspace_id):
        raise NotFound("Attachment not found.")
    require_board_role(board=item.board, actor=actor, minimum=VIEWER,
                       doing="Removing an attachment")
    require_board_writable(item.board)
    if attachment.uploaded_by_id != actor.pk and not role_at_least(actor.role, Role.ADMIN):
        raise PermissionDenied("Only the uploader or a workspace admin can remove a file.")
    name = attachment.file.name
    attachment_id = attachment.pk
    attachment.delete()
    activity_record(
        workspace=item.workspace, actor=actor.user, verb="attachment.deleted", target=item,
        data={"board": item.board_id, "attachment": attachment_id,
              "name": attachment.original_name},
    )
    files_delete_on_commit([name])
