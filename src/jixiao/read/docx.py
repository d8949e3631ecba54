"""Word documents (DOCX): body paragraphs and tables → rows of cells, read straight from the OOXML.

``word/document.xml`` is parsed with lxml set to resolve no entities, load no
DTD and fetch nothing, after the ZIP passed its size and ratio checks. A
horizontally merged cell (``gridSpan``) keeps its text in its first slot and
leaves the others empty; a vertically merged one (``vMerge``) has its text in
the row that starts it and empty continuation cells below, as in a sheet.
Headers and footers (page numbers) live in other parts and are not read.
"""

from __future__ import annotations

import os
from pathlib import Path

from jixiao.read.base import MAX_TEXT_BYTES, Source
from jixiao.read.files import open_zip, read_error, read_limited, read_member
from jixiao.read.layout import Cell, render

__all__ = ["docx_rows", "read_docx"]

LABEL = ("Word 文档 DOCX", "Word DOCX")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_GRID = 1000  # a gridSpan beyond this is no real table


def _paragraph_lines(p) -> list[str]:
    """Given a ``w:p``, return its text as printed lines (``w:br`` breaks a line, ``w:tab`` is a space)."""
    lines = [""]
    for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen", f"{_W}softHyphen"):
        tag = el.tag[len(_W):]
        if tag == "t":
            lines[-1] += el.text or ""
        elif tag == "tab":
            if el.getparent() is not None and el.getparent().tag == f"{_W}r":  # not a tab stop in w:tabs
                lines[-1] += " "
        elif tag in ("br", "cr"):
            lines.append("")
        elif tag == "noBreakHyphen":
            lines[-1] += "-"
    return lines


def _cell_lines(tc) -> list[str]:
    """Every paragraph of a cell (a table nested in it too) as its printed lines."""
    return [ln for p in tc.iter(f"{_W}p") for ln in _paragraph_lines(p)]


def _int(el, default: int) -> int:
    try:
        return max(1, min(_MAX_GRID, int(el.get(f"{_W}val", default))))
    except (TypeError, ValueError):
        return default


def _table_rows(tbl) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for tr in tbl.iterchildren(f"{_W}tr"):
        row: list[Cell] = []
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        if before is not None:
            row.extend(Cell() for _ in range(_int(before, 0)))
        for tc in tr.iterchildren(f"{_W}tc"):
            span = tc.find(f"{_W}tcPr/{_W}gridSpan")
            vmerge = tc.find(f"{_W}tcPr/{_W}vMerge")
            continued = vmerge is not None and vmerge.get(f"{_W}val", "continue") != "restart"
            row.append(Cell() if continued else Cell(_cell_lines(tc)))
            row.extend(Cell() for _ in range((_int(span, 1) if span is not None else 1) - 1))
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    return [r + [Cell() for _ in range(width - len(r))] for r in rows]


def _body_rows(el, rows: list[list[Cell]]) -> None:
    for child in el.iterchildren():
        tag = child.tag[len(_W):] if isinstance(child.tag, str) and child.tag.startswith(_W) else ""
        if tag == "p":
            rows.extend([Cell([ln])] for ln in _paragraph_lines(child) if ln.strip())
        elif tag == "tbl":
            rows.extend(_table_rows(child))
            rows.append([])  # tables apart
        elif tag in ("sdt", "sdtContent", "customXml", "ins", "smartTag"):
            _body_rows(child, rows)  # content controls and tracked insertions wrap ordinary content


def docx_rows(data: bytes, name: str | None = None) -> list[list[Cell]]:
    """Given the bytes of a DOCX file, return its paragraphs and table rows in reading order."""
    import lxml.etree

    with open_zip(data, name, LABEL) as zf:
        xml = read_member(zf, "word/document.xml", name, LABEL)
    if xml is None:
        raise read_error("docx-corrupt", "不是有效的 Word 文档（缺少 word/document.xml）",
                         "not a valid Word document (no word/document.xml)", name)
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                                  remove_comments=True, remove_pis=True)
    try:
        root = lxml.etree.fromstring(xml, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise read_error("docx-corrupt", f"Word 文档内容已损坏（XML 错误：{exc.msg}）",
                         f"damaged Word document (XML error: {exc.msg})", name) from None
    body = root.find(f"{_W}body")
    rows: list[list[Cell]] = []
    if body is not None:
        _body_rows(body, rows)
    return rows


def read_docx(path: str | os.PathLike[str], *, max_bytes: int = MAX_TEXT_BYTES, progress=None) -> Source:
    """Read a DOCX document into a :class:`Source` whose text is its tables as tab-separated rows."""
    shown = os.fsdecode(path)
    data = read_limited(path, max_bytes=max_bytes)
    text, cells = render(docx_rows(data, shown))
    if not text.strip():
        raise read_error("empty", "Word 文档中没有文字内容", "the document has no text", shown)
    return Source(text, name=Path(shown).name, encoding=None, format="docx",
                  sha256=Source.digest(data), size=len(data), cells=cells)
