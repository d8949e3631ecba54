"""What the human-readable reports share: labels, number formats, source excerpts."""

from __future__ import annotations

from ...model import Document, Finding, Span

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
FIELD_ZH = {
    "level1": "一级指标", "level1_code": "一级编码", "level2": "二级指标", "level2_code": "二级编码",
    "name": "三级指标", "annual_value": "年度指标值", "period_value": "实施周期指标值", "goal": "绩效目标",
    "indicators": "指标构成", "amounts.total": "总计",
}  # fmt: skip


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def field_zh(field: str | None) -> str:
    if field is None:
        return ""
    if field in FIELD_ZH:
        return FIELD_ZH[field]
    for key, zh in (("total", "总计"), ("fiscal", "财政拨款"), ("special", "财政专户拨款"), ("other", "其他资金")):
        if field.endswith("." + key) or field == key:
            return ("合计行" if field.startswith("total") else "单位行" if field.startswith("units") else "") + zh
    return field


def where(f: Finding) -> str:
    """第 3 项指标 · 年度指标值 (第 12 行)."""
    parts = []
    if f.seq is not None:
        parts.append(f"第 {f.seq} 项指标")
    elif f.indicator_index is not None:
        parts.append(f"第 {f.indicator_index + 1} 条指标")
    if f.field:
        parts.append(field_zh(f.field))
    if f.line is not None:
        parts.append(f"第 {f.line} 行")
    return " · ".join(parts)


def excerpt(doc: Document, span: Span | None, context: int = 40) -> tuple[str, str, str] | None:
    """(before, the span's text, after) within its lines, at most ``context`` characters either side."""
    text = doc.source_text
    if span is None or not text or span.start >= len(text):
        return None
    start = text.rfind("\n", 0, span.start) + 1
    end = text.find("\n", span.end)
    end = len(text) if end < 0 else end
    start = max(start, span.start - context)
    end = min(end, span.end + context)
    marked = text[span.start : min(span.end, span.start + 400)]
    return text[start : span.start], marked, text[span.end : end]
