"""Column types of a board and the settings each type takes.

A column is a typed field definition; its values live in `Item.values` under the column's key. The
type decides which settings the column has (checked here), which values it holds
(`boards.columns.values`) and how values carry over when the type changes
(`boards.columns.conversion`). Computed types hold no stored value: formula, mirror, rollup and
time tracked are worked out when read.
"""

from __future__ import annotations

import re
from typing import Any

from boards.formula import FormulaError, parse_formula

COLUMN_TYPES: tuple[str, ...] = (
    "text",
    "long_text",
    "number",
    "money",
    "date",
    "timeline",
    "people",
    "status",
    "dropdown",
    "tags",
    "checkbox",
    "rating",
    "link",
    "email",
    "phone",
    "formula",
    "relation",
    "mirror",
    "rollup",
    "time_tracked",
)
COMPUTED_TYPES: frozenset[str] = frozenset({"formula", "mirror", "rollup", "time_tracked"})
# Types whose settings carry labelled options.
OPTION_TYPES: frozenset[str] = frozenset({"status", "dropdown", "tags"})
ROLLUP_FUNCTIONS: tuple[str, ...] = ("sum", "avg", "min", "max", "count")

TEXT_MAX_LENGTH = 2000
LONG_TEXT_MAX_LENGTH = 100_000
MAX_OPTIONS = 200
OPTION_LABEL_MAX = 100
# Colours handed to options that come without one, in turn.
OPTION_PALETTE = ("#579bfc", "#00c875", "#fdab3d", "#e2445c", "#a25ddc", "#037f4c", "#c4c4c4")

_KEY = re.compile(r"[a-z][a-z0-9_]{0,62}")
_OPTION_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_CURRENCY = re.compile(r"[A-Za-z]{3}")

_SETTINGS: dict[str, tuple[str, ...]] = {
    "text": ("max_length",),
    "long_text": ("max_length",),
    "number": ("decimals", "unit"),
    "money": ("currency",),
    "date": ("include_time",),
    "timeline": (),
    "people": (),
    "status": ("options",),
    "dropdown": ("options", "multiple"),
    "tags": ("options", "free"),
    "checkbox": (),
    "rating": ("max",),
    "link": (),
    "email": (),
    "phone": (),
    "formula": ("expression",),
    "relation": ("board",),
    "mirror": ("relation", "column"),
    "rollup": ("column", "function"),
    "time_tracked": (),
}


class ColumnValueError(ValueError):
    """A column setting or value that cannot be accepted; `message` says what to change."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_empty(value: Any) -> bool:
    """True for values that mean "nothing here": None, blank text, an empty list or object.

    False and 0 are values, not emptiness.
    """
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict | set | frozenset):
        return len(value) == 0
    return False


def _name(column_type: str) -> str:
    article = "an" if column_type[0] in "aeiou" else "a"
    return f"{article} {column_type.replace('_', ' ')} column"


def _whole(
    settings: dict[str, Any], key: str, default: int, low: int, high: int, column_type: str
) -> int:
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ColumnValueError(
            f"The {key.replace('_', ' ')} of {_name(column_type)} is a whole number from "
            f"{low} to {high}."
        )
    return value


def _flag(settings: dict[str, Any], key: str, default: bool, column_type: str) -> bool:
    value = settings.get(key, default)
    if not isinstance(value, bool):
        raise ColumnValueError(
            f"The {key.replace('_', ' ')} setting of {_name(column_type)} is true or false."
        )
    return value


def _column_key(settings: dict[str, Any], key: str, column_type: str) -> str:
    value = settings.get(key)
    if not isinstance(value, str) or not _KEY.fullmatch(value):
        raise ColumnValueError(
            f"{_name(column_type).capitalize()} needs '{key}': the key of a column, such as "
            "'estimate'."
        )
    return value


def _option_id(label: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:32] or "option"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    return candidate


def clean_options(raw: Any, column_type: str) -> list[dict[str, str]]:
    """Options as [{"id", "label", "color"}]: ids made from labels where missing, labels unique
    regardless of case (values and type changes match options by label)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ColumnValueError(f"The options of {_name(column_type)} are a list.")
    if len(raw) > MAX_OPTIONS:
        raise ColumnValueError(
            f"{_name(column_type).capitalize()} takes at most {MAX_OPTIONS} options."
        )
    entries: list[dict[str, Any]] = []
    for index, option in enumerate(raw):
        entry = {"label": option} if isinstance(option, str) else option
        if not isinstance(entry, dict) or set(entry) - {"id", "label", "color"}:
            raise ColumnValueError(
                f"Option {index + 1} of {_name(column_type)} is an object with a label and, "
                "optionally, an id and a color."
            )
        entries.append(entry)
    given = [e["id"] for e in entries if e.get("id") is not None]
    for option_id in given:
        if not isinstance(option_id, str) or not _OPTION_ID.fullmatch(option_id):
            raise ColumnValueError(
                f"Option id {option_id!r} is not valid; use up to 40 letters, digits, '_' or '-'."
            )
    if len(set(given)) != len(given):
        raise ColumnValueError(f"Two options of {_name(column_type)} share an id.")
    taken, labels = set(given), set()
    options = []
    for index, entry in enumerate(entries):
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip() or "\x00" in label:
            raise ColumnValueError(f"Option {index + 1} of {_name(column_type)} needs a label.")
        label = label.strip()
        if len(label) > OPTION_LABEL_MAX:
            raise ColumnValueError(
                f"The option label '{label[:20]}…' is longer than {OPTION_LABEL_MAX} characters."
            )
        if label.casefold() in labels:
            raise ColumnValueError(
                f"The label '{label}' appears twice; give each option its own label."
            )
        labels.add(label.casefold())
        option_id = entry.get("id")
        if option_id is None:
            option_id = _option_id(label, taken)
            taken.add(option_id)
        color = entry.get("color") or OPTION_PALETTE[index % len(OPTION_PALETTE)]
        if not isinstance(color, str) or not _COLOR.fullmatch(color):
            raise ColumnValueError(f"The color of option '{label}' is a hex code such as #00c875.")
        options.append({"id": option_id, "label": label, "color": color.lower()})
    return options


