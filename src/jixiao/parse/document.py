"""Source text → :class:`Document`: find the layout, run its stages, account
for every character (fields, structure, residue)."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from typing import TYPE_CHECKING

from .. import __version__
from ..errors import ParseError
from ..model import AMOUNT_KEYS, EVAL_SCHEMA, Document, Issue, Span, SpanList
from ..read.base import Source
from .fixed import FixedLayout, find_fixed_layout, fixed_width_cells
from .form import looks_like_form, parse_forms
from .form_reader import FormReading, read_forms
from .form_vocab import grid_role, is_value_like, label_info, level_kind
from .header import find_column_header, header_amount_unit, read_head
from .lines import Line, Lines, split_lines
from .residue import all_spans, find_residue

if TYPE_CHECKING:
    from .eval_reader import EvalReading
    from .summary import Row

__all__ = ["parse_source"]

_DEPARTMENT_FORM_RE = re.compile(r"部门整体(?:支出)?绩效目标")


def _is_tabular(text: str, lines: list[Line], start: int) -> bool:
    """True when some row has three or more tab- or pipe-separated cells."""
    if start >= len(lines):
        return False
    # too few tabs and pipes in the whole body for any one row: no need to count line by line
    body = lines[start].start
    if text.count("\t", body) < 2 and text.count("|", body) < 3:
        return False
    return any(ln.text.count("\t") >= 2 or ln.text.count("|") >= 3 for ln in lines[start:])


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector out of one parse.

    A parse allocates hundreds of thousands of objects (spans, models) and frees almost none
    until it ends, so each automatic collection walks the growing document again and finds
    nothing; the larger the table, the more of its time went there. Reference counting still frees
    everything a parse drops; the few cycles it leaves are collected once the collector is
    back on. A collector the caller turned off stays off.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def parse_source(source: Source) -> Document:
    """Parse one source into a Document; raise ParseError when nothing is recognised."""
    with _collector_paused():
        lines = split_lines(source.text)
        # a self-evaluation or monitoring form is told by its title and read by its own reader;
        # a target table never carries such a title, so its reading below is as it always was
        head = source.text[:4000]  # the title stands in the first lines
        if "自评表" in head or "监控表" in head:
            # imported here: its vocabulary is a seventh of the parser's import, and only these forms use it
            from .eval_reader import read_evaluation

            if (evaluation := read_evaluation(lines)) is not None:
                return _from_evaluation(source, lines, evaluation)
        reading = read_forms(lines) if _may_hold_form(source.text) else None
        if reading is None and _may_hold_prose(source.text):
            from .prose import read_prose  # each layout's modules are imported when a text has it

            reading = read_prose(lines)
        try:
            doc = _parse(source, lines)
        except ParseError:
            if reading is None:
                reading = read_forms(lines, sentences=True)  # the last try before "no table"
            if reading is None:
                raise
            doc = None
        if reading is not None and (doc is None or _quality(reading.projects) > _quality(doc.projects)):
            return _from_reading(source, lines, reading)
        assert doc is not None
        return doc


# A form reading is tried only where an indicator grid's words occur: its header (一级, 指标内容),
# headings that name both levels (【产出指标-数量指标】), or a 一级 name on a line of its own. Tested
# with substring searches first: a regex over every character of a large summary costs more.
_BRACKET_LEVEL_RE = re.compile(r"【\s*(?:产出|效益|满意度|成本)")
_LINE_LEVEL_RE = re.compile(r"\n[ \t\u3000|]*(?:产出|效益|满意度|成本)指标[ \t]*(?:\n|$|[|\t]\s*\S{0,12}(?:数量|质量|时效|成本|效益|满意度)指标)")


def _may_hold_form(text: str) -> bool:
    if "一级" in text or "二级" in text or "三级" in text or "指标内容" in text or "指标类型" in text:
        return True
    if "【" in text and _BRACKET_LEVEL_RE.search(text):
        return True
    return _LINE_LEVEL_RE.search(text) is not None


# and a prose reading where a level name heads a section (一、产出指标)
_PROSE_HINT_RE = re.compile(r"(?:[一二三四]\s*[、.．]|[(（][一二三四][)）])\s*(?:产出|效益|满意度|成本)")


def _may_hold_prose(text: str) -> bool:
    return ("一、" in text or "一." in text) and _PROSE_HINT_RE.search(text) is not None


def _quality(projects: list) -> int:
    """How much of a form a reading found: named projects, goals, amounts, and indicators with
    a name, a value and level names from the vocabulary. Two readings of one text are compared
    by it; the better one is kept."""
    q = 0
    for p in projects:
        q += 2 * bool(p.name) + bool(p.goal) + sum(v is not None for v in p.amounts.values().values())
        if p.name and (level_kind(p.name) or grid_role(p.name) or label_info(p.name)):
            q -= 4  # a level name, a grid header or a label read as a project
        for i in p.indicators:
            q += bool(i.name) + bool(i.annual_value or i.period_value)
            q += bool(i.level1 and level_kind(i.level1)) + bool(i.level2 and level_kind(i.level2))
            if _misread(i.name, i.annual_value):
                q -= 3
    return q


def _misread(name: str | None, value: str | None) -> bool:
    """An indicator whose name is a value or a level name, or whose value is a level or grid
    word: cells placed in the wrong columns."""
    if name and (m := _COLON_RE.search(name)) and label_info(name[: m.start()]) is not None:
        return True  # "单位名称：某中心": a form's labelled cell read as an indicator
    if name:
        glued = _GLUED_LEVEL_RE.match(name)
        if (len(name) <= 1 or _NUMBERED_NAME_RE.match(name) or (is_value_like(name) and len(name) <= 8)
                or level_kind(name) or grid_role(name) or (glued and level_kind(glued.group()))):
            return True
    return bool(value and (level_kind(value) or grid_role(value)))


_GLUED_LEVEL_RE = re.compile(r"^[^\d%≥≤<>=]{2,16}?指标")
_COLON_RE = re.compile(r"[:：]")
_NUMBERED_NAME_RE = re.compile(r"^\s*指标\s*\d{1,3}\s*[:：]")


def _from_reading(source: Source, lines: list[Line], reading: FormReading) -> Document:
    """A Document from the cell reader's forms."""
    text = source.text
    doc = Document(source=source.name, source_text=text, encoding=source.encoding,
                   parser_version=__version__, form=reading.form)
    for w in source.warnings:
        doc.warnings.append(Issue(code="read", message=w))
    if reading.title is not None:
        doc.title = reading.title.s
        doc.spans["title"] = reading.title.spans()
        if _DEPARTMENT_FORM_RE.search(doc.title):
            doc.form = "department"
    if reading.year is not None:
        doc.year, doc.spans["year"] = reading.year[0], reading.year[1]
    if reading.department is not None:
        doc.department = reading.department.s
        doc.spans["department"] = reading.department.spans()
    doc.amount_unit = reading.amount_unit
    if reading.amount_unit_spans:
        doc.spans["amount_unit"] = reading.amount_unit_spans
    doc.projects = reading.projects
    if doc.form == "department" and reading.department is not None:
        for p in doc.projects:  # a 部门整体 form is the department's own entry
            if p.name is None:
                p.name, p.spans["name"] = reading.department.s, reading.department.spans()
            if p.unit is None:
                p.unit, p.spans["unit"] = reading.department.s, reading.department.spans()
    doc.warnings.extend(reading.warnings)
    _finish(doc, lines, reading.syntax)
    return doc




