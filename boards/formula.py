"""Formula columns: a small expression language evaluated over an item's column values.

    IF({done} = true, "Done", CONCAT(DAYS(TODAY(), {due}), " days left"))

The language is parsed by its own tokenizer and Pratt parser into a tree, and evaluated by walking
that tree. User text is never handed to Python's eval, exec, compile or ast, so a formula can do
nothing but compute a value.

Syntax: numbers (`12`, `3.5`), strings in double quotes (`"a \\"quoted\\" word"`), `true` and
`false`, column references `{key}`, parentheses, and from loosest to tightest binding: `or`,
`and`, `not`, comparisons (`=` `!=` `<` `<=` `>` `>=`, not chainable), `&` (join text), `+` `-`,
`*` `/` `%`, unary `-`, `^` (power, right to left, so `-2^2` is -4). Functions, case-insensitive:
IF, SUM, AVG, MIN, MAX, ROUND, ABS, CONCAT, LEN, UPPER, LOWER, DAYS, TODAY, COALESCE (see
`boards.formula_functions`).

Semantics: a formula that cannot be computed gives None rather than an error: division by zero,
arithmetic on an empty value or on text that is not a number, an exponent beyond ±1000, a number
beyond ±1e100. Numbers are decimals, so money strings such as "12.50" add up exactly. Text
comparison ignores case. Empty values compare equal to "" and make `<` and `>` give None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from boards.formula_functions import (
    FUNCTIONS,
    MAX_TEXT,
    Env,
    arithmetic,
    compare,
    equal,
    output,
    text,
    to_number,
    truth,
)

MAX_LENGTH = 1000
MAX_DEPTH = 50

_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_REF = re.compile(r"\{([a-z0-9_]+)\}")
_OPERATORS = ("<=", ">=", "!=", "<>", "==", "+", "-", "*", "/", "%", "^", "&", "=", "<", ">")
_KEYWORDS = {"and", "or", "not"}
_CANONICAL = {"<>": "!=", "==": "="}

# Binding power of each binary operator: higher binds tighter.
_BINARY = {
    "or": 1,
    "and": 2,
    "=": 4,
    "!=": 4,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "&": 5,
    "+": 6,
    "-": 6,
    "*": 7,
    "/": 7,
    "%": 7,
    "^": 9,
}
_NOT_POWER = 3
_UNARY_POWER = 8
_COMPARISONS = {"=", "!=", "<", "<=", ">", ">="}


class FormulaError(ValueError):
    """A formula that cannot be parsed. `offset` is the 0-based index of the offending character;
    the message counts positions from 1, as people do."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class _Token:
    kind: str  # num, str, ref, name, bool, op, "(", ")", ",", end
    text: str
    offset: int
    value: Any = None

    def shown(self) -> str:
        return "the end of the formula" if self.kind == "end" else f"'{self.text}'"


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch.isspace():
            i += 1
        elif ch.isdigit() or (ch == "." and source[i + 1 : i + 2].isdigit()):
            match = _NUMBER.match(source, i)
            assert match is not None
            tokens.append(_Token("num", match.group(), i, Decimal(match.group())))
            i = match.end()
        elif ch == '"':
            i = _read_string(source, i, tokens)
        elif ch == "{":
            match = _REF.match(source, i)
            if match is None:
                raise FormulaError(
                    f"Column references look like {{key}} with lower-case letters, digits and "
                    f"underscores; fix the one at position {i + 1}.",
                    i,
                )
            tokens.append(_Token("ref", match.group(), i, match.group(1)))
            i = match.end()
        elif ch.isalpha() or ch == "_":
            match = _NAME.match(source, i)
            assert match is not None
            word = match.group()
            lower = word.lower()
            if lower in _KEYWORDS:
                tokens.append(_Token("op", lower, i))
            elif lower in ("true", "false"):
                tokens.append(_Token("bool", word, i, lower == "true"))
            else:
                tokens.append(_Token("name", word, i))
            i = match.end()
        elif ch in "(),":
            tokens.append(_Token(ch, ch, i))
            i += 1
        else:
            op = next((o for o in _OPERATORS if source.startswith(o, i)), None)
            if op is None:
                raise FormulaError(f"Unexpected character '{ch}' at position {i + 1}.", i)
            tokens.append(_Token("op", _CANONICAL.get(op, op), i))
            i += len(op)
    tokens.append(_Token("end", "", n))
    return tokens


