"""One step of the public form: which page is shown, the answers so far, and its rendering.

`FormStep.start` reads a request (a first visit, or a page posted with the answers of the other
pages in hidden inputs) and `render_step` draws the page. Names of our own inputs hold a hyphen,
which a question's key never does, so they never clash with answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from automations.intake.answers import MAIN_PAGE, hidden_values, page_path, visible_fields
from automations.intake.conditions import condition_fields
from automations.intake.questions import form_questions
from automations.models import Form
from automations.views_intake_fields import (
    carried_inputs,
    initial_answers,
    question,
    raw_answers,
)
from automations.views_intake_uploads import uploads_restore
from boards.columns import is_empty
from workos.errors import ValidationFailed
from workos.tenancy.models import Membership
from workos.tenancy.selectors import membership_list

ACTIONS = ("next", "back", "submit")
EMAIL = "intake-email"
KEPT = "intake-file-"


def _specs(form: Form) -> list[dict[str, Any]]:
    """Every question a person may be shown, as the pages render it, with its page."""
    first = form.pages[0]["key"] if form.pages else MAIN_PAGE
    specs, people = [], None
    for q in form_questions(form):
        if q.hidden:
            continue
        spec = {**q.public(), "page": q.spec.get("page") or first}
        if q.type == "people":
            # Only forms for members may ask for people (the definition refuses it otherwise).
            if people is None:
                people = [{"id": str(m.pk), "label": m.user.get_full_name() or m.user.email
                           or m.user.username} for m in membership_list(workspace=form.workspace)]
            spec["options"], spec["multiple"] = people, True
        specs.append(spec)
    return specs


def _hidden_values(form: Form, prefill: dict[str, str], specs: list[dict[str, Any]]
                   ) -> list[dict[str, Any]]:
    """The values of the hidden questions a `show_if` names (the link's, else the default), as
    hidden inputs for the page script's conditions (the server takes them from the link, never
    from the post). Others are left out of the page: a hidden question's default may be the
    form owner's business."""
    named = set().union(*(condition_fields(s["show_if"]) for s in specs if s.get("show_if")))
    values = hidden_values(form, prefill)
    types = {q.key: q.type for q in form_questions(form) if q.hidden}
    return [{"name": key, "value": "" if values.get(key) is None else str(values[key]),
             "type": kind} for key, kind in types.items() if key in named]


