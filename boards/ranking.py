"""Fractional ranking: positions of groups and items as strings that sort in display order.

Moving an item writes one row: it gets a rank strictly between its new neighbours' ranks, and no
other row changes. Only when a rank grows long (`needs_rebalance`) does the caller renumber the
whole group with `rank_sequence`.

Alphabet. Ranks use only `0-9a-z`. These 36 characters sort the same byte-wise (Python, the
PostgreSQL "C" collation) and under linguistic collations such as en_US.UTF-8, which ignore case
and would scramble a mixed-case alphabet. Never add upper-case letters or punctuation.

Shape. A rank is an *integer part* followed by an optional *fraction*:

- The integer part is a head character and as many digits as the head says. Heads `i`..`z` hold
  1..18 digits counting up from zero (`i0` is zero, then `i1` .. `iz`, `j00` .. `jzz`, ...);
  heads `h`..`0` hold 1..18 digits counting down below zero (`hz` is minus one, then down to
  `h0`, then `gzz` .. `g00`, ...). Appending after the last rank or before the first one steps
  the integer, so 1,000 appends at either end still give ranks of 3 characters.
- The fraction is base-36 digits after the integer; inserting between two neighbours takes the
  midpoint, which costs about one character per five inserts at the very same spot.

Invariants (every rank this module returns keeps them; `rank_between` refuses ranks that don't):

- A fraction never ends in `0`. Otherwise `x` and `x0` would be distinct ranks with nothing
  between them. With this rule there is always room between any two distinct ranks.
- The lowest integer (`0` followed by eighteen `0`s) never stands alone, so there is always room
  before any rank too.
"""

from __future__ import annotations

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
BASE = len(DIGITS)

# The longest rank a caller should ever store; the column holding ranks is wider than this.
RANK_MAX_LENGTH = 32
# Past this length the caller renumbers the group. One insert adds at most one character, so a
# caller that checks every new rank never stores one longer than this.
REBALANCE_LENGTH = 24

_ZERO = "i0"
_FIRST_POSITIVE_HEAD = "i"
_SMALLEST_INTEGER = "0" + "0" * 18


def _integer_length(head: str) -> int:
    """How many digits follow this head character."""
    index = DIGITS.index(head)
    half = BASE // 2
    return index - half + 1 if index >= half else half - index


def _split(rank: str) -> tuple[str, str]:
    """(integer part, fraction) of a rank, or ValueError when it is not a well-formed rank."""
    if not isinstance(rank, str) or not rank:
        raise ValueError(f"{rank!r} is not a rank: ranks are non-empty strings.")
    if any(ch not in DIGITS for ch in rank):
        raise ValueError(f"{rank!r} is not a rank: only 0-9 and a-z may appear.")
    size = 1 + _integer_length(rank[0])
    if len(rank) < size:
        raise ValueError(f"{rank!r} is not a rank: its integer part is cut short.")
    integer, fraction = rank[:size], rank[size:]
    if fraction.endswith("0"):
        raise ValueError(f"{rank!r} is not a rank: it ends in '0' after the integer part.")
    if rank == _SMALLEST_INTEGER:
        raise ValueError(f"{rank!r} is not a rank: nothing could ever be placed before it.")
    return integer, fraction


def is_valid_rank(rank: str) -> bool:
    try:
        _split(rank)
    except ValueError:
        return False
    return True


def _increment(integer: str) -> str | None:
    """The next integer part, or None past the largest one."""
    head, digits = integer[0], list(integer[1:])
    for i in range(len(digits) - 1, -1, -1):
        d = DIGITS.index(digits[i]) + 1
        if d < BASE:
            digits[i] = DIGITS[d]
            return head + "".join(digits)
        digits[i] = DIGITS[0]
    if head == DIGITS[-1]:
        return None
    new_head = DIGITS[DIGITS.index(head) + 1]
    return new_head + DIGITS[0] * _integer_length(new_head)


