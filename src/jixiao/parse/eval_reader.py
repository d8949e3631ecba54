"""Self-evaluation (绩效自评表) and monitoring (绩效监控表) forms, read from cells.

The same stages as the target-form reader: :func:`.segment.segment` finds the cells,
:mod:`.form_vocab` names them (its ``eval_*`` words), and this module interprets them. A form
is a sequence of blocks, each opened by its vocabulary:

* labels and their values (项目名称, 主管部门, 实施单位 …);
* the money block: a header of money columns (年初预算数, 全年预算数(A), 全年执行数(B), 分值,
  执行率, 得分; for monitoring 1–N月执行数, 全年预计执行数), then rows opened by their label
  (年度资金总额, 其中：当年财政拨款 …), values placed by column;
* the goal: 预期目标 / 实际完成情况 labels, then as many values;
* the indicator grid: a header of grid words gives the columns; level names are peeled off
  each row, the name opens it, the rest is placed by column (by position in a row of cells, by
  count in a one-cell-per-line stream, by shape where cells were lost);
* notes below the grid (总分, 偏差原因, 改进措施).

What cannot be placed for sure is warned about on its line, never guessed: cells run together
(``2X`` for ``≥X``, numbers fused), a spreadsheet flattened out of order, a row with cells
missing, a table cut at the end of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import BudgetRow, Evaluation, Indicator, Issue, Project, Span
from .form_vocab import (
    eval_goal_role,
    eval_grid_role,
    eval_money_role,
    eval_note_role,
    eval_title,
    is_eval_money_row,
    label_info,
    level_kind,
)
from .lines import Line
from .mtext import MText
from .segment import Cell, segment
from .values import parse_target
from .vocab import squash

__all__ = ["EvalReading", "read_evaluation"]

_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年度")
_UNIT_RE = re.compile(r"^[(（]?\s*(?:单位\s*[:：]\s*)?(万元|元|千元|亿元)\s*[)）]?$")
_UNIT_IN_RE = re.compile(r"单位\s*[:：]\s*(万元|元|千元|亿元)|[(（](万元|元|千元|亿元)[)）]")
_NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
_AMOUNT_RE = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_RATE_RE = re.compile(r"^\d+(?:\.\d+)?\s*%$")
_DASH_RE = re.compile(r"^[-—–/／]+$")
_LIKELIHOOD_RE = re.compile(r"^(?:确定能|有可能|不可能)$")
_DIRECTION_RE = re.compile(r"^(?:[<>≤≥=＜＞≧≦]=?|正向|反向|定性|定量|中性|定性指标|定量指标)$")
_PLACEHOLDER_RE = re.compile(r"^(?:指标\s*\d{0,2}|…+|\.{3,})$")
_NAME_NUMBER_RE = re.compile(r"^指标\s*\d{1,2}\s*[:：]?\s*(?=\S)")
# a long cell where words and numbers run together (期2022年, 额10001000100%20): cells lost their separators
_GLUED_RE = re.compile(r"[\u4e00-\u9fff][\d.%]+[\u4e00-\u9fff]|\d%\d")
# labels of a header run together with their values (项目名称东津院区建设补助主管部门…)
_GLUED_LABELS = ("项目名称", "主管部门", "项目实施单位", "单位名称", "填报日期", "项目类别", "项目属性", "项目类型",
                 "财政处室", "自评总分(分)", "部门联系人", "联系电话", "部门预算执行情况", "预算执行情况", "总分",
                 "偏差大或目标未完成原因分析", "改进措施及结果应用方案", "备注")
_GLUED_FIELD = {"项目名称": "name", "主管部门": "supervisor", "项目实施单位": "unit", "自评总分(分)": "total_score",
                "总分": "total_score", "偏差大或目标未完成原因分析": "deviation", "改进措施及结果应用方案": "measures"}
_GLUED_STOPS = ("预算执行情况", "部门预算执行情况", "备注", "项目类别")


@dataclass
class EvalReading:
    form: str
    title: MText | None = None
    year: tuple[int, list[Span]] | None = None
    department: MText | None = None
    amount_unit: str | None = None
    amount_unit_spans: list[Span] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    syntax: list[Span] = field(default_factory=list)


def _known(text: str) -> bool:
    """A word of the evaluation forms' vocabulary: what a fragment must join to become."""
    return bool(eval_grid_role(text) or eval_money_role(text) or is_eval_money_row(text) or eval_goal_role(text)
                or eval_note_role(text) or level_kind(text))


def _join_fragments(cells: list[Cell]) -> list[Cell]:
    """One-cell-per-line streams cut words over lines (年初 / 预算数, 经济效益 / 指标): join two or
    three cells when together they are a vocabulary word and the first alone is not."""
    out: list[Cell] = []
    i = 0
    while i < len(cells):
        c = cells[i]
        joined = None
        if c.row is None and not c.empty and not _known(c.s) and len(c.s) <= 10 and not _UNIT_RE.match(squash(c.s)) and not re.search(r"\d", c.s):
            for k in (2, 3):
                part = cells[i:i + k]
                if len(part) < k or any(p.row is not None or p.empty or p.chrome for p in part):
                    break
                mt = MText.join([p.mt for p in part])
                if _known(mt.s):
                    joined = (Cell(mt, c.line, None, token=c.token), k)
                    break
        if joined is not None:
            out.append(joined[0])
            i += joined[1]
        else:
            out.append(c)
            i += 1
    return out


