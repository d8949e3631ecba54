"""What the cells of a form mean: one interpreter for every way a form's cells arrive.

Stages, each a plain function: :func:`.segment.segment` finds the cells;
:func:`.form_cells.prepare` mends what the flattening broke (labels written one
character or one word per line, ``label：value`` in one cell, labels run into
their values); :func:`_sections` finds each indicator grid by its header
words and cuts the cell stream into forms (several forms back to back give
several projects); :func:`.form_labels.read_labels` pairs labels with values;
:mod:`.form_grid` reads the grid; :func:`_project` assembles a project.

No document's names or positions are known here: only the vocabulary of
:mod:`.form_vocab` and the columns the grid header names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Issue, Project, Span
from .form_cells import prepare
from .form_grid import GridHeader, read_grid, read_header
from .form_labels import MONEY_ROLES, Pair, read_labels
from .form_vocab import is_title, label_info
from .lines import Line
from .reading import FormReading
from .segment import Cell
from .vocab import parse_amount, squash

__all__ = ["FormReading", "read_forms"]

_YEAR_RE = re.compile(r"(?P<year>(?:19|20)\d{2})\s*(?:年度|年|[)）]\s*年度)")
_YEAR_CELL_RE = re.compile(r"^[(（]?\s*(?P<year>(?:19|20)\d{2})\s*(?:年度?)?\s*[)）]?\s*(?:年度)?\s*[)）]?$")
_MONEY_UNIT_RE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元|千元|亿元)")
_AMOUNT_UNIT_IN_VALUE_RE = re.compile(r"^\s*[\d,.]+\s*(万元|万|元)")


# -- forms and their grids ------------------------------------------------------------------------


@dataclass
class _Section:
    head: list[Cell]
    header: GridHeader | None
    grid: list[Cell]
    foot: list[Cell]
    at_end: bool = False


def _ends_grid(c: Cell) -> bool:
    if c.chrome or c.paired or is_title(c.s):
        return True
    info = label_info(c.s)
    if info is not None and info.strong and info.role in ("name", "footer", "unit", "department", "note"):
        return True
    return squash(c.s).startswith(("注:", "注：", "附件", "备注:"))


def _sections(cells: list[Cell], syntax: list[Span]) -> list[_Section]:
    """Cut the cells into forms: each is its header cells, its grid header and rows, and what
    follows the grid (footers) up to the next form's title or 项目名称."""
    out: list[_Section] = []
    i, start = 0, 0
    while i < len(cells):
        found = read_header(cells, i)
        if found is None:
            i += 1
            continue
        header, after = found
        j = after
        while j < len(cells) and not _ends_grid(cells[j]):
            j += 1
        k = j
        while k < len(cells) and not (is_title(cells[k].s) or _starts_form(cells, k)):
            k += 1
        # the form's footer ends where the page's furniture begins
        foot_end = _foot_end(cells, j, k)
        syntax.extend(sp for c in cells[i:after] for sp in c.mt.spans())  # the grid's header
        out.append(_Section(cells[start:i], header, cells[after:j], cells[j:foot_end],
                            at_end=all(c.empty or c.chrome for c in cells[j:])))
        start, i = foot_end if k < len(cells) else k, k
    if not out:
        return []
    return out


def _foot_end(cells: list[Cell], j: int, k: int) -> int:
    """Where a form's footer (填表人, 联系电话, 审核意见, 注 and their values) ends: at page chrome, or
    at a label of another kind, which begins the next form's head (单位编码：… before 项目名称)."""
    m = j
    while m < k:
        c = cells[m]
        if c.chrome and m > j:
            return m
        info = label_info(c.s)
        if info is not None and info.role not in ("footer", "note", "chrome") and k < len(cells):
            return m
        m += 1
    return k


def _starts_form(cells: list[Cell], k: int) -> bool:
    info = label_info(cells[k].s)
    return info is not None and info.role == "name" and info.strong


# -- a project from its pairs -----------------------------------------------------------------------


def _first(pairs: list[Pair], *roles: str, prefer: str | None = None, last: bool = False) -> Pair | None:
    found = [p for p in pairs if p.label.role in roles and p.value is not None and p.value.s.strip()]
    if prefer:
        preferred = [p for p in found if re.search(prefer, p.label.text)]
        found = preferred or found
    if not found:
        return None
    return found[-1] if last else found[0]


