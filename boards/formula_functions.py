"""The values and functions of the formula language (the parser lives in `boards.formula`).

Every operation here is total: where a spreadsheet would show an error, it gives None. Numbers are
`Decimal`s inside a formula and become int or float only on the way out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Any

MAX_TEXT = 10_000
MAX_EXPONENT = 1000
MAX_MAGNITUDE = Decimal("1e100")
_MAX_EXACT_INT = 2**53
_NUMERIC_TEXT = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")
# Enough digits for money and ratios; every overflow or invalid step raises and becomes None.
_CONTEXT = Context(prec=28, Emax=999_999, Emin=-999_999)


@dataclass(frozen=True)
class Env:
    values: dict[str, Any]
    today: date


# --- coercions ------------------------------------------------------------------------------


def to_number(value: Any) -> Decimal | None:
    """The value as a number, or None when it is empty or not a number."""
    if value is None:
        return None
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr gives the shortest decimal that round-trips: 0.1 stays 0.1.
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str):
        stripped = value.strip()
        if len(stripped) <= 64 and _NUMERIC_TEXT.fullmatch(stripped):
            return Decimal(stripped)
    return None


def _capped(number: Decimal | None) -> Decimal | None:
    if number is None or not number.is_finite() or abs(number) > MAX_MAGNITUDE:
        return None
    return number


def text(value: Any) -> str:
    """The value as text: empty is "", booleans are true/false, lists are joined with ", "."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        number = to_number(value)
        return "" if number is None else _number_text(number)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value)
    if isinstance(value, dict):
        if "url" in value:
            return text(value.get("text") or value.get("url"))
        if "start" in value or "end" in value:
            return f"{text(value.get('start'))}/{text(value.get('end'))}"
    return ""


