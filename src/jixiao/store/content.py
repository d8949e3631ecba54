"""What a table says, apart from the file it came in: the digest that finds one table imported twice.

The same 绩效目标表 saved as .txt and as .docx has other bytes, other spans
and other residue, but the same department, year, amounts, projects, goals
and indicators. Imported twice it would be two documents, and every total
would count it twice; this digest recognises it (see write.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from ..model import Amounts, Document

__all__ = ["content_digest"]

_SPACE = re.compile(r"\s+")


def _text(v: str | None) -> str | None:
    # a reader may wrap a cell's text where another keeps it on one line: layout, not content
    return None if v is None else _SPACE.sub("", v)


def _amounts(a: Amounts | None) -> list[float | None] | None:
    return None if a is None else [a.total, a.fiscal, a.special, a.other]


def content_digest(doc: Document) -> str | None:
    """SHA-256 of the table's content, or None when it has no project (nothing to recognise it by)."""
    if not doc.projects:
        return None
    content: dict[str, Any] = {
        "form": doc.form, "title": _text(doc.title), "department": _text(doc.department), "year": doc.year,
        "amount_unit": doc.amount_unit, "total": _amounts(doc.total),
        "units": [[_text(u.name), _amounts(u.amounts)] for u in doc.units],
        "projects": [[_text(p.name), _text(p.unit), _amounts(p.amounts), _text(p.goal),
                      sorted((_text(k), _text(v)) for k, v in p.fields.items()),
                      [[_text(i.level1), _text(i.level2), _text(i.name), _text(i.period_value),
                        _text(i.annual_value)] for i in p.indicators]] for p in doc.projects],
    }
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