def _read_string(source: str, start: int, tokens: list[_Token]) -> int:
    """Read a double-quoted string starting at `start`; return the index after it."""
    chars: list[str] = []
    i = start + 1
    while i < len(source):
        ch = source[i]
        if ch == "\\" and i + 1 < len(source) and source[i + 1] in '"\\':
            chars.append(source[i + 1])
            i += 2
        elif ch == '"':
            tokens.append(_Token("str", source[start : i + 1], start, "".join(chars)))
            return i + 1
        else:
            chars.append(ch)
            i += 1
    raise FormulaError(f"The text starting at position {start + 1} has no closing '\"'.", start)


# --- the tree -------------------------------------------------------------------------------


@dataclass
class _Node:
    kind: str  # const, ref, unary, chain, power, compare, call
    offset: int
    value: Any = None  # const value, ref key, operator, or function name
    children: list[_Node] = field(default_factory=list)
    ops: list[str] = field(default_factory=list)  # chain: the operator before each later child
    depth: int = 1

    def __post_init__(self) -> None:
        self.depth = 1 + max((c.depth for c in self.children), default=0)
        if self.depth > MAX_DEPTH:
            raise _too_deep(self.offset)


def _too_deep(offset: int) -> FormulaError:
    return FormulaError(
        f"The formula nests more than {MAX_DEPTH} levels deep near position {offset + 1}; "
        "simplify it.",
        offset,
    )


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        self.index = 0
        self.depth = 0
        self.references: list[tuple[str, int]] = []

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def unexpected(self, token: _Token) -> FormulaError:
        if token.kind == "end":
            return FormulaError(
                f"The formula ends too soon: a value is missing at position {token.offset + 1}.",
                token.offset,
            )
        return FormulaError(
            f"Unexpected {token.shown()} at position {token.offset + 1}.", token.offset
        )

    def parse(self) -> _Node:
        node = self.expression(0)
        if self.token.kind != "end":
            raise self.unexpected(self.token)
        return node

    def expression(self, min_power: int) -> _Node:
        # Every level of recursion is a level of nesting; capping it keeps Python's own stack
        # far from its limit however the formula is written.
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _too_deep(self.token.offset)
        left = self.prefix()
        while self.token.kind == "op" and _BINARY.get(self.token.text, 0) > min_power:
            op_token = self.advance()
            op, power = op_token.text, _BINARY[op_token.text]
            if op == "^":
                right = self.expression(power - 1)  # right to left: 2^3^2 is 2^(3^2)
                left = _Node("power", op_token.offset, op, [left, right])
            elif op in _COMPARISONS:
                right = self.expression(power)
                if self.token.kind == "op" and self.token.text in _COMPARISONS:
                    raise FormulaError(
                        f"Unexpected '{self.token.text}' at position {self.token.offset + 1}: "
                        "compare two values at a time and join comparisons with and/or.",
                        self.token.offset,
                    )
                left = _Node("compare", op_token.offset, op, [left, right])
            else:
                right = self.expression(power)
                # Operators of one level form one flat chain, so `a + b + c + ...` stays shallow.
                if left.kind == "chain" and _BINARY[left.ops[0]] == power and not left.value:
                    left.children.append(right)
                    left.ops.append(op)
                    left.depth = max(left.depth, 1 + right.depth)
                    if left.depth > MAX_DEPTH:
                        raise _too_deep(op_token.offset)
                else:
                    left = _Node("chain", op_token.offset, None, [left, right], ops=[op, op])
        self.depth -= 1
        return left

    def prefix(self) -> _Node:
        token = self.advance()
        if token.kind in ("num", "str", "bool"):
            return _Node("const", token.offset, token.value)
        if token.kind == "ref":
            self.references.append((token.value, token.offset))
            return _Node("ref", token.offset, token.value)
        if token.kind == "op" and token.text in ("-", "+"):
            return _Node("unary", token.offset, token.text, [self.expression(_UNARY_POWER)])
        if token.kind == "op" and token.text == "not":
            return _Node("unary", token.offset, "not", [self.expression(_NOT_POWER)])
        if token.kind == "(":
            inner = self.expression(0)
            self.expect_close(token)
            # A parenthesised chain must not absorb the operators that follow the ')'.
            if inner.kind == "chain":
                inner.value = "closed"
            return inner
        if token.kind == "name":
            return self.call(token)
        raise self.unexpected(token)

    def expect_close(self, opening: _Token) -> None:
        if self.token.kind == ")":
            self.advance()
            return
        if self.token.kind == "end":
            raise FormulaError(
                f"Missing ')' to close the '(' at position {opening.offset + 1}.", opening.offset
            )
        raise FormulaError(
            f"Expected ')' but found {self.token.shown()} at position {self.token.offset + 1}.",
            self.token.offset,
        )

    def call(self, name: _Token) -> _Node:
        upper = name.text.upper()
        if self.token.kind != "(":
            raise FormulaError(
                f"Unknown name '{name.text}' at position {name.offset + 1}; write a column as "
                f"{{{name.text.lower()}}} and a function with parentheses.",
                name.offset,
            )
        if upper not in FUNCTIONS:
            raise FormulaError(
                f"Unknown function '{name.text}' at position {name.offset + 1}.", name.offset
            )
        opening = self.advance()
        args: list[_Node] = []
        if self.token.kind != ")":
            args.append(self.expression(0))
            while self.token.kind == ",":
                self.advance()
                args.append(self.expression(0))
        self.expect_close(opening)
        spec = FUNCTIONS[upper]
        most = len(args) if spec.max_args is None else spec.max_args
        if not spec.min_args <= len(args) <= most:
            raise FormulaError(
                f"{upper} at position {name.offset + 1} takes {spec.arity()}, not {len(args)}.",
                name.offset,
            )
        return _Node("call", name.offset, upper, args)


