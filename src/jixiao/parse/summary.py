"""The department summary table (form ``summary``): one row per project.

Two stages: :func:`tabular_rows` / :func:`wrapped_rows` turn lines into
:class:`Row` cells (a row's name, amount cells, goal, indicators), and
:func:`build_summary` turns rows into units, 合计 and projects.

Wrapped rows come from PDF text where every cell is broken over lines. A
line that ends in one to four amounts anchors a row; the row's name is the
text before the amounts, on that line and the lines above it back to the
row's first (indented) line or to the end of the previous row's last
indicator; what follows, down to the next row's name, is the goal and then
the numbered indicators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model import AMOUNT_KEYS, Amounts, Issue, Project, Span, SpanList, Unit
from .amounts import amount_cells, amount_options, resolve_by_column_totals
from .grid import GridResult, indicators_from_cells
from .header import is_header_line
from .indicators import TRUNCATED, find_indicator_start, parse_indicators
from .lines import Line, clean_cell, clean_line, is_chrome, split_cells
from .loose_indicators import parse_loose_indicators
from .mtext import MText
from .vocab import LEVEL_WORD_RE, ROW_AMOUNT, TOTAL_ROW_NAMES, parse_amount, squash

__all__ = ["Columns", "Row", "SummaryResult", "add_cells_row", "build_summary", "tabular_rows", "wrapped_rows"]

_AMT = ROW_AMOUNT
_ANCHOR_RE = re.compile(
    rf"^(?P<indent>[ \u3000]*)(?P<name>.*?)(?<![^\s])(?P<nums>{_AMT}(?:[ \t\u3000]+{_AMT}){{0,4}})"
    # the row's goal (and indicators) may follow on the same line
    r"(?:[ \t\u3000]+(?P<tail>[\u4e00-\u9fff（(“《<\d].*?))?[ \t\u3000]*$"
)
# the same row with its 序号 first: "1 网络运维 50.00 50.00 保障…"
_NUMBERED_ANCHOR_RE = re.compile(r"^[ \u3000]*(?P<seq>\d{1,4})[ \t\u3000]+" + _ANCHOR_RE.pattern.removeprefix("^"))
_SPACE_RE = re.compile(r"[ \t\u3000]+")
# a row whose cells lost their separators: "网络运维50.0050.00保障网络正常运行。1、…"; only amounts
# with two decimals can be told apart when run together, and a name holds no digit
_GLUED_AMOUNT = r"(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}"
_GLUED_AMOUNT_RE = re.compile(_GLUED_AMOUNT)
_GLUED_AMOUNTS_RE = re.compile(rf"(?:{_GLUED_AMOUNT}){{2,4}}")
_GLUED_ANCHOR_RE = re.compile(
    rf"^(?P<indent>[ \u3000]*)(?P<name>[^\d\s]*?[\u4e00-\u9fff)）])(?P<nums>(?:{_GLUED_AMOUNT}){{1,4}})"
    r"(?P<tail>[\u4e00-\u9fff（(“《].*?)?\s*$"
)
_SEQ_NUMBER_RE = re.compile(r"^\s*[(（]?\s*\d{1,4}\s*[)）.、]?\s*$")
_DIGIT_RE = re.compile(r"\d")
# where the amounts of an anchor can begin: a digit at the start of the line or after a space
_NUMBER_START_RE = re.compile(r"(?<!\S)\d")
_SENTENCE_END = ("。", "。)", "。）", ";", "；")


@dataclass
class Row:
    name: MText
    amounts: list[MText]
    complete: bool
    goal: MText | None = None
    indicators: MText | None = None
    extra: dict[str, MText] = field(default_factory=dict)
    line: int = 0
    #: a summary that prints its indicators as a grid beside the projects (一级指标 | … | 指标值):
    #: one dict per printed row, column role → cell
    grid: list[dict[str, MText]] = field(default_factory=list)
    #: the 资金使用单位 printed in a column of the project's own row (单位名称 | 项目名称 | …)
    unit: MText | None = None


@dataclass
class SummaryResult:
    total: Amounts | None = None
    units: list[Unit] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    #: tens of thousands of spans in a large table (its indicators' numbering and labels): kept flat
    syntax: SpanList = field(default_factory=SpanList)


# -- tab- or pipe-separated rows ------------------------------------------------


def _is_amount_like(mt: MText) -> bool:
    return not mt.s.strip() or parse_amount(mt.s) is not None


def _damaged_number(mt: MText) -> bool:
    """Digits and marks only, but no amount: a number a scan or a typist damaged (0:17, 1.2.3)."""
    s = mt.s.strip()
    return any(ch.isdigit() for ch in s) and all(ch.isdigit() or not ch.isalnum() for ch in s)


def _row_from_cells(cells: list[MText], columns: list[str], line: int) -> Row | None:
    n_amount_cols = sum(1 for c in columns if c in AMOUNT_KEYS) or 4
    if columns and len(cells) == len(columns) and "name" in columns:
        by_role: dict[str, MText] = {}
        extra: dict[str, MText] = {}
        amounts: list[MText] = []
        grid_cells: dict[str, MText] = {}
        for role, cell in zip(columns, cells, strict=True):
            if role.startswith("grid:"):
                if cell.s:
                    grid_cells[role] = cell
            elif role in AMOUNT_KEYS:
                amounts.append(cell)
            elif role in ("name", "unit", "goal", "indicators") and role not in by_role:
                by_role[role] = cell
            elif cell.s:
                extra[role] = cell
        # a number misprinted or misread (OCR's 0:17) is still in its column: the row kept its cells
        if all(_is_amount_like(a) or _damaged_number(a) for a in amounts):
            return Row(by_role.get("name", MText.plain("")), amounts, True,
                       by_role.get("goal") or None, by_role.get("indicators") or None, extra, line,
                       [grid_cells] if grid_cells else [], by_role.get("unit") or None)
    # cells dropped: name first, then amount-like cells, then text cells by content
    if not cells or not cells[0].s:
        return None
    name, rest = cells[0], cells[1:]
    amounts = []
    while rest and len(amounts) < n_amount_cols and _is_amount_like(rest[0]):
        amounts.append(rest.pop(0))
    row = Row(name, amounts, len(amounts) == n_amount_cols, line=line)
    for cell in rest:
        if not cell.s:
            continue
        if row.indicators is None and find_indicator_start(cell.s) == 0:
            row.indicators = cell
        elif row.goal is None and row.indicators is None:
            row.goal = cell
        else:
            row.extra[f"col{len(row.extra) + 1}"] = cell
    return row


def _continue_grid_row(row: Row, cells: list[MText], columns: list[str]) -> None:
    """A row of a summary with grid columns whose project cells are empty: the project's next
    indicator (and, if any, more of its goal). A row that dropped its empty cells lost the
    leading ones: its cells are the last columns."""
    placed = zip(columns[len(columns) - len(cells):], cells, strict=True) if len(cells) <= len(columns) \
        else zip(columns, cells, strict=False)
    grid_cells: dict[str, MText] = {}
    for role, cell in placed:
        if not cell.s:
            continue
        if role.startswith("grid:"):
            grid_cells[role] = cell
        elif role == "goal":
            row.goal = cell if row.goal is None else MText.join_lines([row.goal, cell])
    if grid_cells:
        row.grid.append(grid_cells)


def _continue_row(row: Row, cells: list[MText]) -> None:
    """A row whose name and amount cells are empty carries on the row above (a page broke it)."""
    for cell in cells[1:]:
        if not cell.s or parse_amount(cell.s) is not None:
            continue
        if find_indicator_start(cell.s) == 0 or (row.indicators is not None and row.goal is not None):
            row.indicators = cell if row.indicators is None else MText.join_lines([row.indicators, cell])
        elif row.goal is None:
            row.goal = cell
        else:
            row.goal = MText.join_lines([row.goal, cell])


_STARTS_ITEM_RE = re.compile(rf"\s*(?:\d{{1,3}}\s*[、.．)）-]|[（(]\s*\d{{1,3}}\s*[)）]|[\u2460-\u2473]|(?:{LEVEL_WORD_RE}))")


def _text_cells_only(cells: list[MText], columns: list[str]) -> bool:
    """A row with no name and no money, only goal or 绩效指标 text: the project above goes on."""
    texts = [r for r, c in zip(columns, cells, strict=True) if c.s]
    return bool(texts) and all(r in ("goal", "indicators") for r in texts)


def _continue_row_by_columns(row: Row, cells: list[MText], columns: list[str]) -> None:
    """A row that kept all its cells, only its goal or 绩效指标 filled (merged cells of the
    project above, or a page break): each cell goes on in its column. An indicator cell that
    starts a new item (a level word or a number) is a new line of the cell, not a wrapped one."""
    for role, cell in zip(columns, cells, strict=True):
        if not cell.s:
            continue
        if role == "goal":
            row.goal = cell if row.goal is None else MText.join_lines([row.goal, cell])
        elif row.indicators is None:
            row.indicators = cell
        elif _STARTS_ITEM_RE.match(cell.s):
            row.indicators = MText.join([row.indicators, cell], "\n")
        else:
            row.indicators = MText.join_lines([row.indicators, cell])


def tabular_rows(lines: list[Line], start: int, columns: list[str], syntax: list[Span],
                 header_lines: tuple[int, ...] = ()) -> list[Row]:
    """Rows of a table whose cells are separated by tabs or ``|``."""
    # every row of the header, repeated on a new page, is the header again
    header_texts = {squash(lines[i].text) for i in header_lines}
    rows: list[Row] = []
    previous_was_row = False
    numbered = bool(columns) and columns[0] == "seq"
    table = Columns.of(columns[1:] if numbered else columns)
    for line in lines[start:]:
        if line.is_blank() or is_chrome(line.text):
            previous_was_row = False
            continue
        cells = split_cells(line, syntax)
        if cells is None:
            # a cell's text went on to the next line: it belongs to the row just above
            if rows and previous_was_row:
                last = rows[-1]
                extra = clean_cell(line.mtext, syntax).strip()
                if last.indicators is not None:
                    last.indicators = MText.join_lines([last.indicators, extra])
                elif last.goal is not None:
                    last.goal = MText.join_lines([last.goal, extra])
            continue
        previous_was_row = True
        if numbered:
            cells = _without_seq_cell(cells, syntax)
        if not any(c.s for c in cells):
            continue
        if is_header_line(line.text) or (header_texts and len(line.text) <= 200 and squash(line.text) in header_texts):
            syntax.extend(line.mtext.spans())
            continue
        add_cells_row(rows, cells, table, line.no, syntax)
    return rows


@dataclass(frozen=True)
class Columns:
    """A table's column roles (the 序号 column taken off), and what every row asks of them."""

    roles: list[str]
    has_grid: bool
    name_at: int
    has_unit: bool

    @classmethod
    def of(cls, roles: list[str]) -> Columns:
        return cls(roles, any(c.startswith("grid:") for c in roles), roles.index("name") if "name" in roles else 0,
                   "unit" in roles)


