"""Document → the canonical ``jixiao.document/1`` JSON text."""

from __future__ import annotations

import json
from typing import Any

from ..model import Document

__all__ = ["document_json", "span_view"]


def span_view(doc: Document) -> dict[str, Any]:
    """The canonical object plus every field's source spans and the source itself."""
    out = doc.to_canonical()
    out["source_text"] = doc.source_text
    out["spans"] = {k: [[s.start, s.end] for s in v] for k, v in doc.spans.items()}
    for p, jp in zip(doc.projects, out["projects"], strict=True):
        jp["spans"] = {k: [[s.start, s.end] for s in v] for k, v in p.spans.items()}
        jp["field_spans"] = {k: [[s.start, s.end] for s in v] for k, v in p.field_spans.items()}
        jp["amount_spans"] = {k: [s.start, s.end] for k, s in p.amounts.spans.items()}
        if p.evaluation is not None and jp.get("evaluation") is not None:  # jixiao.evaluation/1 only
            je = jp["evaluation"]
            je["spans"] = {k: [[s.start, s.end] for s in v] for k, v in p.evaluation.spans.items()}
            for r, jr in zip(p.evaluation.budget, je["budget"], strict=True):
                jr["spans"] = {k: [[s.start, s.end] for s in v] for k, v in r.spans.items()}
        for i, ji in zip(p.indicators, jp["indicators"], strict=True):
            ji["spans"] = {k: [[s.start, s.end] for s in v] for k, v in i.spans.items()}
    return out


def document_json(doc: Document, *, spans: bool = False, indent: int | None = 2) -> str:
    obj = span_view(doc) if spans else doc.to_canonical()
    return json.dumps(obj, ensure_ascii=False, indent=indent)
