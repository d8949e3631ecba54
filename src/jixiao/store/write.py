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

from sqlalchemy import Connection, Engine, insert, text, update
from sqlalchemy.exc import IntegrityError

from ..model import Document, Finding
from . import rows as R
from . import tokens as T
from .eval_rows import evaluation_tables
from .schema import DocumentRow, IndicatorRow, ProjectRow

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
    #: the same table from another file (same content, other bytes), not the same bytes
    same_content: bool = False


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


def _latest_version_and_free_ids(conn: Connection, source_path: str) -> tuple[int | None, int, int]:
    """SQLite: the path's latest version (None for a new path), and the first free project and
    indicator id; the ids after them are this document's. One statement for the three.

    This transaction holds the write lock (BEGIN IMMEDIATE), so none of them can move under us.
    """
    return conn.exec_driver_sql("SELECT (SELECT max(version) FROM documents WHERE source_path = ?), "
                                "(SELECT coalesce(max(id), 0) + 1 FROM projects), "
                                "(SELECT coalesce(max(id), 0) + 1 FROM indicators)", (source_path,)).one()


# Statements built once: building a select() per call cost 0.3 ms, and the check runs twice per file.
_UNCHANGED = text("SELECT id, version, source_path = :path AS same_path FROM documents "
                  "WHERE sha256 = :sha AND is_latest ORDER BY same_path DESC, id LIMIT 1")
_LATEST_VERSION = text("SELECT max(version) FROM documents WHERE source_path = :path")
_INSERT_DOCUMENT = insert(DocumentRow.__table__).returning(DocumentRow.id)


def _unchanged(conn: Connection, source_path: str, sha256: str) -> Saved | None:
    """The latest version of this path if it has these bytes, else the first latest document that has them."""
    hit = conn.execute(_UNCHANGED, {"path": source_path, "sha": sha256}).first()
    if hit is None:
        return None
    if hit.same_path:
        return Saved("unchanged", hit.id, hit.version)
    return Saved("duplicate", hit.id, hit.version, same_as=hit.id)


_SAME_CONTENT = text("SELECT id, version FROM documents WHERE content_sha256 = :c AND is_latest "
                     "AND source_path <> :path ORDER BY id LIMIT 1")


_HAS_DIGEST: set[str] = set()


def _has_content_digest(conn: Connection) -> bool:
    """Whether ``documents`` has ``content_sha256`` (schema 0006 on): a database the store opened does.
    Only a write into an older schema (the upgrade tests) finds none; a yes is remembered per database."""
    url = conn.engine.url.render_as_string()
    if url in _HAS_DIGEST:
        return True
    if conn.dialect.name == "sqlite":
        found = any(r[1] == "content_sha256" for r in conn.exec_driver_sql("PRAGMA table_info(documents)"))
    else:
        found = conn.exec_driver_sql("SELECT 1 FROM information_schema.columns WHERE table_name = 'documents' "
                                     "AND column_name = 'content_sha256'").first() is not None
    if found:
        _HAS_DIGEST.add(url)
    return found


def _same_content(conn: Connection, source_path: str, content: str | None) -> Saved | None:
    """The latest document from another file that holds the same table (the .txt of a .docx already
    stored): kept once, or every total would count it twice. Another version of the same path is
    a revision, and stored as one."""
    if content is None:
        return None
    hit = conn.execute(_SAME_CONTENT, {"c": content, "path": source_path}).first()
    return None if hit is None else Saved("duplicate", hit.id, hit.version, same_as=hit.id, same_content=True)


def find_unchanged(engine: Engine, source_path: str, sha256: str) -> Saved | None:
    """The stored document this file would duplicate, if any (checked again when saving)."""
    with engine.connect() as conn:
        return _unchanged(conn, source_path, sha256)