def _tokenise(cells: list[Cell]) -> tuple[list[Cell], bool]:
    """A whole table flattened onto one line of space-separated words (a .docx or .xlsx dumped as
    text): its words as token cells. Empty cells are lost there; the reader knows it."""
    out: list[Cell] = []
    tokens = False
    for c in cells:
        if c.row is None and len(c.s) > 150 and c.s.count(" ") >= 20:
            tokens = True
            out.extend(Cell(p, c.line, None, token=True) for p in c.mt.split_re(re.compile(r"[ \u3000\xa0]+")) if p.s)
        else:
            out.append(c)
    return out, tokens


@dataclass
class _Grid:
    columns: list[str]
    extras: dict[int, str]
    level1: MText | None = None
    level2: MText | None = None


class _Reader:
    def __init__(self, cells: list[Cell], out: EvalReading, tokens: bool) -> None:
        self.cells = cells
        self.out = out
        self.tokens = tokens
        self.i = 0
        self.project: Project | None = None
        self.seen_grid = False
        self.scrambled = False

    # -- helpers -----------------------------------------------------------------------------

    def warn(self, code: str, zh: str, en: str, line: int | None) -> None:
        target = self.project.warnings if self.project is not None else self.out.warnings
        target.append(Issue(code=code, message=f"{zh} / {en}", line=line))

    def cur(self) -> Project:
        if self.project is None:
            self.project = Project(evaluation=Evaluation())
            self.out.projects.append(self.project)
        return self.project

    def ev(self) -> Evaluation:
        p = self.cur()
        assert p.evaluation is not None
        return p.evaluation

    def syntax(self, c: Cell) -> None:
        self.out.syntax.extend(c.mt.spans())

    def next_value(self, c: Cell) -> Cell | None:
        """The value after label ``c``: the next cell of its row, or in a stream the next cell,
        unless that is itself a word of the vocabulary."""
        j = self.i + 1
        while j < len(self.cells) and self.cells[j].empty and (c.row is None or self.cells[j].row == c.row):
            j += 1
        if j >= len(self.cells):
            return None
        v = self.cells[j]
        if ((c.row is not None and v.row != c.row) or v.chrome or self.is_label(v) or _known(v.s) or eval_title(v.s)
                or squash(v.s).startswith(("注:", "注：", "说明:", "说明："))):
            return None
        self.i = j
        return v

    def is_label(self, c: Cell) -> bool:
        info = label_info(c.s)
        return info is not None and info.strong and info.role in ("name", "unit", "supervisor", "department", "field",
                                                                  "footer", "group")

    # -- blocks --------------------------------------------------------------------------------

    def run(self) -> None:
        cells = self.cells
        while self.i < len(cells):
            c = cells[self.i]
            if c.empty or c.chrome:
                self.i += 1
                continue
            s = squash(c.s)
            if form := eval_title(c.s):
                self.title(c, form)
            elif (m := _YEAR_RE.search(s)) and len(s) <= 12:
                self.year(c, m)
            elif _UNIT_RE.match(s):
                self.unit(c)
            elif self.scrambled:
                pass
            elif eval_money_role(c.s) and self.money_header():
                continue
            elif is_eval_money_row(c.s):
                self.scramble(c, "资金行没有表头", "a money row without its header")
            elif eval_goal_role(c.s):
                self.goal()
                continue
            elif eval_grid_role(c.s) in ("level1", "seq", "name") and self.grid():
                continue
            elif role := eval_note_role(c.s):
                self.note(c, role)
            elif _GLUED_RE.search(s) and len(s) > 60 and not self.seen_grid:
                self.glued(c)
            elif m := _EVAL_FIELD_RE.match(s):  # 2.项目实施内容及过程概述 | 2023年购买…
                self.syntax(c)
                if (v := self.next_value(c)) is not None:
                    self.set_label("field", m.group(1), v.mt.strip())
            elif self.is_label(c) or c.row is not None and label_info(c.s) is not None or (":" in c.s or "：" in c.s) and label_info(re.split(r"[:：]", c.s)[0]) is not None:
                self.label(c)
            self.i += 1

    def title(self, c: Cell, form: str) -> None:
        if self.out.title is None or self.seen_grid:
            if self.seen_grid:  # a second form on the page: its project starts here
                self.project = None
                self.seen_grid = False
            self.out.title = c.mt.strip()
            if self.out.form == "selfeval" or form != "selfeval":
                self.out.form = form
        else:
            self.syntax(c)  # the form's own title under a page title
            self.out.title = c.mt.strip()
        if m := _YEAR_RE.search(c.s):
            self.out.year = (int(m.group(1)), c.mt.spans(m.start(1), m.end(1)))

    def year(self, c: Cell, m: re.Match[str]) -> None:
        mm = _YEAR_RE.search(c.s)
        if mm is not None and self.out.year is None:
            self.out.year = (int(mm.group(1)), c.mt.spans(mm.start(1), mm.end(1)))
        self.syntax(c)

    def unit(self, c: Cell) -> None:
        m = _UNIT_RE.match(squash(c.s))
        if self.out.amount_unit is None and m:
            self.out.amount_unit = m.group(1)
            self.out.amount_unit_spans = c.mt.spans()
        else:
            self.syntax(c)

    def label(self, c: Cell) -> None:
        text = c.s
        m = re.search(r"[:：]", text)
        if m and m.end() < len(text.rstrip()) and label_info(text[: m.start()]) is not None:
            key_mt, value = c.mt.slice(0, m.start()), c.mt.slice(m.end()).strip()
            if u := _UNIT_IN_RE.search(text):
                unit = u.group(1) or u.group(2)
                if self.out.amount_unit is None:
                    self.out.amount_unit = unit
                    self.out.amount_unit_spans = c.mt.spans(u.start(), u.end())
                self.syntax(c)
                return
        else:
            key_mt, info = c.mt, label_info(c.s)
            v = self.next_value(c) if info is None or info.role != "group" and not info.role.startswith("goal") else None
            value = v.mt.strip() if v is not None else None
        self.out.syntax.extend(key_mt.spans())
        info = label_info(key_mt.s)
        if info is not None and info.unit and self.out.amount_unit is None:  # 资金情况 (万元)
            self.out.amount_unit = info.unit
        if info is None or value is None or not value.s or info.role == "group":
            return
        if m := _UNIT_RE.match(squash(value.s)):  # 项目资金 | (万元)
            if self.out.amount_unit is None:
                self.out.amount_unit, self.out.amount_unit_spans = m.group(1), value.spans()
            return
        if info.unit and self.out.amount_unit is None:
            self.out.amount_unit = info.unit
        self.set_label(info.role, info.text, value)

    def set_label(self, role: str, key: str, value: MText) -> None:
        p = self.cur()
        if role == "name" and p.name is not None and self.seen_grid:
            self.project, self.seen_grid = None, False
            p = self.cur()
        if role == "name" and p.name is None:
            p.name, p.spans["name"] = value.s, value.spans()
        elif role == "unit" and p.unit is None:
            p.unit, p.spans["unit"] = value.s, value.spans()
        elif role in ("supervisor", "department") and self.out.department is None:
            self.out.department = value
        else:
            p.fields[key] = value.s
            p.field_spans[key] = value.spans()

    def scramble(self, c: Cell, zh: str, en: str) -> None:
        """Cells out of their table's order (a spreadsheet flattened to one line): nothing after
        this point is placed, so nothing is read wrong."""
        self.scrambled = True
        self.warn("eval-scrambled", f"{zh}：单元格次序已乱（表格被压平），此后的资金、目标与指标未读，请核对原表",
                  f"{en}: the cells are out of order (a flattened table); money, goal and indicators after this "
                  "point are not read", c.line)

    # -- money ---------------------------------------------------------------------------------

    def money_header(self) -> bool:
        cells, j = self.cells, self.i
        columns: list[str] = []
        used: list[Cell] = []
        while j < len(cells) and (cells[j].empty or (r := eval_money_role(cells[j].s)) is not None):
            if not cells[j].empty:
                columns.append(r[0])
                used.append(cells[j])
                if r[1] is not None:
                    self.ev().months = r[1]
            j += 1
        if not {"initial", "budget", "executed", "expected"} & set(columns):
            return False
        for c in used:
            self.syntax(c)
        row = used[-1].row
        while row is not None and j < len(cells) and cells[j].row == row:  # 原因: a column not read
            columns.append("other")
            self.syntax(cells[j])
            j += 1
        self.i = j
        while self.i < len(cells):
            c = cells[self.i]
            if c.empty:
                self.i += 1
                continue
            if not is_eval_money_row(c.s):
                break
            self.money_row(c, columns)
        return True

    def money_row(self, label: Cell, columns: list[str]) -> None:
        cells = self.cells
        j = self.i + 1
        values: list[Cell] = []
        while j < len(cells):
            v = cells[j]
            if label.row is not None:
                if v.row != label.row:
                    break
            elif not v.empty and not (_AMOUNT_RE.match(v.s.strip()) or _RATE_RE.match(squash(v.s)) or _DASH_RE.match(v.s.strip())):
                break
            values.append(v)
            j += 1
            if len(values) == len(columns) and label.row is None:
                break
        self.syntax(label)
        row = BudgetRow(label=squash(label.s).rstrip(":："), spans={"label": label.mt.spans()})
        if self.tokens and 0 < sum(not v.empty for v in values) < len(columns):
            self.warn("eval-money-cells", f"资金行“{row.label}”只有 {len(values)} 个值，{len(columns)} 列中空格已丢失，"
                      "按顺序对应，请核对", f"money row {row.label!r}: {len(values)} values for {len(columns)} "
                      "columns whose empty cells were lost; placed in order", label.line)
        for v, col in zip(values, columns, strict=False):
            text = v.s.strip()
            if not text or _DASH_RE.match(text) or col == "other":
                continue
            if col in ("initial", "budget", "executed", "executed_to_date", "expected"):
                if not _AMOUNT_RE.match(text):
                    self.warn("eval-money-cells", f"资金“{text}”不是金额，未读", f"{text!r} is no amount; not read", v.line)
                    continue
                setattr(row, col, float(text.replace(",", "")))
            else:
                setattr(row, col, text)
            row.spans[col] = v.mt.strip().spans()
        if len(values) > len(columns):
            self.warn("eval-money-cells", f"资金行“{row.label}”的值多于列数，多出的未读",
                      f"money row {row.label!r} has more values than columns", label.line)
        self.ev().budget.append(row)
        self.i = j

    # -- goal ----------------------------------------------------------------------------------

    def goal(self) -> None:
        cells, j = self.cells, self.i
        roles: list[str] = []
        while j < len(cells) and (cells[j].empty or (r := eval_goal_role(cells[j].s))):
            if not cells[j].empty:
                roles.append(r)
                self.syntax(cells[j])
            j += 1
        values: list[Cell] = []
        while j < len(cells) and len(values) < len(roles):
            v = cells[j]
            if v.chrome or eval_grid_role(v.s) or self.is_label(v) or _known(v.s):
                break
            if not v.empty:
                values.append(v)
            j += 1
        ev = self.ev()
        for role, v in zip(roles, values, strict=False):
            if getattr(ev, role) is None:
                setattr(ev, role, v.mt.strip().s)
                ev.spans[role] = v.mt.strip().spans()
        self.i = j

    # -- notes ---------------------------------------------------------------------------------

    def note(self, c: Cell, role: str) -> None:
        self.syntax(c)
        v = self.next_value(c)
        if v is None:
            return
        value = v.mt.strip()
        if role == "field":
            p = self.cur()
            key = squash(c.s)
            p.fields[key], p.field_spans[key] = value.s, value.spans()
            return
        ev = self.ev()
        if getattr(ev, role) is None:
            setattr(ev, role, value.s)
            ev.spans[role] = value.spans()

    # -- cells run together --------------------------------------------------------------------

    def glued(self, c: Cell) -> None:
        """A header whose labels and values ran together: cut at the labels the vocabulary knows,
        take what lies between as the value when it is short and holds no other label. The rest
        (money, grid) is left unread with a warning: fused numbers cannot be split for sure."""
        s = c.s
        hits = sorted((m.start(), m.end(), lab) for lab in _GLUED_LABELS for m in re.finditer(re.escape(lab), s))
        # a label inside a longer one (预算执行情况 in 部门预算执行情况) does not count
        kept = [h for h in hits if not any(o[0] <= h[0] and h[1] <= o[1] and o != h for o in hits)]
        for k, (a, b, lab) in enumerate(kept):
            end = kept[k + 1][0] if k + 1 < len(kept) else len(s)
            value = c.mt.slice(b, end).strip().strip(":：")
            self.out.syntax.extend(c.mt.spans(a, b))
            if lab in _GLUED_STOPS or not value.s or len(value.s) > 30 or k + 1 == len(kept):
                continue
            role = _GLUED_FIELD.get(lab)
            if role in ("total_score", "deviation", "measures"):
                ev = self.ev()
                if getattr(ev, role) is None:
                    setattr(ev, role, value.s)
                    ev.spans[role] = value.spans()
            elif role is not None:
                self.set_label(role, lab, value)
            else:
                self.set_label("field", lab, value)
        self.fused_money(c)
        self.fused_grid(c)
        self.warn("eval-glued", "单元格连在一起（文档预览或扫描文字），金额与指标无法可靠切分，未读，请核对原表",
                  "cells run together (a preview or OCR text): money and indicators cannot be split for sure; "
                  "not read", c.line)
        if re.search(r"(?<![\d.])2\d|W\d|[口□]", s):
            self.warn("eval-ocr", "文中有识别错误的符号（如 2X 为 ≥X、WX 为 ≤X、口 为勾选框），未当作数值",
                      "OCR garbage in the text (2X for ≥X, WX for ≤X, 口 for a checkbox): not read as values", c.line)

    def fused_money(self, c: Cell) -> None:
        """The money row of a run-together header (资金总额10001000100%20, 执行率得分(分)O76%107.6):
        read only where the arithmetic allows one cut — 执行率 = 执行数 / 预算数, or 得分 = 权重 ×
        执行率 — and said so; any other run is left alone."""
        for m in _FUSED_MONEY_RE.finditer(c.s):
            cut = _cut_fused(m.group("head"), m.group("rate"), m.group("tail"))
            if cut is None or any(r.label == m.group("label") for r in self.ev().budget):
                continue
            row = BudgetRow(label=squash(m.group("label")), spans={"label": c.mt.spans(m.start("label"), m.end("label"))})
            base = m.start("head") if m.group("head") else m.start("rate")
            for key, (a, b) in cut.items():
                a, b = a + base, b + base
                text = c.s[a:b]
                setattr(row, key, float(text) if key in ("budget", "executed") else text)
                row.spans[key] = c.mt.spans(a, b)
            self.ev().budget.append(row)
            self.warn("eval-glued-money", f"金额连在一起（{m.group('head')}{m.group('rate')}%{m.group('tail')}），"
                      "按执行率唯一切分，请核对", "amounts run together; cut the one way the execution rate allows",
                      c.line)

    def fused_grid(self, c: Cell) -> None:
        """Indicator rows run together after a grid header (…实际完成值(B)得分产出 指标数量指标成本控制
        不超过预算不超过预算10质量指标…): a row is a level name, a body and its 得分 before the next
        level name. The body is cut where the evaluation printed its value twice (年初目标值 =
        实际完成值: ``不超过预算不超过预算``) or ends in two quantities (``5亿元6.47亿元``); a body
        that cuts neither way is left unread, and every row read so is warned about."""
        head = _FUSED_HEADER_RE.search(c.s)
        if head is None:
            return
        level1: MText | None = None
        read = 0
        for m in _FUSED_ROW_RE.finditer(c.s, head.end()):
            if m.group("l1"):
                level1 = _bare(c.mt.slice(m.start("l1"), m.end("l1")))
            body = m.group("body")
            cut = _cut_body(body)
            if cut is None:
                continue
            name_end, a_end = cut
            base = m.start("body")
            ind = Indicator(seq=len(self.cur().indicators) + 1)
            if level1 is not None:
                ind.level1, ind.spans["level1"] = level1.s, level1.spans()
            l2 = c.mt.slice(m.start("l2"), m.end("l2"))
            name = _bare(c.mt.slice(base, base + name_end))
            a = c.mt.slice(base + name_end, base + a_end)
            b = c.mt.slice(base + a_end, m.end("body"))
            score = c.mt.slice(m.start("score"), m.end("score"))
            ind.level2, ind.spans["level2"] = l2.s, l2.spans()
            ind.name, ind.spans["name"] = name.s, name.spans()
            ind.annual_value, ind.annual_target, ind.spans["annual_value"] = a.s, parse_target(a.s), a.spans()
            ind.actual_value, ind.actual_target, ind.spans["actual_value"] = b.s, parse_target(b.s), b.spans()
            ind.score, ind.spans["score"] = score.s, score.spans()
            self.cur().indicators.append(ind)
            read += 1
        if read:
            self.warn("eval-glued-grid", f"指标行连在一起，{read} 行按重复的值或末尾的两个数量切分（名称末尾与值相同时界线不确定），请核对",
                      f"{read} indicator rows run together, cut where the value repeats or two quantities end "
                      "them (uncertain where the name ends like its value)", c.line)

    # -- the indicator grid --------------------------------------------------------------------

    def grid(self) -> bool:
        cells, j = self.cells, self.i
        columns: list[str] = []
        extras: dict[int, str] = {}
        used: list[Cell] = []
        while j < len(cells) and (cells[j].empty or (r := eval_grid_role(cells[j].s)) is not None):
            if not cells[j].empty:
                if r == "extra":
                    extras[len(columns)] = squash(cells[j].s)
                columns.append(r)
                used.append(cells[j])
            j += 1
        if len(columns) < 3 or not ({"name", "value"} & set(columns)):
            return False
        for c in used:
            self.syntax(c)
        self.cur()
        self.seen_grid = True
        self.i = j
        g = _Grid(columns, extras)
        if columns[0] == "seq":
            self.numbered_rows(g)
        else:
            self.rows(g)
        return True

    def stops_grid(self, c: Cell) -> bool:
        s = squash(c.s)
        return bool(c.chrome or eval_note_role(c.s) or eval_title(c.s)
                    or s.startswith(("注:", "注：", "备注:")) or (self.is_label(c) and not level_kind(c.s)
                                                                  and label_info(c.s).role in ("name", "unit", "supervisor")))

    def level(self, g: _Grid, c: Cell, nxt: Cell | None) -> bool:
        kind = level_kind(c.s)
        if kind is None or len(squash(c.s)) > 16:
            return False
        mt = _bare(c.mt)
        if kind == "both":
            kind = "level1" if (nxt is not None and level_kind(nxt.s)) or "level2" not in g.columns else "level2"
        if kind == "level1" or "level2" not in g.columns:
            g.level1, g.level2 = mt, None
        else:
            g.level2 = mt
        self.syntax(c)
        return True

    def rows(self, g: _Grid) -> None:
        cells = self.cells
        after = g.columns[g.columns.index("name") + 1:] if "name" in g.columns else g.columns
        while self.i < len(cells):
            c = cells[self.i]
            if c.empty:
                self.i += 1
                continue
            if self.stops_grid(c):
                return
            nxt = next((x for x in cells[self.i + 1:] if not x.empty), None)
            if self.level(g, c, nxt):
                self.i += 1
                continue
            name = c
            j = self.i + 1
            values: list[Cell] = []
            if name.row is not None:
                while j < len(cells) and cells[j].row == name.row:
                    values.append(cells[j])
                    j += 1
            elif self.tokens:
                values, j = self.token_values(after, j)
            else:
                while j < len(cells) and len(values) < len(after):
                    v = cells[j]
                    if v.row is not None or not v.empty and (level_kind(v.s) or _STEM_RE.match(squash(v.s))
                                                             or _half_level(v.s) or self.stops_grid(v)):
                        break
                    values.append(v)
                    j += 1
            cut = j >= len(cells) and (len(values) < len(after) if name.row is None and not self.tokens else True)
            self.indicator(g, name, values, after, cut)
            self.i = j

    def token_values(self, after: list[str], j: int) -> tuple[list[Cell], int]:
        """Values of a row whose empty cells were lost: one word per column up to the score,
        the score and weight being numbers; a word after them is the next row's name."""
        cells = self.cells
        values: list[Cell] = []
        need = [c for c in after if c not in ("deviation", "extra", "core")]
        while j < len(cells) and len(values) < len(need):
            v = cells[j]
            if level_kind(v.s) or self.stops_grid(v):
                break
            values.append(v)
            j += 1
        return values, j

    def indicator(self, g: _Grid, name: Cell, values: list[Cell], after: list[str], cut: bool) -> None:
        mt = _bare(name.mt)
        core = None
        if mt.s.startswith("★"):
            self.out.syntax.extend(mt.spans(0, 1))
            mt, core = mt.slice(1).strip(), True
        if m := _NAME_NUMBER_RE.match(mt.s):
            self.out.syntax.extend(mt.spans(0, m.end()))
            mt = mt.slice(m.end())
        filled = [v for v in values if not v.empty]
        if _PLACEHOLDER_RE.match(squash(name.s)) and not filled:
            self.syntax(name)  # a template's empty row (指标2, ……)
            return
        if cut and not filled:
            self.warn("excerpt-cut", f"表格在文末被截断，最后一行“{mt.s}”不完整，未读",
                      f"the table is cut off at the end of the text; its last row {mt.s!r} is incomplete and dropped",
                      name.line)
            return
        placed = self.place(values, after, name.line)
        p = self.cur()
        ind = Indicator(seq=len(p.indicators) + 1, core=core)
        if g.level1 is not None:
            ind.level1, ind.spans["level1"] = g.level1.s, g.level1.spans()
        if g.level2 is not None:
            ind.level2, ind.spans["level2"] = g.level2.s, g.level2.spans()
        ind.name, ind.spans["name"] = mt.s, mt.spans()
        for (col, idx), v in placed:
            text = v.mt.strip()
            if not text.s:
                continue
            if col == "value":
                ind.annual_value, ind.annual_target = text.s, parse_target(text.s)
                ind.spans["annual_value"] = text.spans()
            elif col == "actual":
                ind.actual_value, ind.actual_target = text.s, parse_target(text.s)
                ind.spans["actual_value"] = text.spans()
            elif col == "core":
                ind.core = {"是": True, "否": False}.get(text.s)
                ind.spans["core"] = text.spans()
            elif col == "unit":
                ind.extra["度量单位"], ind.spans["extra.度量单位"] = text.s, text.spans()
            elif col == "extra":
                key = g.extras.get(g.columns.index("name") + 1 + idx if "name" in g.columns else idx, "extra")
                ind.extra[key], ind.spans[f"extra.{key}"] = text.s, text.spans()
            elif col in ("weight", "score", "direction", "deviation", "likelihood"):
                setattr(ind, col, text.s)
                ind.spans[col] = text.spans()
        if "unit" in ind.extra and ind.annual_value:
            unit_text = ind.extra["度量单位"]
            joined = (ind.direction or "") + ind.annual_value + unit_text
            ind.annual_target = parse_target(joined if ind.direction in ("≤", "≥", "<", ">", "=") else ind.annual_value + unit_text)
        elif ind.direction and ind.annual_value and ind.direction in ("≤", "≥", "<", ">", "="):
            ind.annual_target = parse_target(ind.direction + ind.annual_value + ind.extra.get("度量单位", ""))
        p.indicators.append(ind)
        if cut:
            self.warn("excerpt-cut", f"表格在文末被截断，最后一项指标“{ind.name}”可能不完整",
                      f"the table is cut off at the end of the text; its last indicator {ind.name!r} may be incomplete",
                      name.line)

    def place(self, values: list[Cell], after: list[str], line: int) -> list[tuple[tuple[str, int], Cell]]:
        """Cells of a row onto the columns after the name: in order when they fill them; where
        cells are missing, each cell goes to the first remaining column its shape fits (a weight
        or score is a number, a likelihood one of three words), with a warning."""
        cols = list(enumerate(after))
        cells = list(values)
        while cells and cells[-1].empty:
            cells.pop()
        if len(cells) > len(cols):
            self.warn("grid-cells", f"指标行有 {len(cells)} 个单元格，多于表头的 {len(cols)} 列，多出的未读",
                      f"{len(cells)} cells for {len(cols)} columns; the rest not read", line)
            cells = cells[: len(cols)]
        if len(cells) == len(cols) or all(_fits(c, col) for c, (_, col) in zip(cells, cols, strict=False)) and self.tokens:
            return [((col, idx), c) for c, (idx, col) in zip(cells, cols, strict=False)]
        out: list[tuple[tuple[str, int], Cell]] = []
        k = 0
        skipped = False
        for c in cells:
            while k < len(cols) and not _fits(c, cols[k][1]):
                skipped = True
                k += 1
            if k >= len(cols):
                break
            out.append(((cols[k][1], cols[k][0]), c))
            k += 1
        filled = {col for (col, _), c in out if not c.empty}
        if skipped and not filled <= {"value", "actual"} | ({"weight", "score"} if len(cells) >= 4 else set()):
            self.warn("grid-cells", f"指标行缺少单元格（{len(cells)}/{len(cols)}），按内容形状对应，请核对",
                      f"a row with cells missing ({len(cells)} of {len(cols)}): placed by their shape", line)
        elif len(cells) < len(cols) and not skipped and filled & {"value"} and "actual" in after and "actual" not in filled:
            self.warn("grid-cells", f"指标行缺少单元格（{len(cells)}/{len(cols)}），列的对应不确定，请核对",
                      f"a row with cells missing ({len(cells)} of {len(cols)}): its columns are uncertain", line)
        return out

    def opens_row(self, j: int, number: int) -> bool:
        """Cell ``j`` is row ``number``'s 序号: that number, first in its row (a weight of the same
        number stands inside a row)."""
        c = self.cells[j]
        if c.s.strip() != str(number):
            return False
        return c.row is None or j == 0 or self.cells[j - 1].row != c.row

    def numbered_rows(self, g: _Grid) -> None:
        """A rubric grid (序号 | 一级 | 二级 | 三级 | 指标分值 | 指标解释 | 评分标准 | 自评得分): rows open
        at the next number; the levels are left out where a merged cell spans rows, so the cells
        before the first number (the weight) are read from the right (…, 二级, 三级) and those after
        it from the left."""
        cells = self.cells
        seq = 0
        while self.i < len(cells):
            c = cells[self.i]
            if c.empty:
                self.i += 1
                continue
            if self.stops_grid(c):
                return
            if not self.opens_row(self.i, seq + 1):
                self.i += 1
                continue
            seq += 1
            self.syntax(c)
            j = self.i + 1
            row: list[Cell] = []
            while j < len(cells) and (cells[j].empty or not self.opens_row(j, seq + 1)):
                if not cells[j].empty:
                    if self.stops_grid(cells[j]):
                        break
                    row.append(cells[j])
                j += 1
            cut = j >= len(cells)
            self.i = j
            w = next((k for k, x in enumerate(row) if _NUMBER_RE.match(x.s.strip())), None)
            if w is None or w == 0:
                self.warn("grid-cells", f"第 {seq} 行找不到分值，未读", f"row {seq} has no weight; not read", c.line)
                continue
            levels, rest = row[:w], row[w:]
            name = levels[-1]
            if len(levels) >= 3:
                g.level1 = _bare(levels[-3].mt)
            if len(levels) >= 2:
                g.level2 = _bare(levels[-2].mt)
            after = g.columns[g.columns.index("name") + 1:]
            self.indicator(g, name, rest, after, cut and len(rest) < len(after))
            self.cur().indicators[-1].seq = seq if self.cur().indicators else None


