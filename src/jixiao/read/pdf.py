"""PDF with a text layer: pdfplumber gives each page's characters and rules; :mod:`.pdfgrid`
rebuilds the ruled table from them, page breaks and all.

Bounded: the file's size (as any input), the page count, and pages are let go
as soon as they are read. An encrypted, damaged or image-only PDF is a one-line
error, not a traceback.
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

from jixiao.read.base import MAX_TEXT_BYTES, Source
from jixiao.read.files import read_error, read_limited
from jixiao.read.layout import render
from jixiao.read.pdfgrid import (
    MIN_RULE,
    Char,
    PageObjects,
    PageTable,
    cluster,
    free_lines,
    page_table,
    stitch,
    table_rows,
)

__all__ = ["MAX_PAGES", "page_objects", "pdf_rows", "read_pdf"]

#: Pages read from one PDF. A department's table runs to tens of pages; hundreds are something else.
MAX_PAGES = 300
_THIN = 3.0  # a filled box thinner than this (points) is a rule drawn as a box

# pdfminer logs every font it half-understands; a user gets our one-line messages instead
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def page_objects(page, number: int) -> PageObjects:
    """Given a pdfplumber page, return its characters and its rules (lines, and boxes as their edges)."""
    chars = [Char(c["text"], c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.chars
             if c.get("upright", True) and c["text"].strip()]
    h: list[tuple[float, float, float]] = []
    v: list[tuple[float, float, float]] = []
    for obj in (*page.lines, *page.rects):
        x0, x1, top, bottom = obj["x0"], obj["x1"], obj["top"], obj["bottom"]
        w, ht = x1 - x0, bottom - top
        if ht <= _THIN and w >= MIN_RULE:
            h.append(((top + bottom) / 2, x0, x1))
        elif w <= _THIN and ht >= MIN_RULE:
            v.append(((x0 + x1) / 2, top, bottom))
        elif w > _THIN and ht > _THIN:  # a stroked box: its four sides
            h += [(top, x0, x1), (bottom, x0, x1)]
            v += [(x0, top, bottom), (x1, top, bottom)]
    return PageObjects(number, chars, h, v)


def _open(data: bytes, name: str | None):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages  # the page tree: where damage and encryption show
    except Exception as exc:  # pdfminer raises a dozen kinds (PSEOF, PDFSyntaxError, KeyError, ...) on damage
        # pdfplumber wraps pdfminer's error; the wrapped one says what happened
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise read_error("pdf-encrypted", "PDF 已加密，需要密码才能打开",
                             "the PDF is encrypted (password needed)", name) from None
        raise read_error("pdf-corrupt", f"PDF 文件已损坏或不完整（{type(cause).__name__}）",
                         f"damaged or truncated PDF ({type(cause).__name__})", name) from None
    return pdf


def pdf_rows(data: bytes, name: str | None = None, progress=None) -> tuple[list, int, list[str]]:
    """Given the bytes of a PDF, return (rows of cells, page count, warnings). A damaged page is
    left out with a warning; a PDF with no readable page at all is an error."""
    pdf = _open(data, name)
    warnings: list[str] = []
    try:
        n = len(pdf.pages)
        if n > MAX_PAGES:
            raise read_error("too-many-pages", f"PDF 有 {n} 页，超过 {MAX_PAGES} 页的上限",
                             f"the PDF has {n} pages, over the {MAX_PAGES}-page limit", name)
        pages: list[PageObjects] = []
        for i, page in enumerate(pdf.pages):
            try:
                pages.append(page_objects(page, i + 1))
            except Exception as exc:  # a damaged content stream: the other pages are still worth reading
                warnings.append(f"PDF 第 {i + 1} 页已损坏，已跳过（{type(exc).__name__}） / "
                                f"page {i + 1} is damaged and was skipped")
            finally:
                page.close()  # drop the page's parsed layout: memory stays one page deep
            if progress is not None:
                progress(i + 1, n)
    finally:
        pdf.close()
    if not pages:
        raise read_error("pdf-corrupt", "PDF 的页面都已损坏，无法读取", "every page of the PDF is damaged", name)
    if not any(p.chars for p in pages):
        raise read_error("pdf-no-text", "PDF 没有文字层（可能是扫描件或图片），暂不能识别",
                         "the PDF has no text layer (a scan or images?); OCR is not available yet", name)
    xs = cluster([r[0] for p in pages for r in p.vrules])
    tables: list[PageTable] = []
    for p in pages:
        t = page_table(p, xs) if len(xs) >= 2 else None
        tables.append(t or PageTable(p.number, 0, [], free_lines(p.chars, p.number), []))
    return table_rows(stitch(tables), max(len(xs) - 1, 1)), n, warnings


def read_pdf(path: str | os.PathLike[str], *, max_bytes: int = MAX_TEXT_BYTES, progress=None) -> Source:
    """Read a PDF with a text layer into a :class:`Source` whose text is its table as tab-separated rows."""
    shown = os.fsdecode(path)
    data = read_limited(path, max_bytes=max_bytes)
    rows, pages, warnings = pdf_rows(data, shown, progress)
    text, cells = render(rows)
    if not text.strip():
        raise read_error("empty", "PDF 中没有文字内容", "the PDF has no text", shown)
    return Source(text, name=Path(shown).name, encoding=None, format="pdf",
                  sha256=Source.digest(data), size=len(data), cells=cells, pages=pages,
                  warnings=tuple(warnings))
