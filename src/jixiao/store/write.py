"""Writing one document: one transaction, all of it or none of it.

Re-importing the file unchanged changes nothing (the bytes' SHA-256 decides);
a changed file under the same path becomes the next version, and the older
one stays in the database (``is_latest`` false). Two writers never produce
two copies: on SQLite the write lock is taken before the check; on
PostgreSQL the ``(source_path, version)`` key turns a lost race into a retry.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from sqlalchemy import JSON, Connection, Engine, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from ..model import Document, Finding
from . import rows as R
from . import tokens as T
from .schema import (
    DocumentRow,
    FindingRow,
    IndicatorRow,
    ProjectRow,
    ResidueRow,
    SearchEntryRow,
    UnitRow,
    WarningRow,
)

__all__ = ["Saved", "save_document"]

_RETRIES = 5
#: Test-only fault injection: kill the process inside the transaction, before COMMIT.
FAULT_ENV = "JIXIAO_FAULT"


@dataclass(frozen=True)
class Saved:
    """What became of one document: ``imported``, ``unchanged`` or ``duplicate``."""

    status: str
    document_id: int
    version: int
    same_as: int | None = None


def _reserve_ids(conn: Connection, table, n: int) -> list[int]:
    """``n`` fresh primary keys for ``table``, so children can point at parents without RETURNING."""
    if n == 0:
        return []
    if conn.dialect.name == "postgresql":
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar_one()
        return list(conn.execute(text("SELECT nextval(:s) FROM generate_series(1, :n)"), {"s": seq, "n": n})
                    .scalars())
    # SQLite: this transaction holds the write lock (BEGIN IMMEDIATE), so max(id) cannot move under us.
    start = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1
    return list(range(start, start + n))


def _unchanged(conn: Connection, source_path: str, sha256: str) -> Saved | None:
    latest = conn.execute(select(DocumentRow.id, DocumentRow.version, DocumentRow.sha256)
                          .where(DocumentRow.source_path == source_path, DocumentRow.is_latest)).first()
    if latest is not None and latest.sha256 == sha256:
        return Saved("unchanged", latest.id, latest.version)
    twin = conn.execute(select(DocumentRow.id, DocumentRow.version)
                        .where(DocumentRow.sha256 == sha256, DocumentRow.is_latest)
                        .order_by(DocumentRow.id).limit(1)).first()
    if twin is not None:
        return Saved("duplicate", twin.id, twin.version, same_as=twin.id)
    return None


def find_unchanged(engine: Engine, source_path: str, sha256: str) -> Saved | None:
    """The stored document this file would duplicate, if any (checked again when saving)."""
    with engine.connect() as conn:
        return _unchanged(conn, source_path, sha256)


def _dumps(value) -> str:
    # default=tuple: spans are named tuples, which orjson leaves to us
    return orjson.dumps(value, default=tuple).decode()


def _insert(conn: Connection, model, rows: list[dict]) -> None:
    """executemany straight on the driver: SQLAlchemy's per-row bind processing doubled the import time.

    JSON columns are serialised here, the one thing the ORM types did for us.
    """
    if not rows:
        return
    table = model.__table__
    columns = list(rows[0])
    json_at = [k for k, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    if json_at:
        values = []
        for r in rows:
            v = list(r.values())
            for k in json_at:
                if v[k] is not None:
                    v[k] = _dumps(v[k])
            values.append(tuple(v))
    else:
        values = [tuple(r.values()) for r in rows]
    if conn.dialect.name == "postgresql":
        # COPY: several times faster than executemany for thousands of rows
        with conn.connection.driver_connection.cursor() as cur, \
                cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for v in values:
                copy.write_row(v)
        return
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                         values)


def _write(conn: Connection, doc: Document, findings: Sequence[Finding], *, source_path: str,
           sha256: str, size: int | None, fmt: str) -> Saved:
    if conn.dialect.name == "postgresql":
        # Writers of the same path or the same bytes queue here, so the check below sees the winner's row.
        for key in sorted((source_path, sha256)):
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})
    if (same := _unchanged(conn, source_path, sha256)) is not None:
        return same
    previous = conn.execute(select(func.max(DocumentRow.version))
                            .where(DocumentRow.source_path == source_path)).scalar_one()
    version = (previous or 0) + 1
    conn.execute(update(DocumentRow).where(DocumentRow.source_path == source_path, DocumentRow.is_latest)
                 .values(is_latest=False))
    doc_row = R.document_row(doc, source_path=source_path, name=doc.source, version=version, sha256=sha256,
                             size=size, fmt=fmt, imported_at=datetime.now(UTC))
    doc_id = conn.execute(insert(DocumentRow.__table__).returning(DocumentRow.id), doc_row).scalar_one()

    project_ids = _reserve_ids(conn, ProjectRow.__table__, len(doc.projects))
    n_ind = sum(len(p.indicators) for p in doc.projects)
    flat_ids = _reserve_ids(conn, IndicatorRow.__table__, n_ind)
    indicator_ids: list[list[int]] = []
    at = 0
    for p in doc.projects:
        indicator_ids.append(flat_ids[at:at + len(p.indicators)])
        at += len(p.indicators)

    _insert(conn, UnitRow, R.unit_rows(doc, doc_id))
    _insert(conn, ProjectRow, R.project_rows(doc, doc_id, project_ids))
    _insert(conn, IndicatorRow, R.indicator_rows(doc, doc_id, project_ids, flat_ids))
    _insert(conn, WarningRow, R.warning_rows(doc, doc_id, project_ids))
    _insert(conn, ResidueRow, R.residue_rows(doc, doc_id))
    _insert(conn, FindingRow, R.finding_rows(findings, doc_id, project_ids, indicator_ids))
    _write_search(conn, R.entry_rows(doc, doc_id, project_ids, indicator_ids))

    if os.environ.get(FAULT_ENV) == "kill-before-commit":
        os.kill(os.getpid(), signal.SIGKILL)
    return Saved("imported", doc_id, version)


def _write_search(conn: Connection, entries: list[tuple[dict, list[str]]]) -> None:
    if not entries:
        return
    if conn.dialect.name == "postgresql":
        _insert(conn, SearchEntryRow, [{**row, "tsv": T.tsvector(toks)} for row, toks in entries])
        return
    _insert(conn, SearchEntryRow, [row for row, _ in entries])
    conn.exec_driver_sql("INSERT INTO search_fts(rowid, tokens) VALUES (?, ?)",
                         [(row["id"], " ".join(toks)) for row, toks in entries])


def save_document(engine: Engine, doc: Document, *, source_path: str, sha256: str, size: int | None = None,
                  fmt: str = "text", findings: Sequence[Finding] = ()) -> Saved:
    """Store ``doc`` (and its review findings) as the next version of ``source_path``, atomically."""
    for attempt in range(_RETRIES):
        try:
            with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
                return _write(conn, doc, findings, source_path=source_path, sha256=sha256, size=size, fmt=fmt)
        except IntegrityError:
            # Another writer stored a version of this path first; look again (it may be this very file).
            if attempt == _RETRIES - 1:
                raise
    raise AssertionError("unreachable")
