"""Answers to a form: which pages and questions a person sees, their answers cleaned, and the
item fields they make. The form pages and the API call these; nothing here writes.

A form without pages has one page, "main". The walk through a form goes page by page along the
path the answers choose (each page's `next` rules, else `default_next`); on each page a question
is shown when its `show_if` holds for the answers given so far. Hidden questions are never shown:
they take their value from the link (`prefill`) or their default. An answer to anything not
shown is dropped, so a form can set nothing but what it asks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from automations.intake.conditions import condition_met
from automations.intake.questions import (
    VALUES_PREFIX,
    Question,
    QuestionError,
    clean_value,
    form_questions,
)
from boards.columns import is_empty
from boards.models import Item
from boards.services.attachments import clean_file_name, upload_check
from workos.errors import ValidationFailed
from workos.tenancy.models import Membership

MAIN_PAGE = "main"
REQUIRED = "Answer this question."
RAW_TEXT_LIMIT = 10_000


@dataclass
class _Walk:
    raw: dict[str, Any]
    strict: set[str] | None  # pages whose answers are checked; None: every page
    values: dict[str, Any] = field(default_factory=dict)
    shown: list[tuple[str, Question]] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)


def _first_page(form: Any) -> str:
    return form.pages[0]["key"] if form.pages else MAIN_PAGE


def _next_page(form: Any, key: str, values: dict[str, Any]) -> str | None:
    pages = list(form.pages or [])
    keys = [p["key"] for p in pages]
    if key not in keys:
        return None
    page = pages[keys.index(key)]
    for rule in page.get("next") or []:
        if condition_met(rule.get("when"), values):
            return rule.get("page")
    if "default_next" in page:
        return page["default_next"] or None
    index = keys.index(key)
    return keys[index + 1] if index + 1 < len(keys) else None


def _raw_answer(raw: dict[str, Any], question: Question) -> Any:
    key = question.key
    if key in raw:
        return raw[key]
    if question.type == "timeline" and (f"{key}.start" in raw or f"{key}.end" in raw):
        # A page posts a timeline as two inputs, "<key>.start" and "<key>.end".
        start, end = (_single(raw.get(f"{key}.{part}")) for part in ("start", "end"))
        if is_empty(start) and is_empty(end):
            return None
        return {"start": start or "", "end": end or ""}
    return question.spec.get("default")


def _single(value: Any) -> Any:
    return value[0] if isinstance(value, list | tuple) and value else value


def _files(question: Question, value: Any, *, strict: bool) -> list[str] | None:
    uploads = list(value) if isinstance(value, list | tuple) else [value]
    uploads = [u for u in uploads if not is_empty(u)]
    if not uploads:
        return None
    if not strict:
        return [clean_file_name(getattr(u, "name", str(u))) for u in uploads]
    if not all(hasattr(u, "size") and hasattr(u, "read") for u in uploads):
        raise QuestionError("Attach the files themselves; names alone are not files.")
    most = question.spec.get("max_files", 1)
    if len(uploads) > most:
        raise QuestionError(f"Attach at most {most} file{'s' if most > 1 else ''}.")
    names = []
    for upload in uploads:
        name = clean_file_name(upload.name)
        limit = question.spec.get("max_bytes")
        if limit and (upload.size or 0) > limit:
            raise QuestionError(f"'{name}' is larger than the {_size(limit)} allowed here.")
        accept = question.spec.get("accept")
        if accept and not name.lower().endswith(tuple(accept)):
            raise QuestionError(f"'{name}' is not one of the accepted types: {', '.join(accept)}.")
        try:
            upload_check(upload, name)
        except ValidationFailed as exc:
            raise QuestionError(exc.message) from exc
        names.append(name)
    return names


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.1f} MB"
    return f"{limit // 1024} KB" if limit >= 1024 else f"{limit} bytes"


def _visit(walk: _Walk, page: str, questions: list[Question]) -> None:
    strict = walk.strict is None or page in walk.strict
    for question in questions:
        if not condition_met(question.spec.get("show_if"), walk.values):
            continue
        walk.shown.append((page, question))
        value = _raw_answer(walk.raw, question)
        try:
            if question.type == "file":
                value = _files(question, value, strict=strict)
            else:
                value = clean_value(question, value)
            if question.required and (is_empty(value) or value is False):
                raise QuestionError(REQUIRED if value is not False else "Tick this to go on.")
        except QuestionError as exc:
            if strict:
                walk.errors[question.key] = [exc.message]
            continue
        if value is not None:
            walk.values[question.key] = value


def _hidden(question: Question, prefill: dict[str, Any] | None) -> Any:
    if prefill and question.key in prefill:
        try:
            value = clean_value(question, prefill[question.key])
        except QuestionError:
            value = None  # a link's bad value falls back to the default, which the owner chose
        if value is not None:
            return value
    return question.spec.get("default")


def hidden_values(form: Any, prefill: dict[str, Any] | None) -> dict[str, Any]:
    """The values of the form's hidden questions: the link's (`prefill`) when valid, else
    their defaults; questions with neither are left out."""
    values = {q.key: _hidden(q, prefill) for q in form_questions(form) if q.hidden}
    return {key: value for key, value in values.items() if value is not None}


def _walk(form: Any, raw: Any, *, strict: set[str] | None, prefill: dict[str, Any] | None,
          also: str | None = None) -> _Walk:
    if not isinstance(raw, dict):
        raise ValidationFailed("answers is an object keyed by question key.",
                               fields={"answers": ["Not an object."]})
    walk = _Walk(raw=raw, strict=strict)
    questions = form_questions(form)
    first = _first_page(form)
    by_page: dict[str, list[Question]] = {}
    for question in questions:
        if question.hidden:
            value = _hidden(question, prefill)
            if value is not None:
                walk.values[question.key] = value
        else:
            by_page.setdefault(question.spec.get("page") or first, []).append(question)
    current: str | None = first
    while current and current not in walk.path:
        walk.path.append(current)
        _visit(walk, current, by_page.get(current, []))
        current = _next_page(form, current, walk.values)
    if also and also not in walk.path:
        _visit(walk, also, by_page.get(also, []))
    return walk


def page_path(form: Any, answers: dict[str, Any], *, prefill: dict[str, Any] | None = None
              ) -> list[str]:
    """The keys of the pages these answers go through, in order; hidden questions take their
    values from `prefill` (the link's), else their defaults, as when the answers are sent."""
    return _walk(form, answers, strict=set(), prefill=prefill).path


def visible_fields(form: Any, answers: dict[str, Any], *, page: str | None = None,
                   prefill: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The questions to show for these answers (of one page when given), hidden ones left out:
    each as its definition with `type`, `multiple` and, for choices, `options` resolved.
    Hidden questions take their values from `prefill`, else their defaults."""
    walk = _walk(form, answers, strict=set(), prefill=prefill, also=page)
    return [q.public() for p, q in walk.shown if page is None or p == page]


def questions_public(form: Any) -> list[dict[str, Any]]:
    """Every question that may be shown, with its `show_if` and `page`, for a client that runs
    the form's logic itself; hidden questions are left out."""
    return [q.public() for q in form_questions(form) if not q.hidden]


def _check_references(form: Any, walk: _Walk) -> None:
    """People must be members of the workspace; related items on the board the column names."""
    people: dict[str, list[int]] = {}
    related: dict[str, list[int]] = {}
    for _, question in walk.shown:
        value = walk.values.get(question.key)
        if value and question.type == "people":
            people[question.key] = value
        elif value and question.type == "relation":
            related[question.key] = value
    if people:
        wanted = {i for ids in people.values() for i in ids}
        found = set(Membership.objects.filter(workspace_id=form.workspace_id, id__in=wanted)
                    .values_list("id", flat=True))
        for key, ids in people.items():
            if set(ids) - found:
                walk.errors[key] = ["Choose people of this workspace."]
    if related:
        wanted = {i for ids in related.values() for i in ids}
        boards = dict(Item.objects.filter(workspace_id=form.workspace_id, id__in=wanted,
                                          archived_at__isnull=True)
                      .values_list("id", "board_id"))
        questions = {q.key: q for _, q in walk.shown}
        for key, ids in related.items():
            target = (questions[key].settings or {}).get("board")
            if any(i not in boards or (target and boards[i] != target) for i in ids):
                walk.errors[key] = ["Choose items of the board this question links to."]


def _check_dates(walk: _Walk) -> None:
    keys = {q.maps_to: q.key for _, q in walk.shown}
    start = walk.values.get(keys.get("start_date", ""))
    due = walk.values.get(keys.get("due_date", ""))
    if start and due and start > due:
        walk.errors.setdefault(keys["due_date"], ["This date is before the start date."])


def answers_clean(form: Any, raw: dict[str, Any], *, page: str | None = None,
                  prefill: dict[str, Any] | None = None) -> dict[str, Any]:
    """The answers of the questions shown (on one page when `page` is given, else on the whole
    path, with the hidden questions' values), cleaned. Raises ValidationFailed with
    `fields={key: [message]}` for every answer to fix."""
    if page is not None:
        pages = [p["key"] for p in form.pages] if form.pages else [MAIN_PAGE]
        if page not in pages:
            raise ValidationFailed(f"This form has no page '{page}'.",
                                   fields={"page": ["Unknown page."]})
    walk = _walk(form, raw, strict=None if page is None else {page}, prefill=prefill, also=page)
    _check_references(form, walk)
    _check_dates(walk)
    if page is not None:
        for key in [q.key for p, q in walk.shown if p != page]:
            walk.errors.pop(key, None)
    if walk.errors:
        labels = {q.key: q.label for _, q in walk.shown}
        key, messages = next(iter(walk.errors.items()))
        more = len(walk.errors) - 1
        tail = f" (and {more} more answer{'s' if more > 1 else ''} to check)" if more else ""
        raise ValidationFailed(f"{labels.get(key, key)}: {messages[0]}{tail}",
                               fields=walk.errors)
    if page is None:
        return dict(walk.values)
    return {q.key: walk.values[q.key] for p, q in walk.shown if p == page and q.key in walk.values}


def answers_raw(form: Any, raw: dict[str, Any]) -> dict[str, Any]:
    """What was sent for the form's questions, as JSON (file uploads by name), to keep beside
    the clean answers."""

    def plain(value: Any, depth: int = 0) -> Any:
        if isinstance(value, str):
            return value[:RAW_TEXT_LIMIT]
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, list | tuple) and depth < 2:
            return [plain(v, depth + 1) for v in value[:50]]
        if isinstance(value, dict) and depth < 2:
            return {str(k)[:100]: plain(v, depth + 1) for k, v in list(value.items())[:20]}
        return clean_file_name(getattr(value, "name", "")) if hasattr(value, "read") else None

    keys = set()
    for question in form_questions(form):
        keys |= {question.key, f"{question.key}.start", f"{question.key}.end"}
    return {key: plain(value) for key, value in raw.items() if key in keys}


def item_fields_from(form: Any, answers: dict[str, Any], *, reference: str = "") -> dict[str, Any]:
    """The `fields` of `boards.services.items.item_create` that clean answers make. An item
    needs a name: without an answer for it, "<form name> <reference>"."""
    fields: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for question in form_questions(form):
        target, value = question.maps_to, answers.get(question.key)
        if not target or question.type == "file" or value is None:
            continue
        if target.startswith(VALUES_PREFIX):
            values[target[len(VALUES_PREFIX):]] = value
        elif target in ("due_date", "start_date"):
            fields[target] = dt.date.fromisoformat(value)
        elif target == "assignees":
            fields[target] = sorted(set(value))
        else:
            fields[target] = value
    if values:
        fields["values"] = values
    name = fields.get("name")
    if not isinstance(name, str) or not name.strip():
        fields["name"] = f"{form.name} {reference}".strip()[:500]
    return fields