# labels of a Sichuan form's 项目基本情况 that the target-table vocabulary does not know
_EVAL_FIELD_RE = re.compile(r"^(?:\d[.、．])?(项目实施内容及过程概述)$")
# level stems a grid without 二级 column writes bare (质量 | 时效 | 成本): names there, and never
# the value of the row before
_STEM_RE = re.compile(r"^(?:数量|质量|时效|成本|社会效益|经济效益|生态效益|可持续影响|满意度)$")


_LEVEL_WORDS = ("满意度指标", "产出指标", "效益指标", "成本指标")


def _half_level(text: str) -> bool:
    """A level name cut by the end of the text (满意): never a value."""
    s = squash(text)
    return 0 < len(s) < 5 and any(w.startswith(s) and w != s for w in _LEVEL_WORDS)


# a money row run together: its label, the digits before the rate (预算数 and 执行数, or nothing),
# the rate, the digits after it (得分, or 权重 and 得分)
_FUSED_MONEY_RE = re.compile(r"(?P<label>(?:年度)?(?:财政)?\s*资金总额|执行率得分\(分\))\D{0,2}?"
                             r"(?P<head>\d[\d.]*)?(?P<rate>\d{1,3}(?:\.\d+)?)%(?P<tail>\d[\d.]{0,6})")