def _field_key(p: Pair) -> str:
    if p.label.role == "table":
        return p.label.text
    return "".join(p.cell.s.split()).rstrip(":：")


def _project(pairs: list[Pair], warnings: list[Issue]) -> tuple[Project, dict[str, Pair | None]]:
    proj = Project()
    chosen: dict[str, Pair | None] = {}
    name = _first(pairs, "name")
    if name is not None:
        proj.name = name.value.s
        proj.spans["name"] = name.value.spans()
    unit = _first(pairs, "unit")
    dept = _first(pairs, "department")
    supervisor = _first(pairs, "supervisor", last=True)
    unit_pair = unit or dept
    if unit_pair is not None:
        proj.unit = unit_pair.value.s
        proj.spans["unit"] = unit_pair.value.spans()
    chosen["department"] = dept or supervisor or unit
    annual = _first(pairs, "goal_annual") or _first(pairs, "goal_any")
    total_goal = _first(pairs, "goal_total")
    goal = annual or total_goal
    if goal is not None:
        proj.goal = goal.value.s.strip()
        proj.spans["goal"] = goal.value.spans()
    money: dict[str, Pair | None] = {
        "total": _first(pairs, "total", prefer=r"年度|当年|本年"),
        "fiscal": _first(pairs, "fiscal", prefer=r"当年|本年"),
        "other": _first(pairs, "other", prefer=r"当年|本年"),
        "special": _first(pairs, "special"),
    }
    if money["fiscal"] is None and money["total"] is not None and "财政" in money["total"].label.text:
        money["fiscal"] = money["total"]  # 本年度申请市财政预算资金: the year's money, all of it fiscal
    for key, p in money.items():
        if p is None:
            continue
        value = parse_amount(_AMOUNT_NUMBER_RE.match(p.value.s).group(0)) if _AMOUNT_NUMBER_RE.match(p.value.s) else None
        if value is None:
            continue
        setattr(proj.amounts, key, value)
        m = _AMOUNT_NUMBER_RE.match(p.value.s)
        spans = p.value.spans(m.start(), m.end())
        if spans:
            proj.amounts.spans[key] = spans[0]
    skip = {id(p) for p in (name, unit, dept, annual) if p is not None}
    if annual is None and total_goal is not None:
        skip.add(id(total_goal))
    supervisors = [p for p in pairs if p.label.role == "supervisor"]
    if len(supervisors) == 1 and chosen["department"] is supervisors[0]:
        skip.add(id(supervisors[0]))  # the document's department, not repeated among the fields
    for p in pairs:
        if (id(p) in skip or p.value is None or not p.value.s.strip()
                or p.label.role in ("group", "goal_any", "chrome", "money_unit", "note")):
            continue
        key = _field_key(p)
        if key in proj.fields:
            continue
        proj.fields[key] = p.value.s.strip()
        proj.field_spans[key] = p.value.spans()
    return proj, chosen


_AMOUNT_NUMBER_RE = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


# -- the document ---------------------------------------------------------------------------------


def _title_and_year(head: list[Cell], out: FormReading) -> None:
    """The form's title (the last title before its labels: a page's own title and a notice's
    attachment line come before it) and the budget year, in the title or the cell after it."""
    titles = [k for k, c in enumerate(head) if is_title(c.s)]
    if not titles:
        return
    k = titles[-1]
    t = head[k].mt.strip(" \t\u3000|")
    out.syntax.extend(t.spans())
    if out.title is None:
        out.title = t
    y = _YEAR_RE.search(t.s)
    if y and out.year is None:
        out.year = (int(y.group("year")), t.spans(y.start("year"), y.end("year")))
    for c in head[k + 1: k + 3]:
        m = _YEAR_CELL_RE.match(c.s.strip())
        if m:
            out.syntax.extend(c.mt.spans())  # "（2024年度）" under the title
            if out.year is None:
                out.year = (int(m.group("year")), c.mt.spans(m.start("year"), m.end("year")))
            return


