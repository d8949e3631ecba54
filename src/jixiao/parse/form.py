"""The one-project form (form ``project``) and the department form
(form ``department``): labelled cells, not rows of projects.

Stages: :func:`form_rows` (lines → rows of cells, label fragments merged,
one-character-per-line labels joined); :func:`read_form` (rows → labelled
values: a label takes the cells after it, or the next row when its own row
has none; a row of labels over a row of values pairs them by column; a row
with no label continues the last long value); the indicator grid goes to
:mod:`.grid`. What no label claims is kept as an orphan: the form's name or
项目属性 when their labels were lost, else residue.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..model import Issue, Project, Span
from .fixed_form import fixed_form_rows, fixed_grid_rows, is_fixed_width_form, is_fixed_width_grid_header
from .form_money import MONEY_PAIR_RE, PART_LABELS, TOTAL_LABELS, amount, annual_column, form_amounts
from .grid import (
    find_numbered_targets,
    find_prose_targets,
    find_stream_header,
    glued_grid_header,
    grid_from_rows,
    is_grid_header,
    parse_grid,
    parse_numbered_targets,
    parse_prose,
)
from .labels import FIELD_LABELS, GLUED_LABEL_RE, GROUP_LABELS, LABEL_UNIT_RE, match_label, strip_noise
from .lines import Line, clean_cell, is_chrome, split_cells
from .mtext import MText
from .vocab import MONEY_UNIT, squash

__all__ = ["FormResult", "looks_like_form", "parse_forms"]

_COLON_RE = re.compile(r"[:：]")
_TITLE_RE = re.compile(r"绩效目标(?:申报|批复|公开)?表")
_PROJECT_KIND_RE = re.compile(r"^(?:经常性|一次性|延续性|新增|跨年度|常年性|持续性|阶段性|专项)\S{0,6}项目$|^(?:经常性|一次性|延续性)\S{0,4}$")
# characters of the group labels a form writes one per line down its margin; never a one-character value
_VERTICAL_CHARS = set("".join(GROUP_LABELS)) - set("是否无有")
_NOISE_TOKEN_RE = re.compile(r"^(?:[A-Za-z]|\d{1,2}|[^\w\s]+)$")

# the task grid of a 部门整体 form: the spec keeps it in ``fields``
_TASK_GRID = {"部门职能", "年度目标任务", "支出项目名称", "预算金额"}
# The rows under 按支出性质分 are labelled 基本支出 / 项目支出; anywhere else (a task grid whose
# 支出项目名称 is 基本支出) these words are values, so they are labels only there.
_EXPENSE_GROUP = "按支出性质分"
_EXPENSE_PARTS = {"基本支出", "项目支出"}
# Headings of a task grid that some forms fill with the tasks themselves (年度主要任务 | 任务一：…)
_GROUPS_THAT_MAY_HOLD_TEXT = {"年度主要任务", "年度任务"}
_AMOUNT_UNIT_LINE_RE = re.compile(rf"^\s*[|]?\s*(?:金额)?单位\s*[:：]\s*(?:{MONEY_UNIT})\s*[|]?\s*$")
_DEPARTMENT_CODE_RE = re.compile(r"^\s*[\[［【(（]\s*\d{2,12}\s*[\]］】)）]\s*")
_SUPERVISOR_LABELS = ("主管部门", "主管部门及代码", "主管部门名称", "项目主管部门")


@dataclass
class Cell:
    mt: MText
    col: int
    label: str | None = None
    kind: str | None = None  # field / group / grid
    #: the value half of a "label：value" cell: complete in itself
    inline: bool = False


@dataclass
class FormResult:
    form: str = "project"
    projects: list[Project] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    syntax: list[Span] = field(default_factory=list)
    department: MText | None = None
    amount_unit: str | None = None


# -- lines → rows of cells -----------------------------------------------------------


def _label_of(text: str) -> tuple[str, str] | None:
    m = match_label(text)
    return (m.label, m.kind) if m else None


def _merge_fragments(cells: list[Cell]) -> list[Cell]:
    """Join neighbours that only together spell a label (``合 | 计``, ``预算 | [内专项``)."""
    out: list[Cell] = []
    i = 0
    while i < len(cells):
        c = cells[i]
        nxt = cells[i + 1] if i + 1 < len(cells) else None
        if (nxt is not None and c.mt.s and nxt.mt.s and not c.inline and not nxt.inline
                and not match_label(c.mt.s, fuzzy=False) and not match_label(nxt.mt.s, fuzzy=False)):
            joined = _label_of(c.mt.s + nxt.mt.s)
            if joined and len(strip_noise(c.mt.s)) <= 8 and (c.label is None or nxt.label is None
                                                                or match_label(c.mt.s + nxt.mt.s, fuzzy=False)):
                out.append(Cell(MText.join([c.mt, cells[i + 1].mt]), c.col, *joined))
                i += 2
                continue
        out.append(c)
        i += 1
    return out


def _pair_label(head: str, first: bool) -> tuple[str, str] | None:
    lab = _label_of(head) if first else match_label(head, fuzzy=False)
    if lab is None:
        return None
    label, kind = lab
    if kind == "field" or (kind == "group" and LABEL_UNIT_RE.search(head)):
        return label, "field"  # 项目资金（万元）：800 is the project's money, not a heading
    return None


def _inline_pairs(mt: MText, col: int, syntax: list[Span]) -> list[Cell] | None:
    """"填报单位(盖章):济南市电化教育馆", "主管部门：某局  实施单位：某中心": labels and their
    values in one cell. A later pair starts at a known label (matched exactly) after white space."""
    s = mt.s
    if _label_of(s):
        return None
    cuts: list[tuple[int, int, int, tuple[str, str]]] = []
    for m in _COLON_RE.finditer(s):
        if cuts:
            start = max(s.rfind(ch, cuts[-1][2], m.start()) for ch in " \t\u3000") + 1
            if start == 0:
                continue
        else:
            start = 0
        head = s[start: m.start()]
        lab = _pair_label(head, not cuts) if head.strip() else None
        if lab is None and not cuts:
            return None
        if lab is not None:
            cuts.append((start, m.start(), m.end(), lab))
    if not cuts:
        return None
    cells = []
    for i, (start, colon, after, lab) in enumerate(cuts):
        end = cuts[i + 1][0] if i + 1 < len(cuts) else len(s)
        syntax.extend(mt.spans(colon, after))
        cells.append(Cell(mt.slice(start, colon).strip(), col, *lab))
        cells.append(Cell(mt.slice(after, end).strip(), col, inline=True))
    return cells


def _money_pairs(mt: MText, col: int) -> list[Cell] | None:
    """"年度资金总额 300  其中：财政拨款 300  其他资金 0": a form's money in one cell, each label
    before its amount; only when such pairs, two or more, are all the cell holds."""
    s = mt.s
    found = []
    at = 0
    while at < len(s) and (m := MONEY_PAIR_RE.match(s, at)) is not None:
        found.append(m)
        at = m.end()
    if len(found) < 2 or at < len(s):
        return None
    cells = []
    for m in found:
        label = _label_of(m.group("label"))
        if label is None or label[1] != "field":
            return None
        cells.append(Cell(mt.slice(*m.span("label")), col, *label))
        cells.append(Cell(mt.slice(*m.span("amount")), col, inline=True))
    return cells


def _glued_pair(mt: MText, col: int) -> list[Cell] | None:
    """"项目名称城市道路养护": a label run into its value, as text extraction leaves a form
    whose cells lost their separators."""
    if _label_of(mt.s):
        return None
    m = GLUED_LABEL_RE.match(mt.s)
    # glued means nothing between: "项目总目标 年度绩效目标" is two labels over one value
    if not m or not mt.s[m.end():m.end() + 1].strip() or (lab := _pair_label(m.group(), True)) is None:
        return None
    return [Cell(mt.slice(0, m.end()).strip(), col, *lab), Cell(mt.slice(m.end()).strip(), col, inline=True)]


def _cells_run_together(lines: list[Line]) -> bool:
    """True for a form printed with no separator at all: no tab or pipe anywhere, and lines
    that start with a label run into its value. Only then is a label at a line's start cut
    from what follows: in other forms a value may begin with a label's words (实施周期内…)."""
    if any("\t" in ln.text or "|" in ln.text for ln in lines):
        return False
    glued = {m.group().strip() for ln in lines if (m := GLUED_LABEL_RE.match(ln.text))
             and ln.text[m.end():m.end() + 1].strip()}
    return len(glued) >= 3


def form_rows(lines: list[Line], syntax: list[Span]) -> list[tuple[Line, list[Cell]]]:
    rows: list[tuple[Line, list[Cell]]] = []
    glued = _cells_run_together(lines)
    vertical: list[Line] = []
    under_expense_group = False

    def flush_vertical() -> None:
        # "绩\n效\n指\n标": a group label written one character per line
        if not vertical:
            return
        word = "".join(ln.text.strip().rstrip("|").strip() for ln in vertical)
        lab = _label_of(word)
        if lab and len(vertical) >= 2:
            for ln in vertical:
                syntax.extend(ln.mtext.spans())
        else:
            for ln in vertical:
                rows.append((ln, [Cell(clean_cell(ln.mtext, syntax).strip(), 0)]))
        vertical.clear()

    for line in lines:
        if line.is_blank():
            continue
        bare = line.text.strip().rstrip("|").strip()
        if len(bare) == 1 and "\u4e00" <= bare <= "\u9fff":
            if bare in _VERTICAL_CHARS:
                # one character of a group label written down the left margin (项/目/概/况)
                syntax.extend(line.mtext.spans())
                continue
            vertical.append(line)
            continue
        flush_vertical()
        if is_chrome(line.text):
            continue
        if _AMOUNT_UNIT_LINE_RE.match(line.text):
            syntax.extend(line.mtext.spans())  # 单位：万元 — the document's amount unit, read by the header
            continue
        raw = split_cells(line, syntax)
        if raw is None:
            raw = [clean_cell(line.mtext, syntax).strip()]
        cells = _labelled_cells(raw, glued, syntax)
        under_expense_group = _label_expense_part(cells, under_expense_group)
        _label_group_holding_text(cells)
        rows.append((line, _merge_fragments(cells)))
    flush_vertical()
    return rows


def _labelled_cells(raw: list[MText], glued: bool, syntax: list[Span]) -> list[Cell]:
    """A row's cells (column ``k`` = position in ``raw``), "label：value" cells cut in two,
    each cell that is a label labelled."""
    cells = []
    for k, mt in enumerate(raw):
        pairs = _inline_pairs(mt, k, syntax) or (glued and _glued_pair(mt, k)) or [Cell(mt, k)]
        for c in pairs:
            money = None if c.label else _money_pairs(c.mt, k)
            cells.extend(money or [c])
    for c in cells:
        if c.label:
            continue
        lab = _label_of(c.mt.s) if c.mt.s else None
        if lab:
            c.label, c.kind = lab
    return cells


def fixed_width_form_rows(lines: list[Line], syntax: list[Span]) -> list[tuple[Line, list[Cell]]]:
    """:func:`form_rows` for a form laid out by spaces to fixed columns: its rows are cut by
    :mod:`.fixed_form`, then labelled as a tab form's."""
    kept = []
    for line in lines:
        if _AMOUNT_UNIT_LINE_RE.match(line.text):
            syntax.extend(line.mtext.spans())  # 单位：万元 — the document's amount unit, read by the header
        else:
            kept.append(line)
    rows: list[tuple[Line, list[Cell]]] = []
    under_expense_group = False
    for line, raw in fixed_form_rows(kept, syntax):
        cells = _labelled_cells(raw, False, syntax)
        under_expense_group = _label_expense_part(cells, under_expense_group)
        _label_group_holding_text(cells)
        rows.append((line, _merge_fragments(cells)))
    return rows


def _label_expense_part(cells: list[Cell], under: bool) -> bool:
    """Label the row's 基本支出 / 项目支出 when it is one of 按支出性质分's; whether the next row may be."""
    if not (under or any(c.label == _EXPENSE_GROUP for c in cells)):
        return False
    for c in cells:
        if not c.mt.s:
            continue
        word = squash(c.mt.s)
        if word in _EXPENSE_PARTS:  # 项目支出 alone reads, fuzzily, as the group label 项目支出明细
            c.label, c.kind = word, "field"
            return True
        if c.kind != "group":
            return False
    return False


def _label_group_holding_text(cells: list[Cell]) -> None:
    """年度主要任务 before text on its row holds that text (the tasks), 项目资金 before an amount
    that amount; before labels they head a grid or a block of money rows."""
    for k, c in enumerate(cells):
        if c.kind != "group" or (c.label not in _GROUPS_THAT_MAY_HOLD_TEXT and c.label not in TOTAL_LABELS):
            continue
        after = next((n for n in cells[k + 1:] if n.mt.s), None)
        if after is None or after.label:
            continue
        if c.label in _GROUPS_THAT_MAY_HOLD_TEXT or amount(after.mt.s) is not None:
            c.kind = "field"


# -- labelled values -----------------------------------------------------------------


@dataclass
class _Value:
    label: str
    parts: list[MText] = field(default_factory=list)
    #: between parts: a space for cells of one row, a line break for the rows of a column
    sep: str = " "

    def text(self) -> MText:
        return MText.join([p for p in self.parts if p.s], self.sep).strip()


def _split_multi_label(c: Cell) -> list[str] | None:
    toks = c.mt.s.split()
    if len(toks) < 2:
        return None
    labs = [_label_of(t) for t in toks]
    if all(labs) and all(lb[1] == "field" for lb in labs if lb):
        return [lb[0] for lb in labs if lb]
    return None


def _clean_continuation(mt: MText) -> MText:
    """A value's next line as OCR left it: drop label fragments and specks."""
    pieces = [p for p in mt.split_re(re.compile(r"[ \t\u3000]+")) if p.s]
    kept = []
    for p in pieces:
        t = p.s
        if _NOISE_TOKEN_RE.match(t):
            continue
        key = strip_noise(t)
        if 2 <= len(key) <= 6 and any(lab.startswith(key) and lab != key for lab in FIELD_LABELS):
            continue
        kept.append(p)
    return MText.join(kept, " ")


def _is_sub_header(texts: list[Cell]) -> bool:
    return all(len(squash(c.mt.s)) <= 6 and not any(ch.isdigit() for ch in c.mt.s) for c in texts)


def _sub_columns(parents: dict[int, str], cells: list[Cell]) -> dict[int, str]:
    """Column labels of a two-row header: a sub-label is named within the label above it or to
    its left (预算金额（财政拨款）); a column with no sub-label keeps its own."""
    subs = {c.col: c.label or squash(c.mt.s) for c in cells}
    out = {}
    for col in sorted(set(parents) | set(subs)):
        if col not in subs:
            out[col] = parents[col]
            continue
        owner = max((p for p in parents if p <= col), default=None)
        out[col] = subs[col] if owner is None else f"{parents[owner]}（{subs[col]}）"
    return out


def read_form(rows: list[tuple[Line, list[Cell]]], syntax: list[Span]) -> tuple[list[_Value], list[tuple[int, MText]]]:
    """Given a form's rows of cells, return its labelled values and the cells no label claimed.

    A label takes the cells after it on its row, or the next row's text when
    its row has none; a row of labels over rows of values pairs them by
    column; a row with no label continues the last long value.
    """
    values: list[_Value] = []
    orphans: list[tuple[int, MText]] = []
    pending: list[str] = []           # labels waiting for a value on a later row
    column_labels: dict[int, str] = {}  # a row of labels over rows of values
    column_values: dict[int, _Value] = {}
    last: _Value | None = None

    def open_value(label: str) -> _Value:
        v = _Value(label)
        values.append(v)
        return v

    for idx, (_line, cells) in enumerate(rows):
        labelled = [c for c in cells if c.label]
        texts = [c for c in cells if c.mt.s and not c.label]
        field_labels = [c for c in labelled if c.kind == "field"]
        for c in labelled:
            if c.kind != "field":
                syntax.extend(c.mt.spans())
        # a row of labels only: they are column heads or wait for the next row
        if len(field_labels) >= 2 and not texts:
            column_labels = {c.col: c.label for c in field_labels}
            column_values = {}
            for c in field_labels:
                syntax.extend(c.mt.spans())
            pending = []
            continue
        if column_labels and not column_values and field_labels and _is_sub_header(texts):
            # 预算金额 over 总额 | 财政拨款 | 其他资金: the second row of a grid's header
            column_labels = _sub_columns(column_labels, [c for c in cells if c.mt.s])
            for c in cells:
                syntax.extend(c.mt.spans())
            pending = []
            continue
        if column_labels and texts and all(c.col in column_labels for c in texts) and not field_labels:
            # rows of values under a row of labels: each column one value, its rows one per line
            for c in texts:
                v = column_values.get(c.col)
                if v is None:
                    v = column_values[c.col] = open_value(column_labels[c.col])
                    v.sep = "\n"
                v.parts.append(c.mt)
            last = None
            continue
        column_labels, column_values = {}, {}
        if not labelled and texts:
            if pending:
                v = open_value(pending.pop(0))
                v.parts.extend(c.mt for c in texts)
                last = v
                continue
            if last is not None and len(last.text().s) >= 10:
                for c in texts:
                    cleaned = _clean_continuation(c.mt)
                    if cleaned.s:
                        last.parts.append(cleaned)
                continue
            orphans.extend((idx, c.mt) for c in texts)
            continue
        current: list[str] = []
        got_value = False
        for c in cells:
            if not c.mt.s:
                continue
            if c.label:
                if c.kind != "field":
                    current = []
                    continue
                syntax.extend(c.mt.spans())
                current = [c.label]
                got_value = False
                continue
            multi = _split_multi_label(c)
            if multi:
                # "项目总目标 年度绩效目标" over one value: it belongs to the first
                syntax.extend(c.mt.spans())
                current, got_value = multi[:1], False
                continue
            if current and not got_value:
                v = open_value(current[0])
                v.parts.append(c.mt)
                last, got_value = v, True
                if c.inline:
                    current = []
            elif current and got_value and last is not None:
                last.parts.append(c.mt)
            else:
                orphans.append((idx, c.mt))
        pending = current if current and not got_value else []
    return [v for v in values if v.text().s], orphans


# -- assembly ------------------------------------------------------------------------


def looks_like_form(lines: list[Line]) -> bool:
    """True when the text reads as a labelled form rather than a table of projects."""
    seen: set[str] = set()
    scratch: list[Span] = []
    for line in lines[:400]:
        cells = split_cells(line, scratch) or [line.mtext]
        for c in cells:
            s = c.s.strip()
            head = _COLON_RE.split(s, 1)[0] if _COLON_RE.search(s) else s
            lab = match_label(head, fuzzy=False)
            if lab is None and (glued := GLUED_LABEL_RE.match(s)):
                lab = match_label(glued.group(), fuzzy=False)
            if lab and lab.kind in ("field", "group"):
                seen.add(lab.label)
        if is_grid_header([c.s for c in cells]) or glued_grid_header(line.text):
            seen.add("grid")
    return len(seen) >= 4


def _segments(lines: list[Line]) -> list[list[Line]]:
    """Forms printed back to back: a new one starts at a second 项目名称 or title after indicators."""
    segs: list[list[Line]] = [[]]
    seen_name = seen_grid = False
    for line in lines:
        s = squash(line.text)
        starts_name = s.startswith("项目名称") or s.startswith("|项目名称")
        starts_title = bool(_TITLE_RE.search(s)) and len(s) <= 60
        if (starts_name and seen_name and seen_grid) or (starts_title and seen_grid):
            segs.append([])
            seen_name = seen_grid = False
        if starts_name:
            seen_name = True
        if "一级指标" in s or "三级指标" in s:
            seen_grid = True
        segs[-1].append(line)
    return [s for s in segs if any(not ln.is_blank() for ln in s)]


def parse_one_form(lines: list[Line], *, department: bool, result: FormResult) -> Project | None:
    syntax = result.syntax
    grid_at = None
    for k, line in enumerate(lines):
        cells = split_cells(line, []) or [line.mtext]
        if is_grid_header([clean_cell(c, []).s for c in cells]) or glued_grid_header(line.text):
            grid_at = k
            break
    prose = numbered = False
    if grid_at is None:
        grid_at = find_stream_header(lines)
    if grid_at is None:
        grid_at = find_prose_targets(lines)
        prose = grid_at is not None
    if grid_at is None:
        grid_at = find_numbered_targets(lines)
        numbered = grid_at is not None
    head_lines = lines if grid_at is None else lines[:grid_at]
    titles = [ln for ln in head_lines if _TITLE_RE.search(squash(ln.text))]
    # the title printed again over a second form on the page is the same heading, not residue
    syntax.extend(sp for ln in titles for sp in ln.mtext.spans())
    fixed = is_fixed_width_form(head_lines)
    head = [ln for ln in head_lines if ln not in titles]
    rows = fixed_width_form_rows(head, syntax) if fixed else form_rows(head, syntax)
    values, orphans = read_form(rows, syntax)
    if result.amount_unit is None:
        result.amount_unit = _unit_in_labels(rows)
    project = Project()
    by_label: dict[str, MText] = {}
    for v in values:
        text = v.text()
        if v.label in by_label:
            if squash(by_label[v.label].s) == squash(text.s):
                syntax.extend(text.spans())  # the same label and value printed twice
            continue
        by_label[v.label] = text
        role = FIELD_LABELS.get(v.label, "field")
        if role == "name":
            project.name = text.s
            project.spans["name"] = text.spans()
        elif role == "unit":
            project.unit = text.s
            project.spans["unit"] = text.spans()
        elif role == "department" and _AMOUNT_UNIT_LINE_RE.match(text.s):
            continue  # "填报单位(盖章): 单位：万元": the department left blank; what follows is the money unit
        elif role == "department" and result.department is None:
            result.department = text
        elif role == "department" and squash(result.department.s) == squash(text.s):
            syntax.extend(text.spans())  # the department named again (填报单位 and 部门名称)
        else:
            project.fields[v.label] = text.s
            project.field_spans[v.label] = text.spans()
    # labels lost to the scan: the name is the first free-standing text, 项目属性 has its own words
    for _, mt in orphans:
        t = mt.s.strip()
        if "项目属性" not in project.fields and _PROJECT_KIND_RE.match(squash(t)):
            project.fields["项目属性"] = t
            project.field_spans["项目属性"] = mt.spans()
            continue
        if (project.name is None and not department and len(squash(t)) >= 4 and not amount(t)
                and not re.search(r"\d{4}", t)):
            project.name = t
            project.spans["name"] = mt.spans()
            project.warnings.append(Issue(code="name-unlabelled",
                                          message=f"项目名称的标签未能识别，按位置推定为“{t}” / project name taken from an unlabelled cell"))
    # no 填报单位 on the form: its 主管部门 is the department (and stays a field too)
    if result.department is None:
        supervisor = next((by_label[k] for k in _SUPERVISOR_LABELS if k in by_label), None)
        if supervisor is not None and (code := _DEPARTMENT_CODE_RE.match(supervisor.s)):
            # 主管部门及代码 "[110]北京市…": the code is not the department's name
            syntax.extend(supervisor.spans(0, code.end()))
            supervisor = supervisor.slice(code.end())
        result.department = supervisor
    goal = next((by_label[k] for k, r in FIELD_LABELS.items() if r == "goal_annual" and k in by_label), None)
    if goal is None:
        goal = next((by_label[k] for k, r in FIELD_LABELS.items() if r == "goal_total" and k in by_label), None)
    if goal is not None:
        project.goal = goal.s
        project.spans["goal"] = goal.spans()
        _drop_repeated_annual_goal(project, by_label, syntax)
    if department and result.department is not None:
        # a department's own targets: the "project" is the department, its money and goal are the model's
        project.name = project.name or result.department.s
        project.unit = project.unit or result.department.s
    column = annual_column([c.mt.s for c in cells] for _line, cells in rows)
    project.amounts, total_unit = form_amounts(project, column, by_label)
    if result.amount_unit is None:
        result.amount_unit = total_unit
    if department:
        # the department's money and goal are the model's own fields; a label's text that did not
        # become them (a task grid under 其他资金, a second goal) stays a field, never syntax
        for label in [k for k in project.fields if k not in _TASK_GRID and (
                      (FIELD_LABELS.get(k) in ("goal_total", "goal_annual") and project.fields[k] == project.goal)
                      or ((k in TOTAL_LABELS or k in PART_LABELS) and amount(project.fields[k], column)))]:
            project.fields.pop(label)
            syntax.extend(project.field_spans.pop(label, []))
    if grid_at is not None:
        if fixed and not (prose or numbered) and is_fixed_width_grid_header(lines[grid_at]):
            grid_syntax: list[Span] = []
            header, grid_rows = fixed_grid_rows(lines[grid_at:], grid_syntax)
            grid = grid_from_rows(header, grid_rows)
            grid.syntax.extend(grid_syntax)
        else:
            grid = (parse_prose(lines[grid_at:]) if prose else parse_numbered_targets(lines[grid_at:]) if numbered
                    else parse_grid(lines[grid_at:]))
        project.indicators = grid.indicators
        project.warnings.extend(grid.warnings)
        syntax.extend(grid.syntax)
    if project.name is None and not project.fields and not project.indicators:
        return None
    return project


def _words(text: str) -> str:
    """The text without white space or punctuation."""
    return "".join(ch for ch in squash(text) if not unicodedata.category(ch).startswith("P"))


def _drop_repeated_annual_goal(project: Project, by_label: dict[str, MText], syntax: list[Span]) -> None:
    """A 年度绩效目标 row that repeats the 项目总目标 row word for word is the goal printed
    twice (forms in separate cells; an OCR'd form shares one cell), not a second field.
    Punctuation is not compared: OCR reads the same printed ； as ； once and ： the next time."""
    total = next((by_label[k] for k, r in FIELD_LABELS.items() if r == "goal_total" and k in by_label), None)
    if total is None:
        return
    for label in [k for k in project.fields if FIELD_LABELS.get(k) == "goal_annual"]:
        if _words(project.fields[label]) == _words(total.s):
            project.fields.pop(label)
            syntax.extend(project.field_spans.pop(label, []))


def _unit_in_labels(rows: list[tuple[Line, list[Cell]]]) -> str | None:
    """The amount unit a label carries, as in 项目资金（万元）."""
    for _line, cells in rows:
        for c in cells:
            if c.label and (m := LABEL_UNIT_RE.search(c.mt.s)):
                return m.group("unit")
    return None


def parse_forms(lines: list[Line], *, department: bool = False) -> FormResult:
    result = FormResult(form="department" if department else "project")
    for seg in _segments(lines):
        project = parse_one_form(seg, department=department, result=result)
        if project is not None:
            result.projects.append(project)
    return result