_PLAIN_NUMBER_RE = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d+)?$")


def _splits(digits: str, parts: int) -> list[list[str]]:
    """``digits`` cut into ``parts`` numbers, none with a leading zero."""
    if parts == 1:
        return [[digits]] if _PLAIN_NUMBER_RE.match(digits) else []
    return [[digits[:k], *rest] for k in range(1, len(digits)) if _PLAIN_NUMBER_RE.match(digits[:k])
            for rest in _splits(digits[k:], parts - 1)]


def _cut_fused(head: str | None, rate: str, tail: str) -> dict[str, tuple[int, int]] | None:
    """Positions (in ``head + rate + "%" + tail``) of the one reading the arithmetic allows, or
    None. With digits before the rate they are 预算数 + 执行数 (+ the rate's leading digits), and
    the tail is the 得分; without, the tail is 权重 + 得分 with 得分 = 权重 × 执行率."""
    found: list[dict[str, tuple[int, int]]] = []
    digits = (head or "") + rate  # the regex cannot know where the rate begins
    if len(digits) > 2:
        for a, b, r in _splits(digits, 3):
            # a 0% rate with money spent or a score is no reading (10001000 | 10 | 0% | 20)
            if (float(a) > 0 and abs(float(b) / float(a) * 100 - float(r)) < 0.6 and (float(r) > 0 or float(b) == 0 == float(tail or 0))
                    and _PLAIN_NUMBER_RE.match(tail) and float(tail) <= 100):
                n, m = len(a), len(a) + len(b)
                found.append({"budget": (0, n), "executed": (n, m), "rate": (m, len(digits) + 1),
                              "score": (len(digits) + 1, len(digits) + 1 + len(tail))})
    if _PLAIN_NUMBER_RE.match(digits) and float(digits) <= 200:
        base = len(digits) + 1
        for w, sc in _splits(tail, 2):
            if abs(float(w) * float(digits) / 100 - float(sc)) < 0.06:
                found.append({"rate": (0, base), "weight": (base, base + len(w)),
                              "score": (base + len(w), base + len(tail))})
    return found[0] if len(found) == 1 else None