@dataclass
class Prepared:
    """A document as rows, ready to insert: plain data, cheap to send between processes.

    Built without a database (in a worker process, when importing in
    parallel) with *local* ids: project and indicator numbers within the
    document, and no document id at all. :func:`_write` puts in the ids the
    database hands out (on SQLite, the INSERT statements do).
    """

    document: dict
    #: table name → (columns, rows as tuples in that order), in insertion order; no document_id column;
    #: JSON columns already serialised; tables without rows left out. SQLite's index is the table
    #: ``search_fts`` (rowid, tokens); PostgreSQL's, ``search_entries.tsv``.
    tables: dict[str, tuple[tuple[str, ...], list[tuple]]]
    n_projects: int
    n_indicators: int
    counts: dict[str, int] = field(default_factory=dict)


_ENTRY_COLUMNS = ("id", "project_id", "indicator_id")
_INDICATOR_TIER = T.KIND_TIERS["indicator"]


def prepare(doc: Document, findings: Sequence[Finding] = (), *, dialect: str = "sqlite") -> Prepared:
    """``doc`` and its findings as rows with local ids (see :class:`Prepared`)."""
    first_indicator = []
    flat = 0
    for p in doc.projects:
        first_indicator.append(flat)
        flat += len(p.indicators)
    indicator_ids = [range(first, first + len(p.indicators)) for first, p in zip(first_indicator, doc.projects,
                                                                                  strict=True)]
    pg = dialect == "postgresql"
    entries = R.entry_rows(doc, range(len(doc.projects)), indicator_ids, T.entry_tsvector if pg else T.entry_fts5)
    tables = {
        "units": (R.UNIT_COLUMNS, R.unit_rows(doc)),
        "projects": (R.PROJECT_COLUMNS, R.project_rows(doc)),
        "indicators": (R.INDICATOR_COLUMNS, R.indicator_rows(doc)),
        "warnings": (R.WARNING_COLUMNS, R.warning_rows(doc)),
        "residue": (R.RESIDUE_COLUMNS, R.residue_rows(doc)),
        "findings": (R.FINDING_COLUMNS, R.finding_rows(findings, first_indicator)),
        **evaluation_tables(doc),  # a self-evaluation or monitoring form's own values (none for a target table)
    }
    if pg:
        tables["search_entries"] = ((*_ENTRY_COLUMNS, "tsv"), entries)
    else:
        tables["search_entries"] = (_ENTRY_COLUMNS, [e[:3] for e in entries])
        tables["search_fts"] = (("rowid", "tokens"), [(e[0], e[3]) for e in entries])
    from .content import content_digest

    return Prepared({**R.document_row(doc), "content_sha256": content_digest(doc)}, {t: v for t, v in tables.items() if v[1]}, len(doc.projects), flat,
                    {"projects": len(doc.projects), "indicators": flat, "warnings": len(doc.all_warnings()),
                     "findings": len(findings)})


def _remap(table: str, columns: Sequence[str], rows: list[tuple], doc_id: int, project_ids: list[int],
           indicator_ids: list[int]) -> list[tuple]:
    """PostgreSQL: the rows with the document's id in front and the database's ids in place of the local ones."""
    ids = {"projects": project_ids, "indicators": indicator_ids}.get(table)
    at = {c: k for k, c in enumerate(columns)}
    pid_at = at.get("project_id")
    iid_at = at.get("indicator_id")
    id_at = at.get("rowid", at.get("id"))
    out = []
    for r in rows:
        v = [doc_id, *r]
        if pid_at is not None and r[pid_at] is not None:
            v[pid_at + 1] = project_ids[r[pid_at]]
        if iid_at is not None and r[iid_at] is not None:
            v[iid_at + 1] = indicator_ids[r[iid_at]]
        if id_at is not None:
            if ids is not None:
                v[id_at + 1] = ids[r[id_at]]
            else:  # a search entry: tier << 40 | local id of its project or indicator
                eid = r[id_at]
                tier = eid >> T.TIER_SHIFT
                v[id_at + 1] = tier << T.TIER_SHIFT | (indicator_ids if tier == _INDICATOR_TIER else
                                                       project_ids)[eid & T.ID_MASK]
        out.append(tuple(v))
    return out


