"""Text that remembers where each character came from.

The parser joins wrapped lines, drops HTML tags and cuts cells into fields;
an :class:`MText` carries, beside its string, the runs that map its
characters back to offsets in the source, so every field it yields knows its
span without bookkeeping at each step. Characters the parser inserts (a
space joining two Latin words) map to nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from itertools import islice

from ..model import Span

__all__ = ["MText"]

_SPACE = " \t\r\n\u3000\xa0"
# Span is a named tuple; tuple.__new__ skips its generated __new__ (this runs once per field)
_new_span = tuple.__new__


class MText:
    """A string plus runs ``(text_start, source_start, length)`` sorted by text_start."""

    __slots__ = ("s", "runs")

    def __init__(self, s: str, runs: list[tuple[int, int, int]]) -> None:
        self.s = s
        self.runs = runs

    # -- construction ----------------------------------------------------------

    @classmethod
    def of(cls, source: str, start: int = 0, end: int | None = None) -> MText:
        """The slice ``source[start:end]``, mapped one to one."""
        end = len(source) if end is None else end
        return cls(source[start:end], [(0, start, end - start)] if end > start else [])

    @classmethod
    def plain(cls, s: str) -> MText:
        """Text that comes from nowhere in the source (inserted by the parser)."""
        return cls(s, [])

    @classmethod
    def join(cls, parts: Iterable[MText], sep: str = "") -> MText:
        out_s: list[str] = []
        runs: list[tuple[int, int, int]] = []
        pos = 0
        first = True
        for p in parts:
            if not first and sep:
                out_s.append(sep)
                pos += len(sep)
            first = False
            out_s.append(p.s)
            for t0, s0, n in p.runs:
                if runs and runs[-1][0] + runs[-1][2] == pos + t0 and runs[-1][1] + runs[-1][2] == s0:
                    a, b, m = runs[-1]
                    runs[-1] = (a, b, m + n)
                else:
                    runs.append((pos + t0, s0, n))
            pos += len(p.s)
        return cls("".join(out_s), runs)

    @classmethod
    def join_lines(cls, parts: Iterable[MText]) -> MText:
        """Join the lines of a wrapped cell: no separator between CJK text,
        a space where two Latin words or numbers would otherwise fuse."""
        items = [p for p in parts if p.s]
        if not items:
            return cls("", [])
        glued: list[MText] = [items[0]]
        for p in items[1:]:
            prev = glued[-1].s
            if prev and prev[-1].isascii() and prev[-1].isalnum() and p.s[0].isascii() and p.s[0].isalnum():
                glued.append(cls.plain(" "))
            glued.append(p)
        return cls.join(glued)

    # -- string-like -------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.s)

    def __bool__(self) -> bool:
        return bool(self.s)

    def __str__(self) -> str:
        return self.s

    def __repr__(self) -> str:
        return f"MText({self.s!r})"

    def slice(self, a: int, b: int | None = None) -> MText:
        n = len(self.s)
        b = n if b is None else min(b, n)
        a = max(0, min(a, b))
        if a == 0 and b == n:
            return self
        src_runs = self.runs
        if not src_runs:
            return MText(self.s[a:b], [])
        k = self._run_at(a)
        t0, s0, m = src_runs[k]
        if b <= t0 + m or k + 1 == len(src_runs):  # within one run (most slices): no loop
            lo = a if a > t0 else t0
            hi = b if b < t0 + m else t0 + m
            return MText(self.s[a:b], [(lo - a, s0 + (lo - t0), hi - lo)] if lo < hi else [])
        runs = []
        while k < len(src_runs):
            t0, s0, m = src_runs[k]
            if t0 >= b:
                break
            lo = a if a > t0 else t0
            hi = b if b < t0 + m else t0 + m
            if lo < hi:
                runs.append((lo - a, s0 + (lo - t0), hi - lo))
            k += 1
        return MText(self.s[a:b], runs)

    def strip(self, chars: str | None = None) -> MText:
        chars = _SPACE if chars is None else chars
        s = self.s
        a, b = 0, len(s)
        while a < b and s[a] in chars:
            a += 1
        while b > a and s[b - 1] in chars:
            b -= 1
        return self.slice(a, b)

    def split_re(self, pattern: re.Pattern[str]) -> list[MText]:
        """Pieces between matches of ``pattern`` (the matches themselves dropped)."""
        out, last = [], 0
        for m in pattern.finditer(self.s):
            out.append(self.slice(last, m.start()))
            last = m.end()
        out.append(self.slice(last))
        return out

    def remove_re(self, pattern: re.Pattern[str]) -> tuple[MText, list[Span]]:
        """This text without the matches of ``pattern``; also the removed spans."""
        kept, removed, last = [], [], 0
        for m in pattern.finditer(self.s):
            if m.start() == m.end():
                continue
            kept.append(self.slice(last, m.start()))
            removed.extend(self.spans(m.start(), m.end()))
            last = m.end()
        if not removed:
            return self, []
        kept.append(self.slice(last))
        return MText.join(kept), removed

    # -- mapping back ------------------------------------------------------------

    def spans(self, a: int = 0, b: int | None = None) -> list[Span]:
        """Source spans of characters ``[a, b)``, merged where contiguous."""
        b = len(self.s) if b is None else b
        src_runs = self.runs
        if not src_runs:
            return []
        # _run_at, inline: this runs once per field
        k = bisect_right(src_runs, (a, 1 << 62, 0)) - 1 if len(src_runs) > 1 else 0
        if k < 0:
            k = 0
        t0, s0, m = src_runs[k]
        if b <= t0 + m or k + 1 == len(src_runs):  # within one run (most fields): one span
            lo = a if a > t0 else t0
            hi = b if b < t0 + m else t0 + m
            return [_new_span(Span, (s0 + (lo - t0), s0 + (hi - t0)))] if lo < hi else []
        out: list[Span] = []
        for t0, s0, m in islice(src_runs, k, None):
            if t0 >= b:
                break
            lo = a if a > t0 else t0
            hi = b if b < t0 + m else t0 + m
            if lo >= hi:
                continue
            start, end = s0 + (lo - t0), s0 + (hi - t0)
            if out and out[-1][1] == start:
                out[-1] = _new_span(Span, (out[-1][0], end))
            else:
                out.append(_new_span(Span, (start, end)))
        return out

    def _run_at(self, i: int) -> int:
        """Index of the last run starting at or before character ``i`` (0 if none does)."""
        runs = self.runs
        if len(runs) == 1:
            return 0
        k = bisect_right(runs, (i, 1 << 62, 0)) - 1
        return k if k > 0 else 0

    def source_offset(self, i: int) -> int | None:
        """Source offset of character ``i`` (None for inserted text)."""
        k = bisect_right(self.runs, (i, 1 << 62, 0)) - 1
        if k >= 0:
            t0, s0, m = self.runs[k]
            if t0 <= i < t0 + m:
                return s0 + (i - t0)
        return None