def _clean(column_type: str, s: dict[str, Any], known_keys: set[str] | None) -> dict[str, Any]:
    if column_type == "text":
        return {
            "max_length": _whole(s, "max_length", TEXT_MAX_LENGTH, 1, TEXT_MAX_LENGTH, column_type)
        }
    if column_type == "long_text":
        return {
            "max_length": _whole(
                s, "max_length", LONG_TEXT_MAX_LENGTH, 1, LONG_TEXT_MAX_LENGTH, column_type
            )
        }
    if column_type == "number":
        unit = s.get("unit", "")
        if not isinstance(unit, str) or len(unit.strip()) > 20:
            raise ColumnValueError("The unit of a number column is text of up to 20 characters.")
        return {"decimals": _whole(s, "decimals", 2, 0, 6, column_type), "unit": unit.strip()}
    if column_type == "money":
        # None: the workspace's currency.
        currency = s.get("currency")
        if currency is not None and (
            not isinstance(currency, str) or not _CURRENCY.fullmatch(currency)
        ):
            raise ColumnValueError("The currency of a money column is a 3-letter code like EUR.")
        return {"currency": currency.upper() if currency else None}
    if column_type == "date":
        return {"include_time": _flag(s, "include_time", False, column_type)}
    if column_type == "status":
        return {"options": clean_options(s.get("options"), column_type)}
    if column_type == "dropdown":
        return {
            "options": clean_options(s.get("options"), column_type),
            "multiple": _flag(s, "multiple", False, column_type),
        }
    if column_type == "tags":
        return {
            "options": clean_options(s.get("options"), column_type),
            "free": _flag(s, "free", True, column_type),
        }
    if column_type == "rating":
        return {"max": _whole(s, "max", 5, 1, 10, column_type)}
    if column_type == "formula":
        expression = s.get("expression")
        if not isinstance(expression, str) or not expression.strip():
            raise ColumnValueError("A formula column needs an expression, such as {price} * 2.")
        try:
            parse_formula(expression, known_keys=known_keys)
        except FormulaError as exc:
            raise ColumnValueError(exc.message) from exc
        return {"expression": expression.strip()}
    if column_type == "relation":
        board = s.get("board")
        if isinstance(board, bool) or not isinstance(board, int) or board <= 0:
            raise ColumnValueError(
                "A relation column needs 'board': the id of the board it links to."
            )
        return {"board": board}
    if column_type == "mirror":
        return {
            "relation": _column_key(s, "relation", column_type),
            "column": _column_key(s, "column", column_type),
        }
    if column_type == "rollup":
        function = s.get("function", "sum")
        if function not in ROLLUP_FUNCTIONS:
            raise ColumnValueError(
                f"The function of a rollup column is one of {', '.join(ROLLUP_FUNCTIONS)}."
            )
        return {"column": _column_key(s, "column", column_type), "function": function}
    return {}


def validate_settings(
    column_type: str, settings: dict[str, Any] | None, *, known_keys: set[str] | None = None
) -> dict[str, Any]:
    """The column's settings cleaned and completed with defaults.

    Raises ColumnValueError for an unknown type, an unknown setting or a bad value. With
    `known_keys` (the board's column keys), a formula may reference only those columns.
    """
    if column_type not in _SETTINGS:
        raise ColumnValueError(
            f"'{column_type}' is not a column type; use one of {', '.join(COLUMN_TYPES)}."
        )
    if settings is None:
        settings = {}
    if not isinstance(settings, dict):
        raise ColumnValueError("Column settings are a JSON object.")
    allowed = _SETTINGS[column_type]
    unknown = sorted(set(settings) - set(allowed))
    if unknown:
        takes = f"it takes {', '.join(allowed)}" if allowed else "it takes no settings"
        raise ColumnValueError(f"Unknown setting '{unknown[0]}' for {_name(column_type)}; {takes}.")
    return _clean(column_type, settings, known_keys)


def option_for(settings: dict[str, Any], wanted: Any) -> dict[str, str] | None:
    """The option named by id, or else by label ignoring case; None when there is none."""
    if not isinstance(wanted, str):
        return None
    options = settings.get("options") or []
    for option in options:
        if option.get("id") == wanted:
            return option
    return option_by_label(settings, wanted)


def option_by_label(settings: dict[str, Any], label: str) -> dict[str, str] | None:
    folded = label.strip().casefold()
    for option in settings.get("options") or []:
        if str(option.get("label", "")).casefold() == folded:
            return option
    return None
