"""Mending a form's cells before they are read: what the flattening of a table broke.

Labels written one character per line (``项 / 目 / 名 / 称``) or one word per line
(``年度 / 总体 / 目标``, ``项目完成 / 指标``, ``资金情况 / (万元)``), a label and its value in
one cell (``预算单位:东莞市交通运输局``), labels run into their values with nothing between
(``项目名称农村义务教育…``). Each is mended by the vocabulary alone (:mod:`.form_vocab`):
a join is made only when the pieces together spell a label, a level name or a grid word.
"""

from __future__ import annotations

import re

from ..model import Span
from .form_grid import level_pair
from .form_vocab import grid_role, is_grid_word, is_title, label_info, level_kind
from .lines import Line
from .mtext import MText
from .segment import Cell, segment
from .vocab import squash

__all__ = ["prepare"]

_JOINERS = ("和", "及", "与")


def _joined_label(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` together spell a label or level name that neither is alone."""
    ab = a + b
    if level_kind(ab) and not level_kind(b):
        return True
    if is_grid_word(ab) and grid_role(b) is None:
        return True  # "一级 / 指标", "指 标 解 释" split at its spaces
    if len(squash(b)) > 6:
        return False
    info = label_info(ab)
    if info is None:
        return False
    own = label_info(b)
    if own is not None and own.strong:
        return info.strong and len(squash(a)) <= 2  # "年度 / 总体目标"; not "彭兵 / 主管部门"
    return info.strong or squash(b).startswith(_JOINERS) or len(squash(a)) <= 2 or squash(b).startswith(("(", "（"))


def _mergeable(prev: Cell, c: Cell) -> bool:
    if c.empty or prev.empty or c.chrome or prev.chrome or len(squash(c.s)) > 10:
        return False
    if not (c.row is None or prev.row is None or c.row == prev.row):
        return False
    return (label_info(prev.s) is None or len(squash(c.s)) <= 4) and _joined_label(prev.s, c.s)


def _is_char(c: Cell) -> bool:
    s = c.s.strip()
    return len(s) == 1 and "\u4e00" <= s <= "\u9fff" and not c.chrome


def _join_vertical(cells: list[Cell]) -> list[Cell]:
    """"项 / 目 / 名 / 称": a label written one character per line, joined whole when the run
    spells a label, a level name or a grid word (its first characters alone may spell none)."""
    out: list[Cell] = []
    k = 0
    while k < len(cells):
        j = k
        while j < len(cells) and _is_char(cells[j]) and cells[j].row is None:
            j += 1
        if j - k >= 2:
            run = cells[k:j]
            text = "".join(c.s.strip() for c in run)
            if label_info(text) is not None or level_kind(text) or is_grid_word(text):
                out.append(Cell(MText.join([c.mt.strip() for c in run]), run[0].line, None))
                k = j
                continue
        out.append(cells[k])
        k += 1
    return out


def _merge_fragments(cells: list[Cell]) -> list[Cell]:
    """"绩 / 效 / 指 / 标", "年度 / 总体 / 目标", "项目完成 / 指标", "年度主要目标 / 和成果",
    "资金情况 / (万元)": a label or level name the flattening cut in pieces, joined again
    (a joined piece may join the one before it: 总体 + 目标, then 年度 + 总体目标)."""
    out: list[Cell] = []
    for c in cells:
        out.append(c)
        while len(out) >= 2 and _mergeable(out[-2], out[-1]):
            prev, last = out[-2], out.pop()
            out[-1] = Cell(MText.join([prev.mt, last.mt]), prev.line, prev.row if prev.row is not None else last.row,
                           token=prev.token and last.token)
    return out


_COLON_RE = re.compile(r"[:：]")
_ATTACHMENT_RE = re.compile(r"^\s*附件\s*\d{0,2}\s*[:：]?\s*$")


#: a part of the total, its money label run into its amount (其中：上级资金16, 其中:财政拨款 30.5)
_OF_WHICH_RE = re.compile(r"^其中\s*[:：]\s*(\S{1,12}?(?:资金|拨款|收入|经费))\s*(\d[\d,]*(?:\.\d+)?)$")


def _split_inline(cells: list[Cell], syntax: list[Span]) -> list[Cell]:
    """"预算单位:东莞市交通运输局", "填表人: 宋云花": a label and its value in one cell, as two."""
    out: list[Cell] = []
    for c in cells:
        if c.chrome or c.empty or label_info(c.s) is not None or level_kind(c.s):
            out.append(c)
            continue
        c = _drop_seal_note(c, syntax)
        if (g := _OF_WHICH_RE.match(c.s)) is not None:  # "其中 :上级资金16": the part's label glued to its amount
            out.append(Cell(c.mt.slice(0, g.end(1)), c.line, c.row, c.token, paired=True))
            out.append(Cell(c.mt.slice(g.start(2), g.end(2)), c.line, c.row, c.token))
            continue
        m = _COLON_RE.search(c.s)
        head = c.s[: m.start()] if m else ""
        info = None
        start = 0
        if m and (sp := max(head.rfind(" "), head.rfind("\u3000"))) > 0:
            # "宋云花 联系电话:166…": the words before the label are the last label's value
            start = sp + 1
            info = label_info(head[start:])
        if info is None:
            start = 0
            info = label_info(head) if m and head.strip() else None
        if info is None:
            out.append(c)
            continue
        syntax.extend(c.mt.spans(m.start(), m.end()))
        if start:
            out.append(Cell(c.mt.slice(0, start).strip(), c.line, c.row, c.token))
        out.append(Cell(c.mt.slice(start, m.start()).strip(), c.line, c.row, c.token, paired=True))
        rest = c.mt.slice(m.end()).strip()
        if rest.s:
            out.extend(_split_inline([Cell(rest, c.line, c.row, c.token)], syntax))
    return out


_SEAL_RE = re.compile(r"[(（]\s*(?:盖章|公章|签章|签字|签名)\s*[)）]")


def _drop_seal_note(c: Cell, syntax: list[Span]) -> Cell:
    """"填报单位(盖章):…": the note asks for a stamp; it is no part of the label or the value."""
    if not _SEAL_RE.search(c.s):
        return c
    mt, removed = c.mt.remove_re(_SEAL_RE)
    syntax.extend(removed)
    return Cell(mt.strip(), c.line, c.row, c.token)


_GLUED_WORDS = sorted(
    ("项目名称", "项目主管部门", "主管部门", "项目执行单位", "项目实施单位", "实施单位", "执行单位", "预算单位",
     "年度资金总额", "项目资金总额", "资金总额", "总体目标", "年度目标", "资金情况", "项目负责人"),
    key=len, reverse=True)
_GLUED_RE = re.compile("|".join(map(re.escape, _GLUED_WORDS)))


def _split_glued(cells: list[Cell]) -> list[Cell]:
    """"项目主管部门青山区教育局项目执行单位化工区学校": labels run into their values with nothing
    between, cut at each label. Only in a form where several cells begin so: elsewhere a value
    may begin with a label's words."""
    glued = sum(1 for c in cells if (m := _GLUED_RE.match(c.s)) and m.end() < len(c.s) and label_info(c.s) is None)
    if glued < 2:
        return cells
    out: list[Cell] = []
    for c in cells:
        if label_info(c.s) is not None or not _GLUED_RE.search(c.s) or grid_role(c.s):
            out.append(c)
            continue
        last = 0
        for m in _GLUED_RE.finditer(c.s):
            if m.start() > last:
                out.append(Cell(c.mt.slice(last, m.start()).strip(), c.line, c.row, c.token))
            out.append(Cell(c.mt.slice(m.start(), m.end()), c.line, c.row, c.token))
            last = m.end()
        if last < len(c.s):
            out.append(Cell(c.mt.slice(last).strip(), c.line, c.row, c.token))
    return out


def prepare(lines: list[Line], syntax: list[Span]) -> list[Cell]:
    """The cells of ``lines``, found by the segmenter and mended."""
    cells = segment(lines, syntax, is_word=lambda w: label_info(w) is not None or level_kind(w) is not None,
                    is_whole=lambda t: is_title(t) or bool(_ATTACHMENT_RE.match(t)) or level_pair(t) is not None)
    cells = _merge_fragments(_join_vertical(cells))
    cells = _split_inline(cells, syntax)
    return _split_glued(cells)