def _from_evaluation(source: Source, lines: list[Line], reading: EvalReading) -> Document:
    """A Document (``jixiao.evaluation/1``) from a self-evaluation or monitoring form."""
    doc = Document(source=source.name, source_text=source.text, encoding=source.encoding,
                   parser_version=__version__, form=reading.form, schema=EVAL_SCHEMA)
    for w in source.warnings:
        doc.warnings.append(Issue(code="read", message=w))
    if reading.title is not None:
        doc.title, doc.spans["title"] = reading.title.s, reading.title.spans()
    if reading.year is not None:
        doc.year, doc.spans["year"] = reading.year
    if reading.department is not None:
        doc.department, doc.spans["department"] = reading.department.s, reading.department.spans()
    doc.amount_unit = reading.amount_unit
    if reading.amount_unit_spans:
        doc.spans["amount_unit"] = reading.amount_unit_spans
    doc.projects = reading.projects
    doc.warnings.extend(reading.warnings)
    return _finish(doc, lines, reading.syntax)


def _finish(doc: Document, lines: Lines, syntax: list[Span] | SpanList) -> Document:
    _flag_unnamed_projects(doc)
    doc.syntax = syntax if isinstance(syntax, SpanList) else SpanList(syntax)
    # A summary table's indicator items are claimed whole as syntax (``parse_indicators``), so the
    # spans of their fields, two thirds of all spans, would not change the residue.
    fields = all_spans(doc, indicators=doc.form != "summary")
    doc.residue = find_residue(doc.source_text, lines, chain(fields, doc.syntax))
    if doc.residue:
        doc.warnings.append(Issue(
            code="residue",
            message=f"有 {len(doc.residue)} 处文本未归入任何字段（见 residue） / "
                    f"{len(doc.residue)} pieces of text fed no field",
        ))
    return doc