def _decrement(integer: str) -> str | None:
    """The previous integer part, or None below the smallest one."""
    head, digits = integer[0], list(integer[1:])
    for i in range(len(digits) - 1, -1, -1):
        d = DIGITS.index(digits[i]) - 1
        if d >= 0:
            digits[i] = DIGITS[d]
            return head + "".join(digits)
        digits[i] = DIGITS[-1]
    if head == DIGITS[0]:
        return None
    new_head = DIGITS[DIGITS.index(head) - 1]
    return new_head + DIGITS[-1] * _integer_length(new_head)


def _midpoint(low: str, high: str | None) -> str:
    """A fraction strictly between `low` and `high` (None: 1), both without a trailing '0'.

    `low` may be empty (zero). The result never ends in '0' either.
    """
    if high is not None:
        # Keep the common prefix (reading a missing digit of `low` as '0') and recurse below it.
        n = 0
        while (low[n] if n < len(low) else DIGITS[0]) == high[n]:
            n += 1
        if n > 0:
            return high[:n] + _midpoint(low[n:], high[n:])
    d_low = DIGITS.index(low[0]) if low else 0
    d_high = DIGITS.index(high[0]) if high is not None else BASE
    if d_high - d_low > 1:
        return DIGITS[(d_low + d_high + 1) // 2]
    # Adjacent first digits: the first digit of a longer `high` alone already lies between.
    if high is not None and len(high) > 1:
        return high[0]
    return DIGITS[d_low] + _midpoint(low[1:], None)


def rank_between(before: str | None, after: str | None) -> str:
    """A rank strictly between `before` and `after`; None is an open end.

    Raises ValueError when `before >= after` (the caller renumbers the group then) or when either
    is not a rank this module could have made.
    """
    low = _split(before) if before is not None else None
    high = _split(after) if after is not None else None
    if before is not None and after is not None and before >= after:
        raise ValueError(f"No rank fits between {before!r} and {after!r}: they are out of order.")
    if low is None and high is None:
        return _ZERO
    if low is None:
        assert high is not None and after is not None
        integer, fraction = high
        if fraction:
            return integer
        previous = _decrement(integer)
        # `_split` refused the lowest integer alone, so a predecessor exists.
        assert previous is not None
        return previous
    if high is None:
        assert before is not None
        integer, fraction = low
        following = _increment(integer)
        return integer + _midpoint(fraction, None) if following is None else following
    assert after is not None
    (low_int, low_frac), (high_int, high_frac) = low, high
    if low_int == high_int:
        return low_int + _midpoint(low_frac, high_frac)
    following = _increment(low_int)
    if following is not None and following < after:
        return following
    return low_int + _midpoint(low_frac, None)


def _integer_rank(head: str, value: int) -> str:
    width = _integer_length(head)
    digits = []
    for _ in range(width):
        value, d = divmod(value, BASE)
        digits.append(DIGITS[d])
    return head + "".join(reversed(digits))


def rank_sequence(n: int) -> list[str]:
    """`n` sorted ranks, evenly spaced and short, for new or renumbered groups of rows.

    The ranks are integers spread over the shortest head that leaves a gap of at least two
    between neighbours, so later inserts between them stay short as well.
    """
    if n < 0:
        raise ValueError("rank_sequence needs a count of zero or more.")
    if n == 0:
        return []
    head_index = DIGITS.index(_FIRST_POSITIVE_HEAD)
    while True:
        head = DIGITS[head_index]
        space = BASE ** _integer_length(head)
        step = space // (n + 1)
        if step >= 2 or head == DIGITS[-1]:
            break
        head_index += 1
    return [_integer_rank(head, step * (k + 1)) for k in range(n)]


def needs_rebalance(rank: str) -> bool:
    """True when `rank` is long enough that the caller should renumber its group."""
    return len(rank) > REBALANCE_LENGTH
