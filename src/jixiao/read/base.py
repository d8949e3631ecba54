"""What a reader hands to the parser: the decoded text of one input."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

__all__ = ["Source", "MAX_TEXT_BYTES"]

#: Largest input read whole. A department's table is tens of kilobytes; a
#: 200 MB "table" is a mistake or an attack, and refusing it keeps memory bounded.
MAX_TEXT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """The text of one input, with where it came from.

    ``text`` has its line ends normalised to ``\\n``; every span the parser
    records is an offset into it.
    """

    text: str
    name: str | None = None
    encoding: str | None = None
    format: str = "text"
    sha256: str | None = None
    size: int | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()