def add_cells_row(rows: list[Row], cells: list[MText], table: Columns, line_no: int, syntax: list[Span]) -> None:
    """One printed row's cells (one per column, the 序号 column already taken off): a new row,
    or more of the row above (a page broke it, or a grid's next indicator)."""
    columns, has_grid, name_at = table.roles, table.has_grid, table.name_at
    if name_at:
        cells = _total_into_name_column(cells, name_at)
    no_name = not cells[name_at if len(cells) > name_at else 0].s
    if rows and no_name and has_grid:
        _continue_grid_row(rows[-1], cells, columns)
        return
    if rows and no_name and len(cells) == len(columns) and _text_cells_only(cells, columns):
        _continue_row_by_columns(rows[-1], cells, columns)
        return
    if rows and not cells[0].s and all(_is_amount_like(c) for c in cells[1:5]) and any(c.s for c in cells[1:]):
        _continue_row(rows[-1], cells)
        return
    row = _row_from_cells(cells, columns, line_no)
    if row is not None and has_grid and rows and row.grid and _repeats_project(rows[-1], row):
        # a table that prints the project's cells again on each of its indicator rows
        rows[-1].grid.extend(row.grid)
        for mt in (row.name, *row.amounts, *([row.goal] if row.goal else [])):
            syntax.extend(mt.spans())
        return
    if row is not None:
        if table.has_unit and row.unit is None and rows and rows[-1].unit is not None:
            # the unit's cell merged down over its projects: printed on the first only
            row.unit = MText.plain(rows[-1].unit.s)
        rows.append(row)


