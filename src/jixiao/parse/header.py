"""The document's head: title, department, amount unit, budget year, and
the summary table's column header.

Given the lines before the first data row, return what they state; each
value keeps its span, each label is syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Span
from .grid import grid_column_role
from .labels import LABEL_UNIT_RE, UNIT_NOTE
from .lines import Line, clean_cell, split_cells
from .mtext import MText
from .vocab import HEADER_ROLES, MONEY_UNIT, squash

__all__ = ["Head", "find_column_header", "header_amount_unit", "header_roles", "is_header_line", "read_head"]

_TITLE_RE = re.compile(r"绩效目标(?:申报|批复|公开)?表|绩效目标$|绩效指标表")
_DEPT_RE = re.compile(
    r"(?P<label>(?:部门(?:[(（]单位[)）])?|单位|填报单位|申报单位|预算单位|主管部门|项目单位)(?:名称)?\s*(?:[(（]\s*(?:盖章|公章)\s*[)）])?)"
    r"\s*[:：]\s*(?!(?:金额)?单位\s*[:：])(?P<value>[^\t|]*?)\s*(?=(?:[ \t\u3000|]+(?:金额)?单位\s*[:：])|[\t|]|\s{2,}|$)"
)
_UNIT_RE = re.compile(rf"(?:金额)?单位\s*[:：]\s*(?P<unit>{MONEY_UNIT})")
_HEADER_UNIT_RE = re.compile(UNIT_NOTE)
_YEAR_RE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*年(?:度)?")
_YEAR_LINE_RE = re.compile(r"^\s*[(（]?\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*[)）]?\s*$")
_YEAR_LABEL_RE = re.compile(r"(?:预算年度|年度)\s*[:：]\s*(?P<year>(?:19|20)\d{2})")


@dataclass
class Head:
    title: MText | None = None
    department: MText | None = None
    amount_unit: str | None = None
    amount_unit_span: list[Span] = field(default_factory=list)
    year: int | None = None
    year_span: list[Span] = field(default_factory=list)
    #: index (into the line list) of the column header line, if any
    header_index: int | None = None
    #: column roles of the header, in order ("name", "total", "fiscal", …, or the label)
    columns: list[str] = field(default_factory=list)
    syntax: list[Span] = field(default_factory=list)


def header_roles(cells: list[str]) -> list[str]:
    """Each header cell's role: an amount, name, goal or indicators column, ``grid:ROLE:LABEL``
    for a column of an indicator grid printed beside the projects (一级指标, 指标值 …), else
    the label itself."""
    roles = []
    for c in cells:
        key = squash(LABEL_UNIT_RE.sub("", c))
        role = HEADER_ROLES.get(key)
        if role is None:
            for label, r in HEADER_ROLES.items():
                if key.startswith(squash(label)) and len(label) >= 4:
                    role = r
                    break
        if role is None and (grid_role := grid_column_role(key)):
            role = f"grid:{grid_role}:{key}"
        roles.append(role or key)
    grid_roles = {r.split(":")[1] for r in roles if r.startswith("grid:")}
    if "indicators" in roles and grid_roles & {"annual", "period"} and "name" not in grid_roles:
        # 绩效指标 | 指标方向 | 指标值 | 计量单位: the 绩效指标 column holds each indicator's name
        at = roles.index("indicators")
        roles[at] = f"grid:name:{squash(cells[at])}"
    if roles.count("name") >= 2:
        # 单位名称 | 项目名称: the first names each row's 资金使用单位, the second its project
        roles = ["unit" if r == "name" and squash(LABEL_UNIT_RE.sub("", c)) in _UNIT_COLUMNS else r
                 for r, c in zip(roles, cells, strict=True)]
    return roles


_UNIT_COLUMNS = {"资金使用单位", "单位名称", "预算单位", "实施单位", "单位"}


def header_amount_unit(lines: list[Line], header_lines: list[int]) -> tuple[str, list[Span]] | None:
    """The amount unit printed in the column header, as in 总计（万元）."""
    for i in header_lines:
        mt = lines[i].mtext
        for m in _HEADER_UNIT_RE.finditer(mt.s):
            return m.group("unit"), mt.spans(m.start("unit"), m.end("unit"))
    return None


_HEADER_WORDS = ("总计", "财政拨款", "财政专户", "其他资金", "绩效目标", "绩效指标", "项目名称", "资金使用单位",
                 "项目金额")


def _vertical_header(lines: list[Line], stop: int) -> tuple[int, list[str], list[int]] | None:
    """A header written one cell per paragraph: consecutive lines that are each a header label."""
    run: list[int] = []
    for i in range(min(stop, 200)):
        t = lines[i].text
        if not t.strip():
            continue
        key = squash(t)
        # "合计" after a header that already has its 总计 column is the 合计 row, not a header cell
        if key in HEADER_ROLES and not (HEADER_ROLES[key] == "total" and any(
                HEADER_ROLES.get(squash(lines[j].text)) == "total" for j in run)):
            run.append(i)
            continue
        if len(run) >= 4:
            break
        run = []
    if len(run) >= 4:
        return run[-1], header_roles([lines[i].text for i in run]), run
    return None


def find_column_header(lines: list[Line], start: int = 0, stop: int | None = None) -> tuple[int, list[str], list[int]] | None:
    """Index, column roles and lines of the summary's column header (its last line's index)."""
    stop = len(lines) if stop is None else stop
    found = _find_header_line(lines, start, stop)
    if found is not None:
        return _with_sub_header(lines, found[0], found[1], stop)
    return _vertical_header(lines, stop)


_KNOWN_ROLES = {"name", "total", "fiscal", "special", "other", "goal", "indicators"}


def _with_sub_header(lines: list[Line], at: int, roles: list[str], stop: int) -> tuple[int, list[str], list[int]]:
    """A header printed over two rows: group cells (资金情况, 绩效指标) spanning the columns named
    in the row under them (总计 | 财政拨款, 一级指标 | … | 指标值). Each column takes the lower
    row's name where it has one."""
    used = [at]
    nxt = next((k for k in range(at + 1, min(stop, at + 4)) if not lines[k].is_blank()), None)
    if nxt is None:
        return at, roles, used
    cells = split_cells(lines[nxt], [])
    if cells is None or len(cells) != len(roles):
        return at, roles, used
    lower = header_roles([c.s for c in cells])
    texts = [r for r, c in zip(lower, cells, strict=True) if c.s]
    known = [r for r in texts if r in _KNOWN_ROLES or r.startswith("grid:")]
    if len(known) < 2 or len(known) < len(texts) - 1:
        return at, roles, used
    merged = [low if cell.s else up for up, low, cell in zip(roles, lower, cells, strict=True)]
    return nxt, merged, [at, nxt]


