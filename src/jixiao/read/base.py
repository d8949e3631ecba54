"""What a reader hands to the parser: the decoded text of one input."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from jixiao.read.layout import CellPos

__all__ = ["Source", "MAX_TEXT_BYTES"]

#: Largest input read whole. A department's table is tens of kilobytes; a
#: 200 MB "table" is a mistake or an attack, and refusing it keeps memory bounded.
MAX_TEXT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """The text of one input, with where it came from.

    ``text`` has its line ends normalised to ``\\n``; every span the parser
    records is an offset into it. A file read as a table has one line per row,
    cells separated by tabs (see :mod:`jixiao.read.layout`).
    """

    text: str
    name: str | None = None
    encoding: str | None = None
    format: str = "text"
    sha256: str | None = None
    size: int | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    #: For a file read as a table (PDF, DOCX, XLSX, HTML): where each cell's text sits in ``text``,
    #: its row and column, and (PDF) its page and box.
    cells: tuple[CellPos, ...] = field(default_factory=tuple)
    #: Pages of a paged input (PDF), else ``None``.
    pages: int | None = None

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()
