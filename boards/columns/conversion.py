"""Carrying values over when a column changes type (or moves to a board whose column differs).

A value converts when it means the same thing in the new type: 12 becomes "12" and back, a date
becomes a one-day timeline, a dropdown choice becomes its label and a label becomes the choice
of the same name. When it cannot (text "soon" as a number, people as text, anything into a
computed column), `convert_value` says so and the caller records the old value before dropping it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from boards.columns.types import (
    COMPUTED_TYPES,
    OPTION_TYPES,
    ColumnValueError,
    is_empty,
    option_by_label,
    option_for,
)
from boards.columns.values import validate_value

_TRUE_WORDS = {"true", "yes", "1"}
_FALSE_WORDS = {"false", "no", "0"}
# Ids of people and of items mean nothing in any other type.
_ID_TYPES = frozenset({"people", "relation"})
_NUMERIC_TYPES = frozenset({"number", "money", "rating"})


class _CannotConvert(Exception):
    pass


def convert_value(
    old_type: str,
    old_settings: dict[str, Any] | None,
    new_type: str,
    new_settings: dict[str, Any] | None,
    value: Any,
) -> tuple[bool, Any]:
    """(True, value for the new column) when the value carries over, else (False, None).

    An empty value converts to None. A computed column stores nothing, so from one there is
    nothing to lose (True, None); into one, a stored value is lost (False, None).
    """
    if is_empty(value) or old_type in COMPUTED_TYPES:
        return True, None
    if new_type in COMPUTED_TYPES:
        return False, None
    try:
        converted = _convert(old_type, old_settings or {}, new_type, new_settings or {}, value)
    except (_CannotConvert, ColumnValueError):
        return False, None
    except (KeyError, TypeError, AttributeError):
        # A stored value of an unexpected shape (older data, hand edits) does not convert.
        return False, None
    if converted is None:
        # A non-empty value that comes out empty has been lost, not converted.
        return False, None
    return True, converted


def _convert(
    old_type: str,
    old_settings: dict[str, Any],
    new_type: str,
    new_settings: dict[str, Any],
    value: Any,
) -> Any:
    if old_type in OPTION_TYPES and new_type in OPTION_TYPES:
        # Options match by label, so a choice survives new option ids or another board.
        return _from_labels(new_type, new_settings, _labels(old_type, old_settings, value))
    if old_type == new_type:
        if old_type == "relation" and old_settings.get("board") != new_settings.get("board"):
            raise _CannotConvert  # the ids are items of another board
        return validate_value(new_type, new_settings, value)
    if old_type in _ID_TYPES or new_type in _ID_TYPES:
        raise _CannotConvert
    if old_type == "timeline" and new_type == "date":
        return validate_value("date", new_settings, value.get("end"))
    if old_type == "date" and new_type == "timeline":
        day = validate_value("date", {}, value)
        return {"start": day, "end": day}
    if old_type == "checkbox" and new_type in _NUMERIC_TYPES:
        return validate_value(new_type, new_settings, 1 if value is True else 0)
    if old_type == "email" and new_type == "link":
        raise _CannotConvert  # a web address would treat the mailbox as a user name
    text = _as_text(old_type, old_settings, value)
    if new_type in OPTION_TYPES:
        return _from_labels(new_type, new_settings, _split_labels(new_type, new_settings, text))
    if new_type == "timeline":
        start, _, end = text.partition("/")
        return validate_value("timeline", {}, {"start": start, "end": end or start})
    if new_type == "checkbox":
        word = text.strip().lower()
        if word not in _TRUE_WORDS | _FALSE_WORDS:
            raise _CannotConvert
        return word in _TRUE_WORDS
    return validate_value(new_type, new_settings, text)


def _as_text(column_type: str, settings: dict[str, Any], value: Any) -> str:
    """The value as a person would type it into a text column."""
    if column_type in ("text", "long_text", "email", "phone", "money", "date"):
        return str(value)
    if column_type in ("number", "rating"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _CannotConvert
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if number == number.to_integral_value():
            return str(int(number))
        return format(number.normalize(), "f")
    if column_type == "checkbox":
        return "true" if value is True else "false"
    if column_type == "timeline":
        return f"{value['start']}/{value['end']}"
    if column_type == "link":
        return str(value["url"]) if isinstance(value, dict) else str(value)
    if column_type in OPTION_TYPES:
        return ", ".join(_labels(column_type, settings, value))
    raise _CannotConvert


def _labels(column_type: str, settings: dict[str, Any], value: Any) -> list[str]:
    """The labels of a status, dropdown or tags value."""
    if column_type == "tags":
        return [str(tag) for tag in (value if isinstance(value, list) else [value])]
    labels = []
    for option_id in value if isinstance(value, list) else [value]:
        option = option_for(settings, option_id)
        if option is None:
            raise _CannotConvert  # the choice was removed from the options
        labels.append(option["label"])
    return labels


def _split_labels(new_type: str, settings: dict[str, Any], text: str) -> list[str]:
    """Text as labels: one label, or comma-separated ones where the new column takes several."""
    several = new_type == "tags" or (new_type == "dropdown" and settings.get("multiple"))
    if not several or option_by_label(settings, text) is not None:
        return [text]
    return [part.strip() for part in text.split(",") if part.strip()]


def _from_labels(new_type: str, settings: dict[str, Any], labels: list[str]) -> Any:
    if new_type == "tags":
        return validate_value("tags", settings, labels)
    ids = []
    for label in labels:
        option = option_by_label(settings, label)
        if option is None:
            raise _CannotConvert
        ids.append(option["id"])
    if new_type == "status" or not settings.get("multiple"):
        if len(ids) != 1:
            raise _CannotConvert
        return ids[0]
    return validate_value("dropdown", settings, ids)