def _without_seq_cell(cells: list[MText], syntax: list[Span]) -> list[MText]:
    """A row without its 序号 cell. The number is syntax; a 合计 printed across the 序号 and
    name columns (its name cell empty) is the row's name."""
    if not cells:
        return cells
    first, rest = cells[0], cells[1:]
    if not first.s or _SEQ_NUMBER_RE.match(first.s):
        syntax.extend(first.spans())
        return rest
    if rest and not rest[0].s:
        return [first, *rest[1:]]
    return cells


def _total_into_name_column(cells: list[MText], name_at: int) -> list[MText]:
    """合计 printed in a column before the name's (单位名称, or merged over both)."""
    if len(cells) <= name_at or cells[name_at].s:
        return cells
    for k in range(name_at):
        if squash(cells[k].s) in TOTAL_ROW_NAMES:
            cells = list(cells)
            cells[name_at], cells[k] = cells[k], cells[name_at]
            break
    return cells


def _repeats_project(previous: Row, row: Row) -> bool:
    def key(r: Row) -> tuple[str, ...]:
        return (squash(r.name.s), *(squash(a.s) for a in r.amounts), squash(r.goal.s) if r.goal else "")
    return bool(row.name.s) and key(previous) == key(row)


# -- wrapped rows (PDF text) -----------------------------------------------------


