"""MText: slices and source spans agree with a character-by-character map of the runs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jixiao.model import Span
from jixiao.parse.mtext import MText

SOURCE = "".join(chr(0x4E00 + i) for i in range(60))


@st.composite
def mtexts(draw: st.DrawFn) -> MText:
    """Pieces of SOURCE (in any order, adjacent or not) joined with inserted text between some."""
    parts = []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        if draw(st.booleans()):
            a = draw(st.integers(min_value=0, max_value=len(SOURCE)))
            b = draw(st.integers(min_value=a, max_value=len(SOURCE)))
            parts.append(MText.of(SOURCE, a, b))
        else:
            parts.append(MText.plain(draw(st.sampled_from(["", " ", "ab"]))))
    return MText.join(parts)


def char_offsets(mt: MText) -> list[int | None]:
    offsets: list[int | None] = [None] * len(mt.s)
    for t0, s0, m in mt.runs:
        for i in range(m):
            offsets[t0 + i] = s0 + i
    return offsets


def naive_spans(offsets: list[int | None], a: int, b: int) -> list[Span]:
    out: list[Span] = []
    for off in offsets[max(a, 0) : max(b, 0)]:
        if off is None:
            continue
        if out and out[-1].end == off:
            out[-1] = Span(out[-1].start, off + 1)
        else:
            out.append(Span(off, off + 1))
    return out


@given(mt=mtexts(), a=st.integers(min_value=0, max_value=70), b=st.integers(min_value=0, max_value=70))
def test_spans_and_slices_follow_the_runs(mt: MText, a: int, b: int) -> None:
    offsets = char_offsets(mt)
    assert mt.spans(a, b) == naive_spans(offsets, a, b)
    assert mt.spans() == naive_spans(offsets, 0, len(mt.s))
    piece = mt.slice(a, b)
    lo, hi = min(a, b, len(mt.s)), min(b, len(mt.s))
    assert piece.s == mt.s[lo:hi]
    assert char_offsets(piece) == offsets[lo:hi]
    for i, off in enumerate(offsets):
        assert mt.source_offset(i) == off
