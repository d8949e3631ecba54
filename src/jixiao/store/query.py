"""Reading the store: documents, projects, indicator rows for export.

Functions take a Connection and return plain dicts and lists, ready for a
terminal table, JSON or an export writer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from ..errors import UsageError
from ..model import EVAL_FORMS, Document
from .rows import document_from_rows
from .schema import DocumentRow, FindingRow, IndicatorRow, ProjectRow, ResidueRow, UnitRow, WarningRow

__all__ = ["EXPORT_COLUMNS", "MAX_ID", "Ref", "is_row_id", "document_summary", "export_rows", "find_documents", "list_documents",
           "load_document", "parse_ref", "project_detail", "search_export_rows"]


@dataclass(frozen=True)
class Ref:
    kind: str  # "document" | "project"
    id: int


_REF = re.compile(r"(?i)([dp]?)(\d+)")
#: The largest id a row can have: ids are INTEGER columns, 32 bits on PostgreSQL. A larger one names
#: nothing, and handed to a driver would overflow it (OverflowError, NumericValueOutOfRange).
MAX_ID = 2**31 - 1


def is_row_id(i: int) -> bool:
    """Whether ``i`` can be a row's id: otherwise it is not looked up, it is not there."""
    return 0 <= i <= MAX_ID


def parse_ref(text: str) -> Ref:
    """``D12`` or ``12`` is document 12, ``P345`` project 345 (as ``jixiao ls`` and ``search`` print them)."""
    m = _REF.fullmatch(text.strip())
    if not m:
        raise UsageError(f"无法识别的编号：{text}（文档写 D12，项目写 P345）/ "
                         "not a document or project id (D12, P345)")
    kind = "project" if m.group(1).lower() == "p" else "document"
    digits = m.group(2).lstrip("0") or "0"
    if len(digits) > len(str(MAX_ID)):  # past any id, and int() refuses 4,300 digits or more
        shown = f"{m.group(1).upper() or 'D'}{digits[:20]}{'…' if len(digits) > 20 else ''}"
        raise UsageError(f"没有{'项目' if kind == 'project' else '文档'} {shown} / no {kind} {shown}", code="not_found")
    return Ref(kind, int(digits))


def _dicts(conn: Connection, stmt) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(stmt)]


def stored_ids(conn: Connection, doc_id: int) -> tuple[list[int], list[list[int]]]:
    """Document ``doc_id``'s project ids in order, and each project's indicator ids in order."""
    pids = list(conn.execute(select(ProjectRow.id).where(ProjectRow.document_id == doc_id)
                             .order_by(ProjectRow.position)).scalars())
    by_project: dict[int, list[int]] = {pid: [] for pid in pids}
    for pid, iid in conn.execute(select(IndicatorRow.project_id, IndicatorRow.id)
                                 .where(IndicatorRow.document_id == doc_id)
                                 .order_by(IndicatorRow.project_id, IndicatorRow.position)):
        by_project[pid].append(iid)
    return pids, [by_project[pid] for pid in pids]


_DOC_LIST_COLUMNS = (DocumentRow.id, DocumentRow.name, DocumentRow.source_path, DocumentRow.version,
                     DocumentRow.is_latest, DocumentRow.format, DocumentRow.form, DocumentRow.title,
                     DocumentRow.department, DocumentRow.year, DocumentRow.amount_unit, DocumentRow.total,
                     DocumentRow.n_units, DocumentRow.n_projects, DocumentRow.n_indicators,
                     DocumentRow.n_warnings, DocumentRow.n_residue, DocumentRow.sha256,
                     DocumentRow.parser_version, DocumentRow.imported_at)


def list_documents(conn: Connection, *, all_versions: bool = False, department: str | None = None,
                   year: int | None = None, limit: int | None = None,
                   newest_first: bool = False) -> list[dict[str, Any]]:
    stmt = select(*_DOC_LIST_COLUMNS).order_by(DocumentRow.id.desc() if newest_first else DocumentRow.id)
    if not all_versions:
        stmt = stmt.where(DocumentRow.is_latest)
    if department:
        stmt = stmt.where(DocumentRow.department.contains(department, autoescape=True))
    if year:
        stmt = stmt.where(DocumentRow.year == year)
    if limit:
        stmt = stmt.limit(limit)
    out = _dicts(conn, stmt)
    findings = _finding_counts(conn, [d["id"] for d in out])
    for d in out:
        d["n_findings"] = findings.get(d["id"], 0)
    return out