def _amount_unit(pairs: list[Pair], cells: list[Cell]) -> tuple[str, list[Span]] | None:
    """The money unit: a label's note (项目资金（万元）), 单位：万元, or the amounts' own 万元."""
    for c in cells:
        if (info := label_info(c.s)) is not None and info.unit:
            return info.unit, []
    for p in pairs:
        if p.label.role == "money_unit" and p.value is not None and p.value.s.strip() in ("万元", "元", "千元", "亿元"):
            return p.value.s.strip(), p.value.strip().spans()
    for c in cells:
        if m := _MONEY_UNIT_RE.search(c.s):
            return m.group(1), c.mt.spans(m.start(1), m.end(1))
    for p in pairs:
        if p.label.role in MONEY_ROLES and p.value is not None and (m := _AMOUNT_UNIT_IN_VALUE_RE.match(p.value.s)):
            return ("万元" if m.group(1).startswith("万") else m.group(1)), []
    return None


_SENTENCE_LEVEL_RE = re.compile(r"(?:产出|效益|满意度|成本|数量|质量|时效)指标\s*[:：]")
_INDICATOR_HEADINGS = {"绩效指标", "年度绩效指标", "绩效指标及指标值"}


def _sentence_cell(cells: list[Cell]) -> int | None:
    """The cell after a 绩效指标 label that writes the indicators as sentences
    (``产出指标：养护里程30公里；质量指标：路面完好率≥90%``)."""
    for k, c in enumerate(cells):
        info = label_info(c.s)
        if info is None or info.text not in _INDICATOR_HEADINGS:
            continue
        j = next((m for m in range(k + 1, min(k + 4, len(cells))) if not cells[m].empty), None)
        if j is not None and _SENTENCE_LEVEL_RE.search(cells[j].s):
            return j
    return None


def read_forms(lines: list[Line], *, sentences: bool = False) -> FormReading | None:
    """Read the forms in ``lines``; None when no indicator grid with a form head is found. With
    ``sentences`` a form with no grid whose 绩效指标 cell writes the indicators as sentences is read
    too (tried only where nothing else read the text: it scans every form's cells)."""
    out = FormReading()
    cells = prepare(lines, out.syntax)
    sections = _sections(cells, out.syntax)
    if not sections and sentences and (j := _sentence_cell(cells)) is not None:
        return _sentence_form(cells, j, out)
    if not sections:
        return None
    for sec in sections:
        _title_and_year(sec.head, out)
        # what precedes the form's title (a notice, an allocation table, page chrome) is no part of it
        titles = [k for k, c in enumerate(sec.head) if is_title(c.s)]
        head = sec.head[titles[-1] + 1:] if titles else sec.head
        pairs, _ = read_labels(head, out.syntax)
        foot_pairs, _ = read_labels(sec.foot, out.syntax)
        proj, chosen = _project(pairs + foot_pairs, out.warnings)
        if out.department is None and chosen.get("department") is not None:
            out.department = chosen["department"].value
        if out.amount_unit is None and (unit := _amount_unit(pairs, head)) is not None:
            out.amount_unit, out.amount_unit_spans = unit
        grid = read_grid(sec.header, sec.grid, at_end=sec.at_end)
        proj.indicators = grid.indicators
        proj.warnings.extend(grid.warnings)
        out.syntax.extend(grid.syntax)
        if proj.name is None and not proj.indicators and not proj.fields:
            continue
        out.projects.append(proj)
    return out if out.projects else None


def _sentence_form(cells: list[Cell], j: int, out: FormReading) -> FormReading | None:
    """A form whose indicators are sentences in one cell: its head read as any form's."""
    from .prose import sentence_indicators  # prose builds on this module's reading

    _title_and_year(cells[:j], out)
    titles = [k for k, c in enumerate(cells[:j]) if is_title(c.s)]
    head = cells[titles[-1] + 1: j] if titles else cells[:j]
    pairs, _ = read_labels(head, out.syntax)
    proj, chosen = _project(pairs, out.warnings)
    if chosen.get("department") is not None:
        out.department = chosen["department"].value
    if (unit := _amount_unit(pairs, head)) is not None:
        out.amount_unit, out.amount_unit_spans = unit
    proj.indicators = sentence_indicators(cells[j].mt, None, out.syntax)
    if not proj.indicators:
        return None
    proj.warnings.append(Issue(
        code="prose-targets", line=cells[j].line,
        message="绩效指标以文字叙述写在一格里，按句读取，请核对 / targets written as sentences in one cell, read sentence by sentence"))
    out.projects.append(proj)
    return out
