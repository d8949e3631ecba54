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
from dataclasses import dataclass, field
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

__all__ = ["Prepared", "Saved", "prepare", "save_document", "save_prepared"]

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


_SEQUENCES: dict[tuple[str, str], str] = {}


def _reserve_ids(conn: Connection, *wanted: tuple[object, int]) -> list[list[int]]:
    """PostgreSQL: ``n`` fresh primary keys for each ``(table, n)``, so children can point at parents
    without RETURNING. One round trip for all tables; each table's sequence name looked up once per database.
    """
    names = []
    for table, _n in wanted:
        key = (conn.engine.url.render_as_string(), table.name)
        if key not in _SEQUENCES:
            _SEQUENCES[key] = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                           {"t": table.name}).scalar_one()
        names.append(_SEQUENCES[key])
    sql = "SELECT " + ", ".join(f"ARRAY(SELECT nextval(:s{k}) FROM generate_series(1, :n{k}))"
                                for k in range(len(wanted)))
    params = {**{f"s{k}": name for k, name in enumerate(names)},
              **{f"n{k}": n for k, (_t, n) in enumerate(wanted)}}
    return [list(ids) for ids in conn.execute(text(sql), params).one()]


def _first_free_ids(conn: Connection) -> tuple[int, int]:
    """SQLite: the first free project and indicator id; the ids after them are this document's.

    This transaction holds the write lock (BEGIN IMMEDIATE), so neither can move under us.
    """
    return conn.exec_driver_sql("SELECT (SELECT coalesce(max(id), 0) + 1 FROM projects), "
                                "(SELECT coalesce(max(id), 0) + 1 FROM indicators)").one()


def _unchanged(conn: Connection, source_path: str, sha256: str) -> Saved | None:
    """The latest version of this path if it has these bytes, else the first latest document that has them."""
    same_path = DocumentRow.source_path == source_path
    hit = conn.execute(select(DocumentRow.id, DocumentRow.version, same_path.label("same_path"))
                       .where(DocumentRow.sha256 == sha256, DocumentRow.is_latest)
                       .order_by(same_path.desc(), DocumentRow.id).limit(1)).first()
    if hit is None:
        return None
    if hit.same_path:
        return Saved("unchanged", hit.id, hit.version)
    return Saved("duplicate", hit.id, hit.version, same_as=hit.id)


def find_unchanged(engine: Engine, source_path: str, sha256: str) -> Saved | None:
    """The stored document this file would duplicate, if any (checked again when saving)."""
    with engine.connect() as conn:
        return _unchanged(conn, source_path, sha256)


def _dumps(value) -> str:
    # default=tuple: spans are named tuples, which orjson leaves to us
    return orjson.dumps(value, default=tuple).decode()


@dataclass
class Prepared:
    """A document as rows, ready to insert: plain data, cheap to send between processes.

    Built without a database (in a worker process, when importing in
    parallel) with *local* ids: project and indicator numbers within the
    document, and 0 for the document itself. :func:`_write` swaps in the
    ids the database hands out (on SQLite, the INSERT statements do).
    """

    document: dict
    #: table name → (columns, rows as tuples), in insertion order; JSON columns already serialised.
    #: SQLite's index is the table ``search_fts`` (rowid, tokens); PostgreSQL's, ``search_entries.tsv``.
    tables: dict[str, tuple[list[str], list[tuple]]]
    n_projects: int
    n_indicators: int
    counts: dict[str, int] = field(default_factory=dict)


_ORDER = (UnitRow, ProjectRow, IndicatorRow, WarningRow, ResidueRow, FindingRow, SearchEntryRow)