def _parse(source: Source, lines: list[Line]) -> Document:
    text = source.text
    doc = Document(source=source.name, source_text=text, encoding=source.encoding,
                   parser_version=__version__)
    syntax = SpanList()  # tens of thousands of spans in a large table: kept flat
    for w in source.warnings:
        doc.warnings.append(Issue(code="read", message=w))

    found = find_column_header(lines)
    head = read_head(lines, found[0] if found else min(len(lines), 40))
    syntax.extend(head.syntax)
    if head.title is not None:
        doc.title = head.title.s
        doc.spans["title"] = head.title.spans()
    if head.department is not None:
        doc.department = head.department.s
        doc.spans["department"] = head.department.spans()
    doc.amount_unit = head.amount_unit
    doc.year = head.year
    if found and doc.amount_unit is None and (unit := header_amount_unit(lines, found[2])):
        doc.amount_unit, head.amount_unit_span = unit
    if head.amount_unit_span:
        doc.spans["amount_unit"] = head.amount_unit_span
    if head.year_span:
        doc.spans["year"] = head.year_span

    is_department = bool(doc.title and _DEPARTMENT_FORM_RE.search(doc.title))
    if found is None and (is_department or looks_like_form(lines)):
        result = parse_forms(lines, department=is_department)
        doc.form = result.form
        doc.projects = result.projects
        doc.warnings.extend(result.warnings)
        syntax.extend(result.syntax)
        if doc.department is None and result.department is not None:
            doc.department = result.department.s
            doc.spans["department"] = result.department.spans()
        if doc.amount_unit is None and result.amount_unit:
            doc.amount_unit = result.amount_unit
    else:
        from .summary import build_summary, tabular_rows, wrapped_rows  # a form never needs them

        start = found[0] + 1 if found else 0
        columns = found[1] if found else []
        if found:
            for i in found[2]:
                syntax.extend(lines[i].mtext.spans())
        keys = tuple(c for c in columns if c in AMOUNT_KEYS) or AMOUNT_KEYS
        if _is_tabular(text, lines, start):
            rows = tabular_rows(lines, start, columns, syntax, tuple(found[2]) if found else ())
        elif found and (layout := find_fixed_layout(lines, found[0])) is not None:
            rows = _fixed_width_rows(lines, layout, syntax)
            keys = tuple(c for c in layout.roles if c in AMOUNT_KEYS) or AMOUNT_KEYS
        else:
            rows = wrapped_rows(lines, start, syntax, numbered=bool(columns) and columns[0] == "seq",
                                glued=len(columns) == 1)
        result = build_summary(_consumed(rows), keys=keys)
        doc.form = "summary"
        doc.total = result.total
        doc.units = result.units
        doc.projects = result.projects
        doc.warnings.extend(result.warnings)
        syntax.extend(result.syntax)
        alone = [u for u in doc.units if u.name not in {p.unit for p in doc.projects}]
        if alone:
            # a unit row with no project under it is a table read wrongly (found by the fuzz harness:
            # a PDF text whose spaces are doubled read its goals into unit names): say so, never silently
            doc.warnings.append(Issue(
                code="units-without-projects",
                message=f"{len(alone)} 个单位行下没有项目：表格可能没有读对 / "
                        f"{len(alone)} unit rows with no project under them: the table may be misread"))

    if (not doc.projects and not doc.units and doc.total is None) or (found is None and _nothing_measured(doc)):
        raise ParseError(
            "未识别出绩效目标表：文本中没有项目行或项目表单 / no performance-target table found in this text",
            code="not-a-table",
        )
    return _finish(doc, lines, syntax)


def _consumed(rows: list[Row]) -> Iterator[Row]:
    """The rows in order, each dropped from ``rows`` as it is given: a row's cells (a fifth of a
    large table's parse memory) are freed once its project is built, not after the last one."""
    rows.reverse()
    while rows:
        yield rows.pop()


def _fixed_width_rows(lines: list[Line], layout: FixedLayout, syntax: list[Span]) -> list[Row]:
    """Rows of a table laid out by spaces to fixed columns, through the same steps as a
    tab-separated table's."""
    from .summary import Columns, add_cells_row

    rows: list[Row] = []
    table = Columns.of(layout.roles)
    for line_no, cells in fixed_width_cells(lines, layout, syntax):
        if any(c.s for c in cells):
            add_cells_row(rows, cells, table, line_no, syntax)
    return rows


def _nothing_measured(doc: Document) -> bool:
    """Rows with no column header, no amount and no indicator anywhere are some other table
    (a staff list, a price list), not a performance-target table read badly."""
    return doc.form == "summary" and doc.total is None and not any(
        p.indicators or any(getattr(p.amounts, k) is not None for k in AMOUNT_KEYS) for p in doc.projects
    ) and not any(any(getattr(u.amounts, k) is not None for k in AMOUNT_KEYS) for u in doc.units)


def _flag_unnamed_projects(doc: Document) -> None:
    for p in doc.projects:
        if p.name is None:
            p.warnings.append(Issue(code="no-name", message="项目名称缺失 / project has no name"))