def _finding_counts(conn: Connection, doc_ids: Sequence[int]) -> dict[int, int]:
    if not doc_ids:
        return {}
    stmt = (select(FindingRow.document_id, func.count()).where(FindingRow.document_id.in_(doc_ids))
            .group_by(FindingRow.document_id))
    return {d: n for d, n in conn.execute(stmt)}


# Migrations 0003 and 0004 load stored documents before 0006 adds this column; a document's fields
# never come from it (it only finds the same content imported under another name).
_LOADED = [c for c in DocumentRow.__table__.c if c.name != "content_sha256"]


def _document_row(conn: Connection, doc_id: int) -> dict[str, Any]:
    row = conn.execute(select(*_LOADED).where(DocumentRow.id == doc_id)).first() \
        if is_row_id(doc_id) else None
    if row is None:
        raise UsageError(f"没有文档 D{doc_id} / no document D{doc_id}", code="not_found")
    return dict(row._mapping)


def load_document(conn: Connection, doc_id: int) -> Document:
    """The stored document, exactly as the parser made it."""
    doc = _document_row(conn, doc_id)

    def rows(model, *order):
        return _dicts(conn, select(model.__table__).where(model.document_id == doc_id).order_by(*order))

    out = document_from_rows(
        doc, rows(UnitRow, UnitRow.position), rows(ProjectRow, ProjectRow.position),
        rows(IndicatorRow, IndicatorRow.project_id, IndicatorRow.position),
        rows(WarningRow, WarningRow.project_id.is_not(None), WarningRow.project_id, WarningRow.position),
        rows(ResidueRow, ResidueRow.position))
    if out.form in EVAL_FORMS:  # a self-evaluation or monitoring form: its reported values too
        from .eval_query import attach_stored_evaluations

        attach_stored_evaluations(conn, doc_id, out)
    return out


def _findings(conn: Connection, **where: int) -> list[dict[str, Any]]:
    stmt = select(FindingRow.__table__).order_by(FindingRow.id)
    for k, v in where.items():
        stmt = stmt.where(getattr(FindingRow, k) == v)
    return _dicts(conn, stmt)


def document_summary(conn: Connection, doc_id: int) -> dict[str, Any]:
    """A document's header, its versions, units and projects (without indicators)."""
    doc = _document_row(conn, doc_id)
    doc.pop("source_text")
    doc.pop("syntax")
    doc.pop("spans")
    doc["versions"] = _dicts(conn, select(DocumentRow.id, DocumentRow.version, DocumentRow.sha256,
                                          DocumentRow.imported_at, DocumentRow.is_latest)
                             .where(DocumentRow.source_path == doc["source_path"]).order_by(DocumentRow.version))
    doc["units"] = _dicts(conn, select(UnitRow.name, UnitRow.total, UnitRow.fiscal, UnitRow.special, UnitRow.other)
                          .where(UnitRow.document_id == doc_id).order_by(UnitRow.position))
    doc["projects"] = _dicts(conn, select(ProjectRow.id, ProjectRow.position, ProjectRow.name, ProjectRow.unit,
                                          ProjectRow.total, ProjectRow.fiscal, ProjectRow.special,
                                          ProjectRow.other, ProjectRow.n_indicators, ProjectRow.n_warnings)
                             .where(ProjectRow.document_id == doc_id).order_by(ProjectRow.position))
    doc["warnings"] = _dicts(conn, select(WarningRow.project_id, WarningRow.code, WarningRow.message,
                                          WarningRow.line)
                             .where(WarningRow.document_id == doc_id)
                             .order_by(WarningRow.project_id.is_not(None), WarningRow.project_id,
                                       WarningRow.position))
    doc["findings"] = _findings(conn, document_id=doc_id)
    return doc