def _anchor(line: Line, numbered: bool = False, glued: bool = False) -> re.Match[str] | None:
    # an anchor ends in amounts: a line where no number starts a word (most lines of a goal or of
    # indicators) is not tried; in a glued table a number starts right after the name
    if "\t" in line.text or not (_DIGIT_RE if glued else _NUMBER_START_RE).search(line.text):
        return None
    m = (numbered and _NUMBERED_ANCHOR_RE.match(line.text)) or _ANCHOR_RE.match(line.text)
    if m is None and glued and not _SPACE_RE.search(line.text.strip()):
        return _GLUED_ANCHOR_RE.match(line.text)
    if not m or ("。" in line.text and not m.group("tail")):
        return None
    if m.group("tail") and (m.group("tail")[0].isdigit() and find_indicator_start(m.group("tail")) != 0):
        return None
    nums = m.group("nums").split()
    # a lone integer ("1", "2020") is a page number or part of a sentence, not a row's money
    if len(nums) == 1 and "." not in nums[0] and "," not in nums[0]:
        return None
    if all("." not in x and "," not in x for x in nums) and m.group("name").strip():
        return None
    if find_indicator_start(m.group("name").strip()) == 0:
        return None
    return m


def _amount_pieces(nums: MText) -> list[MText]:
    """The amounts of an anchor: split at spaces, or, run together ("50.0050.00"), after each
    one's two decimals."""
    if _SPACE_RE.search(nums.s) or not _GLUED_AMOUNTS_RE.fullmatch(nums.s):
        return [p for p in nums.split_re(_SPACE_RE) if p.s]
    return [nums.slice(*m.span()) for m in _GLUED_AMOUNT_RE.finditer(nums.s)]


def _ends_content(text: str) -> bool:
    t = text.rstrip()
    return t.endswith(_SENTENCE_END)


def _name_line_above(line: Line, indent: str) -> bool:
    """A line that starts the indented name below it: the same indent, then text that ends no
    sentence and starts no indicator."""
    t = line.text
    if not t.startswith(indent) or t[len(indent):len(indent) + 1] in ("", " ", "\u3000"):
        return False
    return not (_ends_content(t) or find_indicator_start(t.strip()) == 0)


