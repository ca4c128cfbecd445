"""A form's definition checked against its board: questions, pages with branching, routing.

`definition_clean` answers the definition as stored, or a ValidationFailed whose message names
the part, its index and key (`fields[3] (key 'device'): ...`) and whose `fields` holds the same
text under {"fields": {"3": [...]}} (or "pages", "routing", "routing_default").
Rules kept here: question keys are unique; a question maps to one core field or input column at
most once; people and items of the workspace are asked only on forms for members; `show_if` and
branching refer only to earlier questions; pages never loop and every page can be reached.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings

from automations.intake.conditions import condition_clean, condition_fields
from automations.intake.pages import KEY, definition_error, page_branches, page_heads, text_of
from automations.intake.questions import (
    FREE_TYPES,
    MEMBERS_ONLY_TYPES,
    OPTION_QUESTION_TYPES,
    SETTING_KEYS,
    Question,
    QuestionError,
    clean_value,
    question_for,
)
from automations.intake.routing import MAX_ROUTES, RouteChecker
from automations.models import FormAccess
from boards.columns.types import option_for
from boards.models import Board, Column
from boards.services.attachments import BLOCKED_EXTENSIONS
from workos.errors import ValidationFailed

MAIN_PAGE = "main"
MAX_FIELDS = 100
MAX_FILES = 10
_EXTENSION = re.compile(r"\.[a-z0-9]{1,10}")
FIELD_KEYS = frozenset({"key", "label", "help", "placeholder", "type", "maps_to", "required",
                        "default", "hidden", "options", "show_if", "page", "max_files",
                        "max_bytes", "accept", *SETTING_KEYS})


def _flag(field: dict[str, Any], name: str) -> bool:
    value = field.get(name, False)
    if not isinstance(value, bool):
        raise QuestionError(f"{name} is true or false")
    return value


def _file_limits(field: dict[str, Any], clean: dict[str, Any]) -> None:
    most = field.get("max_files", 1)
    if isinstance(most, bool) or not isinstance(most, int) or not 1 <= most <= MAX_FILES:
        raise QuestionError(f"max_files is a whole number from 1 to {MAX_FILES}")
    clean["max_files"] = most
    if "max_bytes" in field:
        size = field["max_bytes"]
        limit = settings.ATTACHMENT_MAX_BYTES
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= limit:
            raise QuestionError(f"max_bytes is a whole number from 1 to {limit}, the server's "
                                "limit")
        clean["max_bytes"] = size
    if "accept" in field:
        accept = field["accept"]
        if not isinstance(accept, list) or not all(isinstance(a, str) for a in accept) \
                or len(accept) > 20:
            raise QuestionError('accept is a list of file extensions such as [".pdf", ".png"]')
        accept = [a.strip().lower() for a in accept]
        bad = [a for a in accept if not _EXTENSION.fullmatch(a)
               or a[1:] in BLOCKED_EXTENSIONS]
        if bad:
            raise QuestionError(f"'{bad[0]}' is not an extension a form may accept")
        clean["accept"] = accept


def _options(field: dict[str, Any], question: Question) -> list[str] | None:
    """For a question on a choice column: the subset of its options offered, as ids."""
    chosen = field.get("options")
    if chosen is None or question.column is None:
        return None
    if question.type not in OPTION_QUESTION_TYPES:
        raise QuestionError("options apply only to dropdown, status and tags questions")
    if not isinstance(chosen, list) or not chosen:
        raise QuestionError("options is a list of the column's option labels or ids")
    ids = []
    for wanted in chosen:
        option = option_for(question.column.settings or {}, wanted)
        if option is None:
            raise QuestionError(f"'{wanted}' is not an option of the column "
                                f"'{question.column.title}'")
        ids.append(option["id"])
    return ids


def _field(field: Any, *, access: str, columns: dict[str, Column], pages: list[str],
           earlier: dict[str, Question], page_of: dict[str, int], used: dict[str, str]
           ) -> tuple[dict[str, Any], Question]:
    if not isinstance(field, dict):
        raise QuestionError("a question is an object with at least key, label and maps_to")
    unknown = sorted(set(field) - FIELD_KEYS)
    if unknown:
        raise QuestionError(f"a question has no '{unknown[0]}'")
    key = field.get("key")
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise QuestionError("key is 1 to 63 lower-case letters, digits or '_', starting with a "
                            "letter")
    if key in earlier:
        raise QuestionError("another question has this key")
    clean: dict[str, Any] = {"key": key, "label": text_of(field, "label", 300, required=True)}
    for name, limit in (("help", 2000), ("placeholder", 200)):
        if field.get(name):
            clean[name] = text_of(field, name, limit)
    maps_to = field.get("maps_to") or ""
    if not isinstance(maps_to, str):
        raise QuestionError("maps_to is text")
    if maps_to and maps_to in used:
        raise QuestionError(f"question '{used[maps_to]}' already fills {maps_to}")
    clean["maps_to"] = maps_to
    question = question_for({**field, "options": None} if maps_to else field, columns)
    given = field.get("type")
    if maps_to and given not in (None, "", question.type):
        raise QuestionError(f"it maps to {maps_to}, which takes {question.type}; leave type out "
                            f"or give {question.type}")
    clean["type"] = question.type
    if question.type in MEMBERS_ONLY_TYPES and access == FormAccess.PUBLIC:
        raise QuestionError("it asks for people or items of the workspace, which only a form "
                            "for members may do")
    if maps_to:
        decided = sorted(k for k in SETTING_KEYS if k in field and k != "options")
        if decided:
            raise QuestionError(f"the item field or column it maps to decides '{decided[0]}'; "
                                "leave it out")
        options = _options(field, question)
        if options is not None:
            clean["options"] = options
    else:
        clean.update({k: v for k, v in question.settings.items() if k in SETTING_KEYS})
        if question.type == "dropdown" and not clean.get("options"):
            raise QuestionError("a dropdown question needs options to choose from")
    if question.type == "file":
        if maps_to:
            raise QuestionError("files become attachments of the item; keep maps_to empty")
        _file_limits(field, clean)
    for flag in ("required", "hidden"):
        if _flag(field, flag):
            clean[flag] = True
    question = question_for(clean, columns)
    if clean.get("hidden") and clean.get("required"):
        raise QuestionError("a hidden question is filled from the link, so it cannot be "
                            "required; give it a default instead")
    if field.get("default") is not None:
        if question.type in {"file", *MEMBERS_ONLY_TYPES}:
            raise QuestionError(f"a {question.type} question has no default")
        clean["default"] = clean_value(question, field["default"])
    page = field.get("page") or (pages[0] if pages else None)
    if pages and page not in pages:
        raise QuestionError(f"page '{page}' is not one of the form's pages")
    if not pages and page not in (None, MAIN_PAGE):
        raise QuestionError("this form has no pages; leave page out")
    if pages:
        clean["page"] = page
    if field.get("show_if") is not None:
        clean["show_if"] = condition_clean(field["show_if"], earlier)
        here = pages.index(page) if pages else 0
        later = sorted(k for k in condition_fields(clean["show_if"]) if page_of[k] > here)
        if later:
            raise QuestionError(f"show_if refers to '{later[0]}', which is on a later page")
    return clean, question


def definition_clean(*, board: Board, access: str, fields: Any, pages: Any = None,
                     routing: Any = None, routing_default: Any = None) -> dict[str, Any]:
    """The definition as stored: {"fields", "pages", "routing", "routing_default"}."""
    if not isinstance(fields, list) or not fields or len(fields) > MAX_FIELDS:
        raise ValidationFailed(f"A form asks 1 to {MAX_FIELDS} questions; fields is that list.",
                               fields={"fields": ["Give at least one question."]})
    heads = page_heads(pages)
    page_keys = [h["key"] for h in heads]
    columns = {c.key: c for c in Column.objects.filter(board=board)}
    clean_fields: list[dict[str, Any]] = []
    questions: dict[str, Question] = {}
    page_of: dict[str, int] = {}
    used: dict[str, str] = {}
    for index, raw in enumerate(fields):
        key = raw.get("key") if isinstance(raw, dict) else None
        try:
            clean, question = _field(raw, access=access, columns=columns, pages=page_keys,
                                     earlier=questions, page_of=page_of, used=used)
        except QuestionError as exc:
            raise definition_error("fields", index, key, exc.message) from exc
        clean_fields.append(clean)
        questions[clean["key"]] = question
        page_of[clean["key"]] = page_keys.index(clean["page"]) if page_keys else 0
        if clean["maps_to"]:
            used[clean["maps_to"]] = clean["key"]
    if not any(not q.hidden for q in questions.values()):
        raise ValidationFailed("Every question is hidden; ask at least one.",
                               fields={"fields": ["Nothing to ask."]})
    if heads:
        page_branches(pages, heads, questions, page_of)
    checker = RouteChecker(board)
    if routing in (None, ""):
        routing = []
    if not isinstance(routing, list) or len(routing) > MAX_ROUTES:
        raise ValidationFailed(f"routing is a list of at most {MAX_ROUTES} rules.",
                               fields={"routing": ["Not a list."]})
    clean_routing = []
    for index, rule in enumerate(routing):
        try:
            clean_routing.append(checker.route(rule, questions, with_when=True))
        except QuestionError as exc:
            raise definition_error("routing", index, None, exc.message) from exc
    try:
        default = checker.route(routing_default or {}, questions, with_when=False)
    except QuestionError as exc:
        raise ValidationFailed(f"routing_default: {exc.message}.",
                               fields={"routing_default": [exc.message]}) from exc
    return {"fields": clean_fields, "pages": heads, "routing": clean_routing,
            "routing_default": default}


__all__ = ["FREE_TYPES", "MAIN_PAGE", "definition_clean"]
