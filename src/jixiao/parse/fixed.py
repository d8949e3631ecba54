"""Tables laid out by spaces to fixed columns, as ``pdftotext -layout`` prints them.

Each line is cut into chunks at runs of two or more spaces; a chunk belongs to the
column whose left edge it starts at (text) or whose header label it sits under (an
amount, printed right-aligned). A table row spans several lines: its cells wrap
inside their columns, and the lines of one cell are interleaved with those of its
neighbours. A row is found by its amounts (the anchor line) and takes the lines
around it: below it when the cells are aligned to the top (a browser, Word), around
it when they are centred (Calc, Excel), where the row's lines are split so that
each row's text is centred on its anchor.

Positions are counted per character, as pdftotext pads; a text padded by display
width (CJK characters two columns wide) is measured that way when it aligns better.
Every cell is built from slices of its lines, so its spans point at the characters
it came from; a cell of several lines has several spans.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import AMOUNT_KEYS, Span
from .header import header_roles, is_header_line
from .lines import Line, clean_cell, is_chrome
from .mtext import MText
from .vocab import HEADER_ROLES, ROW_AMOUNT, squash

__all__ = ["DRIFT", "Chunk", "FixedLayout", "aligned_starts", "find_fixed_layout", "fixed_width_cells", "line_chunks",
           "pads_by_display_width"]

# a chunk: text between runs of two or more spaces (single spaces stay inside it)
_CHUNK_RE = re.compile(r"[^ \t\f\v\u3000]+(?:[ \u3000][^ \t\f\v\u3000]+)*")
_AMOUNT = ROW_AMOUNT
_AMOUNTS_RE = re.compile(rf"(?:{_AMOUNT})(?: (?:{_AMOUNT}))*")
# amounts at the end of a chunk that starts with the row's name, one space after it
_TRAILING_AMOUNTS_RE = re.compile(rf"(?<= )(?:{_AMOUNT})(?: (?:{_AMOUNT}))*$")
# amounts at the start of a chunk whose goal follows one space after them
_LEADING_AMOUNTS_RE = re.compile(rf"^(?:{_AMOUNT})(?: (?:{_AMOUNT}))*(?= \D)")
_AMOUNT_TOKEN_RE = re.compile(r"\S+")
_GAP_RE = re.compile(r"\S {2,}(?=\S)")
# a chunk may start this many positions left of its column's edge (pdftotext drifts by a few)
DRIFT = 3


@dataclass
class Chunk:
    """Text of one line between wide gaps: its columns ``x0``–``x1`` and its characters."""

    x0: int
    x1: int
    i0: int
    i1: int


@lru_cache(maxsize=4096)
def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def line_chunks(text: str, wide: bool = False) -> list[Chunk]:
    """The chunks of a line; ``wide``: measure CJK characters as two columns."""
    out = []
    # a form feed opens each page in pdftotext's output; it takes no room on the page
    skip = 1 if text.startswith("\f") else 0
    for m in _CHUNK_RE.finditer(text, skip):
        a, b = m.start(), m.end()
        if wide:
            x0 = _width(text, skip, a)
            out.append(Chunk(x0, x0 + _width(text, a, b), a, b))
        else:
            out.append(Chunk(a - skip, b - skip, a, b))
    return out


def _width(text: str, a: int, b: int) -> int:
    return sum(2 if _is_wide(ch) else 1 for ch in text[a:b])


def aligned_starts(texts: list[str], wide: bool = False, min_lines: int = 3) -> list[int]:
    """Positions where text starts after a gap of two or more spaces on at least
    ``min_lines`` lines (give or take one position): the left edges of columns.
    Double spaces in prose fall anywhere and line up nowhere."""
    counts: dict[int, int] = {}
    for t in texts:
        if "  " not in t.strip():
            continue
        for c in line_chunks(t, wide):
            if c.x0 > 0:
                counts[c.x0] = counts.get(c.x0, 0) + 1
    edges = []
    for x in sorted(counts):
        near = counts[x] + counts.get(x - 1, 0) + counts.get(x + 1, 0)
        peak = counts[x] >= counts.get(x - 1, 0) and counts[x] >= counts.get(x + 1, 0)
        if near >= min_lines and peak and (not edges or x - edges[-1] > 2):
            edges.append(x)
    return edges


def _aligned_chunks(texts: list[str], wide: bool) -> int:
    """How many chunks start at a column edge (indented lines count alike however a line is
    measured; chunks after other text decide between the two measures). Edges are
    taken from lines that start with spaces, whose positions do not depend on how the text
    before a chunk is measured; without such lines, from all lines."""
    indented = {}
    for t in texts:
        chunks = line_chunks(t, False)
        if chunks and chunks[0].x0 > 0:
            indented[chunks[0].x0] = indented.get(chunks[0].x0, 0) + 1
    edges = [x for x, n in indented.items() if n >= 2] or aligned_starts(texts, wide)
    n = 0
    for t in texts:
        for c in line_chunks(t, wide):
            n += c.x0 > 0 and any(abs(c.x0 - e) <= 1 for e in edges)
    return n


def pads_by_display_width(texts: list[str]) -> bool:
    """True when lines padded to fixed columns line up better with CJK characters measured two
    columns wide (a browser's PDF) than one (pdftotext pads by characters)."""
    if not any(_is_wide(ch) for t in texts for ch in t):
        return False
    return _aligned_chunks(texts, True) > _aligned_chunks(texts, False)


@dataclass
class Column:
    role: str
    label: str
    x0: int
    x1: int
    #: left edge of the column's text (text columns), else the label's start
    edge: int = 0
    #: where most of a text column's lines end (its wrapped lines are full)
    right: int | None = None

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def is_amount(self) -> bool:
        return self.role in AMOUNT_KEYS


@dataclass
class Segment:
    """One page's header block and the body lines under it."""

    header: list[int]
    columns: list[Column]
    body: list[int] = field(default_factory=list)


@dataclass
class FixedLayout:
    wide: bool
    segments: list[Segment]
    roles: list[str]


def _header_labels(lines: list[Line], block: list[int], wide: bool) -> list[tuple[str, int, int]]:
    """Header cells over one or more lines: chunks that overlap across lines are one label
    ("财政专户" over "拨款"), read top to bottom."""
    pieces = [(c, i) for i in block for c in line_chunks(lines[i].text, wide)]
    groups: list[list[tuple[Chunk, int]]] = []
    for c, i in sorted(pieces, key=lambda p: p[0].x0):
        if groups and c.x0 < max(p.x1 for p, _ in groups[-1]):
            groups[-1].append((c, i))
        else:
            groups.append([(c, i)])
    labels = []
    for g in groups:
        g.sort(key=lambda p: (p[1], p[0].x0))
        text = "".join(lines[i].text[c.i0:c.i1] for c, i in g)
        labels.append((text, min(c.x0 for c, _ in g), max(c.x1 for c, _ in g)))
    return labels


def _known(label: str) -> bool:
    return squash(label) in HEADER_ROLES


def _header_block(lines: list[Line], at: int, wide: bool) -> list[int] | None:
    """The lines of the header whose vocabulary line is ``at``: with the lines right above and
    below it when their chunks complete its labels (项目名称（资 / 金使用单位）)."""
    best: tuple[int, int, list[int]] | None = None
    for up in range(0, 3):
        for down in range(0, 3):
            block = list(range(at - up, at + down + 1))
            if block[0] < 0 or block[-1] >= len(lines) or any(lines[i].is_blank() for i in block):
                continue
            labels = _header_labels(lines, block, wide)
            known = sum(1 for t, _, _ in labels if _known(t))
            # every cell of an added line must end in a known label: a department line is not header
            if len(block) > 1 and known < len(labels):
                continue
            if best is None or known > best[0]:
                best = (known, -len(block), block)
    if best is None or best[0] < 3:
        return None
    return best[2]


def _columns(lines: list[Line], block: list[int], wide: bool) -> list[Column]:
    labels = _header_labels(lines, block, wide)
    roles = header_roles([t for t, _, _ in labels])
    return [Column(r, t, a, b, a) for r, (t, a, b) in zip(roles, labels, strict=True)]


def _set_text_edges(columns: list[Column], lines: list[Line], body: list[int], wide: bool) -> None:
    """Each text column's left edge: where most of its chunks start, between the centre of the
    column before it and the centre of its own label (a label is centred over its column or
    starts at its edge; its text starts at the edge). And where most of its lines end."""
    chunks = [c for i in body for c in line_chunks(lines[i].text, wide)
              if not _AMOUNTS_RE.fullmatch(lines[i].text[c.i0:c.i1])]
    starts: dict[int, int] = {}
    for c in chunks:
        starts[c.x0] = starts.get(c.x0, 0) + 1
    for k, col in enumerate(columns):
        if k == 0:
            col.edge = min(col.x0, min(starts, default=0))
            continue
        lo, hi = columns[k - 1].centre, col.centre
        window = [(n, -x) for x, n in starts.items() if lo < x <= hi]
        col.edge = -max(window)[1] if window and not col.is_amount else col.x0
    for k, col in enumerate(columns):
        if col.is_amount:
            continue
        ends: dict[int, int] = {}
        nxt = next((n for n in columns[k + 1:] if not n.is_amount), None)
        for c in chunks:
            # not the lines run into the next column's with one space between
            if abs(c.x0 - col.edge) <= DRIFT and (nxt is None or c.x1 < nxt.edge):
                ends[c.x1] = ends.get(c.x1, 0) + 1
        col.right = max(ends, key=lambda x: (ends[x], x)) if ends else None


def find_fixed_layout(lines: list[Line], header_at: int) -> FixedLayout | None:
    """The fixed-width layout of a summary whose column header is line ``header_at``, or None
    when the header's cells are not set apart by wide gaps aligned with the body's."""
    if len(_GAP_RE.findall(lines[header_at].text)) < 2:
        return None
    body_texts = [ln.text for ln in lines[header_at + 1:] if "  " in ln.text.rstrip()]
    if len(body_texts) < 2:
        return None
    # pdftotext pads by characters; a text padded by display width lines up better when so measured
    narrow = _aligned_chunks(body_texts, False)
    widened = _aligned_chunks(body_texts, True) if any(_is_wide(ch) for ch in lines[header_at].text) else 0
    wide = widened > narrow
    if max(narrow, widened) < 4:
        return None
    block = _header_block(lines, header_at, wide)
    if block is None:
        return None
    segments = [Segment(block, _columns(lines, block, wide))]
    i = block[-1] + 1
    while i < len(lines):
        if is_header_line(lines[i].text) and (again := _header_block(lines, i, wide)) is not None:
            # the header repeated on a new page, its columns placed anew; its first lines
            # (项目名称（资 …) were taken for the body before its vocabulary line showed it
            segments[-1].body = [j for j in segments[-1].body if j < again[0]]
            segments.append(Segment(again, _columns(lines, again, wide)))
            i = again[-1] + 1
            continue
        segments[-1].body.append(i)
        i += 1
    for seg in segments:
        _set_text_edges(seg.columns, lines, seg.body, wide)
    roles = [c.role for c in segments[0].columns]
    if "name" not in roles or not any(r in AMOUNT_KEYS for r in roles):
        return None
    return FixedLayout(wide, segments, roles)


# -- lines → pieces of cells ------------------------------------------------------


def _amount_column(columns: list[Column], x0: int, x1: int, after: int) -> int | None:
    """The amount column (index) an amount printed at ``x0``–``x1`` stands under: the one whose
    label's centre is nearest, right of the column ``after``."""
    best = None
    for k, col in enumerate(columns):
        if k <= after or not col.is_amount:
            continue
        d = abs(col.centre - (x0 + x1) / 2)
        if best is None or d < best[0]:
            best = (d, k)
    return None if best is None else best[1]


def _text_column(columns: list[Column], x0: int) -> int:
    """The text column a chunk starting at ``x0`` belongs to: the last whose edge it reaches."""
    found = 0
    for k, col in enumerate(columns):
        if not col.is_amount and x0 + DRIFT >= col.edge:
            found = k
    return found


def _split_at_edge(text: str, c: Chunk, columns: list[Column], k: int, wide: bool) -> list[tuple[int, Chunk]]:
    """A chunk of column ``k`` that runs on into the next column with a single space between
    (pdftotext keeps one space where two cells nearly touch) is two chunks, one per column.
    The space must stand where the column's full lines end, or further right."""
    col = columns[k]
    nxt = columns[k + 1] if k + 1 < len(columns) else None
    if nxt is None or nxt.is_amount or col.right is None or c.x1 <= col.right + 1:
        return [(k, c)]
    best = None
    for m in re.finditer(" ", text[c.i0:c.i1]):
        a = c.i0 + m.start()
        if _latin(text[a - 1]) and _latin(text[a + 1]):
            continue  # a space between two Latin words ("App Inventor")
        x = c.x0 + (_width(text, c.i0, a) if wide else a - c.i0)
        # a line with Latin letters or digits holds more characters than a full line of CJK
        if col.right - 2 <= x and x + 1 <= nxt.edge + DRIFT and (best is None or abs(x + 1 - nxt.edge) < best[0]):
            best = (abs(x + 1 - nxt.edge), a, x)
    if best is None:
        return [(k, c)]
    _, a, x = best
    return [(k, Chunk(c.x0, x, c.i0, a)), (k + 1, Chunk(x + 1, c.x1, a + 1, c.i1))]


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _line_pieces(line: Line, columns: list[Column], wide: bool) -> tuple[dict[int, list[MText]], bool]:
    """A line's pieces by column index, and whether it holds an amount (a row's anchor)."""
    text = line.text
    mt = line.mtext
    pieces: dict[int, list[MText]] = {}
    first_text = next((k for k, col in enumerate(columns) if not col.is_amount and k > 0
                       and any(c.is_amount for c in columns[:k])), len(columns))
    amount_zone_end = columns[first_text].edge - DRIFT if first_text < len(columns) else 1 << 30
    has_amount = False
    last_amount = -1
    for c in line_chunks(text, wide):
        s = text[c.i0:c.i1]
        head, amounts_at = c, None
        if c.x0 < amount_zone_end:
            if _AMOUNTS_RE.fullmatch(s):
                head, amounts_at = None, c.i0
            elif (m := _TRAILING_AMOUNTS_RE.search(s)) and not any(ch.isdigit() for ch in s[:m.start()]):
                head = Chunk(c.x0, c.x0 + (m.start() - 1), c.i0, c.i0 + m.start() - 1)
                amounts_at = c.i0 + m.start()
            elif m := _LEADING_AMOUNTS_RE.match(s):
                rest = c.x0 + (_width(text, c.i0, c.i0 + m.end() + 1) if wide else m.end() + 1)
                head = Chunk(rest, c.x1, c.i0 + m.end() + 1, c.i1)
                amounts_at, c = c.i0, Chunk(c.x0, rest - 1, c.i0, c.i0 + m.end())
        if head is not None:
            k = _text_column(columns, head.x0)
            for kk, part in _split_at_edge(text, head, columns, k, wide):
                pieces.setdefault(kk, []).append(mt.slice(part.i0, part.i1))
        if amounts_at is not None:
            for m in _AMOUNT_TOKEN_RE.finditer(text, amounts_at, c.i1):
                x0 = c.x0 + (_width(text, c.i0, m.start()) if wide else m.start() - c.i0)
                x1 = x0 + (m.end() - m.start())
                k = _amount_column(columns, x0, x1, last_amount)
                if k is None:
                    pieces.setdefault(_text_column(columns, x0), []).append(mt.slice(m.start(), m.end()))
                    continue
                pieces.setdefault(k, []).append(mt.slice(m.start(), m.end()))
                last_amount = k
                has_amount = True
    return pieces, has_amount


# -- lines → rows -------------------------------------------------------------------


def _centred_bounds(anchors: list[int], by_column: list[list[int]], lo: int, hi: int) -> list[int]:
    """Row boundaries for cells centred on their row: row ``i`` takes the lines
    ``[b[i], b[i+1])``. Each cell is centred on its row and so on the row's anchor line; the
    boundaries are chosen so that each column's lines of each row sit as evenly as they can
    around its anchor (``by_column``: per column, the lines with text in it, in order)."""

    def cost(i: int, a: int, b: int) -> int:
        total = 0
        twice = 2 * anchors[i]
        for col in by_column:
            j = bisect_left(col, a)
            if j < len(col) and col[j] < b:
                total += abs(col[j] + col[bisect_left(col, b) - 1] - twice)
        return total

    return least_cost_bounds(anchors, lo, hi, cost)


def least_cost_bounds(anchors: list[int], lo: int, hi: int, cost: Callable[[int, int, int], int]) -> list[int]:
    """Row boundaries ``b`` (row ``i`` takes lines ``[b[i], b[i+1])``, ``b[0] = lo``, the last
    ``hi``) that keep each row's anchor inside it and minimise the sum of ``cost(i, a, b)``."""
    n = len(anchors)
    # best[i][b]: least cost of rows 0..i with row i ending before line b, and where it began
    best: list[dict[int, tuple[int, int]]] = []
    for i in range(n):
        ends = range(anchors[i] + 1, anchors[i + 1] + 1) if i + 1 < n else [hi]
        row_best: dict[int, tuple[int, int]] = {}
        starts = best[i - 1] if i else {lo: (0, lo)}
        for b in ends:
            for a, (c0, _) in starts.items():
                c = c0 + cost(i, a, b)
                if b not in row_best or c < row_best[b][0]:
                    row_best[b] = (c, a)
        best.append(row_best)
    bounds = [hi]
    b = hi
    for i in range(n - 1, -1, -1):
        b = best[i][b][1]
        bounds.append(b)
    return bounds[::-1]


def fixed_width_cells(lines: list[Line], layout: FixedLayout,
                      syntax: list[Span]) -> list[tuple[int, list[MText]]]:
    """The rows of a fixed-width table: for each, its anchor's line number and one cell per
    header column (``layout.roles``), each joined from its pieces on the row's lines."""
    per_line: dict[int, dict[int, list[MText]]] = {}
    anchors_by_seg: list[list[int]] = []
    content_by_seg: list[list[int]] = []
    for seg in layout.segments:
        for i in seg.header:
            syntax.extend(lines[i].mtext.spans())
        anchors, content = [], []
        for i in seg.body:
            # a lone "。" wrapped onto its own line, padded with spaces, is no rule line
            if lines[i].is_blank() or is_chrome(lines[i].text.strip()):
                continue
            pieces, is_anchor = _line_pieces(lines[i], seg.columns, layout.wide)
            per_line[i] = _to_roles(pieces, seg.columns, layout.roles)
            content.append(i)
            if is_anchor:
                anchors.append(i)
        anchors_by_seg.append(anchors)
        content_by_seg.append(content)

    text_cols = [k for k, r in enumerate(layout.roles) if r not in AMOUNT_KEYS]
    goal_cols = set(text_cols[1:])
    # cells aligned to the top start their text on the anchor's line; centred cells above it
    first_text = next((i for content in content_by_seg for i in content
                       if any(k in goal_cols for k in per_line[i])), None)
    all_anchors = {i for a in anchors_by_seg for i in a}
    top_aligned = first_text is None or first_text in all_anchors

    rows: list[tuple[int, list[int]]] = []
    for anchors, content in zip(anchors_by_seg, content_by_seg, strict=True):
        if not content:
            continue
        if top_aligned or not anchors:
            # lines above a page's first anchor go on with the row the page break cut
            for i in content:
                if i in all_anchors:
                    rows.append((i, []))
                if rows:
                    rows[-1][1].append(i)
            continue
        lo, hi = content[0], content[-1] + 1
        by_column = [[i for i in content if k in per_line[i]] for k in text_cols]
        bounds = _centred_bounds(anchors, by_column, lo, hi)
        for r, a in enumerate(anchors):
            rows.append((a, [i for i in content if bounds[r] <= i < bounds[r + 1]]))

    out = []
    for anchor, members in rows:
        cells = []
        for k in range(len(layout.roles)):
            parts = [clean_cell(p, syntax).strip() for i in members for p in per_line[i].get(k, [])]
            cells.append(MText.join_lines(parts))
        out.append((lines[anchor].no, cells))
    return out


def _to_roles(pieces: dict[int, list[MText]], columns: list[Column], roles: list[str]) -> dict[int, list[MText]]:
    """A page's column indices → the first page's (the columns are the same, placed anew)."""
    if [c.role for c in columns] == roles:
        return pieces
    out: dict[int, list[MText]] = {}
    for k, ps in pieces.items():
        role = columns[k].role
        kk = roles.index(role) if role in roles else min(k, len(roles) - 1)
        out.setdefault(kk, []).extend(ps)
    return out
