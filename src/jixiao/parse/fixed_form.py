"""One-project forms laid out by spaces to fixed columns, as ``pdftotext -layout`` prints them.

A form's cells are merged and their text centred: a label stands at the left of its row,
halfway down the lines of its value, which wrap within their column to the right; a label
wrapped inside its narrow cell ("上级转移支付(一般公共" over "预算)") is printed over the line of
its row's other cells; a group label (项目概况) spanning several rows stands on whichever of
their lines is in the middle, between value lines.

So a row is found by its label (the anchor line) and takes the value lines around it: the
lines between two anchors are split so that each label is centred on its value, as in
:mod:`.fixed`. Within a row, chunks that overlap horizontally are one cell. The rows of cells
go to the ordinary form logic (:mod:`.form`); the indicator grid's rows, its merged 一级/二级
cells placed on the rows they span, go to :mod:`.grid`.

Every cell is built from slices of its lines, so its spans point at the characters it came from.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ..model import Span
from .fixed import DRIFT, Chunk, least_cost_bounds, line_chunks, pads_by_display_width
from .grid import grid_column_role, is_grid_header
from .labels import match_label, strip_noise
from .lines import Line, clean_cell, is_chrome
from .mtext import MText

__all__ = ["fixed_form_rows", "fixed_grid_rows", "is_fixed_width_form", "is_fixed_width_grid_header"]

_COLON_RE = re.compile(r"[:：]")
# a label run into its value with one space ("项目组织架构及分工 条件,然后…"): pdftotext keeps one
# space where a label's cell nearly touches its value's
_LABEL_THEN_SPACE_RE = re.compile(r"^(\S{2,16}) (?=\S)")
# how many content lines below a piece of a wrapped label its next piece may stand
_WRAP_REACH = 3


@dataclass
class _Piece:
    """A chunk of a line, or a label joined from chunks on consecutive lines."""

    line: int  # content index of its first line
    last: int  # content index of its last line
    x0: int
    x1: int
    mt: MText
    kind: str  # field / group / pair / text


def _exact_label(text: str) -> tuple[str, str] | None:
    m = match_label(text, fuzzy=False)
    return (m.label, m.kind) if m else None


def _content_lines(lines: list[Line]) -> list[Line]:
    return [ln for ln in lines if not ln.is_blank() and not is_chrome(ln.text)]


def _line_pieces(k: int, line: Line, wide: bool) -> list[_Piece]:
    text = line.text
    out = []
    for c in line_chunks(text, wide):
        s = text[c.i0:c.i1]
        m = _LABEL_THEN_SPACE_RE.match(s)
        if m and _exact_label(m.group(1)) and not _exact_label(s):
            cut = c.i0 + m.end(1)
            width = len(m.group(1)) * (2 if wide and not m.group(1).isascii() else 1)
            out.append(_Piece(k, k, c.x0, c.x0 + width, line.mtext.slice(c.i0, cut), "text"))
            out.append(_Piece(k, k, c.x0 + width + 1, c.x1, line.mtext.slice(cut + 1, c.i1), "text"))
            continue
        out.append(_Piece(k, k, c.x0, c.x1, line.mtext.slice(c.i0, c.i1), "text"))
    for p in out:
        p.kind = _piece_kind(p.mt.s)
    return out


def _piece_kind(s: str) -> str:
    lab = _exact_label(s)
    if lab is not None:
        return "field" if lab[1] == "field" else "group"
    head = _COLON_RE.split(s, 1)[0] if _COLON_RE.search(s) else None
    if head and (lab := _exact_label(head)) is not None and lab[1] == "field":
        return "pair"  # 填报单位(盖章):济南市电化教育馆
    return "text"


def _overlap(a: _Piece, b: _Piece) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1


def _join_wrapped_labels(pieces: list[list[_Piece]]) -> None:
    """Pieces of a label wrapped inside its cell, on lines one under the other and overlapping,
    become one label piece (on the first piece's line; the others are removed)."""
    for k, row in enumerate(pieces):
        for p in list(row):
            if p.kind != "text" or len(strip_noise(p.mt.s)) > 14:
                continue
            chain = [p]
            for j in range(k + 1, min(k + 1 + _WRAP_REACH, len(pieces))):
                below = next((q for q in pieces[j] if q.kind == "text" and _overlap(chain[-1], q)), None)
                if below is None:
                    continue
                chain.append(below)
                joined = MText.join([c.mt for c in chain])
                lab = _exact_label(joined.s)
                if lab is not None:
                    p.mt, p.last = joined, below.line
                    p.x0, p.x1 = min(c.x0 for c in chain), max(c.x1 for c in chain)
                    p.kind = "field" if lab[1] == "field" else "group"
                    for c in chain[1:]:
                        pieces[c.line].remove(c)
                    break
                if len(chain) == 3:
                    break


def _is_anchor(pieces: list[list[_Piece]], k: int) -> bool:
    """Whether line ``k`` starts a row: it holds a label of one line or a "label：value" cell. A
    group label with nothing left of it (not even a label wrapped over this line) is one spanning
    several rows, printed between their lines."""
    single = [p for p in pieces[k] if p.kind in ("field", "group", "pair") and p.line == p.last]
    if any(p.kind in ("field", "pair") for p in single) or len(single) >= 2:
        return True
    covering = [q for j in range(max(0, k - _WRAP_REACH), k + 1) for q in pieces[j] if q.last >= k]
    return any(p.kind == "group" and any(q.x1 <= p.x0 for q in covering) for p in single)


def _page_tops(content: list[Line]) -> set[int]:
    # pdftotext opens each page with a form feed
    return {k for k, ln in enumerate(content) if k and ln.text.startswith("\f")}


def _row_bounds(anchors: list[int], text_lines: list[int], free: set[int], lo: int, hi: int) -> list[int]:
    """Boundaries of the rows that start at ``anchors``: row ``i`` takes the lines
    ``[b[i], b[i+1])``, chosen so that each row's value lines (``text_lines``) sit as evenly as
    they can around its anchor. A ``free`` anchor is the top of a page whose first lines go on
    with the row the page break cut: where they end costs nothing."""

    def cost(i: int, a: int, b: int) -> int:
        if anchors[i] in free:
            return 0
        j, k = bisect_left(text_lines, a), bisect_left(text_lines, b)
        return abs(text_lines[j] + text_lines[k - 1] - 2 * anchors[i]) if j < k else 0

    return least_cost_bounds(anchors, lo, hi, cost)


def _cells_of(pieces: list[_Piece]) -> list[tuple[int, int, MText]]:
    """A row's pieces grouped into cells: pieces that overlap horizontally are one cell, its
    lines read top to bottom. Returns (x0, x1, text) left to right."""
    groups: list[list[_Piece]] = []
    for p in sorted(pieces, key=lambda p: p.x0):
        touching = [g for g in groups if any(_overlap(p, q) for q in g)]
        merged = [p]
        for g in touching:
            merged.extend(g)
            groups.remove(g)
        groups.append(merged)
    cells = []
    for g in sorted(groups, key=lambda g: min(p.x0 for p in g)):
        g.sort(key=lambda p: (p.line, p.x0))
        cells.append((min(p.x0 for p in g), max(p.x1 for p in g), MText.join_lines([p.mt for p in g])))
    return cells


def _align_under(heads: list[tuple[int, int, MText]], cells: list[tuple[int, int, MText]]) -> list[int] | None:
    """Under a row of labels only, the column of each cell: the label whose centre is nearest.
    None when two cells would share one."""
    cols = []
    for x0, x1, _ in cells:
        centre = (x0 + x1) / 2
        cols.append(min(range(len(heads)), key=lambda k: abs((heads[k][0] + heads[k][1]) / 2 - centre)))
    return cols if len(set(cols)) == len(cols) and cols == sorted(cols) else None


def is_fixed_width_form(lines: list[Line]) -> bool:
    """True for a form laid out by spaces: no tab or pipe separates its cells, and three or more
    lines hold a known label as a chunk of their own with a value to its right."""
    labelled = 0
    for ln in lines:
        if "\t" in ln.text or ln.text.count("|") >= 2:
            return False
        if "  " not in ln.text.strip():
            continue
        chunks = [ln.text[c.i0:c.i1] for c in line_chunks(ln.text)]
        if any((lab := _exact_label(s)) and lab[1] == "field" for s in chunks[:-1]):
            labelled += 1
    return labelled >= 3


def fixed_form_rows(lines: list[Line], syntax: list[Span]) -> list[tuple[Line, list[MText]]]:
    """The rows of a fixed-width form's labelled part: for each, its anchor line and its cells
    left to right (an empty cell where a column of the row of labels above is empty)."""
    content = _content_lines(lines)
    if not content:
        return []
    wide = pads_by_display_width([ln.text for ln in content])
    pieces = [_line_pieces(k, ln, wide) for k, ln in enumerate(content)]
    _join_wrapped_labels(pieces)
    anchor_set = {k for k, row in enumerate(pieces) if row and _is_anchor(pieces, k)}
    if not anchor_set:
        return [(ln, [clean_cell(ln.mtext, syntax).strip()]) for ln in content]
    # a group label printed between the rows it spans is structure
    for k, row in enumerate(pieces):
        for p in list(row):
            if p.kind == "group" and (p.line != p.last or k not in anchor_set):
                syntax.extend(p.mt.spans())
                row.remove(p)
    # lines left empty take no room: rows are centred on the lines that hold their text
    keep = [k for k, row in enumerate(pieces) if row]
    content = [content[k] for k in keep]
    pieces = [pieces[k] for k in keep]
    for i, row in enumerate(pieces):
        for p in row:
            p.line, p.last = i, bisect_right(keep, p.last) - 1
    anchors = [i for i, k in enumerate(keep) if k in anchor_set]
    out: list[tuple[Line, list[MText]]] = []
    # a label wrapped over several lines goes with the row whose anchor it spans
    wrapped = {id(p): (a, p) for row in pieces for p in row if p.last > p.line
               for a in anchors if p.line <= a <= p.last}
    # lines above the first label (a subtitle) are rows of their own
    for k in range(anchors[0]):
        if alone := [p for p in pieces[k] if id(p) not in wrapped]:
            out.append((content[k], [clean_cell(p.mt, syntax).strip() for p in alone]))
    tops = {k for k in _page_tops(content) if k > anchors[0] and k not in anchors
            and any(p.kind == "text" for p in pieces[k])}
    starts = sorted(set(anchors) | tops)
    text_lines = [k for k, row in enumerate(pieces) if any(p.kind == "text" and p.line == p.last for p in row)]
    bounds = _row_bounds(starts, text_lines, tops, anchors[0], len(content))
    members: list[list[_Piece]] = []
    heads: list[int] = []
    for i, a in enumerate(starts):
        span = [p for k in range(bounds[i], bounds[i + 1]) for p in pieces[k] if id(p) not in wrapped]
        span += [p for at, p in wrapped.values() if at == a]
        if a in tops and members:
            members[-1].extend(span)  # the page break cut the row above: its lines go on here
        else:
            members.append(span)
            heads.append(a)
    previous: list[tuple[int, int, MText]] | None = None
    for a, span in zip(heads, members, strict=True):
        cells = _cells_of(span)
        cells = [(x0, x1, clean_cell(mt, syntax).strip()) for x0, x1, mt in cells]
        row: list[MText] = [mt for _, _, mt in cells]
        if previous is not None and all(_exact_label(mt.s) for _, _, mt in previous):
            cols = _align_under(previous, cells)
            if cols is not None:
                row = [MText.plain("")] * (max(cols) + 1)
                for col, (_, _, mt) in zip(cols, cells, strict=True):
                    row[col] = mt
        out.append((content[a], row))
        previous = cells
    return out


# -- the indicator grid ---------------------------------------------------------------


def is_fixed_width_grid_header(line: Line) -> bool:
    """A grid header whose column words stand apart by two or more spaces."""
    words = [line.text[c.i0:c.i1] for c in line_chunks(line.text)]
    return len(words) >= 3 and all(grid_column_role(w) for w in words) and is_grid_header(words)


@dataclass
class _GridColumn:
    label: str
    role: str | None
    x0: int
    x1: int
    edge: int = 0


def _grid_columns(header: Line, body: list[Line], wide: bool) -> list[_GridColumn]:
    """The header's columns, each with the left edge of its text: where most body chunks start
    between the centre of the column before and the centre of its own word (a word is centred
    over its column, the text in it starts at its left)."""
    cols = [_GridColumn(header.text[c.i0:c.i1], grid_column_role(header.text[c.i0:c.i1]), c.x0, c.x1)
            for c in line_chunks(header.text, wide)]
    starts: dict[int, int] = {}
    for ln in body:
        for c in line_chunks(ln.text, wide):
            starts[c.x0] = starts.get(c.x0, 0) + 1
    for k, col in enumerate(cols):
        lo = (cols[k - 1].x0 + cols[k - 1].x1) / 2 if k else -1
        hi = (col.x0 + col.x1) / 2
        window = [(n, -x) for x, n in starts.items() if lo < x <= hi]
        col.edge = min(col.x0, -max(window)[1]) if window else col.x0
    return cols


def _column_of(cols: list[_GridColumn], c: Chunk) -> int:
    found = 0
    for k, col in enumerate(cols):
        if c.x0 + DRIFT >= col.edge:
            found = k
    return found


@dataclass
class _GridRow:
    lines: list[int]
    name: list[MText]
    values: dict[int, list[MText]]
    x1: int = 0


def _position(row_lines: list[list[int]], k: int) -> float:
    """Where line ``k`` stands among the grid's rows: row ``r`` when it is one of its lines,
    ``r + 0.5`` between rows ``r`` and ``r + 1``."""
    for r, ls in enumerate(row_lines):
        if ls[0] <= k <= ls[-1]:
            return float(r)
        if k < ls[0]:
            return r - 0.5
    return len(row_lines) - 0.5


def _blocks(positions: list[float], lo: int, hi: int) -> list[int]:
    """First rows of the blocks of rows ``[lo, hi)`` that labels at ``positions`` head: each
    merged cell's label is centred on its rows, unless every label stands on the first row of
    its block (cells aligned to the top)."""
    if not positions:
        return []
    if positions[0] == lo and all(p == int(p) for p in positions):
        return [int(p) for p in positions]
    n = len(positions)
    # best[i][b]: (cost, start) of blocks 0..i with block i ending before row b
    best: list[dict[int, tuple[float, int]]] = []
    for i in range(n):
        prev = best[i - 1] if i else {lo: (0.0, lo)}
        cur: dict[int, tuple[float, int]] = {}
        ends = range(lo + 1, hi + 1) if i + 1 < n else [hi]
        for b in ends:
            for a, (c0, _) in prev.items():
                if a >= b or not (a - 0.5 <= positions[i] <= b - 0.5):
                    continue
                c = c0 + abs(a + b - 1 - 2 * positions[i])
                if b not in cur or c < cur[b][0]:
                    cur[b] = (c, a)
        best.append(cur)
    if hi not in best[-1]:
        return [int(max(lo, min(hi - 1, round(p)))) for p in positions]
    starts, b = [], hi
    for i in range(n - 1, -1, -1):
        b = best[i][b][1]
        starts.append(b)
    return starts[::-1]


def fixed_grid_rows(lines: list[Line], syntax: list[Span]) -> tuple[list[str], list[list[MText]]]:
    """A fixed-width grid (``lines[0]`` its header): the header's words and one row of cells per
    indicator, the 一级/二级 cells on the first row of the rows they span."""
    header = lines[0]
    syntax.extend(header.mtext.spans())
    body = _content_lines(lines[1:])
    wide = pads_by_display_width([ln.text for ln in lines])
    cols = _grid_columns(header, body, wide)
    roles = [c.role for c in cols]
    name_col = roles.index("name")
    value_cols = [k for k, r in enumerate(roles) if r not in ("level1", "level2", "name")]
    levels: dict[str, list[tuple[int, MText]]] = {"level1": [], "level2": []}
    by_line: list[dict[int, list[tuple[Chunk, MText]]]] = []
    for k, ln in enumerate(body):
        got: dict[int, list[tuple[Chunk, MText]]] = {}
        for c in line_chunks(ln.text, wide):
            got.setdefault(_column_of(cols, c), []).append((c, ln.mtext.slice(c.i0, c.i1)))
        by_line.append(got)
        for col, found in got.items():
            if roles[col] in levels:
                levels[roles[col]].append((k, MText.join([mt for _, mt in found], " ")))
    name_right = max((c.x1 for got in by_line for c, _ in got.get(name_col, [])), default=0)
    rows: list[_GridRow] = []
    pending_values: list[tuple[int, dict[int, list[MText]]]] = []
    for k, got in enumerate(by_line):
        values = {col: [mt for _, mt in got[col]] for col in value_cols if col in got}
        if name_col not in got:
            if values:
                pending_values.append((k, values))
            continue
        name = [mt for _, mt in got[name_col]]
        x1 = max(c.x1 for c, _ in got[name_col])
        last = rows[-1] if rows else None
        # a name wrapped in its column: the line above it is full, and not both lines hold a value
        if (last is not None and k - last.lines[-1] <= 2 and last.x1 >= name_right - 1
                and not (last.values and values)):
            last.lines.append(k)
            last.name.extend(name)
            last.x1 = x1
            for col, vs in values.items():
                last.values.setdefault(col, []).extend(vs)
            continue
        rows.append(_GridRow([k], name, values, x1))
    # a value on a line of its own (centred between the lines of a wrapped name) goes with its name
    for k, values in pending_values:
        if not rows:
            break
        row = min(rows, key=lambda r: (0 if r.lines[0] <= k <= r.lines[-1] else min(abs(k - r.lines[0]), abs(k - r.lines[-1]))))
        for col, vs in values.items():
            row.values.setdefault(col, []).extend(vs)
    row_lines = [r.lines for r in rows]
    level1_at = [(_position(row_lines, k), mt) for k, mt in levels["level1"]]
    level2_at = [(_position(row_lines, k), mt) for k, mt in levels["level2"]]
    first_l1 = dict(zip(_blocks([p for p, _ in level1_at], 0, len(rows)), [mt for _, mt in level1_at], strict=True))
    l1_starts = sorted(first_l1) or [0]
    first_l2: dict[int, MText] = {}
    for i, lo in enumerate(l1_starts):
        hi = l1_starts[i + 1] if i + 1 < len(l1_starts) else len(rows)
        inside = [(p, mt) for p, mt in level2_at if lo - 0.5 <= p <= hi - 0.5]
        first_l2.update(zip(_blocks([p for p, _ in inside], lo, hi), [mt for _, mt in inside], strict=True))
    empty = MText.plain("")
    out = []
    for r, row in enumerate(rows):
        cells = []
        for k, role in enumerate(roles):
            if role == "level1":
                cells.append(first_l1.get(r, empty))
            elif role == "level2":
                cells.append(first_l2.get(r, empty))
            elif k == name_col:
                cells.append(MText.join_lines(row.name))
            else:
                cells.append(MText.join_lines(row.values.get(k, [])))
        out.append(cells)
    return [c.label for c in cols], out
