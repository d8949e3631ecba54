"""Rows of cells → the text the parser reads.

Every file reader (PDF, DOCX, XLSX, HTML) ends the same way: it has the table
as rows of cells, each cell holding the lines it was printed in, and lines of
free text around the table (title, 部门名称, footers). Given those rows,
:func:`render` returns one line per row with the cells tab-separated — a
layout the parser already reads — and where each cell landed in that text, so
a span of the parsed document can be traced back to a page and a box.

A merged cell's text sits in its top-left slot and the slots it covers stay
empty, as a spreadsheet keeps it: the parser reads an empty 一级/二级 cell as
"the group above goes on".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Box", "Cell", "CellPos", "join_cell_lines", "render"]

# Tabs and line breaks inside a cell would split it; other controls are never text.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"[ \u00a0\u3000]+")


@dataclass(frozen=True)
class Box:
    """Where something was printed: page (1-based) and its box in points, top-left origin."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Cell:
    """One cell as printed: its lines of text (a wrapped cell has several) and, when known, its box."""

    lines: list[str] = field(default_factory=list)
    box: Box | None = None

    @property
    def text(self) -> str:
        return join_cell_lines(self.lines)


@dataclass(frozen=True)
class CellPos:
    """Where a cell's text landed in the rendered text: ``text[start:end]``; its row and column in the table."""

    start: int
    end: int
    row: int
    col: int
    box: Box | None = None


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


# an amount printed with its two decimals is complete: a digit on the next line starts another
_AMOUNT_END = re.compile(r"(?<![\d.])\d[\d,]*\.\d{2}$")


def join_cell_lines(lines: list[str]) -> str:
    """Given the printed lines of one cell, return its text on one line.

    A wrap inside Chinese text is no space (the printer broke the line, the writer
    did not), nor is one inside a number (CJK line breaking cuts "13" as readily as
    "目标"); a wrap between two Latin letters was a space between words, and so was
    one after an amount with its two decimals ("200.00" ↵ "180.00": two amounts).
    """
    out = ""
    for raw in lines:
        line = _SPACES.sub(" ", _CONTROLS.sub(" ", raw)).strip()
        if not line:
            continue
        if out and ((_ascii_word(out[-1]) and _ascii_word(line[0])) or (line[0].isdigit() and _AMOUNT_END.search(out))):
            out += " "
        out += line
    return out


def render(rows: list[list[Cell]]) -> tuple[str, tuple[CellPos, ...]]:
    """Given rows of cells (a line of free text is a row of one cell), return the
    tab-separated text and where each non-empty cell landed in it.

    Rows whose cells are all empty are left out. The text ends with a newline.
    """
    parts: list[str] = []
    places: list[CellPos] = []
    pos = 0
    for r, row in enumerate(rows):
        texts = [c.text for c in row]
        if not any(texts):
            continue
        for c, (cell, text) in enumerate(zip(row, texts, strict=True)):
            if c:
                parts.append("\t")
                pos += 1
            if text:
                places.append(CellPos(pos, pos + len(text), r, c, cell.box))
                parts.append(text)
                pos += len(text)
        parts.append("\n")
        pos += 1
    return "".join(parts), tuple(places)