def project_detail(conn: Connection, project_id: int) -> dict[str, Any]:
    """One project with its document's header, amounts, goal, indicators, warnings and findings."""
    row = conn.execute(select(ProjectRow.__table__).where(ProjectRow.id == project_id)).first() \
        if is_row_id(project_id) else None
    if row is None:
        raise UsageError(f"没有项目 P{project_id} / no project P{project_id}", code="not_found")
    p = dict(row._mapping)
    d = conn.execute(select(DocumentRow.id, DocumentRow.name, DocumentRow.department, DocumentRow.year,
                            DocumentRow.amount_unit, DocumentRow.version, DocumentRow.is_latest)
                     .where(DocumentRow.id == p["document_id"])).one()
    p["document"] = dict(d._mapping)
    p["indicators"] = _dicts(conn, select(IndicatorRow.__table__).where(IndicatorRow.project_id == project_id)
                             .order_by(IndicatorRow.position))
    p["warnings"] = _dicts(conn, select(WarningRow.code, WarningRow.message, WarningRow.line)
                           .where(WarningRow.project_id == project_id).order_by(WarningRow.position))
    p["findings"] = _findings(conn, project_id=project_id)
    return p


def find_documents(conn: Connection, refs: Sequence[str]) -> list[int]:
    """Document ids for ``D12``-style references; a project reference selects its document."""
    ids = []
    for text in refs:
        ref = parse_ref(text)
        if ref.kind == "project":
            doc_id = conn.execute(select(ProjectRow.document_id).where(ProjectRow.id == ref.id)).scalar() \
                if is_row_id(ref.id) else None
            if doc_id is None:
                raise UsageError(f"没有项目 P{ref.id} / no project P{ref.id}", code="not_found")
        else:
            _document_row(conn, ref.id)
            doc_id = ref.id
        if doc_id not in ids:
            ids.append(doc_id)
    return ids


#: One row per indicator (a project without indicators still gets one row), for CSV/XLSX/Parquet.
EXPORT_COLUMNS = (
    "document_id", "document", "department", "year", "amount_unit", "unit", "project_id", "project",
    "total", "fiscal", "special", "other", "goal", "indicator_id", "seq", "level1", "level1_code",
    "level2", "level2_code", "indicator", "period_value", "annual_value", "annual_kind",
    "annual_comparator", "annual_number", "annual_unit",
)


def export_rows(conn: Connection, *, document_ids: Sequence[int] = (), project_ids: Sequence[int] = (),
                indicator_ids: Sequence[int] = (), batch: int = 500) -> Iterator[dict[str, Any]]:
    """Rows for export, streamed: whole documents, whole projects, and single indicators, in that order."""
    d, p, i = DocumentRow, ProjectRow, IndicatorRow
    cols = (d.id.label("document_id"), d.name.label("document"), d.department, d.year, d.amount_unit,
            p.unit, p.id.label("project_id"), p.name.label("project"), p.total, p.fiscal, p.special, p.other,
            p.goal, i.id.label("indicator_id"), i.seq, i.level1, i.level1_code, i.level2, i.level2_code,
            i.name.label("indicator"), i.period_value, i.annual_value, i.annual_kind, i.annual_comparator,
            i.annual_number, i.annual_unit)
    base = (select(*cols).select_from(p).join(d, d.id == p.document_id)
            .outerjoin(i, i.project_id == p.id).order_by(d.id, p.position, i.position))
    for column, ids in ((p.document_id, document_ids), (p.id, project_ids), (i.id, indicator_ids)):
        ids = list(dict.fromkeys(ids))
        for start in range(0, len(ids), batch):
            chunk = ids[start:start + batch]
            for r in conn.execute(base.where(column.in_(chunk))):
                yield dict(r._mapping)


def search_export_rows(conn: Connection, query: str, filters=None) -> Iterator[dict[str, Any]]:
    """Export rows for every match of a search: a project matched by name or goal brings all its
    indicators, an indicator match itself; a row matched both ways comes once."""
    from .search import matching_entries

    project_ids: list[int] = []
    indicator_ids: list[int] = []
    for kind, rid in matching_entries(conn, query, filters):
        (indicator_ids if kind == "indicator" else project_ids).append(rid)
    rows = export_rows(conn, project_ids=project_ids, indicator_ids=indicator_ids)
    if not (project_ids and indicator_ids):
        yield from rows
        return
    seen: set[tuple[int, int | None]] = set()
    for r in rows:
        key = (r["project_id"], r["indicator_id"])
        if key not in seen:
            seen.add(key)
            yield r
