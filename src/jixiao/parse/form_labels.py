"""Pairing a form's labels with their values.

A value must fit its label (money is an amount, a name or a unit is no sentence, a form's
next label is no value); goal labels in a row over their values pair in order (总体目标 over
中期目标 | 年度目标 is a heading); a row of three or more labels over rows of as many cells is a
table (部门职能 | 年度目标任务 | … over the tasks), its values keyed ``group n.label``; a long
value's next paragraph goes on; what no label takes is left loose (residue).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Span
from .form_vocab import LabelInfo, is_amount_like, is_title, label_info
from .mtext import MText
from .segment import Cell
from .vocab import squash

__all__ = ["GOAL_ROLES", "MONEY_ROLES", "Pair", "read_labels"]

MONEY_ROLES = ("total", "fiscal", "other", "special")
_PLAIN_AMOUNT_RE = re.compile(r"^\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?:万元|元|万)?\s*$")
GOAL_ROLES = ("goal_annual", "goal_total", "goal_any")
_PERSONAL_ROLES = ("name", "unit", "department", "supervisor")
_GOAL_HEADINGS = {"总体目标", "项目绩效目标", "绩效目标", "总体绩效目标"}


@dataclass
class Pair:
    """A label cell and the value it took (None while it waits, or when its cell was empty)."""

    label: LabelInfo
    cell: Cell
    value: MText | None = None


@dataclass
class _Waiting:
    pair: Pair
    in_row: bool = False
    group: bool = False


def _fits(label: LabelInfo, value: Cell) -> bool:
    """Whether ``value`` can be the value of ``label``: money is an amount, a name or a unit is
    no sentence, a form's next label is no value (item 7 of the real-table failures)."""
    s = squash(value.s)
    if label.role in MONEY_ROLES:
        return is_amount_like(value.s)
    if label.role in _PERSONAL_ROLES:
        return len(s) <= 80
    return True


def _rows(cells: list[Cell]) -> list[list[Cell]]:
    out: list[list[Cell]] = []
    for c in cells:
        if out and c.row is not None and out[-1][0].row == c.row:
            out[-1].append(c)
        else:
            out.append([c])
    return out


def _label_tables(cells: list[Cell], syntax: list[Span]) -> tuple[list[Cell], list[Pair]]:
    """A row of three or more labels over rows of as many cells (部门职能 | 年度目标任务 |
    支出项目名称 | 预算金额 over the tasks): each value keyed by its group, row number and label
    ("年度履职目标1.部门职能"). Returns the cells outside such tables and the pairs."""
    rows = _rows(cells)
    kept: list[Cell] = []
    pairs: list[Pair] = []
    group = ""
    k = 0
    while k < len(rows):
        row = [c for c in rows[k] if not c.empty]
        infos = [label_info(c.s) for c in row]
        if len(row) == 1 and infos[0] is not None and infos[0].role == "group":
            group = infos[0].text
        if len(row) >= 3 and all(i is not None for i in infos):
            body = []
            j = k + 1
            while j < len(rows):
                nxt = [c for c in rows[j] if not c.empty]
                if len(nxt) != len(row) or any(label_info(c.s) is not None for c in nxt):
                    break
                body.append(nxt)
                j += 1
            if body:
                for c in row:
                    syntax.extend(c.mt.spans())
                for n, values in enumerate(body, 1):
                    for head, v in zip(row, values, strict=True):
                        key = f"{group}{n}.{''.join(head.s.split())}"
                        pairs.append(Pair(LabelInfo(key, "table", True), head, v.mt))
                k = j
                continue
        kept.extend(rows[k])
        k += 1
    return kept, pairs


# "基本支出 110.61" under 年度预算安排: a budget line's words are a label only before its amount,
# for a task's 支出项目名称 may be 基本支出 too
_BUDGET_LINES = {"基本支出", "项目支出", "人员经费", "公用经费", "人员支出", "公用支出"}


def _budget_line_labels(cells: list[Cell]) -> list[Cell | tuple[Cell, LabelInfo]]:
    out: list[Cell | tuple[Cell, LabelInfo]] = []
    for k, c in enumerate(cells):
        nxt = cells[k + 1] if k + 1 < len(cells) else None
        if (squash(c.s) in _BUDGET_LINES and nxt is not None and nxt.row == c.row
                and is_amount_like(nxt.s) and len(squash(nxt.s)) <= 14):
            out.append((c, LabelInfo(squash(c.s), "field", True)))
        else:
            out.append(c)
    return out