def _number_text(number: Decimal) -> str:
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def truth(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return to_number(value) not in (None, 0)
    if isinstance(value, str):
        return bool(value.strip()) and value.strip().lower() != "false"
    return bool(value)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _numeric(value: Any) -> Decimal | None:
    """A number for comparison: numbers and numeric text, never true/false."""
    return None if isinstance(value, bool) else to_number(value)


def equal(left: Any, right: Any) -> bool:
    if _is_empty(left) or _is_empty(right):
        return _is_empty(left) and _is_empty(right)
    a, b = _numeric(left), _numeric(right)
    if a is not None and b is not None:
        return a == b
    return text(left).casefold() == text(right).casefold()


def compare(op: str, left: Any, right: Any) -> bool | None:
    """<, <=, >, >= between two numbers or two texts (ISO dates order as text); else None."""
    if _is_empty(left) or _is_empty(right):
        return None
    a: Any = _numeric(left)
    b: Any = _numeric(right)
    if (a is None) != (b is None):
        return None
    if a is None:
        a, b = text(left).casefold(), text(right).casefold()
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def arithmetic(op: str, left: Decimal | None, right: Decimal | None) -> Decimal | None:
    """One arithmetic step; None for empty operands, division by zero, or oversized results."""
    if left is None or right is None:
        return None
    try:
        with localcontext(_CONTEXT):
            if op == "+":
                result = left + right
            elif op == "-":
                result = left - right
            elif op == "*":
                result = left * right
            elif op == "/":
                result = left / right
            elif op == "%":
                # Like spreadsheets: the remainder takes the sign of the divisor.
                result = left - right * (left / right).to_integral_value(rounding=ROUND_FLOOR)
            else:
                # A huge exponent is refused before it is tried, so 9^9^9 returns at once.
                if abs(right) > MAX_EXPONENT:
                    return None
                result = left**right
    except ArithmeticError:
        return None
    return _capped(result)


def output(value: Any) -> Any:
    """A formula result as stored: JSON-able, numbers as int when whole."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        if value == value.to_integral_value() and abs(value) < _MAX_EXACT_INT:
            return int(value)
        return float(value)
    return value


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, dict):
        return _as_date(value.get("end"))
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _numbers(values: Sequence[Any]) -> list[Decimal]:
    """The numbers among the arguments, lists opened up; empty and non-numeric ones skipped."""
    found: list[Decimal] = []
    for value in values:
        if isinstance(value, list | tuple):
            found.extend(_numbers(value))
        elif (number := _numeric(value)) is not None:
            found.append(number)
    return found


# --- functions ------------------------------------------------------------------------------

Evaluate = Callable[[Any], Any]


@dataclass(frozen=True)
class Function:
    min_args: int
    max_args: int | None
    run: Callable[[list[Any], Evaluate | None, Env], Any]
    # Lazy functions get the argument trees and evaluate only the ones they need.
    lazy: bool = False

    def arity(self) -> str:
        if self.max_args == self.min_args:
            return f"{self.min_args} argument{'s' if self.min_args != 1 else ''}"
        if self.max_args is None:
            return f"at least {self.min_args} argument{'s' if self.min_args != 1 else ''}"
        return f"{self.min_args} to {self.max_args} arguments"


def _if(args: list[Any], evaluate: Evaluate | None, env: Env) -> Any:
    assert evaluate is not None
    if truth(evaluate(args[0])):
        return evaluate(args[1])
    return evaluate(args[2]) if len(args) > 2 else None


def _coalesce(args: list[Any], evaluate: Evaluate | None, env: Env) -> Any:
    assert evaluate is not None
    for arg in args:
        value = evaluate(arg)
        if not _is_empty(value):
            return value
    return None


def _sum(args: list[Any], evaluate: Evaluate | None, env: Env) -> Decimal | None:
    total: Decimal | None = Decimal(0)
    for number in _numbers(args):
        total = arithmetic("+", total, number)
    return total


def _avg(args: list[Any], evaluate: Evaluate | None, env: Env) -> Decimal | None:
    numbers = _numbers(args)
    if not numbers:
        return None
    return arithmetic("/", _sum(numbers, None, env), Decimal(len(numbers)))


def _min(args: list[Any], evaluate: Evaluate | None, env: Env) -> Decimal | None:
    numbers = _numbers(args)
    return min(numbers) if numbers else None


def _max(args: list[Any], evaluate: Evaluate | None, env: Env) -> Decimal | None:
    numbers = _numbers(args)
    return max(numbers) if numbers else None


def _round(args: list[Any], evaluate: Evaluate | None, env: Env) -> Decimal | None:
    number = _numeric(args[0])
    places = _numeric(args[1]) if len(args) > 1 else Decimal(0)
    if number is None or places is None or places != places.to_integral_value():
        return None
    if not -10 <= places <= 10:
        return None
    try:
        with localcontext(_CONTEXT):
            # Half away from zero, as people round money; float rounding would turn 2.675 to 2.67.
            return number.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    except ArithmeticError:
        return None


def _abs(args: list[Any], evaluate: Evaluate | None, env: Env) -> Decimal | None:
    number = _numeric(args[0])
    return None if number is None else abs(number)


def _concat(args: list[Any], evaluate: Evaluate | None, env: Env) -> str | None:
    joined = "".join(text(a) for a in args)
    return joined if len(joined) <= MAX_TEXT else None


def _len(args: list[Any], evaluate: Evaluate | None, env: Env) -> Decimal:
    return Decimal(len(text(args[0])))


def _upper(args: list[Any], evaluate: Evaluate | None, env: Env) -> str:
    return text(args[0]).upper()


def _lower(args: list[Any], evaluate: Evaluate | None, env: Env) -> str:
    return text(args[0]).lower()


def _days(args: list[Any], evaluate: Evaluate | None, env: Env) -> Decimal | None:
    """DAYS(start, end): days from start to end, negative when end comes first."""
    start, end = _as_date(args[0]), _as_date(args[1])
    if start is None or end is None:
        return None
    return Decimal((end - start).days)


def _today(args: list[Any], evaluate: Evaluate | None, env: Env) -> str:
    return env.today.isoformat()


FUNCTIONS: dict[str, Function] = {
    "IF": Function(2, 3, _if, lazy=True),
    "COALESCE": Function(1, None, _coalesce, lazy=True),
    "SUM": Function(1, None, _sum),
    "AVG": Function(1, None, _avg),
    "MIN": Function(1, None, _min),
    "MAX": Function(1, None, _max),
    "ROUND": Function(1, 2, _round),
    "ABS": Function(1, 1, _abs),
    "CONCAT": Function(1, None, _concat),
    "LEN": Function(1, 1, _len),
    "UPPER": Function(1, 1, _upper),
    "LOWER": Function(1, 1, _lower),
    "DAYS": Function(2, 2, _days),
    "TODAY": Function(0, 0, _today),
}