def _messages(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [m for part in value.values() for m in _messages(part)]
    if isinstance(value, list | tuple):
        return [str(m) for m in value]
    return [str(value)]


@dataclass
class FormStep:
    form: Form
    submitter: Membership | None
    prefill: dict[str, str]
    specs: list[dict[str, Any]]
    page: str
    raw: dict[str, Any] = field(default_factory=dict)
    action: str = "next"
    stamp: str = ""
    shown_before: set[str] | None = None
    email: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notice: str = ""
    kept: dict[str, str] = field(default_factory=dict)
    kept_names: dict[str, list[str]] = field(default_factory=dict)
    opened: list[Any] = field(default_factory=list)

    @classmethod
    def start(cls, form: Form, request: HttpRequest, *, submitter: Membership | None,
              prefill: dict[str, str]) -> FormStep:
        specs = _specs(form)
        step = cls(form=form, submitter=submitter, prefill=prefill, specs=specs,
                   page=page_path(form, {}, prefill=prefill)[0])
        if request.method != "POST":
            return step
        data = request.POST
        pages = {s["page"] for s in specs} | {p["key"] for p in form.pages or []}
        if data.get("intake-page") in pages:
            step.page = data["intake-page"]
        posted = {s["key"] for s in specs if s["page"] == step.page}
        step.raw = raw_answers(specs, data, request.FILES, posted=posted)
        step.action = data.get("intake-action") if data.get("intake-action") in ACTIONS \
            else "next"
        step.stamp = data.get("intake-stamp", "")
        if "intake-shown" in data:
            step.shown_before = {k for k in data["intake-shown"].split(",") if k}
        step.email = data.get(EMAIL, "").strip()[:254]
        for spec in specs:
            key = spec["key"]
            note = data.get(KEPT + key, "")
            if spec["type"] != "file" or key in step.raw or not note:
                continue
            files, names = uploads_restore(form, key, note)
            if files:
                step.raw[key], step.kept[key], step.kept_names[key] = files, note, names
                step.opened += files
        return step

    # Where the walk goes.
    def path(self) -> list[str]:
        return page_path(self.form, self.raw, prefill=self.prefill)

    def show_page(self, page: str) -> None:
        self.page = page

    def go_back(self) -> None:
        path = self.path()
        if self.page in path and path.index(self.page) > 0:
            self.page = path[path.index(self.page) - 1]

    def go_next(self) -> None:
        path = self.path()
        self.page = path[path.index(self.page) + 1]

    def is_last(self) -> bool:
        return self.path()[-1] == self.page

    def newly_shown(self) -> set[str]:
        """Unanswered questions of this page that its answers brought up, unseen when sent."""
        if self.shown_before is None:
            return set()
        visible = {q["key"] for q in visible_fields(self.form, self.raw, page=self.page,
                                                    prefill=self.prefill)}
        return {k for k in visible - self.shown_before if is_empty(self.raw.get(k))}

    # Problems.
    def drop_errors(self, keys: set[str]) -> None:
        for key in keys:
            self.errors.pop(key, None)

    def take_errors(self, exc: ValidationFailed) -> None:
        """Put each message by its question (the first one's page is shown), the e-mail's by
        the e-mail input, and anything else at the top."""
        by_key = {s["key"]: s for s in self.specs}
        placed = False
        for key, messages in (exc.fields or {}).items():
            if key in by_key:
                self.errors[key] = _messages(messages)
                placed = True
            elif key == "email" and self.asks_email():
                self.errors[EMAIL] = _messages(messages)
                placed = True
        if not placed:
            self.problems.append(exc.message)
        on_page = [k for k in self.errors if k in by_key and by_key[k]["page"] == self.page]
        if self.errors and not on_page and EMAIL not in self.errors:
            self.page = by_key[next(k for k in self.errors if k in by_key)]["page"]

    # Answers.
    def asks_email(self) -> bool:
        return self.submitter is None

    def files(self) -> dict[str, list[Any]]:
        return {s["key"]: self.raw[s["key"]] for s in self.specs
                if s["type"] == "file" and s["key"] in self.raw}

    def answers_without_files(self) -> dict[str, Any]:
        files = self.files()
        return {k: v for k, v in self.raw.items() if k not in files}

    def keep_valid_uploads(self, keep: Any) -> None:
        """Keep the files sent with this post that passed their checks, for the pages after."""
        for spec in self.specs:
            key = spec["key"]
            uploads = self.raw.get(key)
            if spec["type"] != "file" or not uploads or key in self.errors \
                    or self.kept.get(key):
                continue
            self.kept[key] = keep(self.form, key, uploads)
            self.kept_names[key] = [u.name for u in uploads]

    def close_files(self) -> None:
        for opened in self.opened:
            opened.close()


def _about(label: str, message: str) -> str:
    """An error summary's line: the question, then what to do."""
    return f"{label} {message}" if label.rstrip()[-1:] in {"?", ".", ":", "!"} \
        else f"{label}: {message}"


def render_step(request: HttpRequest, step: FormStep, *, status: int = 200) -> HttpResponse:
    form = step.form
    path = step.path()
    if step.page not in path:
        step.page = path[0]
    page_specs = [s for s in step.specs if s["page"] == step.page]
    page_keys = {s["key"] for s in page_specs}
    visible = {q["key"] for q in visible_fields(form, step.raw, page=step.page,
                                                prefill=step.prefill)}
    shown_answers = {**initial_answers(page_specs), **step.raw}
    questions = []
    for spec in page_specs:
        q = question(spec, shown_answers, errors=step.errors.get(spec["key"], []),
                     visible=spec["key"] in visible)
        q.kept = step.kept_names.get(spec["key"], [])
        questions.append(q)
    last = path[-1] == step.page
    summary = [{"anchor": q.anchor, "message": _about(q.label, m)}
               for q in questions for m in q.errors]
    if last and step.asks_email():
        summary += [{"anchor": EMAIL, "message": _about("Your e-mail address", m)}
                    for m in step.errors.get(EMAIL, [])]
    summary += [{"anchor": "", "message": p} for p in step.problems]
    carried = carried_inputs(step.specs, step.raw, page_keys)
    carried += _hidden_values(form, step.prefill, step.specs)
    carried += [{"name": KEPT + key, "value": note} for key, note in step.kept.items()]
    if not last and step.email:
        carried.append({"name": EMAIL, "value": step.email})
    pages = {p["key"]: p for p in form.pages or []}
    context = {
        "form": form,
        "action": request.get_full_path(),
        "step": {"key": step.page, "number": path.index(step.page) + 1, "count": len(path),
                 "last": last, "title": pages.get(step.page, {}).get("title") or "",
                 "description": pages.get(step.page, {}).get("description") or ""},
        "questions": questions,
        "summary": summary,
        "carried": carried,
        "shown": ",".join(sorted(visible)),
        "stamp": step.stamp,
        "notice": step.notice,
        "ask_email": last and step.asks_email(),
        "email": step.email,
        "email_errors": step.errors.get(EMAIL, []),
    }
    response = render(request, "intake/form.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
