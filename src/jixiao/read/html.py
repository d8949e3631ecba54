"""HTML pages: tables (rowspan, colspan, ``<br>``) and the text around them → rows of cells.

lxml's HTML parser builds the tree (it runs no script and fetches nothing);
``script``, ``style`` and other non-content elements are dropped before any
text is taken. Outside tables, block elements and ``<br>`` end a line; inside
a cell, ``<br>`` and block elements start a new printed line of that cell.
"""

from __future__ import annotations

import os
from pathlib import Path

from jixiao.read.base import MAX_TEXT_BYTES, Source
from jixiao.read.files import read_error, read_limited
from jixiao.read.layout import Cell, render
from jixiao.read.text import decode_text

__all__ = ["MAX_COLUMNS", "MAX_SLOTS", "PADDING_FLOOR", "TableTooLarge", "html_rows", "read_html"]

_DROP = ("script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg", "math",
         "select", "button", "textarea")
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
_MAX_SPAN = 1000  # a rowspan/colspan beyond this is a typo or an attack (browsers cap colspan at 1000 too)
#: Columns of one table. A performance-target table has 8-20; every row is padded to the widest,
#: so one wide row would make every other row that wide.
MAX_COLUMNS = 256
#: Grid slots (rows × columns) of one page, all tables together: a real page has a few thousand,
#: and the parser's time grows with them (about 5 µs each).
MAX_SLOTS = 1_000_000
#: Slots a page may have beyond 16 per cell written: padding and spans multiply a small file
#: (40 rows of 40 ``colspan="1000"`` cells: 32 KB of markup, 1.6 million empty cells).
PADDING_FLOOR = 50_000
_SLOTS_PER_CELL = 16


class TableTooLarge(ValueError):
    """A page whose table grid would pass a limit; carries the message naming it (Chinese, English)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _span(el, attr: str) -> int:
    try:
        return max(1, min(_MAX_SPAN, int(str(el.get(attr, "1")).strip() or 1)))
    except ValueError:
        return 1


class _Lines:
    """Text gathered into printed lines; an inline element right after another starts with a space."""

    def __init__(self) -> None:
        self.lines: list[str] = [""]

    def add(self, text: str | None) -> None:
        if text:
            self.lines[-1] += " ".join(text.split("\n"))

    def space(self) -> None:
        if self.lines[-1] and not self.lines[-1][-1].isspace():
            self.lines[-1] += " "

    def newline(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")

    def done(self) -> list[str]:
        return [ln.strip() for ln in self.lines if ln.strip()]


class _Open:
    """An element being walked: its children still to visit, and whether the last one was inline."""

    __slots__ = ("children", "el", "inline", "prev_inline")

    def __init__(self, el, inline: bool) -> None:
        self.el, self.inline, self.children, self.prev_inline = el, inline, iter(el), False


def _tail(child, parent: _Open, out: _Lines) -> None:
    if child.tail:
        out.add(child.tail)
        parent.prev_inline = parent.prev_inline and not child.tail.strip()


def _gather_text(el, out: _Lines, on_table=None) -> None:
    """Given an element, add its text to ``out``; a nested table goes to ``on_table`` (or is flattened).

    The tree is walked with a stack of open elements, not by recursion: a page may nest 2,048 deep,
    past Python's recursion limit."""
    out.add(el.text)
    stack = [_Open(el, inline=False)]
    while stack:
        top = stack[-1]
        child = next(top.children, None)
        if child is None:
            stack.pop()
            if stack:  # the element ends: a block ends its line; its tail follows in its parent
                if not top.inline:
                    out.newline()
                stack[-1].prev_inline = top.inline
                _tail(top.el, stack[-1], out)
            continue
        tag = child.tag if isinstance(child.tag, str) else ""
        if (tag == "table" and on_table is not None) or tag == "br":
            out.newline()
            if tag == "table":
                on_table(child)
            top.prev_inline = False
            _tail(child, top, out)
        elif tag in _BLOCK:
            out.newline()
            out.add(child.text)
            stack.append(_Open(child, inline=False))
        elif tag:
            if top.prev_inline:
                out.space()  # <span>部门名称：…</span><span>单位：万元</span> are two things
            out.add(child.text)
            stack.append(_Open(child, inline=True))
        else:
            _tail(child, top, out)


