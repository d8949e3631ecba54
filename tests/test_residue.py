"""Residue coverage: the sorted-and-merged fill marks exactly the characters some span covers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jixiao.model import Span
from jixiao.parse.residue import coverage

_BOUND = st.integers(min_value=-5, max_value=45)


@given(size=st.integers(min_value=0, max_value=40), spans=st.lists(st.tuples(_BOUND, _BOUND), max_size=12))
def test_coverage_marks_every_covered_character(size: int, spans: list[tuple[int, int]]) -> None:
    # out-of-range and empty (even inverted) spans included: coverage clamps them to the text
    expected = bytearray(1 if any(a <= i < b for a, b in spans) else 0 for i in range(size))
    assert coverage(size, [Span(a, b) for a, b in spans]) == expected
