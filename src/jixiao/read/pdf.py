"""PDF with a text layer: a backend gives each page's characters and rules; :mod:`.pdfgrid`
rebuilds the ruled table from them, page breaks and all.

Two backends give the same :class:`~jixiao.read.pdfgrid.PageObjects`: pdfium
(:mod:`.pdfium_pages`, the default, C++) and pdfplumber/pdfminer
(:mod:`.pdfplumber_pages`, pure Python, the reference); ``JIXIAO_PDF_BACKEND``
picks one. Bounded: the file's size (as any input), the page count, and one
page in memory at a time. An encrypted, damaged or image-only PDF is a
one-line error; a damaged page among good ones is skipped with a warning.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from jixiao.read.base import MAX_TEXT_BYTES, Source
from jixiao.read.files import read_error, read_limited
from jixiao.read.layout import Cell, render
from jixiao.read.pdfcolumns import unruled_rows
from jixiao.read.pdfgrid import (
    TOL,
    PageObjects,
    PageTable,
    cluster,
    free_lines,
    page_table,
    stitch,
    table_rows,
)

__all__ = ["BACKENDS", "MAX_PAGES", "pdf_rows", "read_pdf"]

#: Pages read from one PDF. A department's table runs to tens of pages; hundreds are something else.
MAX_PAGES = 300
#: Pages read by OCR from one image-only PDF: each takes seconds to tens of seconds.
MAX_SCAN_PAGES = 60
#: How far apart (points) a scan's rules may lie and still be one grid line: pages shift and turn a little.
SCAN_TOL = 3 * TOL
#: Backend name -> module with ``open_pages(data, name)``.
BACKENDS = {"pdfium": "jixiao.read.pdfium_pages", "pdfplumber": "jixiao.read.pdfplumber_pages"}


def pdf_rows(data: bytes, name: str | None = None, progress=None,
             backend: str | None = None) -> tuple[list[list[Cell]], int, list[str]]:
    """Given the bytes of a PDF, return (rows of cells, page count, warnings)."""
    backend = backend or os.environ.get("JIXIAO_PDF_BACKEND") or "pdfium"
    if backend not in BACKENDS:
        raise ValueError(f"unknown PDF backend {backend!r}; one of {sorted(BACKENDS)}")
    pages_of = importlib.import_module(BACKENDS[backend]).open_pages(data, name)
    warnings: list[str] = []
    pages: list[PageObjects] = []
    try:
        n = pages_of.count
        if n > MAX_PAGES:
            raise read_error("too-many-pages", f"PDF 有 {n} 页，超过 {MAX_PAGES} 页的上限",
                             f"the PDF has {n} pages, over the {MAX_PAGES}-page limit", name)
        for number, got in pages_of:
            if isinstance(got, Exception):  # a damaged page: the other pages are still worth reading
                warnings.append(f"PDF 第 {number} 页已损坏，已跳过（{type(got).__name__}） / "
                                f"page {number} is damaged and was skipped")
            else:
                pages.append(got)
            if progress is not None:
                progress(number, n)
    finally:
        pages_of.close()
    if backend == "pdfium" and any(p.lost_text for p in pages):
        return pdf_rows(data, name, None, "pdfplumber")  # text pdfium cannot map: pdfminer can
    if not pages:
        raise read_error("pdf-corrupt", "PDF 中没有可读的页面", "the PDF has no readable page", name)
    if not any(p.chars for p in pages):  # no text layer: a scan
        pages = _ocr_pages(data, name, progress)
        warnings.append("扫描件经 OCR 识别，请核对 / read from a scan by OCR; check it")
        return rows_from_pages(pages, SCAN_TOL), n, warnings
    return rows_from_pages(pages), n, warnings


def rows_from_pages(pages: list[PageObjects], tol: float = TOL) -> list[list[Cell]]:
    """Given every page's characters and rules, return the rows of the table they print;
    rules within ``tol`` points of each other (across pages too) are one grid line."""
    xs = cluster([r[0] for p in pages for r in p.vrules], tol)
    if len(xs) < 2 and not any(p.hrules for p in pages):
        return unruled_rows(pages)  # no rules at all: the table is columns of text
    tables: list[PageTable] = []
    for p in pages:
        t = page_table(p, xs, tol) if len(xs) >= 2 else None
        tables.append(t or PageTable(p.number, 0, [], free_lines(p.chars, p.number), []))
    return table_rows(stitch(tables), max(len(xs) - 1, 1))


def _ocr_pages(data: bytes, name: str | None, progress) -> list[PageObjects]:
    """Each page of an image-only PDF, drawn at its scan's resolution and read by OCR."""
    from jixiao.read import scan

    if not scan.ocr_available():
        raise read_error("pdf-no-text", f"PDF 没有文字层（扫描件），需要 OCR 识别，但{scan.OCR_MISSING[0]}",
                         f"the PDF has no text layer (a scan); {scan.OCR_MISSING[1]}", name)
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(data)
    try:
        n = len(pdf)
        if n > MAX_SCAN_PAGES:
            raise read_error("too-many-pages", f"扫描件有 {n} 页，超过 OCR 的 {MAX_SCAN_PAGES} 页上限",
                             f"the scan has {n} pages, over the {MAX_SCAN_PAGES}-page OCR limit", name)
        pages = []
        if progress is not None:
            progress(0, n)  # each page takes seconds: worth a progress bar from the start
        for i in range(n):
            page = pdf[i]
            try:
                dpi = _scan_dpi(pdfium_c, page)
                width, height = page.get_size()
                if width * height * (dpi / 72) ** 2 > scan.MAX_PIXELS:
                    raise read_error("too-large", "扫描页面过大", "a scanned page is too large", name)
                gray = page.render(scale=dpi / 72, grayscale=True).to_numpy()
            finally:
                page.close()
            pages.append(scan.scan_page(gray.reshape(gray.shape[0], gray.shape[1]), i + 1, 72 / dpi))
            if progress is not None:
                progress(i + 1, n)
    finally:
        pdf.close()
    if not any(p.chars for p in pages):
        raise read_error("no-text", "扫描件中没有识别出文字", "no text was recognised in the scan", name)
    return pages


def _scan_dpi(pdfium_c, page) -> float:
    """The resolution of the largest image on a page (a scan is one image), 150 if none says."""
    import ctypes

    best = (0, 150.0)
    w, h = ctypes.c_uint(), ctypes.c_uint()
    for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, i)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            continue
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        if not (pdfium_c.FPDFImageObj_GetImagePixelSize(obj, w, h)
                and pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)):
            continue
        if w.value * h.value > best[0] and right.value > left.value:
            best = (w.value * h.value, w.value / (right.value - left.value) * 72)
    return min(max(best[1], 100.0), 300.0)


def read_pdf(path: str | os.PathLike[str], *, max_bytes: int = MAX_TEXT_BYTES, progress=None,
             backend: str | None = None) -> Source:
    """Read a PDF with a text layer into a :class:`Source` whose text is its table as tab-separated rows."""
    shown = os.fsdecode(path)
    data = read_limited(path, max_bytes=max_bytes)
    rows, pages, warnings = pdf_rows(data, shown, progress, backend)
    text, cells = render(rows)
    if not text.strip():
        raise read_error("empty", "PDF 中没有文字内容", "the PDF has no text", shown)
    return Source(text, name=Path(shown).name, encoding=None, format="pdf",
                  sha256=Source.digest(data), size=len(data), cells=cells, pages=pages,
                  warnings=tuple(warnings))
