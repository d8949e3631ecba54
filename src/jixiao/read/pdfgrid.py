"""Ruled tables from page geometry: characters and rules → cells → rows, pages stitched together.

A chain of small stages, each a function of plain data (no PDF library here):

1. :func:`cluster` — given coordinates, return the distinct rule positions;
2. :func:`page_table` — given one page's characters and rules and the table's
   column rules, return its cells: grid slots joined wherever no rule separates
   them (merged cells), each with the lines of text printed in it, and the page's
   free text above and below the table;
3. :func:`stitch` — given every page's table, drop the header repeated at the
   top of each page and join a row the page break cut (a table whose rules run
   on below its last horizontal rule is open at the bottom: its last row goes on
   at the top of the next page; so is one whose last row fills the page and whose
   text goes on in the first row of the next, though a rule closes it);
4. :func:`table_rows` — given the stitched pages, return rows of cells for
   :func:`jixiao.read.layout.render`.

Rows are rebuilt from where the rules are, not from closed cells, so a row
with no rule under it at the foot of a page is still read whole.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from operator import attrgetter

from jixiao.read.layout import Box, Cell

__all__ = ["Char", "add_box", "PageObjects", "PageTable", "Region", "cluster", "free_lines", "page_table", "stitch",
           "table_rows", "text_lines"]

THIN = 3.0  # points: a filled box thinner than this is a rule drawn as a box
TOL = 2.0  # points: two rules closer than this are one (a border drawn as a thin filled box has two edges)
MIN_RULE = 3.0  # shorter "rules" are the ends of a border box, dots, or ticks


@dataclass(slots=True)  # not frozen: a frozen dataclass takes five times as long to make, and a page has thousands
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class PageObjects:
    """What a page holds, as plain data: characters and rules (horizontal ``(y, x0, x1)``,
    vertical ``(x, top, bottom)``), top-left origin, in points."""

    number: int
    chars: list[Char]
    hrules: list[tuple[float, float, float]]
    vrules: list[tuple[float, float, float]]
    #: text the backend saw drawn but could not turn into characters (pdfium and a font not embedded)
    lost_text: int = 0


@dataclass
class Region:
    """A cell: grid bands ``band0..band1`` and columns ``col0..col1`` (inclusive), its characters."""

    band0: int
    band1: int
    col0: int
    col1: int
    box: Box
    chars: list[Char] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    #: no rule on the table's first (last) grid line closes the cell: it goes on from the page before (to the next)
    open_top: bool = False
    open_bottom: bool = False


@dataclass
class PageTable:
    """One page's table: its cells, the free lines above and below it, and whether its last row is open."""

    number: int
    bands: int
    regions: list[Region]
    above: list[Cell]
    below: list[Cell]
    open_bottom: bool = False


def add_box(x0: float, top: float, x1: float, bottom: float, hrules: list, vrules: list) -> None:
    """Given a box drawn on the page, add the rules it draws: a thin box is one rule, a larger
    box its four sides (a cell's border or background marks the cell's edges)."""
    w, h = x1 - x0, bottom - top
    if h <= THIN and w >= MIN_RULE:
        hrules.append(((top + bottom) / 2, x0, x1))
    elif w <= THIN and h >= MIN_RULE:
        vrules.append(((x0 + x1) / 2, top, bottom))
    elif w > THIN and h > THIN:
        hrules += [(top, x0, x1), (bottom, x0, x1)]
        vrules += [(x0, top, bottom), (x1, top, bottom)]


