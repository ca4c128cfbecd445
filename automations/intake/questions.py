"""What a form's question accepts.

A question's type follows from what it maps to: a custom column lends its type and settings, so
an answer is validated exactly like a value written to that column (`boards.columns`); a core
field of the item has a fixed type; an answer kept only on the submission (`maps_to` "") names
its type itself, with the settings a column of that type would take. Browsers post text, so an
answer is coerced from strings first ("on" for a ticked box, "12, 15" for people, and so on).

The board's columns are read when a form's questions are first needed and kept on the form
instance, so a column renamed, re-typed or given new options shows on the form at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boards.columns import COMPUTED_TYPES, ColumnValueError, is_empty, validate_value
from boards.columns.types import LONG_TEXT_MAX_LENGTH, validate_settings
from boards.models import Column, Priority

VALUES_PREFIX = "values."
CORE_TYPES: dict[str, str] = {
    "name": "text", "description": "long_text", "due_date": "date", "start_date": "date",
    "priority": "dropdown", "estimate_hours": "number", "assignees": "people",
}
# Types a question kept only on the submission may have.
FREE_TYPES: tuple[str, ...] = (
    "text", "long_text", "number", "money", "date", "timeline", "checkbox", "rating", "link",
    "email", "phone", "dropdown", "tags", "file",
)
# Column settings a free question may carry at its top level.
SETTING_KEYS: tuple[str, ...] = ("options", "multiple", "max", "max_length", "decimals", "unit",
                                 "currency")
# Answers naming people or items of the workspace: only its members can know them.
MEMBERS_ONLY_TYPES = frozenset({"people", "relation"})
OPTION_QUESTION_TYPES = frozenset({"dropdown", "status", "tags"})
MULTI_TYPES = frozenset({"tags", "people", "relation", "file"})
NUMERIC_TYPES = frozenset({"number", "money", "rating"})
DATE_TYPES = frozenset({"date", "timeline"})
TRUE_TEXT = frozenset({"on", "true", "1", "yes"})
FALSE_TEXT = frozenset({"off", "false", "0", "no"})
NAME_MAX_LENGTH = 500


class QuestionError(ValueError):
    """An answer (or a question's definition) that cannot be accepted; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Question:
    spec: dict[str, Any]  # the field as the form definition holds it
    type: str
    settings: dict[str, Any]  # the column settings answers are validated with
    column: Column | None

    @property
    def key(self) -> str:
        return self.spec["key"]

    @property
    def label(self) -> str:
        return self.spec.get("label") or self.key

    @property
    def maps_to(self) -> str:
        return self.spec.get("maps_to") or ""

    @property
    def required(self) -> bool:
        return bool(self.spec.get("required"))

    @property
    def hidden(self) -> bool:
        return bool(self.spec.get("hidden"))

    @property
    def multiple(self) -> bool:
        return self.type in MULTI_TYPES or (self.type == "dropdown"
                                            and bool(self.settings.get("multiple")))

    def options(self) -> list[dict[str, str]] | None:
        if self.type not in OPTION_QUESTION_TYPES:
            return None
        return [{"id": o["id"], "label": o["label"]} for o in self.settings.get("options") or []]

    def public(self) -> dict[str, Any]:
        """The question as a page or an API client renders it."""
        shown = {key: value for key, value in self.spec.items()
                 if key not in {"maps_to", "options", *SETTING_KEYS}}
        shown["type"] = self.type
        shown["multiple"] = self.multiple
        options = self.options()
        if options is not None:
            shown["options"] = options
        if self.type == "rating":
            shown["max"] = self.settings.get("max", 5)
        if self.type in {"text", "long_text"}:
            shown["max_length"] = self.settings.get("max_length")
        return shown


def _core_settings(maps_to: str) -> dict[str, Any]:
    if maps_to == "name":
        return {"max_length": NAME_MAX_LENGTH}
    if maps_to == "description":
        return {"max_length": LONG_TEXT_MAX_LENGTH}
    if maps_to == "priority":
        return {"options": [{"id": value, "label": label} for value, label in Priority.choices],
                "multiple": False}
    if maps_to == "estimate_hours":
        return {"decimals": 2}
    return {}


def question_for(field: dict[str, Any], columns: dict[str, Column]) -> Question:
    """The question a field definition asks, against the board's columns by key."""
    maps_to = field.get("maps_to") or ""
    if maps_to.startswith(VALUES_PREFIX):
        key = maps_to[len(VALUES_PREFIX):]
        column = columns.get(key)
        if column is None:
            raise QuestionError(f"the board has no column with key '{key}'")
        if column.type in COMPUTED_TYPES:
            raise QuestionError(f"the column '{column.title}' is computed ({column.type}), so "
                                "no answer can fill it")
        settings = dict(column.settings or {})
        chosen = field.get("options")
        if chosen and column.type in OPTION_QUESTION_TYPES:
            settings["options"] = [o for o in settings.get("options") or []
                                   if o.get("id") in chosen]
        return Question(field, column.type, settings, column)
    if maps_to in CORE_TYPES:
        return Question(field, CORE_TYPES[maps_to], _core_settings(maps_to), None)
    if maps_to:
        raise QuestionError(
            f"maps_to '{maps_to}' is not something an item has; use one of "
            f"{', '.join(CORE_TYPES)}, values.<column key>, or \"\" to keep the answer only on "
            "the submission")
    kind = field.get("type")
    if kind not in FREE_TYPES:
        raise QuestionError(f"a question kept only on the submission needs a type: one of "
                            f"{', '.join(FREE_TYPES)}")
    if kind == "file":
        return Question(field, kind, {}, None)
    settings = {key: field[key] for key in SETTING_KEYS if key in field}
    if kind == "tags":
        settings.setdefault("free", not settings.get("options"))
    try:
        return Question(field, kind, validate_settings(kind, settings), None)
    except ColumnValueError as exc:
        raise QuestionError(exc.message) from exc


def mapped_column_keys(fields: list[dict[str, Any]] | None) -> list[str]:
    """Keys of the board columns these questions map to, in order."""
    return [f["maps_to"][len(VALUES_PREFIX):] for f in fields or []
            if (f.get("maps_to") or "").startswith(VALUES_PREFIX)]


def questions_for(fields: list[dict[str, Any]] | None, columns: dict[str, Column]
                  ) -> list[Question]:
    """The questions of a definition against the board's columns by key; a question whose
    column has gone is left out."""
    questions = []
    for field in fields or []:
        try:
            questions.append(question_for(field, columns))
        except QuestionError:
            continue
    return questions


def form_questions(form: Any) -> list[Question]:
    """The form's questions in order, resolved against its board's columns (read once per
    form instance and definition). A question whose column has gone is left out."""
    cached = getattr(form, "_intake_questions", None)
    if cached is not None and cached[0] is form.fields:
        return cached[1]
    keys = mapped_column_keys(form.fields)
    columns = ({c.key: c for c in Column.objects.filter(board_id=form.board_id, key__in=keys)}
               if keys else {})
    questions = questions_for(form.fields, columns)
    form._intake_questions = (form.fields, questions)
    return questions


def _one(value: Any) -> Any:
    """HTML posts lists for repeated names; a single-answer question takes one of them."""
    if isinstance(value, list | tuple):
        values = [v for v in value if not is_empty(v)]
        if len(values) > 1:
            raise QuestionError("Give one answer.")
        return values[0] if values else None
    return value


def _ids(value: Any) -> Any:
    parts = value if isinstance(value, list | tuple) else [value]
    ids: list[Any] = []
    for part in parts:
        if isinstance(part, str):
            ids += [int(p) if p.strip().isdigit() else p for p in part.split(",") if p.strip()]
        else:
            ids.append(part)
    return ids


def coerce(kind: str, value: Any, *, multiple: bool = False) -> Any:
    """An answer as posted (often text) in the shape the column type validates."""
    if kind in {"people", "relation"}:
        return _ids(value)
    if kind == "tags" and isinstance(value, str):
        return [part for part in value.split(",") if part.strip()]
    if kind == "dropdown" and multiple:
        return value if isinstance(value, list | tuple) else [value]
    if kind in MULTI_TYPES:
        return value
    value = _one(value)
    if kind == "checkbox":
        if value is None:
            return False
        if isinstance(value, str):
            text = value.strip().lower()
            if text in TRUE_TEXT or text in FALSE_TEXT or not text:
                return text in TRUE_TEXT
        return value
    if kind == "timeline" and isinstance(value, str) and "/" in value:
        start, _, end = value.partition("/")
        return {"start": start.strip(), "end": end.strip()}
    return value


def clean_value(question: Question, value: Any) -> Any:
    """The answer as stored (None when empty), or QuestionError. Files are checked elsewhere."""
    value = coerce(question.type, value, multiple=question.multiple)
    if question.type != "checkbox" and is_empty(value):
        return None
    try:
        clean = validate_value(question.type, question.settings, value)
    except ColumnValueError as exc:
        raise QuestionError(exc.message) from exc
    if question.maps_to == "estimate_hours" and clean is not None and clean < 0:
        raise QuestionError("Enter zero or more hours.")
    if question.maps_to == "estimate_hours" and clean is not None and clean >= 10**6:
        raise QuestionError("Enter fewer than 1,000,000 hours.")
    return clean