# --- evaluation -----------------------------------------------------------------------------


def _evaluate(node: _Node, env: Env) -> Any:
    kind = node.kind
    if kind == "const":
        return node.value
    if kind == "ref":
        return env.values.get(node.value)
    if kind == "unary":
        operand = _evaluate(node.children[0], env)
        if node.value == "not":
            return not truth(operand)
        number = to_number(operand)
        if number is None:
            return None
        return -number if node.value == "-" else number
    if kind == "power":
        base, exponent = (to_number(_evaluate(c, env)) for c in node.children)
        return arithmetic("^", base, exponent)
    if kind == "compare":
        left, right = (_evaluate(c, env) for c in node.children)
        if node.value == "=":
            return equal(left, right)
        if node.value == "!=":
            return not equal(left, right)
        return compare(node.value, left, right)
    if kind == "chain":
        return _evaluate_chain(node, env)
    spec = FUNCTIONS[node.value]
    if spec.lazy:
        return spec.run(node.children, lambda child: _evaluate(child, env), env)
    return spec.run([_evaluate(c, env) for c in node.children], None, env)


def _evaluate_chain(node: _Node, env: Env) -> Any:
    first, rest = node.children[0], list(zip(node.ops[1:], node.children[1:], strict=True))
    level = node.ops[0]
    if level in ("and", "or"):
        result = truth(_evaluate(first, env))
        for op, child in rest:
            # Stop early: the result is already known.
            if (op == "and" and not result) or (op == "or" and result):
                return result
            result = truth(_evaluate(child, env))
        return result
    if level == "&":
        joined = text(_evaluate(first, env))
        for _, child in rest:
            joined += text(_evaluate(child, env))
            if len(joined) > MAX_TEXT:
                return None
        return joined
    total = to_number(_evaluate(first, env))
    for op, child in rest:
        if total is None:
            return None
        total = arithmetic(op, total, to_number(_evaluate(child, env)))
    return total


@dataclass(frozen=True)
class Formula:
    """A parsed formula, ready to evaluate any number of times."""

    expression: str
    _root: _Node = field(repr=False, compare=False)
    _references: frozenset[str] = frozenset()

    @property
    def references(self) -> set[str]:
        """The column keys the formula reads."""
        return set(self._references)

    def evaluate(self, values: dict[str, Any], today: date | None = None) -> Any:
        """The formula's value for one item: a number, text, true/false, or None.

        `values` maps column keys to stored values; `today` is the date in the workspace's time
        zone (UTC's today when not given).
        """
        env = Env(values=values, today=today or datetime.now(tz=UTC).date())
        try:
            return output(_evaluate(self._root, env))
        except (ArithmeticError, ValueError, TypeError):
            # A value of an unexpected shape slipped past the coercions: not computable.
            return None


def parse_formula(expression: str, known_keys: set[str] | None = None) -> Formula:
    """Parse `expression`, raising FormulaError with the position of the first problem.

    With `known_keys`, a reference to any other column key is an error too.
    """
    if not isinstance(expression, str):
        raise FormulaError("A formula is text.")
    if len(expression) > MAX_LENGTH:
        raise FormulaError(f"The formula is longer than {MAX_LENGTH} characters; shorten it.")
    if not expression.strip():
        raise FormulaError("The formula is empty.")
    parser = _Parser(expression)
    root = parser.parse()
    if known_keys is not None:
        for key, offset in parser.references:
            if key not in known_keys:
                raise FormulaError(
                    f"There is no column {{{key}}} (position {offset + 1}) on this board.", offset
                )
    return Formula(expression, root, frozenset(key for key, _ in parser.references))


def evaluate_formula(expression: str, values: dict[str, Any], today: date | None = None) -> Any:
    """Parse and evaluate in one step; for one-off use (parse once when evaluating many items)."""
    return parse_formula(expression).evaluate(values, today)
