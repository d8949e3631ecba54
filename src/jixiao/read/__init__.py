"""Readers: turn an input (a file, or the text itself) into a :class:`Source`.

Readers are registered by format name. :func:`read` sniffs a file's format from
its content (magic bytes; a ZIP's member names; the start of an HTML page), never
from its name, and hands it to the reader registered for that format. Each file
reader (``pdf``, ``docx``, ``xlsx``, ``html``, and ``png``/``jpeg`` scans by OCR;
one module each) turns the file's table into rows of cells and renders them as tab-separated text
(:mod:`jixiao.read.layout`): the parser reads every format the same way. Text that is a
CSV (told by its header line, see :mod:`jixiao.read.delimited`) is rendered the same way.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import re
import zipfile
from collections.abc import Callable

from jixiao.errors import JixiaoError, UsageError
from jixiao.read.base import Source
from jixiao.read.files import read_error
from jixiao.read.text import binary_error, binary_format, decode_text, read_text, text_source

__all__ = ["DEFAULT_MAX_CELLS", "MAX_CELLS_ENV", "READERS", "Progress", "Reader", "Source", "decode_text", "max_cells",
           "read", "read_text", "register", "sniff", "text_source"]

#: Called by a reader as it goes: (pages or parts done, total). A reader whose every step is
#: slow (OCR) calls it with (0, total) first.
Progress = Callable[[int, int], None]
#: A reader takes a path (and an optional ``progress=`` callback) and returns its Source,
#: raising ReadError for bad input.
Reader = Callable[..., Source]

#: Format name (as :func:`sniff` names it) -> the reader for that format.
READERS: dict[str, Reader] = {}

_HEAD_BYTES = 64 * 1024  # enough for every magic number and for OOXML's first member names
# a page, or a fragment of one that starts with its table (copied from a browser, saved by a crawler)
_HTML = re.compile(rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta\s|table[\s>])",
                   re.IGNORECASE | re.DOTALL)
# A one-line str that is not an existing file but looks like a file name: probably a typo.
#: The error code of a damaged file of each format (the code its reader uses for one).
_CORRUPT = {"pdf": "pdf-corrupt", "docx": "docx-corrupt", "xlsx": "xlsx-corrupt", "png": "image-corrupt",
            "jpeg": "image-corrupt"}
_PATHLIKE = re.compile(r"\S*\.(?:txt|text|html?|pdf|docx?|xlsx?|csv)", re.IGNORECASE)


def register(fmt: str, reader: Reader) -> None:
    """Make ``reader`` the reader for format ``fmt``, replacing any earlier one."""
    READERS[fmt] = reader


def sniff(data_head: bytes) -> str:
    """Name the format of a file from its first bytes: ``"pdf"``, ``"docx"``, ``"html"``, ``"text"``, ...

    Binary formats are named by magic number (a ZIP that is not recognisably
    DOCX/XLSX is ``"zip"``); anything else is ``"html"`` or ``"text"``.
    """
    if (fmt := binary_format(data_head)) is not None:
        return fmt
    # Dropping NULs makes UTF-16 markup look like ASCII; the check needs nothing more.
    head = data_head[:1024].replace(b"\x00", b"")
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        head = head.removeprefix(bom)
    return "html" if _HTML.match(head) else "text"


def _lazy(module: str, function: str) -> Reader:
    """A reader imported on first use: PDF and Office libraries are slow to import and not always needed."""

    def reader(path: str | os.PathLike[str], *, progress: Progress | None = None) -> Source:
        return getattr(importlib.import_module(module), function)(path, progress=progress)

    reader.__name__ = function
    return reader


def _read_text(path: str | os.PathLike[str], *, progress: Progress | None = None) -> Source:
    return _as_csv_if_csv(read_text(path))


def _as_csv_if_csv(source: Source) -> Source:
    """Text that is a CSV (a spreadsheet saved as such) becomes its rows of cells."""
    from jixiao.read.delimited import csv_source, looks_like_csv

    return csv_source(source) if looks_like_csv(source.text) else source


def _zip_kind(path: str | os.PathLike[str]) -> str:
    """DOCX or XLSX by the members the ZIP's directory lists (the first bytes may not show them)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    return "xlsx" if "xl/workbook.xml" in names else "zip"