def _as_tuples(model, rows: list[dict]) -> tuple[list[str], list[tuple]]:
    if not rows:
        return [], []
    table = model.__table__
    columns = list(rows[0])
    json_at = [k for k, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    if not json_at:
        return columns, [tuple(r.values()) for r in rows]
    values = []
    for r in rows:
        v = list(r.values())
        for k in json_at:
            if v[k] is not None:
                v[k] = _dumps(v[k])
        values.append(tuple(v))
    return columns, values


def prepare(doc: Document, findings: Sequence[Finding] = (), *, dialect: str = "sqlite") -> Prepared:
    """``doc`` and its findings as rows with local ids (see :class:`Prepared`)."""
    project_ids = list(range(len(doc.projects)))
    indicator_ids: list[list[int]] = []
    flat = 0
    for p in doc.projects:
        indicator_ids.append(list(range(flat, flat + len(p.indicators))))
        flat += len(p.indicators)
    pg = dialect == "postgresql"
    entries = R.entry_rows(doc, 0, project_ids, indicator_ids, T.entry_tsvector if pg else T.entry_fts5)
    search_rows = [{**row, "tsv": tsv} for row, tsv in entries] if pg else [row for row, _ in entries]
    built = {
        UnitRow: R.unit_rows(doc, 0),
        ProjectRow: R.project_rows(doc, 0, project_ids),
        IndicatorRow: R.indicator_rows(doc, 0, project_ids, range(flat)),
        WarningRow: R.warning_rows(doc, 0, project_ids),
        ResidueRow: R.residue_rows(doc, 0),
        FindingRow: R.finding_rows(findings, 0, project_ids, indicator_ids),
        SearchEntryRow: search_rows,
    }
    tables = {m.__tablename__: _as_tuples(m, built[m]) for m in _ORDER}
    if not pg:
        tables["search_fts"] = (["rowid", "tokens"], [(row["id"], text_) for row, text_ in entries])
    return Prepared(R.document_row(doc), tables, len(doc.projects), flat,
                    {"projects": len(doc.projects), "indicators": flat, "warnings": len(doc.all_warnings()),
                     "findings": len(findings)})


def _remap(table: str, columns: list[str], rows: list[tuple], doc_id: int, project_ids: list[int],
           indicator_ids: list[int]) -> list[tuple]:
    """PostgreSQL: the rows with the database's ids in place of the document-local ones."""
    ids = {"projects": project_ids, "indicators": indicator_ids}.get(table)
    at = {c: k for k, c in enumerate(columns)}
    doc_at = at.get("document_id")
    pid_at = at.get("project_id")
    iid_at = at.get("indicator_id")
    id_at = at.get("rowid", at.get("id"))  # search_fts's rowid is a search entry's id
    out = []
    for r in rows:
        v = list(r)
        if doc_at is not None:
            v[doc_at] = doc_id
        if pid_at is not None and v[pid_at] is not None:
            v[pid_at] = project_ids[v[pid_at]]
        if iid_at is not None and v[iid_at] is not None:
            v[iid_at] = indicator_ids[v[iid_at]]
        if id_at is not None:
            if ids is not None:
                v[id_at] = ids[v[id_at]]
            elif table in ("search_entries", "search_fts"):
                kind, local = T.split_entry_id(v[id_at])
                v[id_at] = T.entry_id(kind, (indicator_ids if kind == "indicator" else project_ids)[local])
        out.append(tuple(v))
    return out


def _copy(conn: Connection, table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    # COPY: several times faster than executemany for thousands of rows
    with conn.connection.driver_connection.cursor() as cur, \
            cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for v in rows:
            copy.write_row(v)


def _insert_shifted(conn: Connection, table: str, columns: list[str], rows: list[tuple], doc_id: int,
                    first_project: int, first_indicator: int) -> None:
    """SQLite: insert the rows as prepared, SQLite itself turning document-local ids into the database's.

    Local ids count from 0, and this document's ids are consecutive from the first free one, so
    each id is the local one plus an offset: added in the statement, not row by row in Python.
    """
    if not rows:
        return
    shift = {"document_id": doc_id, "project_id": first_project, "indicator_id": first_indicator}
    if table in ("projects", "indicators"):
        shift["id"] = first_project if table == "projects" else first_indicator
    values = []
    for k, c in enumerate(columns, 1):
        if c in shift:
            values.append(f"?{k} + {shift[c]}")  # NULL + n stays NULL
        elif c in ("id", "rowid"):  # a search entry: tier << 40 | local id of its project or indicator
            values.append(f"?{k} + CASE ?{k} >> {T.TIER_SHIFT} WHEN {T.KIND_TIERS['indicator']} "
                          f"THEN {first_indicator} ELSE {first_project} END")
        else:
            values.append(f"?{k}")
    # executemany straight on the driver: SQLAlchemy's per-row bind processing doubled the import time
    conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(values)})", rows)


def _write(conn: Connection, prep: Prepared, *, source_path: str, sha256: str, size: int | None,
           fmt: str) -> Saved:
    if conn.dialect.name == "postgresql":
        # Writers of the same path or the same bytes queue here, so the check below sees the winner's row.
        first, second = sorted((source_path, sha256))  # the same order in every writer, and in one statement
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:a)), pg_advisory_xact_lock(hashtext(:b))"),
                     {"a": first, "b": second})
    if (same := _unchanged(conn, source_path, sha256)) is not None:
        return same
    previous = conn.execute(select(func.max(DocumentRow.version))
                            .where(DocumentRow.source_path == source_path)).scalar_one()
    version = (previous or 0) + 1
    conn.execute(update(DocumentRow).where(DocumentRow.source_path == source_path, DocumentRow.is_latest)
                 .values(is_latest=False))
    doc_row = {**prep.document, "source_path": source_path, "version": version, "is_latest": True,
               "sha256": sha256, "size_bytes": size, "format": fmt, "imported_at": datetime.now(UTC)}
    doc_id = conn.execute(insert(DocumentRow.__table__).returning(DocumentRow.id), doc_row).scalar_one()
    if conn.dialect.name == "postgresql":
        project_ids, indicator_ids = _reserve_ids(conn, (ProjectRow.__table__, prep.n_projects),
                                                  (IndicatorRow.__table__, prep.n_indicators))
        for table, (columns, rows) in prep.tables.items():
            _copy(conn, table, columns, _remap(table, columns, rows, doc_id, project_ids, indicator_ids))
    else:
        first_project, first_indicator = _first_free_ids(conn)
        for table, (columns, rows) in prep.tables.items():
            _insert_shifted(conn, table, columns, rows, doc_id, first_project, first_indicator)
    if os.environ.get(FAULT_ENV) == "kill-before-commit":
        os.kill(os.getpid(), signal.SIGKILL)
    return Saved("imported", doc_id, version)


def save_prepared(engine: Engine, prep: Prepared, *, source_path: str, sha256: str, size: int | None = None,
                  fmt: str = "text") -> Saved:
    """Store a prepared document as the next version of ``source_path``, atomically."""
    for attempt in range(_RETRIES):
        try:
            with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
                return _write(conn, prep, source_path=source_path, sha256=sha256, size=size, fmt=fmt)
        except IntegrityError:
            # Another writer stored a version of this path first; look again (it may be this very file).
            if attempt == _RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def save_document(engine: Engine, doc: Document, *, source_path: str, sha256: str, size: int | None = None,
                  fmt: str = "text", findings: Sequence[Finding] = ()) -> Saved:
    """Store ``doc`` (and its review findings) as the next version of ``source_path``, atomically."""
    return save_prepared(engine, prepare(doc, findings, dialect=engine.dialect.name), source_path=source_path,
                         sha256=sha256, size=size, fmt=fmt)
