"""A year or department the user gives for a document, when the table omits them (or gets them wrong).

4 of the 5 samples print no year, so no year filter finds them. The user's
value goes into ``documents.year``/``department`` (every filter and listing
reads those), and ``document_given`` records that the user gave it, when, by
whom, and what the parser had read — so the page can say "given, not parsed".
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from ..errors import UsageError
from .schema import DocumentRow
from .workflow_schema import GivenRow

__all__ = ["FIELDS", "check_year", "given_values", "set_given"]

FIELDS = ("year", "department")
_YEARS = range(1990, 2101)


def check_year(year: int | str | None) -> int | None:
    """A year as given: 2025, or a clear one-line error; blank means none."""
    if year is None or (isinstance(year, str) and not year.strip()):
        return None
    try:
        y = int(str(year).strip().removesuffix("年"))
    except ValueError:
        raise UsageError(f"年度应为四位数字：{year} / the year must be four digits", code="invalid") from None
    if y not in _YEARS:
        raise UsageError(f"年度超出范围（1990–2100）：{y} / year out of range", code="invalid")
    return y


def _check_department(department: str | None) -> str | None:
    if department is None or not department.strip():
        return None
    d = " ".join(department.split())
    if len(d) > 200:
        raise UsageError("部门名称过长（最多 200 字）/ department name too long", code="invalid")
    return d


def _set(conn: Connection, doc_id: int, field: str, value: Any, by: str | None) -> None:
    column = getattr(DocumentRow, field)
    current = conn.execute(select(column).where(DocumentRow.id == doc_id)).one()[0]
    row = conn.execute(select(GivenRow.id, GivenRow.parsed).where(GivenRow.document_id == doc_id,
                                                                  GivenRow.field == field)).first()
    now = datetime.now(UTC)
    if row is None:  # the first time: what the parser read is the current value
        conn.execute(GivenRow.__table__.insert().values(document_id=doc_id, field=field, value=str(value),
                                                        parsed=None if current is None else str(current),
                                                        given_by=by, given_at=now))
    else:
        conn.execute(update(GivenRow).where(GivenRow.id == row.id).values(value=str(value), given_by=by,
                                                                           given_at=now))
    conn.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values({field: value}))


def set_given(engine_or_conn: Engine | Connection, doc_id: int, *, year: int | str | None = None,
              department: str | None = None, by: str | None = None) -> dict[str, Any]:
    """Record the user's year and/or department for document ``doc_id``; returns what was set."""
    values = {k: v for k, v in (("year", check_year(year)), ("department", _check_department(department)))
              if v is not None}
    if not values:
        return {}

    def run(conn: Connection) -> None:
        if conn.execute(select(DocumentRow.id).where(DocumentRow.id == doc_id)).first() is None:
            raise UsageError(f"没有文档 D{doc_id} / no document D{doc_id}", code="not_found")
        for field, value in values.items():
            _set(conn, doc_id, field, value, by)

    if isinstance(engine_or_conn, Connection):
        run(engine_or_conn)
    else:
        with engine_or_conn.begin() as conn:
            run(conn)
    return values


def given_values(conn: Connection, doc_id: int) -> dict[str, dict[str, Any]]:
    """``{field: {value, parsed, given_by, given_at}}`` for the fields the user gave."""
    return {r.field: {"value": r.value, "parsed": r.parsed, "given_by": r.given_by, "given_at": r.given_at}
            for r in conn.execute(select(GivenRow.field, GivenRow.value, GivenRow.parsed, GivenRow.given_by,
                                         GivenRow.given_at).where(GivenRow.document_id == doc_id))}
