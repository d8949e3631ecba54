"""Residue: every non-blank piece of the source that fed no field.

Given the source and the spans of fields and of structure (labels,
separators, numbering, tags), return the pieces nobody claimed, with their
line numbers. Pieces made only of punctuation are structure too (a stray
``。`` or ``|`` is not lost content).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Residue, Span
from .lines import Line

__all__ = ["coverage", "find_residue"]

_PUNCT_ONLY_RE = re.compile(r"^[\s\W_]*$")
_WORD_RE = re.compile(r"[^\s]+(?:[ \u3000]+[^\s]+)*")


def coverage(size: int, spans: Iterable[Span]) -> bytearray:
    cov = bytearray(size)
    for sp in spans:
        a, b = max(0, sp.start), min(size, sp.end)
        if a < b:
            cov[a:b] = b"\x01" * (b - a)
    return cov


def find_residue(source: str, lines: list[Line], spans: Iterable[Span]) -> list[Residue]:
    cov = coverage(len(source), spans)
    out: list[Residue] = []
    for line in lines:
        if line.start == line.end or cov.find(0, line.start, line.end) < 0:
            continue
        pos = line.start
        while pos < line.end:
            a = cov.find(0, pos, line.end)
            if a < 0:
                break
            b = cov.find(1, a, line.end)
            b = line.end if b < 0 else b
            piece = source[a:b]
            for m in _WORD_RE.finditer(piece):
                text = m.group(0)
                if not _PUNCT_ONLY_RE.match(text):
                    out.append(Residue(text=text, line=line.no,
                                       span=Span(start=a + m.start(), end=a + m.end())))
            pos = b
    return out


def all_spans(obj: object) -> Iterable[Span]:
    """Every Span inside a model's ``spans``/``field_spans`` dicts, recursively."""
    from pydantic import BaseModel

    if isinstance(obj, Span):
        yield obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            if name in ("syntax", "residue", "warnings"):
                continue
            yield from all_spans(getattr(obj, name))
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from all_spans(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from all_spans(v)
