"""Conditions on answers: a question's `show_if`, a page's branching (`next[].when`) and a
routing rule's `when`.

A condition is {"field": key, "op": op, "value": ...}, or {"all": [conditions]} /
{"any": [conditions]}. It is evaluated on clean answers; a question that was not shown has no
answer, so it counts as empty. Choice values are kept as option ids: a label given in the
definition is turned into its id when the form is saved, so renaming an option keeps the logic.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from automations.intake.questions import DATE_TYPES, NUMERIC_TYPES, Question, QuestionError
from boards.columns import is_empty
from boards.columns.types import option_for

OPS: tuple[str, ...] = ("equals", "not_equals", "in", "contains", "gt", "lt", "is_empty",
                        "is_not_empty")
NO_VALUE_OPS = frozenset({"is_empty", "is_not_empty"})
ORDER_OPS = frozenset({"gt", "lt"})
MAX_PARTS = 20
MAX_DEPTH = 3
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EXAMPLE = '{"field": "kind", "op": "equals", "value": "hardware"}'


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and not (
        isinstance(value, str) and len(value) > 500)


def _choice(question: Question, value: Any) -> Any:
    """A choice value named by label or id, as the option's id."""
    options = question.options()
    if options is None or not isinstance(value, str):
        return value
    if question.type == "tags" and question.settings.get("free", True):
        return value
    option = option_for(question.settings, value)
    if option is None:
        labels = ", ".join(o["label"] for o in options) or "none"
        raise QuestionError(f"'{value}' is not an option of '{question.key}' ({labels})")
    return option["id"]


def condition_clean(raw: Any, known: dict[str, Question], *, depth: int = 0) -> dict[str, Any]:
    """The condition with choice labels turned into ids. `known` holds the questions it may
    refer to; anything else is a QuestionError saying what to change."""
    if not isinstance(raw, dict):
        raise QuestionError(f"a condition is an object such as {_EXAMPLE}")
    for joiner in ("all", "any"):
        if joiner in raw:
            parts = raw[joiner]
            if set(raw) != {joiner} or not isinstance(parts, list) or not parts:
                raise QuestionError(f"'{joiner}' takes a non-empty list of conditions, alone")
            if len(parts) > MAX_PARTS or depth >= MAX_DEPTH:
                raise QuestionError(f"keep conditions to {MAX_PARTS} parts and {MAX_DEPTH} levels")
            return {joiner: [condition_clean(p, known, depth=depth + 1) for p in parts]}
    unknown = sorted(set(raw) - {"field", "op", "value"})
    if unknown:
        raise QuestionError(f"a condition has no '{unknown[0]}'; write it like {_EXAMPLE}")
    key, op = raw.get("field"), raw.get("op")
    if not isinstance(key, str) or key not in known:
        raise QuestionError(f"the condition refers to '{key}', which is not an earlier question")
    question = known[key]
    if op not in OPS:
        raise QuestionError(f"'{op}' is not a condition operator; use one of {', '.join(OPS)}")
    if op in NO_VALUE_OPS:
        return {"field": key, "op": op}
    if question.type == "file":
        raise QuestionError(f"'{key}' takes files: test it only with is_empty or is_not_empty")
    if "value" not in raw:
        raise QuestionError(f"the condition on '{key}' with '{op}' needs a value")
    value = raw["value"]
    if op == "in":
        if not isinstance(value, list) or not value or not all(_scalar(v) for v in value):
            raise QuestionError(f"'in' takes a list of values to compare '{key}' with")
        return {"field": key, "op": op, "value": [_choice(question, v) for v in value]}
    if not _scalar(value):
        raise QuestionError(f"the value compared with '{key}' is text, a number or true/false")
    if op in ORDER_OPS:
        if question.type in NUMERIC_TYPES and _number(value) is None:
            raise QuestionError(f"'{op}' compares '{key}' with a number; give one")
        if question.type in DATE_TYPES and not (isinstance(value, str)
                                                and _ISO_DATE.fullmatch(value)):
            raise QuestionError(f"'{op}' compares '{key}' with a date like 2026-03-31")
        if question.type not in NUMERIC_TYPES | DATE_TYPES:
            raise QuestionError(f"'{op}' needs a question holding a number or a date; "
                                f"'{key}' holds {question.type.replace('_', ' ')}")
        return {"field": key, "op": op, "value": value}
    return {"field": key, "op": op, "value": _choice(question, value)}


def condition_fields(condition: dict[str, Any]) -> set[str]:
    """The question keys a clean condition refers to."""
    for joiner in ("all", "any"):
        if joiner in condition:
            return set().union(*(condition_fields(p) for p in condition[joiner]))
    return {condition["field"]}


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def _plain(value: Any) -> Any:
    """A link compares by its address, a timeline by its start."""
    if isinstance(value, dict):
        return value.get("url") or value.get("start")
    return value


def _same(answer: Any, value: Any) -> bool:
    if isinstance(answer, list):
        wanted = value if isinstance(value, list) else [value]
        return ({_fold(a) for a in answer} == {_fold(v) for v in wanted}
                and len(answer) == len(wanted))
    answer = _plain(answer)
    if isinstance(answer, bool) or isinstance(value, bool):
        return _truth(answer) == _truth(value)
    left, right = _number(answer), _number(value)
    if left is not None and right is not None and not (isinstance(answer, str)
                                                       and isinstance(value, str)):
        return left == right
    return _fold(answer) == _fold(value)


def _truth(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return None


def _fold(value: Any) -> Any:
    return value.strip().casefold() if isinstance(value, str) else _plain(value)


def _ordered(answer: Any, value: Any) -> tuple[Any, Any] | None:
    answer = _plain(answer)
    left, right = _number(answer), _number(value)
    if left is not None and right is not None:
        return left, right
    if isinstance(answer, str) and isinstance(value, str) and _ISO_DATE.match(answer) \
            and _ISO_DATE.fullmatch(value):
        return answer[:10], value
    return None


def condition_met(condition: dict[str, Any] | None, answers: dict[str, Any]) -> bool:
    """Whether clean `answers` meet a clean condition (no condition is always met)."""
    if not condition:
        return True
    if "all" in condition:
        return all(condition_met(p, answers) for p in condition["all"])
    if "any" in condition:
        return any(condition_met(p, answers) for p in condition["any"])
    answer, op = answers.get(condition["field"]), condition["op"]
    if op == "is_empty":
        return is_empty(answer)
    if op == "is_not_empty":
        return not is_empty(answer)
    if is_empty(answer):
        return op == "not_equals"
    value = condition.get("value")
    if op == "equals":
        return _same(answer, value)
    if op == "not_equals":
        return not _same(answer, value)
    if op == "in":
        answers_given = answer if isinstance(answer, list) else [answer]
        return any(_same(a, v) for a in answers_given for v in value)
    if op == "contains":
        if isinstance(answer, list):
            return any(_same(a, value) for a in answer)
        if isinstance(answer, str) and isinstance(value, str):
            return value.casefold() in answer.casefold()
        return _same(answer, value)
    pair = _ordered(answer, value)
    if pair is None:
        return False
    return pair[0] > pair[1] if op == "gt" else pair[0] < pair[1]
