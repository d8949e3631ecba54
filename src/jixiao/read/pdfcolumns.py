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

__all__ = ["unruled_rows"]

ROW_GAP = 0.6  # a vertical gap wider than this many character heights parts two rows
COL_GAP = 0.6  # a horizontal gap wider than this many character heights parts two cells of a row
EDGE = 0.2  # ... and a gap this wide, empty on every row of the table, is a column edge


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


def unruled_rows(pages: list[PageObjects]) -> list[list[Cell]]:
    """Given pages whose table has no rules, return rows of cells (free lines as rows of one cell)."""
    chars = [c for p in pages for c in p.chars]
    h = _height(chars)
    paged = [(p.number, [_segments(r, h) for r in _rows(p.chars, h)]) for p in pages]
    table = [(c.x0, c.x1) for _, rows in paged for segs in rows if len(segs) > 1 for s in segs for c in s]
    # a column gap need only be narrow: it is empty on every row of the table, on every page
    cuts = [(a + b) / 2 for a, b in _gaps(table, EDGE * h)]
    ncols = len(cuts) + 1
    out: list[list[Cell]] = []
    for number, rows in paged:
        for segs in rows:
            if len(segs) == 1:
                out.extend([c] for c in _cells_of(segs[0], number))
                continue
            row = [Cell() for _ in range(ncols)]
            by_col: dict[int, list[Char]] = {}
            for c in (c for s in segs for c in s):
                by_col.setdefault(sum(1 for x in cuts if x < (c.x0 + c.x1) / 2), []).append(c)
            for col, cs in by_col.items():
                row[col] = Cell(text_lines(cs), Box(number, min(c.x0 for c in cs), min(c.top for c in cs),
                                                    max(c.x1 for c in cs), max(c.bottom for c in cs)))
            out.append(row)
    return out


def _cells_of(chars: list[Char], number: int) -> list[Cell]:
    """A row of one segment: each printed line its own one-cell row (a title, a line of free text)."""
    out = []
    for line in _group_lines(chars):
        text = text_lines(line)
        if text:
            out.append(Cell(text, Box(number, min(c.x0 for c in line), min(c.top for c in line),
                                      max(c.x1 for c in line), max(c.bottom for c in line))))
    return out