_FUSED_HEADER_RE = re.compile(r"实际完成值\s*\(B\)\s*得分")
_L2 = (r"(?:数量指标|质量指标|时效指标|成本指标|经济效益指标|社会效益指标|生态效益指标|可持续影响指标|服务对象满意度指标"
       r"|满意度指标|数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续性|可持续影响)")
_L1 = r"(?:产出|效益|满意度)\s*指标"
_FUSED_ROW_RE = re.compile(rf"(?P<l1>{_L1})?\s*(?P<l2>{_L2})(?P<body>[^\n]+?)(?P<score>\d{{1,2}})(?=\s*(?:{_L1}|{_L2}))")
_QUANTITY = r"\d+(?:\.\d+)?(?:万元|亿元|元|%|个|人|次|年|天|亩|户|篇|份)"
_TWO_QUANTITIES_RE = re.compile(rf"(?P<a>{_QUANTITY})(?P<b>{_QUANTITY})$")


def _cut_body(body: str) -> tuple[int, int] | None:
    """Where a run-together row's name ends and its 实际完成值 begins: (name end, value end), or None."""
    for n in range(min(len(body) // 2, 16), 0, -1):
        if body[-2 * n:-n] == body[-n:] and body[: -2 * n].strip():
            return len(body) - 2 * n, len(body) - n
    if (m := _TWO_QUANTITIES_RE.search(body)) and body[: m.start()].strip():
        return m.start(), m.end("a")
    return None


def _fits(c: Cell, col: str) -> bool:
    t = squash(c.s)
    if not t:
        return True
    if col in ("weight", "score"):
        return bool(_NUMBER_RE.match(t))
    if col == "likelihood":
        return bool(_LIKELIHOOD_RE.match(t))
    if col == "direction":
        return bool(_DIRECTION_RE.match(t))
    if col == "core":
        return t in ("是", "否")
    if col in ("value", "actual", "deviation"):
        return not _LIKELIHOOD_RE.match(t)
    return True


def _bare(mt: MText) -> MText:
    """A level or name cell without the spaces a vertical label left in it (产 出 指 标)."""
    if not re.search(r"\s", mt.s):
        return mt
    return MText.join([p for p in mt.split_re(re.compile(r"\s+")) if p.s])


def find_eval_title(lines: list[Line]) -> str | None:
    """The form of a self-evaluation or monitoring table, told by a title in its first lines."""
    for ln in lines[:80]:
        for part in re.split(r"[|\t]|(?<=表)(?=单位名称|主管部门)|\s{2,}", ln.text):
            if (m := re.search(r"[^\s|、《》]{0,30}?(?:自评|监控)表(?:\s*[(（][^()（）]{1,12}[)）])?", part)) and (form := eval_title(m.group())):
                return form
    return None


def read_evaluation(lines: list[Line]) -> EvalReading | None:
    """The self-evaluation or monitoring form in ``lines``, or None when there is none."""
    form = find_eval_title(lines)
    if form is None:
        return None
    out = EvalReading(form=form)
    cells = segment(lines, out.syntax)
    cells, tokens = _tokenise(cells)
    cells = _split_titles(cells)
    cells = _join_fragments(cells)
    _Reader(cells, out, tokens).run()
    if not out.projects:
        return None
    return out


_TITLE_IN_RE = re.compile(r"(?:(?:19|20)\d{2}年度)?[^\s|、《》:：]{0,16}?(?:自评|监控)表")


def _split_titles(cells: list[Cell]) -> list[Cell]:
    """A title run into the cells after it (2021年度财政项目绩效自评表单位名称：…): the title its own
    cell, so that it names the form."""
    out: list[Cell] = []
    for c in cells:
        m = next((m for m in _TITLE_IN_RE.finditer(c.s) if ".doc" not in c.s[m.end(): m.end() + 6]), None)
        if m and len(c.s) > m.end() + 20:
            if m.start():
                out.append(Cell(c.mt.slice(0, m.start()), c.line, c.row, token=c.token))
            out.append(Cell(c.mt.slice(m.start(), m.end()), c.line, c.row, token=c.token))
            out.append(Cell(c.mt.slice(m.end()), c.line, c.row, token=c.token))
        else:
            out.append(c)
    return out
