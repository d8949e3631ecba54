"""What the cells of a form mean: one interpreter for every way a form's cells arrive.

Stages, each a plain function: :func:`.segment.segment` finds the cells;
:func:`_prepare` mends what the flattening broke (labels written one
character or one word per line, ``label：value`` in one cell, labels run into
their values); :func:`_find_grids` finds each indicator grid by its header
words and cuts the cell stream into forms (several forms back to back give
several projects); :func:`read_labels` pairs labels with values;
:mod:`.form_grid` reads the grid; :func:`_project` assembles a project.

No document's names or positions are known here: only the vocabulary of
:mod:`.form_vocab` and the columns the grid header names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Issue, Project, Span
from .form_grid import GridHeader, level_pair, read_grid, read_header
from .form_vocab import LabelInfo, grid_role, is_amount_like, is_grid_word, is_title, label_info, level_kind
from .lines import Line
from .mtext import MText
from .segment import Cell, segment
from .vocab import parse_amount, squash

__all__ = ["FormReading", "read_forms"]

_YEAR_RE = re.compile(r"(?P<year>(?:19|20)\d{2})\s*(?:年度|年|[)）]\s*年度)")
_YEAR_CELL_RE = re.compile(r"^[(（]?\s*(?P<year>(?:19|20)\d{2})\s*(?:年度?)?\s*[)）]?\s*(?:年度)?\s*[)）]?$")
_MONEY_UNIT_RE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元|千元|亿元)")
_AMOUNT_UNIT_IN_VALUE_RE = re.compile(r"^\s*[\d,.]+\s*(万元|万|元)")
_MONEY_ROLES = ("total", "fiscal", "other", "special")
_PERSONAL_ROLES = ("name", "unit", "department", "supervisor")
_GOAL_ROLES = ("goal_annual", "goal_total", "goal_any")
_GOAL_HEADINGS = {"总体目标", "项目绩效目标", "绩效目标", "总体绩效目标"}


@dataclass
class Pair:
    label: LabelInfo
    cell: Cell
    value: MText | None = None


@dataclass
class FormReading:
    form: str = "project"
    projects: list[Project] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    syntax: list[Span] = field(default_factory=list)
    title: MText | None = None
    year: tuple[int, list[Span]] | None = None
    department: MText | None = None
    amount_unit: str | None = None
    amount_unit_spans: list[Span] = field(default_factory=list)


# -- mending the cells ----------------------------------------------------------------------------

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


def _split_inline(cells: list[Cell], syntax: list[Span]) -> list[Cell]:
    """"预算单位:东莞市交通运输局", "填表人: 宋云花": a label and its value in one cell, as two."""
    out: list[Cell] = []
    for c in cells:
        if c.chrome or c.empty or label_info(c.s) is not None or level_kind(c.s):
            out.append(c)
            continue
        c = _drop_seal_note(c, syntax)
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


def _prepare(lines: list[Line], syntax: list[Span]) -> list[Cell]:
    cells = segment(lines, syntax, is_word=lambda w: label_info(w) is not None or level_kind(w) is not None,
                    is_whole=lambda t: is_title(t) or bool(_ATTACHMENT_RE.match(t)) or level_pair(t) is not None)
    cells = _merge_fragments(_join_vertical(cells))
    cells = _split_inline(cells, syntax)
    return _split_glued(cells)


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


# -- labels and values ----------------------------------------------------------------------------


@dataclass
class _Waiting:
    pair: Pair
    in_row: bool = False
    group: bool = False


def _fits(label: LabelInfo, value: Cell) -> bool:
    """Whether ``value`` can be the value of ``label``: money is an amount, a name or a unit is
    no sentence, a form's next label is no value (item 7 of the real-table failures)."""
    s = squash(value.s)
    if label.role in _MONEY_ROLES:
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
        info = known or label_info(c.s)
        if info is not None and not info.strong and len(waiting) == 1 and not waiting[0].group \
                and waiting[0].pair.label.role not in _MONEY_ROLES and waiting[0].pair.cell.row == c.row \
                and not (info.role in _GOAL_ROLES and waiting[0].pair.label.role in _GOAL_ROLES):
            info = None  # "兵团推进乡村振兴补助资金" after 项目属性 is its value, though shaped like a label
        elif (info is not None and info.role == "field" and len(waiting) == 1 and not waiting[0].group
              and waiting[0].pair.label.role == "field" and not waiting[0].pair.label.strong
              and waiting[0].pair.cell.row == c.row):
            info = None  # "财政资金预算分类 | 一般公共预算"
        if info is not None and is_title(c.s):
            info = None
        if info is not None:
            if info.role != "chrome":
                syntax.extend(c.mt.spans())
            pair = Pair(info, c)
            pairs.append(pair)
            last_value = None
            if info.role == "group":
                waiting.append(_Waiting(pair, group=True))
                continue
            if info.role == "chrome":
                waiting = [_Waiting(pair)]
                continue
            waiting = [w for w in waiting if not w.group]
            if (info.role in _GOAL_ROLES and len(waiting) == 1 and waiting[0].pair.value is None
                    and waiting[0].pair.label.text in _GOAL_HEADINGS):
                waiting[0].pair.label = LabelInfo(waiting[0].pair.label.text, "group", True)
                waiting = []  # "总体目标 | 中期目标 | 年度目标": a heading over the goals
            goalish = info.role in _GOAL_ROLES
            if waiting and goalish and all(w.pair.label.role in _GOAL_ROLES for w in waiting):
                for w in waiting:
                    w.in_row = True
                waiting.append(_Waiting(pair, in_row=True))
            else:
                waiting = [_Waiting(pair)]
            continue
        taken = False
        while waiting:
            w = waiting.pop(0)
            if _fits(w.pair.label, c):
                w.pair.value = c.mt
                last_value = w.pair
                taken = True
                break
        if taken:
            continue
        if (last_value is not None and last_value.label.role in (*_GOAL_ROLES, "field") and c.row is None
                and len(squash(c.s)) >= 8 and not is_title(c.s)):
            last_value.value = MText.join([last_value.value, c.mt], " ")  # a long value's next paragraph
            continue
        loose.append(c)
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
        if p.label.role in _MONEY_ROLES and p.value is not None and (m := _AMOUNT_UNIT_IN_VALUE_RE.match(p.value.s)):
            return ("万元" if m.group(1).startswith("万") else m.group(1)), []
    return None


def read_forms(lines: list[Line]) -> FormReading | None:
    """Read the forms in ``lines``; None when no indicator grid with a form head is found."""
    out = FormReading()
    cells = _prepare(lines, out.syntax)
    sections = _sections(cells, out.syntax)
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
