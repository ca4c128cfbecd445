"""Files sent on one page of a multi-page form, kept until the last page is sent.

A browser cannot post a file again from a hidden input, so a file answered on an earlier page
is stored under `intake-pending/` and the page carries a signed note naming it (the form, the
question, the stored names and the names the sender gave). Only this form's pages can bring it
back, and only for a day. The submission stores its own copy; the kept files are then removed,
and `pending_uploads_prune` removes those of forms never sent.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from automations.models import Form

PENDING_DIR = "intake-pending"
SALT = "intake.pending-upload"
KEEP_FOR = dt.timedelta(days=1)


def uploads_keep(form: Form, key: str, uploads: list[Any]) -> str:
    """Store `uploads` (answers to question `key`); the signed note that brings them back."""
    kept = []
    for upload in uploads:
        upload.seek(0)
        # The stored name is ours alone; the sender's name only travels inside the signed note.
        path = default_storage.save(f"{PENDING_DIR}/{form.pk}/{uuid.uuid4().hex}", upload)
        kept.append([path, upload.name])
    return signing.dumps({"form": form.pk, "key": key, "files": kept}, salt=SALT, compress=True)


def uploads_restore(form: Form, key: str, note: str) -> tuple[list[File], list[str]]:
    """(the files, their names) a note names, opened; nothing for a forged, expired or
    foreign note, or once the files are gone."""
    try:
        data = signing.loads(note, salt=SALT, max_age=KEEP_FOR)
    except signing.BadSignature:
        return [], []
    if not isinstance(data, dict) or data.get("form") != form.pk or data.get("key") != key:
        return [], []
    files, names = [], []
    for path, name in data.get("files") or []:
        ours = str(path).startswith(f"{PENDING_DIR}/{form.pk}/")
        if not ours or not default_storage.exists(path):
            for opened in files:
                opened.close()
            return [], []
        files.append(File(default_storage.open(path).file, name=name))
        names.append(name)
    return files, names


def uploads_discard(form: Form, notes: list[str]) -> None:
    """Remove the kept files these notes name (once the submission holds its own copies)."""
    for note in notes:
        try:
            data = signing.loads(note, salt=SALT)
        except signing.BadSignature:
            continue
        if data.get("form") != form.pk:
            continue
        for path, _ in data.get("files") or []:
            if str(path).startswith(f"{PENDING_DIR}/{form.pk}/"):
                default_storage.delete(path)


def pending_uploads_prune(*, now: dt.datetime | None = None) -> int:
    """Remove kept files older than a day (of forms never sent); how many went."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    removed = 0
    try:
        form_dirs, _ = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return 0
    for form_dir in form_dirs:
        _, names = default_storage.listdir(f"{PENDING_DIR}/{form_dir}")
        for name in names:
            path = f"{PENDING_DIR}/{form_dir}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
    return removed
