"""Deleting a stored document version, with everything that hangs off it, atomically.

SQLite's search index is a contentless FTS5 table: it keeps no text, so a
row can only be removed by handing FTS5 the very tokens it was given. They
are rebuilt here from the stored document, by the same code that made them
on import (:func:`jixiao.store.rows.entry_rows` with :func:`jixiao.store.tokens.entry_fts5`). PostgreSQL's index lives
in ``search_entries`` and goes with its rows.

Deleting the latest version makes the one before it the latest again, so
the file does not vanish from listings while older versions remain.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, delete, select, update

from ..errors import UsageError
from . import rows as R
from . import tokens as T
from .query import is_row_id, load_document, stored_ids
from .schema import (
    DocumentRow,
    FindingRow,
    IndicatorRow,
    LibraryMemberRow,
    ProjectRow,
    ResidueRow,
    SearchEntryRow,
    UnitRow,
    WarningRow,
)

__all__ = ["Deleted", "delete_document", "fts_rows"]

# Children first, so the deletes hold with or without ON DELETE CASCADE (SQLite enforces it only by pragma).
_CHILDREN = (LibraryMemberRow, FindingRow, SearchEntryRow, WarningRow, ResidueRow, IndicatorRow, ProjectRow, UnitRow)


@dataclass(frozen=True)
class Deleted:
    document_id: int
    source_path: str
    version: int
    #: the version that is the latest now, if any remains
    latest_id: int | None


def fts_rows(conn, doc_id: int) -> list[tuple[int, str]]:
    """SQLite: the (rowid, tokens) its FTS5 table was given for document ``doc_id``'s search entries."""
    doc = load_document(conn, doc_id)
    pids, iids = stored_ids(conn, doc_id)
    # the very text the import wrote (write.prepare renders it the same way)
    entries = R.entry_rows(doc, pids, iids, T.entry_fts5)
    return [(eid, text_) for eid, _pid, _iid, text_ in entries]


def delete_document(engine: Engine, doc_id: int) -> Deleted:
    """Remove document version ``doc_id`` and all its rows in one transaction."""
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        row = conn.execute(select(DocumentRow.source_path, DocumentRow.version, DocumentRow.is_latest)
                           .where(DocumentRow.id == doc_id)).first() if is_row_id(doc_id) else None
        if row is None:
            raise UsageError(f"没有文档 D{doc_id} / no document D{doc_id}", code="not_found")
        if conn.dialect.name == "sqlite":
            fts = fts_rows(conn, doc_id)
            if fts:
                conn.exec_driver_sql("INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', ?, ?)",
                                     fts)
        # evaluations linked to this document's projects lose their target: linked again below
        from ..link.store import linked_to_document, relink_projects

        orphans = linked_to_document(conn, doc_id)
        for model in _CHILDREN:
            conn.execute(delete(model).where(model.document_id == doc_id))
        conn.execute(delete(DocumentRow).where(DocumentRow.id == doc_id))
        latest = None
        if row.is_latest:
            latest = conn.execute(select(DocumentRow.id).where(DocumentRow.source_path == row.source_path)
                                  .order_by(DocumentRow.version.desc()).limit(1)).scalar()
            if latest is not None:
                conn.execute(update(DocumentRow).where(DocumentRow.id == latest).values(is_latest=True))
                from ..library.store import has_library, sync_latest

                if has_library(conn):
                    sync_latest(conn, row.source_path)
        else:
            latest = conn.execute(select(DocumentRow.id).where(DocumentRow.source_path == row.source_path,
                                                               DocumentRow.is_latest)).scalar()
        relink_projects(conn, orphans)
    return Deleted(doc_id, row.source_path, row.version, latest)