class _Grid:
    """Slots and written cells of the tables laid out so far on one page, checked against the limits
    before the slots are made."""

    def __init__(self) -> None:
        self.slots = 0
        self.cells = 0

    def check(self, slots: int, cells: int, width: int) -> None:
        """Refuse (``TableTooLarge``) a table ``width`` columns wide that brings ``slots`` slots and
        ``cells`` written cells to the page, if the page would pass a limit."""
        total, written = self.slots + slots, self.cells + cells
        if width > MAX_COLUMNS:
            raise TableTooLarge(f"网页中的表格超过 {MAX_COLUMNS} 列的上限（合并单元格跨度异常）",
                                f"a table in the page is over the {MAX_COLUMNS}-column limit (implausible colspan)")
        if total > MAX_SLOTS:
            raise TableTooLarge(f"网页中的表格超过 {MAX_SLOTS:,} 个单元格的上限",
                                f"the page's tables are over the {MAX_SLOTS:,}-cell limit")
        if total > PADDING_FLOOR + _SLOTS_PER_CELL * written:
            raise TableTooLarge(f"网页中的表格展开后超过 {PADDING_FLOOR:,} 个空单元格的上限"
                                "（合并单元格跨度异常或各行长短悬殊）",
                                f"the page's tables would unfold to over the {PADDING_FLOOR:,}-empty-cell limit "
                                "(implausible spans or ragged rows)")

    def add(self, slots: int, cells: int, width: int) -> None:
        self.check(slots, cells, width)
        self.slots += slots
        self.cells += cells


def _table_rows(table, grid: _Grid) -> list[list[Cell]]:
    """Given a ``<table>``, return its rows with rowspan/colspan laid out on a grid: a spanning
    cell's text in its top-left slot, the slots it covers empty. ``grid`` refuses a table that
    would pass a limit before its slots are made."""
    trs = [tr for tr in table.iter("tr") if _owning_table(tr) is table]  # not rows of a table in a cell
    anchors: dict[tuple[int, int], Cell] = {}
    taken: set[tuple[int, int]] = set()
    width = 0
    for r, tr in enumerate(trs):
        col = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while (r, col) in taken:
                col += 1
            lines = _Lines()
            _gather_text(td, lines, None)  # a nested table reads as lines of this cell
            anchors[(r, col)] = Cell(lines.done())
            colspan, rowspan = _span(td, "colspan"), min(_span(td, "rowspan"), len(trs) - r)
            # before the slots are taken: one cell of rowspan 1000 × colspan 1000 is a million of them
            grid.check(len(taken) + colspan * rowspan, len(anchors), col + colspan)
            taken.update((r + i, col + k) for i in range(rowspan) for k in range(colspan))
            col += colspan
            width = max(width, col)
    grid.add(len(trs) * width, len(anchors), width)  # every row padded to the widest
    return [[anchors.get((r, c)) or Cell() for c in range(width)] for r in range(len(trs))]


def _owning_table(el):
    p = el.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p


def html_rows(markup: str, warnings: list[str] | None = None) -> list[list[Cell]]:
    """Given an HTML page's markup, return its free-text lines and table rows in reading order.

    Where the parser had to stop early (a page nested deeper than lxml's limit of 2,048 elements),
    the rows are those read up to there and a warning saying so is appended to ``warnings``."""
    import lxml.etree
    import lxml.html

    # huge_tree: without it lxml stops at 256 levels, and the rest of the page (projects) is lost
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.document_fromstring(markup, parser=parser)
    except (lxml.etree.ParserError, ValueError):  # nothing but white space or comments
        return []
    stop = next((e for e in parser.error_log if e.level_name == "FATAL"), None)
    if stop is not None and warnings is not None:
        zh, en = _stop_reason(stop)
        warnings.append(f"网页第 {stop.line} 行起未能读取（{zh}），其后的项目可能缺失 / "
                        f"the page could not be read from line {stop.line} on ({en}); "
                        "projects after it may be missing")
    lxml.etree.strip_elements(root, *_DROP, with_tail=False)
    lxml.etree.strip_elements(root, lxml.etree.Comment, lxml.etree.ProcessingInstruction, with_tail=False)
    rows: list[list[Cell]] = []
    text = _Lines()

    def flush() -> None:
        rows.extend([Cell([ln])] for ln in text.done())
        text.lines = [""]

    grid = _Grid()

    def on_table(table) -> None:
        flush()
        rows.extend(_table_rows(table, grid))

    _gather_text(root, text, on_table)
    flush()
    return rows


def _stop_reason(error) -> tuple[str, str]:
    """Why lxml stopped, (Chinese, English): its own message names a C option the user cannot set."""
    if error.type_name == "ERR_RESOURCE_LIMIT":
        return "元素嵌套超过 2,048 层的上限", "elements nested past the limit of 2,048 levels"
    return "网页结构错误", "malformed page"


def read_html(path: str | os.PathLike[str], *, max_bytes: int = MAX_TEXT_BYTES, progress=None) -> Source:
    """Read an HTML page into a :class:`Source` whose text is its tables as tab-separated rows."""
    shown = os.fsdecode(path)
    data = read_limited(path, max_bytes=max_bytes)
    warnings: list[str] = []
    markup, encoding = decode_text(data, name=shown, warnings=warnings)
    try:
        rows = html_rows(markup, warnings)
    except TableTooLarge as exc:
        raise read_error("too-large", exc.zh, exc.en, shown) from None
    text, cells = render(rows)
    if not text.strip():
        raise read_error("empty", "网页中没有文字内容", "the page has no text", shown)
    return Source(text, name=Path(shown).name, encoding=encoding, format="html",
                  sha256=Source.digest(data), size=len(data), cells=cells, warnings=tuple(warnings))
