"""How a form's questions become inputs on the public form page, and how a page's post becomes
raw answers again.

A question (as `automations.intake.answers.visible_fields` describes it: its definition with the
type, `multiple` and `options` resolved) becomes a `Question`: its control, ids, the ids that
describe it (help and error), the value shown again, and whether it is shown now. Raw answers are
what a browser posts: a string per key, a list for a multiple answer, "<key>.start" and
"<key>.end" for a timeline, uploaded files for a file question.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# type -> (input type, inputmode, autocomplete). Numbers are text with a numeric keyboard:
# number inputs change their value on a scroll and read badly to screen readers.
_INPUTS: dict[str, tuple[str, str, str]] = {
    "text": ("text", "", ""),
    "email": ("email", "email", "email"),
    "link": ("url", "url", "url"),
    "phone": ("tel", "tel", "tel"),
    "number": ("text", "decimal", ""),
    "money": ("text", "decimal", ""),
    "date": ("date", "", ""),
}
_HINTS = {
    "tags": "Separate answers with commas.",
    "relation": "Item numbers, separated by commas.",
}


@dataclass
class Option:
    value: str
    label: str
    id: str
    selected: bool = False


@dataclass
class Question:
    key: str
    type: str
    id: str
    label: str
    help: str
    required: bool
    kind: str  # input, textarea, select, choices, checkbox, timeline, file
    input_type: str = "text"
    inputmode: str = ""
    autocomplete: str = ""
    placeholder: str = ""
    accept: str = ""
    multiple: bool = False
    maxlength: int | None = None
    value: str = ""
    start: str = ""
    end: str = ""
    options: list[Option] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # names of files sent on an earlier post
    errors: list[str] = field(default_factory=list)
    visible: bool = True
    show_if: str = ""

    @property
    def describedby(self) -> str:
        ids = [f"{self.id}-help"] if self.help else []
        if self.errors:
            ids.append(f"{self.id}-error")
        return " ".join(ids)

    @property
    def anchor(self) -> str:
        """Where an error summary's link leads: the input, or a group's first control."""
        if self.kind == "choices" and self.options:
            return self.options[0].id
        if self.kind == "timeline":
            return f"{self.id}-start"
        return self.id


def _is_multiple(spec: Mapping[str, Any]) -> bool:
    """Answered with several ticked boxes (free tags and item numbers are typed instead)."""
    return bool(spec.get("multiple")) and bool(spec.get("options")) \
        and spec.get("type") != "file"


def raw_answers(specs: Iterable[Mapping[str, Any]], data: Any, files: Any,
                *, posted: set[str]) -> dict[str, Any]:
    """The answers a post holds for the form's own questions, nothing else. On the page that
    was posted (`posted`: its question keys) a question left blank is an empty answer, not an
    absent one, so its default does not come back."""
    raw: dict[str, Any] = {}
    for spec in specs:
        key, kind = spec["key"], spec.get("type")
        if kind == "file":
            uploads = [f for f in files.getlist(key) if f.name] if key in posted else []
            if uploads:
                raw[key] = uploads
        elif kind == "timeline":
            for part in (f"{key}.start", f"{key}.end"):
                if part in data or key in posted:
                    raw[part] = data.get(part, "")
        elif _is_multiple(spec):
            if key in data or key in posted:
                raw[key] = [v for v in data.getlist(key) if v != ""]
        elif key in data or key in posted:
            raw[key] = data.get(key, "")
    return raw


def carried_inputs(specs: Iterable[Mapping[str, Any]], raw: Mapping[str, Any],
                   page_keys: set[str]) -> list[dict[str, Any]]:
    """The hidden inputs that carry the answers given on other pages: name, value, and the
    question's type and whether it takes several answers (the page script reads them). An
    empty multiple answer is carried as one empty value, so it stays empty."""
    carried: list[dict[str, Any]] = []
    for spec in specs:
        key, kind = spec["key"], spec.get("type", "text")
        if key in page_keys or kind == "file":
            continue
        names = [f"{key}.start", f"{key}.end"] if kind == "timeline" else [key]
        for name in names:
            if name not in raw:
                continue
            value = raw[name]
            values = (value or [""]) if isinstance(value, list) else [value]
            carried += [{"name": name, "value": str(one), "type": kind,
                         "multiple": _is_multiple(spec)} for one in values]
    return carried


def _options(spec: Mapping[str, Any], qid: str, chosen: set[str]) -> list[Option]:
    options = spec.get("options")
    if spec.get("type") == "rating":
        options = [{"id": str(n), "label": str(n)} for n in range(1, int(spec.get("max") or 5) + 1)]
    return [Option(value=str(o["id"]), label=str(o["label"]), id=f"{qid}-{n}",
                   selected=str(o["id"]) in chosen)
            for n, o in enumerate(options or [], start=1)]


def _chosen(value: Any) -> set[str]:
    if isinstance(value, list):
        return {str(v) for v in value}
    return {str(value)} if value not in (None, "") else set()


def _help(spec: Mapping[str, Any]) -> str:
    parts = [spec.get("help") or ""]
    kind = spec.get("type")
    if kind in _HINTS and not (kind == "tags" and spec.get("options")):
        parts.append(_HINTS[kind])
    if kind == "file":
        most = spec.get("max_files") or 1
        parts.append(f"Up to {most} file{'s' if most > 1 else ''}"
                     + (f" of {_size(spec['max_bytes'])} each" if spec.get("max_bytes") else "")
                     + (f"; {', '.join(spec['accept'])}" if spec.get("accept") else "") + ".")
    return " ".join(p for p in parts if p)


def _size(limit: int) -> str:
    return f"{limit / (1024 * 1024):.0f} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


def question(spec: Mapping[str, Any], raw: Mapping[str, Any], *, errors: list[str],
             visible: bool) -> Question:
    """The control for question `spec`, showing its answer in `raw`."""
    key, kind = spec["key"], spec.get("type", "text")
    qid = f"q-{key}"
    value = raw.get(key)
    q = Question(key=key, type=kind, id=qid, label=spec.get("label") or key, help=_help(spec),
                 required=bool(spec.get("required")), kind="input", errors=errors,
                 visible=visible, placeholder=spec.get("placeholder") or "")
    if spec.get("show_if"):
        q.show_if = json.dumps(spec["show_if"], separators=(",", ":"))
    if isinstance(spec.get("max_length"), int):
        q.maxlength = spec["max_length"]
    if kind == "file":
        q.kind, q.multiple = "file", (spec.get("max_files") or 1) > 1
        q.accept = ",".join(spec.get("accept") or [])
    elif kind == "timeline":
        q.kind = "timeline"
        q.start, q.end = str(raw.get(f"{key}.start") or ""), str(raw.get(f"{key}.end") or "")
    elif kind == "checkbox":
        q.kind = "checkbox"
        q.value = "1" if str(value or "").strip().lower() in {"1", "on", "true", "yes"} else ""
    elif spec.get("options") or kind == "rating":
        q.options = _options(spec, qid, _chosen(value))
        q.kind = "choices" if _is_multiple(spec) else "select"
    elif kind == "long_text":
        q.kind, q.value = "textarea", "" if value is None else str(value)
    else:
        q.input_type, q.inputmode, q.autocomplete = _INPUTS.get(kind, _INPUTS["text"])
        q.value = ", ".join(map(str, value)) if isinstance(value, list) \
            else "" if value is None else str(value)
    return q


def initial_answers(specs: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The questions' defaults, as a browser would post them, to show on a first visit."""
    raw: dict[str, Any] = {}
    for spec in specs:
        default = spec.get("default")
        if default in (None, "", []) or spec.get("type") == "file":
            continue
        if spec.get("type") == "timeline" and isinstance(default, Mapping):
            raw[f"{spec['key']}.start"] = str(default.get("start") or "")
            raw[f"{spec['key']}.end"] = str(default.get("end") or "")
        elif isinstance(default, bool):
            raw[spec["key"]] = "1" if default else ""
        elif isinstance(default, list):
            raw[spec["key"]] = [str(v) for v in default]
        else:
            raw[spec["key"]] = str(default)
    return raw
