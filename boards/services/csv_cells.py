"""Reading one CSV cell into an item field or a custom column value.

Cells are what people type into spreadsheets, so this is the tolerant side of the API: statuses,
groups, priorities and options by label regardless of case, people by e-mail address or name
(or the "Name <email>" form the export writes), several values separated by commas or
semicolons, yes/no for checkboxes. What a cell becomes is then checked by the same column type
validators as every other write (`boards.columns.validate_value`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from boards.columns import ColumnValueError, validate_value
from boards.columns.types import COMPUTED_TYPES, option_for
from boards.models import Column, Priority
from boards.selectors.csv_export import CORE_HEADERS
from workos.tenancy.models import Membership

# Item fields a CSV column can be mapped to (custom columns are "values.<key>").
IMPORT_FIELDS: tuple[str, ...] = (
    "name", "description", "status", "group", "assignees", "start_date", "due_date",
    "estimate_hours", "priority", "is_milestone", "parent", "external_id",
)
IGNORE = "ignore"
# Header texts read as a core field when no mapping is given (besides the field names).
HEADER_FIELDS: dict[str, str] = {
    **{label.casefold(): field for field, label in CORE_HEADERS},
    "assignee": "assignees", "estimate": "estimate_hours", "description": "description",
    "external id": "external_id", "milestone": "is_milestone",
}
_TRUE = frozenset({"true", "yes", "y", "1", "x", "✓", "✔", "on", "checked"})
_FALSE = frozenset({"false", "no", "n", "0", "off", "unchecked", ""})
_EMAIL_IN_BRACKETS = re.compile(r"<\s*([^<>\s]+@[^<>\s]+)\s*>")
# Between the dates of a timeline: an en or em dash, " - ", " to ", or "/" (ISO 8601).
_TIMELINE_SPLIT = re.compile(
    r"\s+(?:\u2013|\u2014|-|to)\s+|\s*[\u2013\u2014]\s*|\s*/\s*(?=\d{4}-)")
_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
_CURRENCY = re.compile(r"^(?:[A-Za-z]{3}|[€$£¥₹])\s*|\s*(?:[A-Za-z]{3}|[€$£¥₹])$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CellError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def unquote(cell: str) -> str:
    """The cell without the quote the export puts before formula-like text, stripped."""
    if cell.startswith("'") and cell[1:].startswith(_FORMULA_START):
        cell = cell[1:]
    return cell.strip()


def split_list(cell: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;]", cell) if part.strip()]


def parse_date(cell: str) -> dt.date:
    text = cell.replace("/", "-")
    if _DATE.fullmatch(text):
        try:
            # A date with a time (2025-03-31T09:00) keeps its day.
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    raise CellError(f"'{cell}' is not a date; write it as YYYY-MM-DD, such as 2025-03-31.")


def parse_bool(cell: str) -> bool:
    folded = cell.casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError(f"'{cell}' is not yes or no; use true or false.")


def parse_hours(cell: str) -> decimal.Decimal:
    try:
        number = decimal.Decimal(cell.replace(",", ".") if cell.count(",") == 1 and "." not in
                                 cell else cell)
    except decimal.InvalidOperation:
        raise CellError(f"'{cell}' is not a number of hours.") from None
    if not number.is_finite() or not 0 <= number < 10**6:
        raise CellError("An estimate is between 0 and 999999 hours.")
    return number.quantize(decimal.Decimal("0.01"))


def parse_priority(cell: str) -> str:
    folded = cell.casefold()
    for value, label in Priority.choices:
        if folded in {value, str(label).casefold()}:
            return value
    raise CellError(f"'{cell}' is not a priority; use "
                    f"{', '.join(str(label) for _, label in Priority.choices)}.")


class People:
    """Members of the workspace found by e-mail address, full name or user name."""

    def __init__(self, members: Iterable[Membership]) -> None:
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, set[int]] = defaultdict(set)
        for member in members:
            user = member.user
            if user.email:
                self.by_email[user.email.casefold()] = member.pk
            for name in (user.get_full_name().strip(), user.get_username()):
                if name:
                    self.by_name[name.casefold()].add(member.pk)

    def one(self, label: str) -> int:
        match = _EMAIL_IN_BRACKETS.search(label)
        if match:
            label = match.group(1)
        folded = label.strip().casefold()
        if folded in self.by_email:
            return self.by_email[folded]
        found = self.by_name.get(folded, set())
        if len(found) == 1:
            return next(iter(found))
        if found:
            raise CellError(f"Several members are called '{label}'; use their e-mail address.")
        raise CellError(f"No member '{label}' in this workspace.")

    def many(self, cell: str) -> list[int]:
        # "Name <email>" holds no comma, so splitting on commas keeps each person whole.
        return sorted({self.one(part) for part in split_list(cell)})


def _money(cell: str) -> str:
    amount = _CURRENCY.sub("", cell).strip()
    if _THOUSANDS.fullmatch(amount):
        amount = amount.replace(",", "")
    return amount


def _timeline(cell: str) -> dict[str, str] | str:
    parts = [p for p in _TIMELINE_SPLIT.split(cell) if p.strip()]
    if len(parts) == 1:
        return {"start": parts[0].strip(), "end": parts[0].strip()}
    if len(parts) != 2:
        raise CellError(f"'{cell}' is not a timeline; write it as 2025-03-01 - 2025-03-31.")
    return {"start": parts[0].strip(), "end": parts[1].strip()}


def _relation(cell: str) -> list[int]:
    ids = []
    for part in split_list(cell):
        if not part.lstrip("#").isdigit():
            raise CellError(f"'{part}' is not an item id; relations are written as ids.")
        ids.append(int(part.lstrip("#")))
    return ids


def column_value(column: Column, cell: str, people: People) -> Any:
    """The stored value of a custom column from one (unquoted, non-blank) cell."""
    kind, settings = column.type, column.settings or {}
    if kind in COMPUTED_TYPES:
        raise CellError(f"{column.title} is computed and cannot be imported.")
    raw: Any = cell
    if kind == "people":
        raw = people.many(cell)
    elif kind == "relation":
        raw = _relation(cell)
    elif kind == "money":
        raw = _money(cell)
    elif kind == "number":
        raw = cell.replace(",", "") if _THOUSANDS.fullmatch(cell) else cell
    elif kind == "timeline":
        raw = _timeline(cell)
    elif kind == "checkbox":
        raw = parse_bool(cell)
    elif kind == "tags":
        raw = split_list(cell)
    elif kind == "dropdown":
        # An option label may itself hold a comma: try the whole cell first.
        raw = [cell] if option_for(settings, cell) else split_list(cell)
    try:
        return validate_value(kind, settings, raw, title=column.title)
    except ColumnValueError as exc:
        raise CellError(exc.message) from None
