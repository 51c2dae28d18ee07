"""How a place's rules settle (evaltree.Settlement): each rule's `lost`, worked from the total
in one stage, is what settling the rules again with that rule at its best gives."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from rubricdsl.evaltree import Best, Settlement, settle

D = Decimal


def cut(raw: Decimal, gave: Decimal, limit: Decimal) -> str:
    return ""


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(-400, 400), min_size=1, max_size=8),
    st.lists(st.integers(0, 400), min_size=8, max_size=8),
    st.integers(0, 600),
    st.data(),
)
def test_a_rule_s_gain_in_one_stage_is_what_settling_again_gives(raws, reaches, limit, data):
    start = data.draw(st.integers(0, limit))
    settlement = Settlement(D(limit), (), D(start), cut)
    values = [D(r) for r in raws]
    added = sum(settle(values, D(limit), (), D(start)), D(0))
    best = Best(values, sum(values, D(0)), added)
    for index in range(len(raws)):
        again = list(values)
        again[index] = D(reaches[index])
        expected = sum(settle(again, D(limit), (), D(start)), D(0)) - added
        assert settlement._gain(best, index, D(reaches[index])) == expected
