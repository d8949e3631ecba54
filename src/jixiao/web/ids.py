"""One id form everywhere: the UI and the CLI say D2 and P1, so the API and the pages take them too.

``/api/v1/documents/D2`` and ``/api/v1/documents/2`` are the same document;
``P`` ids name projects. A D where a P belongs (or the other way round) is a
400 that says which was expected, never a silent look-up of the other kind.
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Interval
from fastapi import Path
from pydantic import BeforeValidator

from ..errors import UsageError
from ..store.query import MAX_ID, parse_ref

__all__ = ["DocId", "DocRef", "ProjectId", "doc_ref", "project_ref"]


def _id(kind: str, value: object) -> int:
    if isinstance(value, int):
        return value
    ref = parse_ref(str(value))
    letter = "D" if kind == "document" else "P"
    if ref.kind != kind and str(value).strip()[:1].isalpha():
        raise UsageError(f"这里要{'文档' if kind == 'document' else '项目'}编号（{letter}12 或 12）：{value} / "
                         f"expected a {kind} id ({letter}12 or 12)", code="invalid")
    return ref.id


def doc_ref(value: object) -> int:
    """``D2``, ``d2`` or ``2`` → 2."""
    return _id("document", value)


def project_ref(value: object) -> int:
    """``P1`` or ``1`` → 1."""
    return _id("project", value)


DocId = Annotated[int, BeforeValidator(doc_ref), Path(description="文档编号 D12 或 12 / document id, D12 or 12")]
ProjectId = Annotated[int, BeforeValidator(project_ref), Path(description="项目编号 P345 或 345 / project id")]

def _filter_ref(value: object) -> int:
    """A filter, unlike a path, names no resource: an id past any the store holds is a 400, not a 404."""
    try:
        return doc_ref(value)
    except UsageError as e:
        if e.code != "not_found":
            raise
        raise UsageError(f"文档编号超出范围（0–{MAX_ID}）：{str(value)[:24]} / document id out of range",
                         code="invalid") from None


#: a document id in a query string (``?document=D2``)
DocRef = Annotated[int, BeforeValidator(_filter_ref), Interval(ge=0, le=MAX_ID)]