def read_labels(cells: list[Cell], syntax: list[Span]) -> tuple[list[Pair], list[Cell]]:
    """Pair the labels of a form's head with their values; return the pairs and the cells no
    label took (title lines, notes: residue unless the caller claims them)."""
    loose: list[Cell] = []
    cells, pairs = _label_tables(cells, syntax)
    waiting: list[_Waiting] = []
    last_value: Pair | None = None
    for item in _join_token_values(_budget_line_labels(cells)):
        c, known = item if isinstance(item, tuple) else (item, None)
        if c.chrome:
            loose.append(c)
            continue
        if c.empty:
            if len(waiting) == 1 and not waiting[0].in_row and not waiting[0].group:
                waiting.pop()
            continue
        info = _as_label(known or label_info(c.s), c, waiting)
        if info is not None:
            if info.role != "chrome":
                syntax.extend(c.mt.spans())
            pair = Pair(info, c)
            pairs.append(pair)
            last_value = None
            waiting = _wait(waiting, pair)
            continue
        taken = False
        while waiting:
            w = waiting.pop(0)
            if _fits(w.pair.label, c):
                w.pair.value = c.mt
                label = w.pair.label
                if label.role == "group" and ("资金" in label.text or "金额" in label.text) and _PLAIN_AMOUNT_RE.match(c.s):
                    # "项目资金 | 30.00": a money heading with an amount of its own is the total
                    w.pair.label = LabelInfo(label.text, "total", True, label.unit)
                last_value = w.pair
                taken = True
                break
        if taken:
            continue
        if (last_value is not None and last_value.label.role in (*GOAL_ROLES, "field") and c.row is None
                and len(squash(c.s)) >= 8 and not is_title(c.s)):
            last_value.value = MText.join([last_value.value, c.mt], " ")  # a long value's next paragraph
            continue
        loose.append(c)
    pairs.sort(key=lambda p: p.cell.line)  # a table's pairs were read first; the fields keep the source's order
    return [p for p in pairs if p.label.role != "group" or p.value is not None], loose


def _join_token_values(items: list[Cell | tuple[Cell, LabelInfo]]) -> list[Cell | tuple[Cell, LabelInfo]]:
    """A row split at spaces: the words between two labels are one value again."""
    out: list[Cell | tuple[Cell, LabelInfo]] = []
    for c in items:
        prev = out[-1] if out else None
        if (isinstance(c, Cell) and isinstance(prev, Cell) and c.token and prev.token and prev.row == c.row
                and not prev.empty and label_info(prev.s) is None and label_info(c.s) is None):
            out[-1] = Cell(MText.join([prev.mt, c.mt], " "), prev.line, c.row, True)
            continue
        out.append(c)
    return out


def _as_label(info: LabelInfo | None, c: Cell, waiting: list[_Waiting]) -> LabelInfo | None:
    """``info`` unless the cell, though shaped like a label, is the value the label before it
    waits for: "兵团推进乡村振兴补助资金" after 项目属性, "一般公共预算" after 财政资金预算分类 (on the same
    row); a title is never a label."""
    if info is None or is_title(c.s):
        return None
    if len(waiting) == 1 and not waiting[0].group and waiting[0].pair.cell.row == c.row:
        before = waiting[0].pair.label
        if (not info.strong and before.role not in MONEY_ROLES
                and not (info.role in GOAL_ROLES and before.role in GOAL_ROLES)):
            return None
        if info.role == "field" and before.role == "field" and not before.strong:
            return None
    return info


def _wait(waiting: list[_Waiting], pair: Pair) -> list[_Waiting]:
    """The labels waiting for values once ``pair``'s label is read: a group heading waits beside
    the others; a goal label joins a row of goal labels (总体目标 alone before them is their
    heading); any other label waits alone (the ones before it were left empty)."""
    info = pair.label
    if info.role == "group":
        return [*waiting, _Waiting(pair, group=True)]
    if info.role == "chrome":
        return [_Waiting(pair)]
    waiting = [w for w in waiting if not w.group]
    if (info.role in GOAL_ROLES and len(waiting) == 1 and waiting[0].pair.value is None
            and waiting[0].pair.label.text in _GOAL_HEADINGS):
        waiting[0].pair.label = LabelInfo(waiting[0].pair.label.text, "group", True)
        waiting = []  # "总体目标 | 中期目标 | 年度目标": a heading over the goals
    if waiting and info.role in GOAL_ROLES and all(w.pair.label.role in GOAL_ROLES for w in waiting):
        for w in waiting:
            w.in_row = True
        return [*waiting, _Waiting(pair, in_row=True)]
    return [_Waiting(pair)]