def _copy(conn: Connection, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    if not rows:
        return
    # COPY: several times faster than executemany for thousands of rows
    with conn.connection.driver_connection.cursor() as cur, \
            cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for v in rows:
            copy.write_row(v)


def _insert_shifted(conn: Connection, table: str, columns: Sequence[str], rows: list[tuple], doc_id: int,
                    first_project: int, first_indicator: int) -> None:
    """SQLite: insert the rows as prepared, SQLite itself adding the document id and turning
    document-local ids into the database's.

    Local ids count from 0, and this document's ids are consecutive from the first free one, so
    each id is the local one plus an offset: added in the statement, not row by row in Python.
    """
    shift = {"project_id": first_project, "indicator_id": first_indicator}
    if table in ("projects", "indicators"):
        shift["id"] = first_project if table == "projects" else first_indicator
    names = [] if table == "search_fts" else ["document_id"]  # the FTS5 table holds only rowid and tokens
    values = [] if table == "search_fts" else [str(doc_id)]
    for k, c in enumerate(columns, 1):
        names.append(c)
        if c in shift:
            values.append(f"?{k} + {shift[c]}")  # NULL + n stays NULL
        elif c in ("id", "rowid"):  # a search entry: tier << 40 | local id of its project or indicator
            values.append(f"?{k} + CASE ?{k} >> {T.TIER_SHIFT} WHEN {_INDICATOR_TIER} "
                          f"THEN {first_indicator} ELSE {first_project} END")
        else:
            values.append(f"?{k}")
    # executemany straight on the driver: SQLAlchemy's per-row bind processing doubled the import time
    conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(values)})", rows)


def _write(conn: Connection, prep: Prepared, *, source_path: str, sha256: str, size: int | None,
           fmt: str) -> Saved:
    if conn.dialect.name == "postgresql":
        # Writers of the same path or the same bytes queue here, so the check below sees the winner's row.
        first, second = sorted((source_path, sha256))  # the same order in every writer, and in one statement
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:a)), pg_advisory_xact_lock(hashtext(:b))"),
                     {"a": first, "b": second})
        if prep.document.get("content_sha256"):  # and writers of the same table from two files
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:c))"), {"c": prep.document["content_sha256"]})
    if (same := _unchanged(conn, source_path, sha256)) is not None:
        return same
    document = prep.document
    if not _has_content_digest(conn):
        document = {k: v for k, v in document.items() if k != "content_sha256"}
    if (same := _same_content(conn, source_path, document.get("content_sha256"))) is not None:
        return same
    pg = conn.dialect.name == "postgresql"
    if pg:
        previous = conn.execute(_LATEST_VERSION, {"path": source_path}).scalar_one()
    else:
        previous, first_project, first_indicator = _latest_version_and_free_ids(conn, source_path)
    version = (previous or 0) + 1
    if previous is not None:  # a new path has no older version to retire
        conn.execute(update(DocumentRow).where(DocumentRow.source_path == source_path, DocumentRow.is_latest)
                     .values(is_latest=False))
    doc_row = {**document, "source_path": source_path, "version": version, "is_latest": True,
               "sha256": sha256, "size_bytes": size, "format": fmt, "imported_at": datetime.now(UTC)}
    doc_id = conn.execute(_INSERT_DOCUMENT, doc_row).scalar_one()
    if pg:
        project_ids, indicator_ids = _reserve_ids(conn, (ProjectRow.__table__, prep.n_projects),
                                                  (IndicatorRow.__table__, prep.n_indicators))
        for table, (columns, rows) in prep.tables.items():
            _copy(conn, table, ("document_id", *columns),
                  _remap(table, columns, rows, doc_id, project_ids, indicator_ids))
    else:
        for table, (columns, rows) in prep.tables.items():
            _insert_shifted(conn, table, columns, rows, doc_id, first_project, first_indicator)
    # the indicator library is kept current in the same transaction: no document without its memberships
    from ..library.store import has_library, index_documents, sync_latest

    if has_library(conn):
        index_documents(conn, [doc_id])
        if previous is not None:
            sync_latest(conn, source_path)
    # so are the links between evaluations and target tables, and the findings made from them (R51)
    from ..link.store import link_document

    link_document(conn, doc_id)
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
