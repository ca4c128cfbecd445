"""Pages of a form and the branching between them, checked when the form is saved.

A page is {"key", "title", "description", "next": [{"when": condition, "page": key}],
"default_next"}. Without `default_next` a page leads to the one after it, and the last page
ends the form ("" ends it anywhere). A branch may depend only on questions of its page or of
pages before it; the pages may never loop, and each must be reachable and ask something.
"""

from __future__ import annotations

import re
from typing import Any

from automations.intake.conditions import condition_clean, condition_fields
from automations.intake.questions import Question, QuestionError
from workos.errors import ValidationFailed

MAX_PAGES = 20
KEY = re.compile(r"[a-z][a-z0-9_]{0,62}")
PAGE_KEYS = frozenset({"key", "title", "description", "next", "default_next"})


def definition_error(section: str, index: int, key: Any, message: str) -> ValidationFailed:
    where = f"{section}[{index}]" + (f" (key '{key}')" if isinstance(key, str) and key else "")
    return ValidationFailed(f"{where}: {message}.", fields={section: {str(index): [message]}})


def text_of(field: dict[str, Any], name: str, limit: int, *, required: bool = False) -> str:
    value = field.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > limit or "\x00" in value:
        raise QuestionError(f"{name} is text of at most {limit} characters")
    if required and not value.strip():
        raise QuestionError(f"give the question a {name}")
    return value.strip()



def page_heads(pages: Any) -> list[dict[str, Any]]:
    if pages in (None, []):
        return []
    if not isinstance(pages, list) or len(pages) > MAX_PAGES:
        raise ValidationFailed(f"pages is a list of at most {MAX_PAGES} pages.",
                               fields={"pages": ["Not a list."]})
    heads, seen = [], set()
    for index, page in enumerate(pages):
        key = page.get("key") if isinstance(page, dict) else None
        try:
            if not isinstance(page, dict):
                raise QuestionError("a page is an object with key and title")
            unknown = sorted(set(page) - PAGE_KEYS)
            if unknown:
                raise QuestionError(f"a page has no '{unknown[0]}'")
            if not isinstance(key, str) or not KEY.fullmatch(key) or key in seen:
                raise QuestionError("each page needs its own key of lower-case letters, digits "
                                    "or '_'")
            head = {"key": key, "title": text_of(page, "title", 200)}
            if page.get("description"):
                head["description"] = text_of(page, "description", 2000)
        except QuestionError as exc:
            raise definition_error("pages", index, key, exc.message) from exc
        seen.add(key)
        heads.append(head)
    return heads


def page_branches(raw_pages: list[Any], heads: list[dict[str, Any]],
              questions: dict[str, Question], page_of: dict[str, int]) -> None:
    keys = [h["key"] for h in heads]
    for index, (raw, head) in enumerate(zip(raw_pages, heads, strict=True)):
        try:
            rules = raw.get("next") or []
            if not isinstance(rules, list):
                raise QuestionError('next is a list of {"when": condition, "page": key}')
            head["next"] = []
            for rule in rules:
                if not isinstance(rule, dict) or set(rule) != {"when", "page"}:
                    raise QuestionError('each next rule is {"when": condition, "page": key}')
                if rule["page"] not in keys or rule["page"] == head["key"]:
                    raise QuestionError(f"next names page '{rule['page']}', which is not "
                                        "another page of the form")
                when = condition_clean(rule["when"], questions)
                later = sorted(k for k in condition_fields(when) if page_of[k] > index)
                if later:
                    raise QuestionError(f"the branch depends on '{later[0]}', which is asked "
                                        "on a later page")
                head["next"].append({"when": when, "page": rule["page"]})
            following = keys[index + 1] if index + 1 < len(keys) else ""
            default = raw.get("default_next", following)
            if default not in ("", None, *keys) or default == head["key"]:
                raise QuestionError(f"default_next '{default}' is not another page of the form; "
                                    "use \"\" to end the form")
            head["default_next"] = default or ""
        except QuestionError as exc:
            raise definition_error("pages", index, head["key"], exc.message) from exc
    _check_flow(heads, questions, page_of)


def _check_flow(heads: list[dict[str, Any]], questions: dict[str, Question],
                page_of: dict[str, int]) -> None:
    edges = {h["key"]: [r["page"] for r in h["next"]] + [h["default_next"]] for h in heads}
    order = [h["key"] for h in heads]
    done: set[str] = set()

    def visit(key: str, trail: list[str]) -> None:
        if key in trail:
            loop = " → ".join([*trail[trail.index(key):], key])
            raise definition_error("pages", order.index(key), key,
                                   f"the pages go round in a loop: {loop}")
        if key in done:
            return
        for nxt in edges[key]:
            if nxt:
                visit(nxt, [*trail, key])
        done.add(key)

    for key in order:
        visit(key, [])
    reached, todo = {order[0]}, [order[0]]
    while todo:
        for nxt in edges[todo.pop()]:
            if nxt and nxt not in reached:
                reached.add(nxt)
                todo.append(nxt)
    for index, key in enumerate(order):
        if key not in reached:
            raise definition_error("pages", index, key, "no answer ever leads to this page")
        if not any(page_of[k] == index and not q.hidden for k, q in questions.items()):
            raise definition_error("pages", index, key, "the page has no question to show")