def is_header_line(text: str) -> bool:
    """True for a line naming three or more of the summary's columns (long rows are never headers)."""
    if len(text) > 200:
        return False
    folded = squash(text)
    found = sum(1 for w in _HEADER_WORDS if w in folded)
    # grid columns beside the projects (一级指标 … 三级指标) stand for the 绩效指标 column, once
    if "绩效指标" not in folded and ("一级指标" in folded or "三级指标" in folded):
        found += 1
    return found >= 3


def _find_header_line(lines: list[Line], start: int, stop: int) -> tuple[int, list[str]] | None:
    for i in range(start, stop):
        if is_header_line(lines[i].text):
            scratch: list[Span] = []
            cells = split_cells(lines[i], scratch)
            if cells is None:
                words = [w for w in re.split(r"[ \t\u3000]+", clean_cell(lines[i].mtext, scratch).s.strip()) if w]
                # "财政专户 拨款" is one header cell broken by the PDF
                merged: list[str] = []
                for w in words:
                    if merged and squash(merged[-1] + w) in HEADER_ROLES and squash(merged[-1]) not in HEADER_ROLES:
                        merged[-1] += w
                    else:
                        merged.append(w)
                return i, header_roles(merged)
            return i, header_roles([c.s for c in cells])
    return None


def read_head(lines: list[Line], limit: int) -> Head:
    """Read title, department, amount unit and year from ``lines[:limit]``."""
    head = Head()
    for i in range(min(limit, len(lines))):
        line = lines[i]
        if line.is_blank():
            continue
        mt = clean_cell(line.mtext, head.syntax)
        s = mt.s
        if head.title is None and _TITLE_RE.search(s.rstrip(" \t\u3000|")) and len(s.strip()) <= 60:
            t = mt.strip(" \t\u3000|")  # a spreadsheet's title row ends in the empty cells of its merge
            head.title = t
            y = _YEAR_RE.search(t.s)
            if y and head.year is None:
                head.year = int(y.group("year"))
                head.year_span = t.spans(y.start("year"), y.end("year"))
            continue
        for m in _DEPT_RE.finditer(s):
            if _UNIT_RE.match(s, m.start()):
                continue
            if not m.group("value").strip():
                head.syntax.extend(mt.spans(m.start("label"), m.start("value")))  # "部门名称：" left blank
            elif head.department is None:
                value = mt.slice(m.start("value"), m.end("value")).strip()
                head.department = value
                head.syntax.extend(mt.spans(m.start("label"), m.start("value")))
        u = _UNIT_RE.search(s)
        if u and head.amount_unit is None:
            head.amount_unit = u.group("unit")
            head.amount_unit_span = mt.spans(u.start("unit"), u.end("unit"))
            head.syntax.extend(mt.spans(u.start(), u.start("unit")))
        y = _YEAR_LABEL_RE.search(s) or _YEAR_LINE_RE.match(s)
        if y and head.year is None:
            head.year = int(y.group("year"))
            head.year_span = mt.spans(y.start("year"), y.end("year"))
            # "（2024年度）", "预算年度：2024": the words around the year are its label
            head.syntax.extend(mt.spans(y.start(), y.start("year")) + mt.spans(y.end("year"), y.end()))
    return head