def _sniff_file(path: str | os.PathLike[str]) -> str:
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except (OSError, ValueError):
        return "text"  # let the text reader report missing files, directories, permissions in its words
    fmt = sniff(head)
    if fmt == "zip":
        fmt = _zip_kind(path)
    return fmt


#: Cells (table cells, or lines of text) one input may hand the parser: its parse budget. The
#: parser's time grows with them (about 5 µs each); a department's table has a few thousand.
DEFAULT_MAX_CELLS = 2_000_000
#: overrides DEFAULT_MAX_CELLS (a server sets its own, lower, for uploads)
MAX_CELLS_ENV = "JIXIAO_MAX_CELLS"


def max_cells() -> int:
    """The parse budget in cells: ``$JIXIAO_MAX_CELLS``, else :data:`DEFAULT_MAX_CELLS`."""
    raw = os.environ.get(MAX_CELLS_ENV, "").strip()
    try:
        return int(raw) if raw else DEFAULT_MAX_CELLS
    except ValueError:
        raise UsageError(f"{MAX_CELLS_ENV} 须是整数：{raw[:20]} / {MAX_CELLS_ENV} must be a whole number") from None


def _within_budget(source: Source, limit: int) -> Source:
    """Refuse a source with more cells than the parse budget, before the parser spends its time on it."""
    cells = source.text.count("\t") + source.text.count("\n") + 1  # every cell, empty ones too
    if cells > limit:
        raise read_error("too-many-cells", f"内容超过 {limit:,} 个单元格（或行）的解析上限",
                         f"over the parse budget of {limit:,} cells (or lines)", source.name)
    return source


def read(path_or_text: str | os.PathLike[str], *, progress: Progress | None = None,
         cells: int | None = None) -> Source:
    """Read a file, or take text given directly, as a :class:`Source`.

    A ``Path`` (any ``os.PathLike``) is a file. A ``str`` is a file when it
    names an existing one and has no line break; otherwise it is the text itself.
    ``progress`` is called as a long file (a PDF's pages) is read. ``cells`` is the
    parse budget (default :func:`max_cells`): an input with more is refused.
    """
    return _within_budget(_read(path_or_text, progress), max_cells() if cells is None else cells)


def _read(path_or_text: str | os.PathLike[str], progress: Progress | None) -> Source:
    if isinstance(path_or_text, str) and ("\n" in path_or_text or "\r" in path_or_text
                                          or not os.path.exists(path_or_text)):
        source = _as_csv_if_csv(text_source(path_or_text))
        if _PATHLIKE.fullmatch(path_or_text.strip()):
            note = "输入不是已存在的文件，已按文本内容处理 / input names no existing file; read as text"
            source = dataclasses.replace(source, warnings=(*source.warnings, note))
        return source
    if not isinstance(path_or_text, str | os.PathLike):
        raise TypeError(f"read() takes a str or a path, not {type(path_or_text).__name__}")
    fmt = _sniff_file(path_or_text)
    reader = READERS.get(fmt)
    if reader is None:
        raise binary_error(fmt, os.fsdecode(path_or_text))
    try:
        return reader(path_or_text, progress=progress)
    except (JixiaoError, MemoryError):
        raise
    except Exception as exc:
        # a library failing on a damaged file in a way its reader does not yet name: still a one-line
        # error for the user (JIXIAO_DEBUG=1 shows the cause), never a foreign exception
        raise read_error(_CORRUPT.get(fmt, "corrupt"), f"文件已损坏，无法读取（{type(exc).__name__}）",
                         f"damaged file, cannot be read ({type(exc).__name__})", os.fsdecode(path_or_text)) from exc


register("text", _read_text)
register("html", _lazy("jixiao.read.html", "read_html"))
register("xlsx", _lazy("jixiao.read.xlsx", "read_xlsx"))
register("docx", _lazy("jixiao.read.docx", "read_docx"))
register("pdf", _lazy("jixiao.read.pdf", "read_pdf"))
register("png", _lazy("jixiao.read.scan", "read_image"))
register("jpeg", _lazy("jixiao.read.scan", "read_image"))
