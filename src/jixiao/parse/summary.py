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
from dataclasses import dataclass, field

from ..model import AMOUNT_KEYS, Amounts, Issue, Project, Span, Unit
from .amounts import amount_cells, amount_options, resolve_by_column_totals
from .header import is_header_line
from .indicators import TRUNCATED, find_indicator_start, parse_indicators
from .lines import Line, clean_cell, clean_line, is_chrome, split_cells
from .mtext import MText
from .vocab import TOTAL_ROW_NAMES, parse_amount, squash

__all__ = ["Row", "SummaryResult", "build_summary", "tabular_rows", "wrapped_rows"]

_AMT = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,4})?"
_ANCHOR_RE = re.compile(
    rf"^(?P<indent>[ \u3000]*)(?P<name>.*?)(?<![^\s])(?P<nums>{_AMT}(?:[ \t\u3000]+{_AMT}){{0,4}})"
    # the row's goal (and indicators) may follow on the same line
    r"(?:[ \t\u3000]+(?P<tail>[\u4e00-\u9fff（(“《<\d].*?))?[ \t\u3000]*$"
)
_SPACE_RE = re.compile(r"[ \t\u3000]+")
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


@dataclass
class SummaryResult:
    total: Amounts | None = None
    units: list[Unit] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    syntax: list[Span] = field(default_factory=list)


# -- tab- or pipe-separated rows ------------------------------------------------


def _is_amount_like(mt: MText) -> bool:
    return not mt.s.strip() or parse_amount(mt.s) is not None


def _row_from_cells(cells: list[MText], columns: list[str], line: int) -> Row | None:
    n_amount_cols = sum(1 for c in columns if c in AMOUNT_KEYS) or 4
    if columns and len(cells) == len(columns) and columns[0] == "name":
        by_role: dict[str, MText] = {}
        extra: dict[str, MText] = {}
        amounts: list[MText] = []
        for role, cell in zip(columns, cells, strict=True):
            if role in AMOUNT_KEYS:
                amounts.append(cell)
            elif role in ("name", "goal", "indicators") and role not in by_role:
                by_role[role] = cell
            elif cell.s:
                extra[role] = cell
        if all(_is_amount_like(a) for a in amounts):
            return Row(by_role.get("name", MText.plain("")), amounts, True,
                       by_role.get("goal") or None, by_role.get("indicators") or None, extra, line)
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


def tabular_rows(lines: list[Line], start: int, columns: list[str], syntax: list[Span]) -> list[Row]:
    """Rows of a table whose cells are separated by tabs or ``|``."""
    rows: list[Row] = []
    previous_was_row = False
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
        if not any(c.s for c in cells):
            continue
        if is_header_line(line.text):  # the header repeated on a new page
            syntax.extend(line.mtext.spans())
            continue
        if rows and not cells[0].s and all(_is_amount_like(c) for c in cells[1:5]) and any(c.s for c in cells[1:]):
            _continue_row(rows[-1], cells)
            continue
        row = _row_from_cells(cells, columns, line.no)
        if row is not None:
            rows.append(row)
    return rows


# -- wrapped rows (PDF text) -----------------------------------------------------


def _anchor(line: Line) -> re.Match[str] | None:
    # an anchor ends in amounts: a line where no number starts a word (most lines of a goal or of
    # indicators) is not tried
    if "\t" in line.text or not _NUMBER_START_RE.search(line.text):
        return None
    m = _ANCHOR_RE.match(line.text)
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


def _ends_content(text: str) -> bool:
    t = text.rstrip()
    return t.endswith(_SENTENCE_END)


def wrapped_rows(lines: list[Line], start: int, syntax: list[Span]) -> list[Row]:
    """Rows of a table whose cells are wrapped over lines (page chrome is left to the residue)."""
    body = lines[start:]
    found = [(k, m) for k, ln in enumerate(body) if (m := _anchor(ln))]
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
            return k
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
        name_parts.append(line_mt.slice(m.start("name"), m.end("name")).strip())
        name = MText.join_lines([clean_cell(p, syntax) for p in name_parts])
        nums = line_mt.slice(m.start("nums"), m.end("nums"))
        amounts = [p for n in (nums, *more_nums.get(k, [])) for p in n.split_re(_SPACE_RE) if p.s]
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


def build_summary(rows: list[Row], *, keys: tuple[str, ...] = AMOUNT_KEYS) -> SummaryResult:
    """Rows → 合计, units and projects, amounts placed (see :mod:`.amounts`)."""
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
        has_text = row.goal is not None or row.indicators is not None
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
        groups[-1][1].append((project, opts, doubt, row.line))
        if row.goal is not None:
            project.goal = row.goal.s
            project.spans["goal"] = row.goal.spans()
        if row.indicators is not None:
            parsed = parse_indicators(row.indicators)
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
        for label_, mt in row.extra.items():
            project.fields[label_] = mt.s
            project.field_spans[label_] = mt.spans()
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
