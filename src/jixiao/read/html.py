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

__all__ = ["html_rows", "read_html"]

_DROP = ("script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg", "math",
         "select", "button", "textarea")
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
_MAX_SPAN = 1000  # a rowspan/colspan beyond this is a typo or an attack (browsers cap colspan at 1000 too)
_MAX_SLOTS = 2_000_000  # grid slots of one table: a real one has a few thousand


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


def _gather(el, out: _Lines, on_table=None) -> None:
    """Given an element, add its text to ``out``; a nested table goes to ``on_table`` (or is flattened)."""
    prev_inline_el = False
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "table" and on_table is not None:
            out.newline()
            on_table(child)
            prev_inline_el = False
        elif tag == "br":
            out.newline()
            prev_inline_el = False
        elif tag in _BLOCK:
            out.newline()
            _gather_text(child, out, on_table)
            out.newline()
            prev_inline_el = False
        elif tag:
            if prev_inline_el:
                out.space()  # <span>部门名称：…</span><span>单位：万元</span> are two things
            _gather_text(child, out, on_table)
            prev_inline_el = True
        if child.tail:
            out.add(child.tail)
            prev_inline_el = prev_inline_el and not child.tail.strip()


def _gather_text(el, out: _Lines, on_table) -> None:
    out.add(el.text)
    _gather(el, out, on_table)


def _table_rows(table) -> list[list[Cell]]:
    """Given a ``<table>``, return its rows with rowspan/colspan laid out on a grid: a spanning
    cell's text in its top-left slot, the slots it covers empty."""
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
            if len(taken) + colspan * rowspan > _MAX_SLOTS:
                raise ValueError("table too large")
            taken.update((r + i, col + k) for i in range(rowspan) for k in range(colspan))
            col += colspan
            width = max(width, col)
    if len(trs) * width > _MAX_SLOTS:
        raise ValueError("table too large")
    return [[anchors.get((r, c)) or Cell() for c in range(width)] for r in range(len(trs))]


def _owning_table(el):
    p = el.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p


def html_rows(markup: str) -> list[list[Cell]]:
    """Given an HTML page's markup, return its free-text lines and table rows in reading order."""
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError):  # nothing but white space or comments
        return []
    lxml.etree.strip_elements(root, *_DROP, with_tail=False)
    lxml.etree.strip_elements(root, lxml.etree.Comment, lxml.etree.ProcessingInstruction, with_tail=False)
    rows: list[list[Cell]] = []
    text = _Lines()

    def flush() -> None:
        rows.extend([Cell([ln])] for ln in text.done())
        text.lines = [""]

    def on_table(table) -> None:
        flush()
        rows.extend(_table_rows(table))

    _gather_text(root, text, on_table)
    flush()
    return rows


def read_html(path: str | os.PathLike[str], *, max_bytes: int = MAX_TEXT_BYTES, progress=None) -> Source:
    """Read an HTML page into a :class:`Source` whose text is its tables as tab-separated rows."""
    shown = os.fsdecode(path)
    data = read_limited(path, max_bytes=max_bytes)
    markup, encoding = decode_text(data, name=shown)
    try:
        rows = html_rows(markup)
    except ValueError:
        raise read_error("too-large", "网页中的表格过大（合并单元格跨越的范围异常）",
                         "a table in the page is too large (implausible rowspan/colspan)", shown) from None
    text, cells = render(rows)
    if not text.strip():
        raise read_error("empty", "网页中没有文字内容", "the page has no text", shown)
    return Source(text, name=Path(shown).name, encoding=encoding, format="html",
                  sha256=Source.digest(data), size=len(data), cells=cells)
