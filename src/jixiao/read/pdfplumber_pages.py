"""PDF pages through pdfplumber (pdfminer): the reference backend, pure Python and slow.

Given a PDF's bytes, yield each page's characters and rules as
:class:`~jixiao.read.pdfgrid.PageObjects`; :mod:`jixiao.read.pdfium_pages` does
the same some ten times faster and is the default. Both feed the same geometry.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

from jixiao.read.files import read_error
from jixiao.read.pdfgrid import Char, PageObjects, add_box

__all__ = ["open_pages"]

# pdfminer logs every font it half-understands; a user gets our one-line messages instead
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def page_objects(page, number: int) -> PageObjects:
    """Given a pdfplumber page, return its characters and its rules (lines, and boxes as their edges)."""
    chars = [Char(c["text"], c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.chars
             if c.get("upright", True) and c["text"].strip()]
    h: list[tuple[float, float, float]] = []
    v: list[tuple[float, float, float]] = []
    for obj in (*page.lines, *page.rects):
        add_box(obj["x0"], obj["top"], obj["x1"], obj["bottom"], h, v)
    return PageObjects(number, chars, h, v)


class Pages:
    """An open PDF: its page count, and its pages read one at a time (each let go once read)."""

    def __init__(self, pdf) -> None:
        self._pdf = pdf
        self.count = len(pdf.pages)

    def __iter__(self) -> Iterator[tuple[int, PageObjects | Exception]]:
        for i, page in enumerate(self._pdf.pages):
            try:
                yield i + 1, page_objects(page, i + 1)
            except Exception as exc:  # a damaged content stream: the caller skips the page
                yield i + 1, exc
            finally:
                page.close()  # drop the page's parsed layout: memory stays one page deep

    def close(self) -> None:
        self._pdf.close()


def open_pages(data: bytes, name: str | None) -> Pages:
    """Given a PDF's bytes, return its :class:`Pages`, or raise ``ReadError`` (encrypted, damaged)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        return Pages(pdf)  # len(pages) reads the page tree: where damage and encryption show
    except Exception as exc:  # pdfminer raises a dozen kinds (PSEOF, PDFSyntaxError, KeyError, ...) on damage
        # pdfplumber wraps pdfminer's error; the wrapped one says what happened
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise read_error("pdf-encrypted", "PDF 已加密，需要密码才能打开",
                             "the PDF is encrypted (password needed)", name) from None
        raise read_error("pdf-corrupt", f"PDF 文件已损坏或不完整（{type(cause).__name__}）",
                         f"damaged or truncated PDF ({type(cause).__name__})", name) from None
