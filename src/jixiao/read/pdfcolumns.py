"""Unruled tables from text positions: a PDF whose table is laid out as columns of text with no rules.

Given every page's characters (no rules drawn), return rows of cells for
:func:`jixiao.read.layout.render`, as :mod:`.pdfgrid` does for a ruled table:

1. rows — printed lines grouped into rows where the vertical gap between them
   (across the whole page width) is wider than the gap between the lines of one
   wrapped cell;
2. segments — within a row, runs of characters parted by a horizontal gap that
   is empty on every line of the row;
3. columns — the gaps empty in every row of two or more segments (the table's
   rows; a title or a line of free text is one segment) on every page;
4. cells — each segment goes to the column its left end falls in; a segment
   spanning several columns is one merged cell in the first.

Bounded like the ruled reader: linear in the characters, plus a sort.
"""

from __future__ import annotations

from jixiao.read.layout import Box, Cell
from jixiao.read.pdfgrid import Char, PageObjects, _group_lines, text_lines

__all__ = ["column_cuts", "unruled_rows"]

ROW_GAP = 0.6  # a vertical gap wider than this many character heights parts two rows
COL_GAP = 0.6  # a horizontal gap wider than this many character heights parts two cells of a row
EDGE = 0.2  # ... and a gap this wide, empty on (nearly) every row of the table, is a column edge
CROSSING = 0.125  # at most this share of the table's rows may run across a column edge (merged cells, free lines)


def _height(chars: list[Char]) -> float:
    hs = sorted(c.bottom - c.top for c in chars)
    return max(hs[len(hs) // 2], 1.0) if hs else 1.0


def _rows(chars: list[Char], h: float) -> list[list[Char]]:
    """Characters grouped into rows: a vertical gap wider than ``ROW_GAP * h`` across the page parts two."""
    rows: list[list[Char]] = []
    bottom = None
    for line in _group_lines(chars):
        top = min(c.top for c in line)
        if bottom is None or top - bottom > ROW_GAP * h:
            rows.append([])
        rows[-1].extend(line)
        bottom = max(bottom or top, max(c.bottom for c in line))
    return rows


def _gaps(spans: list[tuple[float, float]], min_gap: float) -> list[tuple[float, float]]:
    """Given covered x spans, return the uncovered runs between them at least ``min_gap`` wide."""
    out: list[tuple[float, float]] = []
    reach = None
    for lo, hi in sorted(spans):
        if reach is not None and lo - reach >= min_gap:
            out.append((reach, lo))
        reach = hi if reach is None else max(reach, hi)
    return out


def _segments(row: list[Char], h: float) -> list[list[Char]]:
    """A row's characters parted at the gaps empty on every line of the row."""
    cuts = [(a + b) / 2 for a, b in _gaps([(c.x0, c.x1) for c in row], COL_GAP * h)]
    segs: list[list[Char]] = [[] for _ in range(len(cuts) + 1)]
    for c in row:
        segs[sum(1 for x in cuts if x < (c.x0 + c.x1) / 2)].append(c)
    return segs


def _covered(chars: list[Char], min_gap: float) -> list[tuple[float, float]]:
    """The x runs a row's characters cover, parted by gaps at least ``min_gap`` wide."""
    out: list[tuple[float, float]] = []
    for c in sorted(chars, key=lambda c: c.x0):
        if out and c.x0 - out[-1][1] < min_gap:
            out[-1] = (out[-1][0], max(out[-1][1], c.x1))
        else:
            out.append((c.x0, c.x1))
    return out


def column_cuts(rows: list[list[list[Char]]], h: float) -> list[float]:
    """Given the table's rows as segments, return the x of each column edge.

    An edge is a run of x at least ``EDGE * h`` wide that no segment covers on all but
    ``CROSSING`` of the rows: a merged cell or a line of free text with a second part
    (部门名称 … 单位：万元) runs across edges that every other row leaves empty.
    """
    spans = sorted(span for segs in rows for span in _covered([c for s in segs for c in s], EDGE * h))
    if not spans:
        return []
    allowed = int(CROSSING * len(rows))
    events = sorted([(lo, 1) for lo, _ in spans] + [(hi, -1) for _, hi in spans])
    cuts: list[float] = []
    depth, start = 0, None
    for x, step in events:
        before, depth = depth, depth + step
        if before > allowed >= depth:
            start = x  # the covered run ends: a gap may open here
        elif depth > allowed >= before:
            if start is not None and x - start >= EDGE * h:
                cuts.extend(_through(spans, start, x, EDGE * h))
            start = None
    return cuts


def _through(spans: list[tuple[float, float]], a: float, b: float, min_gap: float) -> list[float]:
    """Given a run ``a..b`` that few rows cover, return the edges in it: the gaps left by every
    span but those running through the whole run (a cell merged across the edge; not text
    printed in a column of its own, such as a header over an empty column)."""
    inside = [(lo, hi) for lo, hi in spans if lo < b and hi > a and not (lo <= a and hi >= b)]
    return [(lo + hi) / 2 for lo, hi in _gaps([(a, a), *inside, (b, b)], min_gap)]


def unruled_rows(pages: list[PageObjects]) -> list[list[Cell]]:
    """Given pages whose table has no rules, return rows of cells (free lines as rows of one cell)."""
    chars = [c for p in pages for c in p.chars]
    h = _height(chars)
    paged = [(p.number, [_segments(r, h) for r in _rows(p.chars, h)]) for p in pages]
    cuts = column_cuts([segs for _, rows in paged for segs in rows if len(segs) > 1], h)
    ncols = len(cuts) + 1
    out: list[list[Cell]] = []
    for number, rows in paged:
        for segs in rows:
            if len(segs) == 1:
                out.extend([c] for c in _cells_of(segs[0], number))
                continue
            row = [Cell() for _ in range(ncols)]
            by_col: dict[int, list[Char]] = {}
            row_chars = [c for s in segs for c in s]
            for run in _runs(row_chars, EDGE * h):
                for c in run:
                    by_col.setdefault(_column(cuts, run, c), []).append(c)
            for col, cs in by_col.items():
                row[col] = Cell(text_lines(cs), Box(number, min(c.x0 for c in cs), min(c.top for c in cs),
                                                    max(c.x1 for c in cs), max(c.bottom for c in cs)))
            out.append(row)
    return out


def _runs(chars: list[Char], min_gap: float) -> list[list[Char]]:
    """A row's characters as runs parted by gaps at least ``min_gap`` wide on every line."""
    runs: list[list[Char]] = []
    reach = None
    for c in sorted(chars, key=lambda c: c.x0):
        if reach is None or c.x0 - reach >= min_gap:
            runs.append([])
        runs[-1].append(c)
        reach = c.x1 if reach is None else max(reach, c.x1)
    return runs


def _column(cuts: list[float], seg: list[Char], c: Char) -> int:
    """The column of character ``c``: its centre's, unless its run of text crosses an edge
    (a merged cell), which goes whole to the column of its left end."""
    lo, hi = min(x.x0 for x in seg), max(x.x1 for x in seg)
    if any(lo < x < hi for x in cuts):
        return sum(1 for x in cuts if x < lo)
    return sum(1 for x in cuts if x < (c.x0 + c.x1) / 2)


def _cells_of(chars: list[Char], number: int) -> list[Cell]:
    """A row of one segment: each printed line its own one-cell row (a title, a line of free text)."""
    out = []
    for line in _group_lines(chars):
        text = text_lines(line)
        if text:
            out.append(Cell(text, Box(number, min(c.x0 for c in line), min(c.top for c in line),
                                      max(c.x1 for c in line), max(c.bottom for c in line))))
    return out
