"""Readers: turn an input (a file, or the text itself) into a :class:`Source`.

Readers are registered by format name. :func:`read` sniffs a file's format from
its first bytes and hands it to the reader registered for that format; PDF, DOCX,
XLSX, HTML and scan readers plug in later with :func:`register`. Only plain
text is read today; HTML goes through the text reader (the parser strips tags).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable

from jixiao.read.base import Source
from jixiao.read.text import binary_error, binary_format, decode_text, read_text, text_source

__all__ = ["READERS", "Reader", "Source", "decode_text", "read", "read_text", "register", "sniff", "text_source"]

#: A reader takes a path and returns its Source, raising ReadError for bad input.
Reader = Callable[[str | os.PathLike[str]], Source]

#: Format name (as :func:`sniff` names it) -> the reader for that format.
READERS: dict[str, Reader] = {}

_HEAD_BYTES = 64 * 1024  # enough for every magic number and for OOXML's first member names
_HTML = re.compile(rb"\s*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE)
# A one-line str that is not an existing file but looks like a file name: probably a typo.
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


def _read_html(path: str | os.PathLike[str]) -> Source:
    return dataclasses.replace(read_text(path), format="html")


def _sniff_file(path: str | os.PathLike[str]) -> str:
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except (OSError, ValueError):
        return "text"  # let the text reader report missing files, directories, permissions in its words
    return sniff(head)


def read(path_or_text: str | os.PathLike[str]) -> Source:
    """Read a file, or take text given directly, as a :class:`Source`.

    A ``Path`` (any ``os.PathLike``) is a file. A ``str`` is a file when it
    names an existing one and has no line break; otherwise it is the text itself.
    """
    if isinstance(path_or_text, str) and ("\n" in path_or_text or "\r" in path_or_text
                                          or not os.path.exists(path_or_text)):
        source = text_source(path_or_text)
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
    return reader(path_or_text)


register("text", read_text)
register("html", _read_html)