def wrapped_rows(lines: list[Line], start: int, syntax: list[Span], numbered: bool = False,
                 glued: bool = False) -> list[Row]:
    """Rows of a table whose cells are wrapped over lines (page chrome is left to the residue).
    ``numbered``: the header's first column is 序号, so a row's line may start with its number;
    ``glued``: the header's cells ran together, and so may a row's."""
    body = lines[start:]
    found = [(k, m) for k, ln in enumerate(body) if (m := _anchor(ln, numbered, glued))]
    if not found:
        return []
    chrome = [is_chrome(ln.text) for ln in body]
    # amounts one per paragraph ("238.50", blank, "238.50") are one row's cells, not two rows
    anchors: list[tuple[int, re.Match[str]]] = []
    more_nums: dict[int, list[MText]] = {}
    last_line: dict[int, int] = {}
    for k, m in found:
        if anchors:
            pk, pm = anchors[-1]
            if (not m.group("name").strip() and not pm.group("tail")
                    and all(ln.is_blank() for ln in body[last_line[pk] + 1 : k])):
                more_nums.setdefault(pk, []).append(body[k].mtext.slice(m.start("nums"), m.end("nums")))
                last_line[pk] = k
                continue
        anchors.append((k, m))
        last_line[k] = k
    indented = sum(1 for k, m in anchors if m.group("indent") or (k > 0 and body[k - 1].text[:1] in " \u3000"))
    use_indent = indented >= max(1, len(anchors) // 3)

    def name_start(prev_end: int, k: int, m: re.Match[str]) -> int:
        """First line of the name cell whose amounts are on line ``k``."""
        if m.group("indent") and m.group("name").strip():
            # an indented name may begin on lines above, at the same indent, with no amounts
            indent = m.group("indent")
            j = k
            while j > prev_end and _name_line_above(body[j - 1], indent) and not chrome[j - 1]:
                j -= 1
            return j
        if use_indent:
            j = k - 1
            while j >= prev_end:
                t = body[j].text
                if t.strip() and (_ends_content(t) or find_indicator_start(t.strip()) == 0):
                    break
                if t[:1] in " \u3000" and t.strip():
                    return j
                j -= 1
        # no indent: the name follows the previous row's last sentence
        j = k - 1
        while j >= prev_end and not (_ends_content(body[j].text) or chrome[j]):
            j -= 1
        return j + 1

    rows: list[Row] = []
    starts = []
    prev_end = 0
    for k, m in anchors:
        starts.append(name_start(prev_end, k, m))
        prev_end = last_line[k] + 1
    for idx, (k, m) in enumerate(anchors):
        ns = starts[idx]
        name_parts = [body[j].mtext.strip() for j in range(ns, k) if not body[j].is_blank() and not chrome[j]]
        line_mt = body[k].mtext
        if m.re is _NUMBERED_ANCHOR_RE:
            syntax.extend(line_mt.spans(*m.span("seq")))
        name_parts.append(line_mt.slice(m.start("name"), m.end("name")).strip())
        name = MText.join_lines([clean_cell(p, syntax) for p in name_parts])
        nums = line_mt.slice(m.start("nums"), m.end("nums"))
        amounts = [p for n in (nums, *more_nums.get(k, [])) for p in _amount_pieces(n)]
        content_end = starts[idx + 1] if idx + 1 < len(anchors) else len(body)
        tail = line_mt.slice(m.start("tail"), m.end("tail")) if m.group("tail") else None
        parts = [clean_cell(tail, syntax).strip()] if tail is not None else []
        parts.extend(clean_line(body[j], syntax)
                     for j in range(last_line[k] + 1, content_end) if not body[j].is_blank() and not chrome[j])
        content = MText.join_lines(parts)
        row = Row(name, amounts, False, line=body[k].no)
        if content:
            cut = find_indicator_start(content.s)
            if cut is None:
                row.goal = content
            else:
                goal = content.slice(0, cut).strip()
                row.goal = goal or None
                row.indicators = content.slice(cut)
        rows.append(row)
    return rows


# -- rows → units, 合计, projects ---------------------------------------------


# 财政拨款 in three columns: the canonical fiscal amount is 一般公共预算's; the others stay fields
_OTHER_FISCAL_COLUMNS = ("政府性基金", "国有资本经营")


def _placement_warning(doubt: str, what: str, line: int) -> Issue:
    if doubt == "sum":
        msg = f"{what}：总计与各项资金之和不符，金额按列顺序放置 / total ≠ sum of parts; amounts placed left to right"
    else:
        msg = (f"{what}：表中省略了空白金额单元格，金额所属的列无法确定，已按从左到右放置 / "
               "empty amount cells were dropped; amounts placed left to right")
    return Issue(code="amount-placement", message=msg, line=line)


def _empty_columns(a: Amounts | None) -> set[str]:
    if a is None or a.total is None:
        return set()
    return {k for k in AMOUNT_KEYS[1:] if getattr(a, k) in (None, 0)}


def build_summary(rows: Iterable[Row], *, keys: tuple[str, ...] = AMOUNT_KEYS) -> SummaryResult:
    """Rows → 合计, units and projects, amounts placed (see :mod:`.amounts`).

    Reads ``rows`` once, in order, and keeps none of them: a caller may free each as it is read.
    """
    out = SummaryResult()
    unit: Unit | None = None
    # per governing row (a unit, or the document when there is none): its projects' amount options
    groups: list[tuple[Amounts | None, list[tuple[Project, list[Amounts], str | None, int]]]] = [(None, [])]

    def options(row: Row, governing: Amounts | None) -> tuple[list[Amounts], str | None]:
        cells = amount_cells(row.amounts)
        if not row.complete:
            cells = [c for c in cells if c.value is not None] or cells[:1]
        return amount_options(cells, keys, complete=row.complete, empty_columns=_empty_columns(governing))

    for row in rows:
        label = squash(row.name.s)
        has_text = row.goal is not None or row.indicators is not None or bool(row.grid)
        if label in TOTAL_ROW_NAMES and not has_text:
            opts, doubt = options(row, None)
            out.total = opts[0]
            out.syntax.extend(row.name.spans())
            if doubt or len(opts) > 1:
                out.warnings.append(_placement_warning(doubt or "position", "合计行", row.line))
            groups[0] = (out.total, groups[0][1])
            continue
        if not has_text and row.amounts:
            opts, doubt = options(row, out.total)
            unit = Unit(name=row.name.s, amounts=opts[0], spans={"name": row.name.spans()})
            out.units.append(unit)
            if doubt or len(opts) > 1:
                out.warnings.append(_placement_warning(doubt or "position", f"资金使用单位“{unit.name}”", row.line))
            groups.append((unit.amounts, []))
            continue
        opts, doubt = options(row, unit.amounts if unit else out.total)
        project = Project(name=row.name.s or None, unit=unit.name if unit else None, amounts=opts[0])
        project.spans["name"] = row.name.spans()
        if row.unit is not None:
            project.unit = row.unit.s
            if row.unit.spans():
                project.spans["unit"] = row.unit.spans()
        groups[-1][1].append((project, opts, doubt, row.line))
        for cell in row.amounts:
            if cell.s.strip() and parse_amount(cell.s) is None:
                project.warnings.append(Issue(
                    code="amount-unread", line=row.line,
                    message=f"金额“{cell.s.strip()}”不是数字，未读入 / the amount {cell.s.strip()!r} is not a number"))
        if row.goal is not None:
            project.goal = row.goal.s
            project.spans["goal"] = row.goal.spans()
        if row.indicators is not None:
            parsed = parse_indicators(row.indicators)
            if not parsed.indicators:
                parsed = parse_loose_indicators(row.indicators)
            project.indicators = parsed.indicators
            out.syntax.extend(parsed.syntax)
            for ind in parsed.indicators:
                if ind.extra.pop(TRUNCATED, None):
                    project.warnings.append(Issue(
                        code="truncated", line=row.line,
                        message=f"第{ind.seq}条指标在标签处截断，指标值缺失 / indicator {ind.seq} is cut off inside a label"))
            if not parsed.indicators:
                project.warnings.append(Issue(code="indicators-unread",
                                              message="绩效指标未能分条读出 / indicator text could not be split",
                                              line=row.line))
        if row.grid:
            grid = GridResult()
            indicators_from_cells(row.grid, grid)
            project.indicators.extend(grid.indicators)
            project.warnings.extend(grid.warnings)
            out.syntax.extend(grid.syntax)
        for label_, mt in row.extra.items():
            project.fields[label_] = mt.s
            project.field_spans[label_] = mt.spans()
            if label_.startswith(_OTHER_FISCAL_COLUMNS) and parse_amount(mt.s):
                project.warnings.append(Issue(
                    code="fiscal-split", line=row.line,
                    message=f"“{label_}”另列 {mt.s}，未计入财政拨款 / a {label_} column is not added to 财政拨款"))
        out.projects.append(project)

    for governing, members in groups:
        if not members:
            continue
        picks = None
        if governing is not None and any(len(o) > 1 for _, o, _, _ in members):
            picks = resolve_by_column_totals([o for _, o, _, _ in members], governing)
        for k, (project, opts, doubt, line) in enumerate(members):
            if picks is not None:
                project.amounts = opts[picks[k]]
            elif doubt or len(opts) > 1:
                project.warnings.insert(0, _placement_warning(doubt or "position", f"项目“{project.name}”", line))
    return out
