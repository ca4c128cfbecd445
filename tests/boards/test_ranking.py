"""Fractional ranks: every insert lands strictly between its neighbours and ranks stay short."""

import itertools

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from boards.ranking import (
    DIGITS,
    RANK_MAX_LENGTH,
    REBALANCE_LENGTH,
    is_valid_rank,
    needs_rebalance,
    rank_between,
    rank_sequence,
)

# No example database: the tests leave no files behind in the project.
examples = hypothesis_settings(database=None, deadline=None, max_examples=200)


def insert_at(ranks: list[str], index: int) -> str:
    before = ranks[index - 1] if index > 0 else None
    after = ranks[index] if index < len(ranks) else None
    rank = rank_between(before, after)
    ranks.insert(index, rank)
    return rank


@examples
@given(st.lists(st.integers(min_value=0, max_value=10_000), max_size=300))
def test_random_inserts_keep_the_list_sorted_and_distinct(choices):
    ranks: list[str] = []
    for choice in choices:
        insert_at(ranks, choice % (len(ranks) + 1))
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == len(ranks)
    assert all(is_valid_rank(r) for r in ranks)


@examples
@given(
    st.integers(min_value=0, max_value=500),
    st.lists(st.integers(min_value=0, max_value=10_000), max_size=100),
)
def test_inserts_into_a_renumbered_group_stay_sorted(size, choices):
    ranks = rank_sequence(size)
    for choice in choices:
        insert_at(ranks, choice % (len(ranks) + 1))
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == len(ranks)


@examples
@given(st.lists(st.booleans(), max_size=200))
def test_inserting_at_one_spot_again_and_again_stays_strictly_between(sides):
    low, high = "i0", "i1"
    for take_low in sides:
        middle = rank_between(low, high)
        assert low < middle < high
        low, high = (low, middle) if take_low else (middle, high)


def test_ranks_use_only_digits_and_lower_case_letters():
    assert "".join(sorted(DIGITS)) == DIGITS
    ranks: list[str] = []
    for i in range(500):
        insert_at(ranks, (i * 7919) % (len(ranks) + 1))
    assert set("".join(ranks)) <= set("0123456789abcdefghijklmnopqrstuvwxyz")
    # Case-insensitive collations order these exactly as Python does.
    assert sorted(ranks, key=str.casefold) == sorted(ranks)


def test_the_first_rank_leaves_room_on_both_sides():
    first = rank_between(None, None)
    assert rank_between(None, first) < first < rank_between(first, None)


def test_a_thousand_inserts_at_the_front_keep_ranks_short():
    ranks = [rank_between(None, None)]
    for _ in range(1000):
        ranks.insert(0, rank_between(None, ranks[0]))
    assert ranks == sorted(ranks)
    assert max(len(r) for r in ranks) <= 4


def test_a_thousand_inserts_at_the_back_keep_ranks_short():
    ranks = [rank_between(None, None)]
    for _ in range(1000):
        ranks.append(rank_between(ranks[-1], None))
    assert ranks == sorted(ranks)
    assert max(len(r) for r in ranks) <= 4


def test_inserting_before_a_rank_with_a_fraction_keeps_it_short():
    assert rank_between(None, "i0i") == "i0"


def test_one_spot_takes_a_hundred_inserts_before_the_group_needs_renumbering():
    low, high = "i0", "i1"
    inserts = 0
    while not needs_rebalance(high):
        high = rank_between(low, high)
        inserts += 1
    assert inserts >= 100
    assert len(high) == REBALANCE_LENGTH + 1


@pytest.mark.parametrize("n", [0, 1, 2, 17, 18, 100, 647, 648, 5000])
def test_rank_sequence_is_sorted_distinct_and_short(n):
    ranks = rank_sequence(n)
    assert len(ranks) == n
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == n
    assert all(len(r) <= 5 for r in ranks)
    assert all(is_valid_rank(r) for r in ranks)


def test_rank_sequence_leaves_gaps_between_neighbours():
    ranks = rank_sequence(20)
    for low, high in itertools.pairwise(ranks):
        assert len(rank_between(low, high)) == len(low)


def test_ranks_out_of_order_are_refused():
    with pytest.raises(ValueError, match="out of order"):
        rank_between("i5", "i2")
    with pytest.raises(ValueError, match="out of order"):
        rank_between("i5", "i5")


@pytest.mark.parametrize("bad", ["", "I0", "i", "i0-", "i10", "0" * 19])
def test_malformed_ranks_are_refused(bad):
    assert not is_valid_rank(bad)
    with pytest.raises(ValueError, match="is not a rank"):
        rank_between(bad, None)


def test_rebalance_is_asked_for_before_ranks_reach_the_maximum():
    assert REBALANCE_LENGTH < RANK_MAX_LENGTH
    assert not needs_rebalance("i" + "5" * (REBALANCE_LENGTH - 1))
    assert needs_rebalance("i" + "5" * REBALANCE_LENGTH)
