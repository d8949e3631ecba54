"""Why a table was read as it was: each cell of the source beside the role it was given.

The cells are found by the same segmenter the form reader uses; the role of a cell is read
back from the parsed :class:`~jixiao.model.Document`'s spans (which field, amount or indicator
claimed its text, or structure, or nothing), so the view explains any reading, whichever
reader made it.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from ..model import Document, Span
from .lines import split_lines
from .segment import segment

__all__ = ["ExplainedCell", "explain"]

_LEVEL_NAMES = {"level1": "一级 level1", "level2": "二级 level2", "name": "三级 name",
                "annual_value": "年度值 annual", "period_value": "实施期值 period"}
_AMOUNT_NAMES = {"total": "总计 total", "fiscal": "财政拨款 fiscal", "special": "财政专户 special", "other": "其他资金 other"}
_DOC_NAMES = {"title": "标题 title", "department": "部门 department", "amount_unit": "金额单位 unit", "year": "年度 year"}


@dataclass(frozen=True)
class ExplainedCell:
    line: int
    text: str
    role: str


def _roles(doc: Document) -> list[tuple[Span, str]]:
    out: list[tuple[Span, str]] = []
    for key, spans in doc.spans.items():
        out += [(s, _DOC_NAMES.get(key, key)) for s in spans]
    for pi, p in enumerate(doc.projects, 1):
        where = f"项目{pi} "
        names = {"name": "名称 name", "unit": "单位 unit", "goal": "目标 goal"}
        for key, spans in p.spans.items():
            out += [(s, where + names.get(key, key)) for s in spans]
        for key, span in p.amounts.spans.items():
            out.append((span, where + _AMOUNT_NAMES.get(key, key)))
        for label, spans in p.field_spans.items():
            out += [(s, f"{where}字段 field「{label}」") for s in spans]
        for ind in p.indicators:
            for key, spans in ind.spans.items():
                name = _LEVEL_NAMES.get(key, key.replace("extra.", "其他列 extra「") + "」" if key.startswith("extra.") else key)
                out += [(s, f"{where}指标{ind.seq} {name}") for s in spans]
    for u in doc.units:
        for spans in u.spans.values():
            out += [(s, f"单位行 unit row「{u.name}」") for s in spans]
    return sorted(out)


def explain(doc: Document) -> list[ExplainedCell]:
    """Every non-empty cell of ``doc``'s source with the role its text was given."""
    roles = _roles(doc)
    starts = [s.start for s, _ in roles]
    syntax = sorted(doc.syntax)
    syntax_starts = [s.start for s in syntax]

    def covering(pos: int) -> str:
        k = bisect_right(starts, pos) - 1
        # spans nest (a field inside its indicator's): look back a little for one that covers pos
        for j in range(k, max(-1, k - 64), -1):
            span, role = roles[j]
            if span.start <= pos < span.end:
                return role
        k = bisect_right(syntax_starts, pos) - 1
        for j in range(k, max(-1, k - 64), -1):
            if syntax[j].start <= pos < syntax[j].end:
                return "结构 structure"
        return "残留 residue"

    out = []
    for cell in segment(split_lines(doc.source_text), []):
        if cell.empty:
            continue
        seen: list[str] = []
        for i, ch in enumerate(cell.s):
            pos = cell.mt.source_offset(i)
            if ch.isspace() or pos is None:
                continue
            role = covering(pos)
            if role not in seen:
                seen.append(role)
        if cell.chrome and seen == ["残留 residue"]:
            seen = ["页面 chrome"]
        out.append(ExplainedCell(cell.line, cell.s, " + ".join(seen) or "结构 structure"))
    return out
