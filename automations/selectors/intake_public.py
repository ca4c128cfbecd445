"""A live form by its public link, read with one small query per call.

Every submission starts by finding its form, and the form's definition (its questions resolved
against the board's columns) is the same from one submission to the next. So each web process
keeps the forms it has served, and each call asks the database only what may have changed since:
the form's `updated_at` (every change to a form saves it), the board's state, and the columns the
questions map to, in one statement by the token's unique index. The form is read in full again
when `updated_at` differs; the questions are made again when a column's type or settings differ.
Nothing is served from the process's memory that this one query has not just confirmed, so a
form closed, archived or changed in another process is seen at once.

Each call answers a copy of the kept form with a fresh board (only its state read; anything else
of the board, or the workspace, is read when first touched), so a caller that changes or extends
the instance changes nothing for the next one.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from automations.intake.questions import mapped_column_keys, questions_for
from automations.models import Form
from boards.models import Board, Column
from workos.errors import NotFound

MISSING = "This form does not exist or is no longer available."
# Forms kept per process; past this, the oldest served is let go.
MAX_FORMS = 256


@dataclass
class _Kept:
    form: Form
    stamp: Any  # the form's updated_at, as the look-up reads it
    keys: tuple[str, ...]  # the columns the questions map to
    columns: tuple[tuple[Any, ...], ...]  # the column rows the questions were made from


_kept: dict[str, _Kept] = {}


@lru_cache(maxsize=32)
def _sql(keys: int) -> str:
    quote = connection.ops.quote_name
    form, board = quote(Form._meta.db_table), quote(Board._meta.db_table)
    column = quote(Column._meta.db_table)
    columns, join = "", ""
    if keys:
        columns = ", c.id, c.key, c.title, c.type, c.settings"
        join = (f" LEFT JOIN {column} c ON c.board_id = f.board_id"
                f" AND c.key IN ({', '.join(['%s'] * keys)})")
    # Besides updated_at, what decides whether a submission is taken (is_open, access) is read
    # on every call, so even a change made without saving the form shows at once.
    # Table names come from the models; every value is a parameter.
    select = ("SELECT f.id, f.updated_at, f.board_id, f.workspace_id, f.is_open, f.access,"
              f" b.archived_at, b.read_only{columns}")
    where = " WHERE f.token = %s AND f.archived_at IS NULL AND b.deleted_at IS NULL"
    return f"{select} FROM {form} f JOIN {board} b ON b.id = f.board_id{join}{where}"


def _rows(token: str, keys: Sequence[str]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(_sql(len(keys)), [*keys, token])
        return cursor.fetchall()


def _columns(rows: list[tuple[Any, ...]]) -> tuple[tuple[Any, ...], ...]:
    return tuple(sorted((row[8:] for row in rows if row[8] is not None), key=lambda r: r[1]))


def _when(value: Any) -> dt.datetime | None:
    """A timestamp as the raw cursor gives it (text on SQLite), as Django would."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def _questions(form: Form, columns: tuple[tuple[Any, ...], ...]) -> None:
    """Resolve the form's questions against these column rows, as `form_questions` would."""
    by_key = {}
    for pk, key, title, kind, settings in columns:
        if isinstance(settings, str | bytes):
            settings = json.loads(settings)
        by_key[key] = Column(pk=pk, board_id=form.board_id, key=key, title=title, type=kind,
                             settings=settings or {})
    form._intake_questions = (form.fields, questions_for(form.fields, by_key))  # type: ignore[attr-defined]


def _load(token: str, form_id: int, stamp: Any) -> _Kept:
    """Read the form in full, then its columns; `stamp` was read before the form, so a change
    made meanwhile only makes the next call read it again."""
    form = Form.objects.filter(pk=form_id).first()
    if form is None:
        raise NotFound(MISSING)
    keys = tuple(dict.fromkeys(mapped_column_keys(form.fields)))
    columns = _columns(_rows(token, keys)) if keys else ()
    _questions(form, columns)
    if len(_kept) >= MAX_FORMS:
        _kept.pop(next(iter(_kept)))
    kept = _Kept(form=form, stamp=stamp, keys=keys, columns=columns)
    _kept[token] = kept
    return kept


def public_form(token: Any) -> Form:
    """The live form behind a public link, with its questions resolved (`form_questions`
    answers them without a query); unknown, archived and deleted-board forms alike are a
    NotFound. One query when the form was served before and has not changed."""
    if not isinstance(token, str) or not 0 < len(token) <= 64:
        raise NotFound(MISSING)
    kept = _kept.get(token)
    rows = _rows(token, kept.keys if kept else ())
    if not rows:
        _kept.pop(token, None)
        raise NotFound(MISSING)
    form_id, stamp, board_id, workspace_id, is_open, access, archived_at, read_only = rows[0][:8]
    if kept is None or kept.form.pk != form_id or kept.stamp != stamp:
        kept = _load(token, form_id, stamp)
    elif kept.keys and _columns(rows) != kept.columns:
        kept.columns = _columns(rows)
        _questions(kept.form, kept.columns)
    form = copy.copy(kept.form)
    form.is_open, form.access = bool(is_open), access
    form.board = _board({"id": board_id, "workspace_id": workspace_id, "read_only": bool(read_only),
                         "archived_at": _when(archived_at), "deleted_at": None})
    return form


def _board(state: dict[str, Any]) -> Board:
    """A board of which only `state` is loaded; anything else is read when first used."""
    names = [f.attname for f in Board._meta.concrete_fields if f.attname in state]
    return Board.from_db(connection.alias, names, [state[name] for name in names])
