"""Where the cells are: source lines → a stream of cells, whatever separated them.

Real published forms reach us with their table flattened in many ways: one
cell per line (with or without a trailing `` |``, lone ``|`` lines between
cells, blank lines or ``" "`` paragraphs for empty cells), whole rows joined
by `` | `` or tabs, rows whose cells are split by spaces, or cells run
together with nothing between. This stage only finds the cells; what they
mean is :mod:`.form_reader`'s business.

Each :class:`Cell` keeps its text as an :class:`MText` (so every field read
from it knows its source span), the number of its first line, and the row it
belongs to when the source shows rows (``row`` is None in a one-cell-per-line
stream, where row boundaries are lost). A cell split by spaces is marked
``token``: it may be only part of a real cell ("( ≥**个 )" in a name), and the
reader joins tokens back by their vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Span
from .lines import Line, clean_cell, is_chrome
from .mtext import MText

__all__ = ["Cell", "segment"]

_PIPE_RE = re.compile(r"(?<!\\)\|")
_SPACE_RUN_RE = re.compile(r"[ \t\u3000\xa0]+")
_GAP_RE = re.compile(r"[ \xa0]{3,}|\u3000{2,}")
_WS = " \t\u3000\xa0\r"


@dataclass(slots=True)
class Cell:
    mt: MText
    line: int
    row: int | None
    token: bool = False
    #: page furniture (发布时间, 扫一扫 …): read as nothing, but it ends a table
    chrome: bool = False
    #: one half of a "label：value" written in one cell (set by the reader): never a grid cell
    paired: bool = False

    @property
    def s(self) -> str:
        return self.mt.s

    @property
    def empty(self) -> bool:
        return not self.mt.s.strip(_WS)


def _is_pipe_only(text: str) -> bool:
    t = text.strip(_WS)
    return bool(t) and not t.strip("|" + _WS)


def _pipe_stream_start(lines: list[Line]) -> int | None:
    """The first line of a one-cell-per-line stream closed by pipes (``text |`` or a lone ``|``),
    or None when the source has no such lines (three at least, so that a stray pipe does not count)."""
    first, count = None, 0
    for i, ln in enumerate(lines):
        t = ln.text.strip(_WS)
        if not t:
            continue
        if _is_pipe_only(t) or (t.endswith("|") and t.count("|") == 1):
            count += 1
            if first is None:
                first = i
    return first if count >= 3 else None


def _split_pipes(line: Line, syntax: list[Span]) -> list[MText]:
    """The texts between pipes (the pipes go to ``syntax``), HTML cleaned, stripped."""
    mt = line.mtext
    out, last = [], 0
    for m in _PIPE_RE.finditer(line.text):
        out.append(mt.slice(last, m.start()))
        syntax.extend(mt.spans(m.start(), m.end()))
        last = m.end()
    out.append(mt.slice(last))
    return [clean_cell(c, syntax).strip() for c in out]


def _tokens(mt: MText) -> list[MText]:
    return [t for t in mt.split_re(_SPACE_RUN_RE) if t.s]


def _rows_split_by_spaces(lines: list[Line], is_word: Callable[[str], bool]) -> bool:
    """True when the source's rows are lines whose cells are separated by spaces: several lines
    begin with a label or a level name and go on after a space. A one-cell-per-line source has
    spaces inside cells ("≧ %", "7 岁以下") but not such lines."""
    seen = 0
    for ln in lines:
        words = ln.text.split()
        if len(words) >= 2 and "|" not in ln.text and is_word(words[0]):
            seen += 1
            if seen >= 3:
                return True
    return False


def segment(lines: list[Line], syntax: list[Span], *, is_word: Callable[[str], bool] | None = None,
            is_whole: Callable[[str], bool] | None = None) -> list[Cell]:
    # is_whole lines are content even where they look like page furniture ("【产出指标-数量指标】")
    """The cells of ``lines`` in reading order, with the empty cells the source shows.

    Separators (pipes, tags) go to ``syntax``. Page chrome is left out: it stays residue.
    Where ``is_word`` (a label or level name) tells that rows are split by spaces, a line of
    several space-separated words outside a pipe or tab table is a row of token cells;
    otherwise it is one cell. A line that ``is_whole`` (a title) is a cell of its own, never
    the first line of a cell that a later pipe closes.
    """
    tokens = is_word is not None and _rows_split_by_spaces(lines, is_word)
    cells: list[Cell] = []
    stream_from = _pipe_stream_start(lines)
    row = 0
    pending: list[MText] = []  # lines of a cell that a later pipe closes
    pending_line = 0
    after_cell_end = False  # the last line ended a cell with a pipe

    def close_pending() -> None:
        nonlocal pending
        if pending:
            cells.append(Cell(MText.join_lines(pending), pending_line, None))
            pending = []

    for i, line in enumerate(lines):
        text = line.text
        if not text.strip(_WS):
            if text and stream_from is None and not pending:
                cells.append(Cell(MText.plain(""), line.no, None))  # a " " paragraph: an empty cell
            continue
        if is_chrome(text) and not _is_pipe_only(text) and not (is_whole is not None and is_whole(text)):
            close_pending()
            cells.append(Cell(line.mtext.strip(), line.no, None, chrome=True))
            continue
        in_stream = stream_from is not None and i >= stream_from
        if "|" in text:
            parts = _split_pipes(line, syntax)
            texts = [p for p in parts if p.s]
            if not texts:  # a run of pipes: closes a cell, or stands for an empty one
                if pending:
                    close_pending()
                elif after_cell_end and in_stream:
                    cells.append(Cell(MText.plain(""), line.no, None))
                after_cell_end = True
                continue
            if in_stream and len(texts) == 1 and text.rstrip(_WS).endswith("|") and not text.lstrip(_WS).startswith("|"):
                if not pending:
                    pending_line = line.no
                pending.append(texts[0])
                close_pending()
                after_cell_end = True
                continue
            close_pending()
            row += 1
            # interior empty cells count; the pipes that pad a row's end do not
            while parts and not parts[-1].s:
                parts.pop()
            while parts and not parts[0].s:
                parts.pop(0)
            cells.extend(Cell(p, line.no, row) for p in parts)
            after_cell_end = True
            continue
        after_cell_end = False
        if in_stream and is_whole is not None and is_whole(text) and "|" not in text:
            close_pending()
            cells.append(Cell(clean_cell(line.mtext, syntax).strip(), line.no, None))
            continue
        if in_stream:
            if not pending:
                pending_line = line.no
            pending.append(clean_cell(line.mtext, syntax).strip())
            continue
        mt = clean_cell(line.mtext, syntax).strip()
        if not mt.s:
            continue
        if "\t" in text:
            row += 1
            parts = [p.strip() for p in mt.split_re(re.compile("\t"))]
            cells.extend(Cell(p, line.no, row) for p in parts)
            continue
        words = _tokens(mt) if tokens else [mt]
        if len(words) > 1:
            row += 1
            cells.extend(Cell(w, line.no, row, token=True) for w in words)
            continue
        parts = [p for p in mt.split_re(_GAP_RE) if p.s]
        if len(parts) > 1:  # "养护里程    560公里": a gap of several spaces separates cells
            row += 1
            cells.extend(Cell(p, line.no, row) for p in parts)
        else:
            cells.append(Cell(mt, line.no, None))
    close_pending()
    return cells