def cluster(values: list[float], tol: float = TOL) -> list[float]:
    """Given coordinates, return one position per group of values within ``tol`` of the next (their mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


#: Kangxi radicals (⽬ for 目) come out of some CJK fonts' glyph maps; NFKC folds them back.
_RADICALS = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2E80, 0x2FE0)}


def _fold(text: str) -> str:
    return text.translate(_RADICALS)


def _group_lines(chars: list[Char]) -> list[list[Char]]:
    """Given characters, return them as printed lines, top to bottom, each left to right:
    characters share a line while their vertical middles are close."""
    lines: list[list[Char]] = []
    last = 0.0  # the middle of the last line's first character
    mids = [(c.top + c.bottom) / 2 for c in chars]
    for k in sorted(range(len(chars)), key=mids.__getitem__):
        c, mid = chars[k], mids[k]
        half = (c.bottom - c.top) / 2
        if half < 1.0:  # max(half, 1.0), NaN kept as max keeps it
            half = 1.0
        if lines and abs(mid - last) <= half * 0.6:
            lines[-1].append(c)
        else:
            lines.append([c])
            last = mid
    for line in lines:
        line.sort(key=_LEFT)
    return lines


_LEFT = attrgetter("x0")


def _line_text(line: list[Char]) -> str:
    """One printed line as text: a gap wider than half a character is a space (unless one is printed)."""
    text, prev = "", None
    for c in line:
        if prev is not None:
            if abs(c.x0 - prev.x0) < 0.5 and c.text == prev.text:
                continue  # bold faked by printing twice
            gap = c.x0 - prev.x1
            # (a gap of half a point or less is never a space: the quick test spares the max)
            if gap > 0.5 and gap > 0.5 * max(c.bottom - c.top, 1.0) and not text.endswith(" ") and c.text != " ":
                text += " "
        text += c.text
        prev = c
    # folded once for the line: a folded radical is never a space, so the tests above are unchanged
    return _fold(text).strip()


def text_lines(chars: list[Char]) -> list[str]:
    """Given the characters printed in one box, return its lines of text, top to bottom."""
    return [t for line in _group_lines(chars) if (t := _line_text(line))]


def free_lines(chars: list[Char], page: int) -> list[Cell]:
    """Given characters outside any table, return each printed line as a one-line cell with its box."""
    return [Cell([t], Box(page, min(c.x0 for c in line), min(c.top for c in line),
                          max(c.x1 for c in line), max(c.bottom for c in line)))
            for line in _group_lines(chars) if (t := _line_text(line))]


def _rules_at(rules: list[tuple[float, float, float]], positions: list[float],
              tol: float) -> list[list[tuple[float, float]]]:
    """Given rules and grid lines, return for each grid line the spans of the rules lying on it."""
    out: list[list[tuple[float, float]]] = [[] for _ in positions]
    for pos, lo, hi in rules:
        k = bisect.bisect_left(positions, pos - tol)
        while k < len(positions) and positions[k] <= pos + tol:
            out[k].append((lo - tol, hi + tol))
            k += 1
    return out


def _covers(spans: list[tuple[float, float]], where: float) -> bool:
    """True when one of the rule ``spans`` on a grid line reaches position ``where``."""
    return any(lo <= where <= hi for lo, hi in spans)


def page_table(page: PageObjects, xs: list[float], tol: float = TOL) -> PageTable | None:
    """Given a page's characters and rules and the table's column rules ``xs``, return the page's
    cells (slots joined where no rule parts them), or ``None`` when the page has no ruled table.

    ``tol`` is how far a rule may lie from its grid line: a scan's pages shift by a few points.
    """
    vr = [r for r in page.vrules if xs[0] - tol <= r[0] <= xs[-1] + tol]
    hr = [r for r in page.hrules if r[2] > xs[0] + tol and r[1] < xs[-1] - tol]
    if not vr or not hr:
        return None
    ys = cluster([r[0] for r in hr])
    v_bottom = max(r[2] for r in vr)
    v_top = min(r[1] for r in vr)
    open_bottom = v_bottom > ys[-1] + 3 * TOL
    if open_bottom:
        ys.append(v_bottom)  # a row cut by the page break: the side rules are its only bounds
    if v_top < ys[0] - 3 * TOL:
        ys.insert(0, v_top)
    if len(ys) < 2:
        return None
    nb, nc = len(ys) - 1, len(xs) - 1
    parent = list(range(nb * nc))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    v_on, h_on = _rules_at(vr, xs, tol), _rules_at(hr, ys, tol)
    for b in range(nb):
        ymid = (ys[b] + ys[b + 1]) / 2
        for c in range(nc):
            xmid = (xs[c] + xs[c + 1]) / 2
            if c + 1 < nc and not _covers(v_on[c + 1], ymid):
                parent[find(b * nc + c + 1)] = find(b * nc + c)
            if b + 1 < nb and not _covers(h_on[b + 1], xmid):
                parent[find((b + 1) * nc + c)] = find(b * nc + c)
    regions: dict[int, Region] = {}
    for b in range(nb):
        for c in range(nc):
            root = find(b * nc + c)
            if root not in regions:
                regions[root] = Region(b, b, c, c, Box(page.number, xs[c], ys[b], xs[c + 1], ys[b + 1]))
            r = regions[root]
            r.band1, r.col1 = max(r.band1, b), max(r.col1, c)
            r.box = Box(page.number, xs[r.col0], ys[r.band0], xs[r.col1 + 1], ys[r.band1 + 1])
    above, below = [], []
    slot_chars = [regions[find(i)].chars for i in range(nb * nc)]  # each grid slot's cell's characters
    left, right, top, bottom = xs[0], xs[-1], ys[0], ys[-1]
    # the slot of the character before, and its bounds: characters of one cell come one after another
    slot, x0, x1, y0, y1 = None, 0.0, 0.0, 0.0, 0.0
    for ch in page.chars:
        x, y = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
        if x0 <= x < x1 and y0 <= y < y1:
            slot.append(ch)
            continue
        if not (left <= x <= right and top <= y <= bottom):
            (above if y < top else below).append(ch)
            continue
        b, c = bisect.bisect_right(ys, y) - 1, bisect.bisect_right(xs, x) - 1  # ≥ 0: x, y lie inside
        b, c = (b if b < nb else nb - 1), (c if c < nc else nc - 1)
        slot = slot_chars[b * nc + c]
        slot.append(ch)
        x0, x1, y0, y1 = xs[c], xs[c + 1], ys[b], ys[b + 1]
    for r in regions.values():
        r.lines = text_lines(r.chars)
        mids = [(xs[c] + xs[c + 1]) / 2 for c in range(r.col0, r.col1 + 1)]
        r.open_top = r.band0 == 0 and not any(_covers(h_on[0], x) for x in mids)
        r.open_bottom = r.band1 == nb - 1 and not any(_covers(h_on[nb], x) for x in mids)
    return PageTable(page.number, nb, sorted(regions.values(), key=lambda r: (r.band0, r.col0)),
                     free_lines(above, page.number), free_lines(below, page.number), open_bottom)


def _band_text(t: PageTable, band: int) -> list[str]:
    return ["".join("".join(r.lines).split()) for r in t.regions if r.band0 == band]


def _same_band(a: list[str], b: list[str]) -> bool:
    """Two bands print the same cells: equal, or (OCR) nearly so, cell for cell."""
    if len(a) != len(b) or not any(a):
        return False
    return all(x == y or (len(x) >= 4 and SequenceMatcher(None, x, y).ratio() >= 0.8) for x, y in zip(a, b, strict=True))


def stitch(tables: list[PageTable]) -> list[PageTable]:
    """Given each page's table in order, drop header rows repeated from the first page and join
    each row cut by a page break into its start on the page before; return the tables."""
    if not tables:
        return tables
    first = tables[0]
    # the lowest a table reaches on any page: where the page's text area ends
    foot = max((r.box.bottom for t in tables for r in t.regions), default=0.0)
    for prev, t in zip(tables, tables[1:], strict=False):
        band = 0
        # the header printed again at the top of the page (one or a few bands, as on the first page)
        while band < min(3, t.bands, first.bands) and _same_band(_band_text(t, band), _band_text(first, band)):
            t.regions = [r for r in t.regions if r.band0 != band]
            band += 1
        tail = [r for r in prev.regions if r.band1 == prev.bands - 1]
        pairs = [(r, _host(tail, r)) for r in t.regions if r.band0 == band]
        whole = prev.open_bottom or _split_row(pairs, foot)
        for r, host in pairs:
            # a cell the page break cut, drawn open (a merged cell of a spreadsheet) when not the whole row
            if host is None or not (whole or (host.open_bottom and r.open_top)):
                continue
            if host.lines != r.lines:  # text printed on both parts is one cell's text, not two
                host.lines.extend(r.lines)
            r.lines = []
    return tables


def _host(tail: list[Region], r: Region) -> Region | None:
    """The cell above (on the page before) that shares the most width with ``r``: where its text began."""
    host = max(tail, key=lambda h: min(h.box.x1, r.box.x1) - max(h.box.x0, r.box.x0), default=None)
    if host is None or min(host.box.x1, r.box.x1) <= max(host.box.x0, r.box.x0):
        return None
    return host


def _full(r: Region) -> bool:
    """The text of cell ``r`` runs down to its bottom rule: no room is left under it for another line."""
    if not r.chars:
        return False
    last = max(c.bottom for c in r.chars)
    return r.box.bottom - last < 0.8 * max(c.bottom - c.top for c in r.chars)


def _split_row(pairs: list[tuple[Region, Region | None]], foot: float) -> bool:
    """True when the first row of a page goes on with the last row of the page before although a rule
    closes that row (a word processor cutting a row draws the border under each part):

    * the row before reaches the foot of the text area (within a line);
    * every cell with text on this page sits under a cell whose text ran down to its bottom rule,
      one of them of more than one line;
    * some cell is empty under a cell whose text ended on the page before (a new row would fill it).
    """
    hosts = [h for _, h in pairs if h is not None]
    if not hosts or any(h is None for r, h in pairs if r.lines):
        return False
    size = max((c.bottom - c.top for h in hosts for c in h.chars), default=0.0)
    if not size or max(h.box.bottom for h in hosts) < foot - 1.5 * size:
        return False
    going = [h for r, h in pairs if r.lines]
    return (bool(going) and all(_full(h) for h in going) and any(len(h.lines) > 1 for h in going)
            and any(not r.lines and h is not None and h.lines for r, h in pairs))


def table_rows(tables: list[PageTable], ncols: int) -> list[list[Cell]]:
    """Given stitched page tables, return rows of cells: free text lines, then one row per band."""
    rows: list[list[Cell]] = []
    for t in tables:
        rows.extend([c] for c in t.above)
        by_band: dict[int, list[Region]] = {}
        for r in t.regions:
            by_band.setdefault(r.band0, []).append(r)
        for band in range(t.bands):
            row = [Cell() for _ in range(ncols)]
            for r in by_band.get(band, []):
                row[r.col0] = Cell(list(r.lines), r.box)
            rows.append(row)
        rows.extend([c] for c in t.below)
    return rows
