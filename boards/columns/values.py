"""Values of custom columns: what each column type accepts and the form in which it is stored.

Stored values are plain JSON: dates as ISO strings, money as a decimal string with two places
("12.50"), people and relations as sorted id lists. None means empty for every type. Ids of
people and related items are checked against the database by the caller; this module only checks
their shape.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from boards.columns.types import (
    COLUMN_TYPES,
    COMPUTED_TYPES,
    LONG_TEXT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    ColumnValueError,
    is_empty,
    option_by_label,
    option_for,
)

MAX_NUMBER = Decimal("1e15")
MAX_PEOPLE = 50
MAX_RELATED = 100
MAX_TAGS = 20
TAG_MAX_LENGTH = 50
URL_MAX_LENGTH = 2000
LINK_TEXT_MAX_LENGTH = 200

_NUMBER_TEXT = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:$|[T ])")
_PHONE = re.compile(r"\+?[0-9 ()\-]+")
# A scheme, but not a host followed by a port ("localhost:8000").
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:(?://|(?!\d))")


def _fail(title: str, message: str) -> ColumnValueError:
    return ColumnValueError(f"{title}: {message}" if title else message)


def _text(value: Any, title: str, max_length: int, *, single_line: bool) -> str | None:
    if not isinstance(value, str):
        raise _fail(title, "Enter text.")
    if "\x00" in value:
        # PostgreSQL's jsonb cannot hold a NUL character.
        raise _fail(title, "The text contains a NUL character; remove it.")
    cleaned = value.strip() if single_line else value.rstrip()
    if single_line:
        cleaned = re.sub(r"[\r\n]+", " ", cleaned)
    if len(cleaned) > max_length:
        raise _fail(title, f"Use at most {max_length} characters (this has {len(cleaned)}).")
    return cleaned or None


def _decimal(value: Any, title: str, example: str) -> Decimal:
    """A finite decimal from a number or numeric text; bools, NaN and infinities refused."""
    number: Decimal | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value)) if math.isfinite(value) else None
    elif isinstance(value, Decimal):
        number = value if value.is_finite() else None
    elif isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()):
        number = Decimal(value.strip())
    if number is None:
        raise _fail(title, f"Enter a number, such as {example}.")
    if abs(number) >= MAX_NUMBER:
        raise _fail(title, "The number is too large; keep it below 1,000,000,000,000,000.")
    return number


def _number(value: Any, settings: dict[str, Any], title: str) -> int | float:
    number = _decimal(value, title, "12 or 3.5")
    # Stored at the column's precision so what is shown is what is filtered and summed.
    places = settings.get("decimals", 2)
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _money(value: Any, title: str) -> str:
    number = _decimal(value, title, "12.50")
    return str(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _parse_date(value: Any, title: str, include_time: bool) -> str:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return value.isoformat()
    elif isinstance(value, str) and value.strip():
        raw = value.strip()
        # Only the extended ISO form: Python would also read "20250101", a number to people.
        if not _ISO_DATE.match(raw):
            raise _fail(title, "Enter a date as YYYY-MM-DD, such as 2025-03-31.")
        try:
            if len(raw) == 10:
                return date.fromisoformat(raw).isoformat()
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise _fail(title, "Enter a date as YYYY-MM-DD, such as 2025-03-31.") from None
    else:
        raise _fail(title, "Enter a date as YYYY-MM-DD, such as 2025-03-31.")
    if not include_time:
        return moment.date().isoformat()
    return moment.isoformat(timespec="minutes")


def _timeline(value: Any, title: str) -> dict[str, str]:
    if not isinstance(value, dict) or set(value) != {"start", "end"}:
        raise _fail(title, 'Give a timeline as {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}.')
    start = _parse_date(value["start"], title, include_time=False)
    end = _parse_date(value["end"], title, include_time=False)
    if start > end:
        raise _fail(title, f"The timeline ends ({end}) before it starts ({start}).")
    return {"start": start, "end": end}


def _ids(value: Any, title: str, what: str, limit: int) -> list[int] | None:
    items = value if isinstance(value, list | tuple) else [value]
    ids: set[int] = set()
    for item in items:
        raw = item.get("id") if isinstance(item, dict) else item
        if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
            raise _fail(title, f"Give {what} as a list of ids, such as [12, 15].")
        ids.add(raw)
    if len(ids) > limit:
        raise _fail(title, f"Choose at most {limit} {what}.")
    return sorted(ids) or None


def _choice(value: Any, settings: dict[str, Any], title: str) -> str:
    option = option_for(settings, value)
    if option is None:
        labels = ", ".join(o["label"] for o in settings.get("options") or []) or "none defined"
        raise _fail(title, f"'{value}' is not one of the options ({labels}).")
    return option["id"]


def _dropdown(value: Any, settings: dict[str, Any], title: str) -> str | list[str] | None:
    chosen = value if isinstance(value, list | tuple) else [value]
    ids = []
    for entry in chosen:
        option_id = _choice(entry, settings, title)
        if option_id not in ids:
            ids.append(option_id)
    if settings.get("multiple"):
        # Kept in the order of the options, so equal choices store equal values.
        order = [o["id"] for o in settings.get("options") or []]
        return sorted(ids, key=order.index) or None
    if len(ids) > 1:
        raise _fail(title, "Choose one option; this dropdown does not take several.")
    return ids[0] if ids else None


def _tags(value: Any, settings: dict[str, Any], title: str) -> list[str] | None:
    raw = [value] if isinstance(value, str) else value
    if not isinstance(raw, list | tuple):
        raise _fail(title, 'Give tags as a list of words, such as ["urgent", "client"].')
    tags: list[str] = []
    seen: set[str] = set()
    for tag in raw:
        if not isinstance(tag, str) or "\x00" in tag:
            raise _fail(title, "Each tag is text.")
        tag = " ".join(tag.split())
        if not tag:
            continue
        if len(tag) > TAG_MAX_LENGTH:
            raise _fail(title, f"The tag '{tag[:20]}…' is longer than {TAG_MAX_LENGTH} characters.")
        if settings.get("free", True) is False:
            option = option_by_label(settings, tag)
            if option is None:
                raise _fail(title, f"'{tag}' is not one of this column's tags.")
            tag = option["label"]
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise _fail(title, f"Use at most {MAX_TAGS} tags.")
    return tags or None


def _checkbox(value: Any, title: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _fail(title, "A checkbox is true or false.")


def _rating(value: Any, settings: dict[str, Any], title: str) -> int:
    highest = settings.get("max", 5)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= highest:
        raise _fail(title, f"A rating is a whole number from 0 to {highest}.")
    return value


def _url(raw: Any, title: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _fail(title, "Enter a web address, such as https://example.com.")
    url = raw.strip()
    if not _SCHEME.match(url):
        url = f"https://{url}"
    if len(url) > URL_MAX_LENGTH or any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in url):
        raise _fail(title, "Enter a single web address without spaces.")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises for a port that is not a number
    except ValueError:
        host, parts = None, None
    # Only web links: javascript:, data: or file: addresses would run or reveal things.
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
        raise _fail(title, "Enter an http:// or https:// web address, such as https://example.com.")
    if "@" in parts.netloc:
        # "https://bank.example@evil.example" shows one site and opens another.
        raise _fail(title, "Remove the user name and '@' from the web address.")
    return url


def _link(value: Any, title: str) -> dict[str, str]:
    if isinstance(value, str):
        return {"url": _url(value, title), "text": ""}
    if not isinstance(value, dict) or "url" not in value or set(value) - {"url", "text"}:
        raise _fail(title, 'Give a link as a web address or {"url": ..., "text": ...}.')
    label = value.get("text") or ""
    if not isinstance(label, str) or len(label.strip()) > LINK_TEXT_MAX_LENGTH or "\x00" in label:
        raise _fail(title, f"The link text is at most {LINK_TEXT_MAX_LENGTH} characters.")
    return {"url": _url(value["url"], title), "text": label.strip()}


def _email(value: Any, title: str) -> str:
    address = value.strip() if isinstance(value, str) else ""
    if len(address) > 254 or not _EMAIL.fullmatch(address):
        raise _fail(title, "Enter an e-mail address, such as ana@example.com.")
    local, domain = address.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def _phone(value: Any, title: str) -> str:
    number = " ".join(value.split()) if isinstance(value, str) else ""
    digits = sum(ch.isdigit() for ch in number)
    if not _PHONE.fullmatch(number) or not 5 <= digits <= 20:
        raise _fail(title, "Enter a phone number of 5 to 20 digits, such as +44 20 7946 0958.")
    return number


_Validator = Callable[[Any, dict[str, Any], str], Any]

_VALIDATORS: dict[str, _Validator] = {
    "text": lambda v, s, t: _text(v, t, s.get("max_length", TEXT_MAX_LENGTH), single_line=True),
    "long_text": lambda v, s, t: _text(
        v, t, s.get("max_length", LONG_TEXT_MAX_LENGTH), single_line=False
    ),
    "number": _number,
    "money": lambda v, s, t: _money(v, t),
    "date": lambda v, s, t: _parse_date(v, t, bool(s.get("include_time"))),
    "timeline": lambda v, s, t: _timeline(v, t),
    "people": lambda v, s, t: _ids(v, t, "people", MAX_PEOPLE),
    "status": lambda v, s, t: _choice(v, s, t),
    "dropdown": _dropdown,
    "tags": _tags,
    "checkbox": lambda v, s, t: _checkbox(v, t),
    "rating": _rating,
    "link": lambda v, s, t: _link(v, t),
    "email": lambda v, s, t: _email(v, t),
    "phone": lambda v, s, t: _phone(v, t),
    "relation": lambda v, s, t: _ids(v, t, "items", MAX_RELATED),
}


def validate_value(
    column_type: str, settings: dict[str, Any], value: Any, *, title: str = ""
) -> Any:
    """The value in the form it is stored for a column of this type and settings.

    None (and blank text or an empty list) means empty and gives None. Raises ColumnValueError
    with a message naming the column `title` when one is given.
    """
    if column_type not in COLUMN_TYPES:
        raise _fail(title, f"'{column_type}' is not a column type.")
    if value is None:
        return None
    if column_type in COMPUTED_TYPES:
        raise ColumnValueError(f"{title or 'This column'} is computed and cannot be set.")
    if is_empty(value):
        return None
    try:
        return _VALIDATORS[column_type](value, settings or {}, title)
    except (InvalidOperation, OverflowError):
        raise _fail(title, "The value is out of range.") from None
