"""The store under real processes: two importers at once, an importer killed mid-transaction,
migrations, and the command line from import to export."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from jixiao.parse.document import parse_source
from jixiao.read import read
from jixiao.store import open_store
from jixiao.store.db import open_engine, resolve_url
from jixiao.store.migrate import compare_options, head_revision
from jixiao.store.schema import metadata
from test_store import SAMPLES, table_counts

JIXIAO = [sys.executable, "-m", "jixiao"]


def run(*args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([*JIXIAO, *args], capture_output=True, env={**os.environ, **(env or {})}, timeout=300)
    if check:
        assert proc.returncode == 0, proc.stderr.decode()
    return proc


@pytest.fixture
def sample_dir(tmp_path) -> Path:
    d = tmp_path / "tables"
    d.mkdir()
    for s in SAMPLES:
        shutil.copy(s, d / s.name)
    return d


def test_two_imports_at_once_lose_and_duplicate_nothing(db_url, sample_dir, tmp_path):
    open_store(db_url).dispose()  # the schema exists before the race: the race is about documents
    more = tmp_path / "more"
    run("synth", str(more), "--size-mb", "0.3", "--seed", "7")
    procs = [subprocess.Popen([*JIXIAO, "import", str(sample_dir), str(more), "--db", db_url, "--format", "json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    results = [json.loads(p.communicate(timeout=300)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    n_files = len(SAMPLES) + len(list(more.iterdir()))
    statuses = [o["status"] for r in results for o in r["outcomes"]]
    outcomes = [(o["status"], o.get("reason")) for r in results for o in r["outcomes"]]
    assert statuses.count("imported") == n_files, outcomes  # each file stored by exactly one of them
    assert statuses.count("unchanged") == n_files, outcomes  # and seen as already there by the other
    engine = open_store(db_url)
    counts = table_counts(engine)
    assert counts["documents"] == n_files
    with engine.connect() as c:
        assert c.execute(text("SELECT count(DISTINCT sha256) FROM documents")).scalar_one() == n_files
    engine.dispose()


def test_a_process_killed_mid_import_leaves_the_database_as_it_was(db_url, sample_dir):
    files = sorted(sample_dir.iterdir())
    run("import", str(files[0]), "--db", db_url)
    engine = open_store(db_url)
    before = table_counts(engine)
    engine.dispose()
    proc = run("import", str(files[1]), "--db", db_url, env={"JIXIAO_FAULT": "kill-before-commit"}, check=False)
    assert proc.returncode == -signal.SIGKILL
    engine = open_store(db_url)
    assert table_counts(engine) == before
    engine.dispose()
    # and the file imports cleanly afterwards
    out = json.loads(run("import", str(files[1]), "--db", db_url, "--format", "json").stdout)
    assert out["outcomes"][0]["status"] == "imported"


def test_migrations_build_exactly_the_declared_schema(db_url):
    engine = open_engine(resolve_url(db_url))
    run("db", "upgrade", "--db", db_url)
    with engine.connect() as c:
        ctx = MigrationContext.configure(c, opts=compare_options(c.dialect.name))
        assert compare_metadata(ctx, metadata) == []
        assert ctx.get_current_revision() == head_revision()
    if engine.dialect.name == "sqlite":  # the FTS5 table is made by hand (see migration 0003)
        assert "columnsize=0" in _fts_index(engine)[0]
    engine.dispose()
    assert "already current" in run("db", "upgrade", "--db", db_url).stdout.decode()


def test_database_made_by_this_version_still_opens(tmp_path):
    """tests/data/db/jixiao-0001.db was made by the first schema; every later jixiao must read it
    (after `jixiao db upgrade`, if the schema moved on)."""
    db = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "data" / "db" / "jixiao-0001.db", db)
    run("db", "upgrade", "--db", str(db))
    engine = open_store(str(db), create=False)
    from jixiao.store.query import load_document

    with engine.connect() as c:
        doc = load_document(c, 1)
        ctx = MigrationContext.configure(c, opts=compare_options(c.dialect.name))
        assert compare_metadata(ctx, metadata) == []
    # what was stored comes back whole; only the parser's own bookkeeping of structure (syntax) and
    # the spans of a form's amounts (recorded since 2026-11-21, after this database was made) may
    # differ from what today's parser records
    newer = {"syntax": True, "projects": {"__all__": {"amounts": {"spans"}}}}
    assert doc.model_dump(exclude=newer) == parse_source(read(SAMPLES[3])).model_dump(exclude=newer)
    assert any(_searches(engine).values())
    engine.dispose()


def _searches(engine) -> dict:
    from jixiao.store.search import Filters, search

    with engine.connect() as c:
        return {(q, str(f)): [(h.kind, h.entry_id, h.highlights) for h in search(c, q, f, limit=500).hits]
                for q in ("率", "满意度", "网络安全", "≥95%", "天河区教育")
                for f in (Filters(), Filters(level1="满意度"), Filters(min_amount=1))}


def _fts_index(engine) -> tuple[str, list] | None:
    """SQLite: the FTS5 table's definition and every (token, entry, position) it holds."""
    if engine.dialect.name != "sqlite":
        return None
    with engine.connect() as c:
        sql = c.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'search_fts'").scalar_one()
        c.exec_driver_sql("CREATE VIRTUAL TABLE temp.fts_instance USING fts5vocab(main, search_fts, instance)")
        held = c.exec_driver_sql("SELECT term, doc, col, offset FROM temp.fts_instance ORDER BY doc, offset, term"
                                 ).fetchall()
        c.exec_driver_sql("DROP TABLE temp.fts_instance")
    return sql, held


def test_upgrade_from_0001_keeps_every_document_and_search_result(db_url):
    """0002 rebuilds PostgreSQL's search table (partitioned by tier) and drops two keys on both back ends;
    0003 rebuilds SQLite's FTS5 table without column sizes, from the stored documents."""
    from jixiao.store.migrate import upgrade
    from jixiao.store.write import save_document

    engine = open_engine(resolve_url(db_url))
    assert upgrade(engine, "0001") == (None, "0001")
    for k, s in enumerate(SAMPLES):
        save_document(engine, parse_source(read(s)), source_path=s.name, sha256=f"{k:064d}")
    counts, found, index = table_counts(engine), _searches(engine), _fts_index(engine)
    assert sum(len(hits) for hits in found.values()) > 0
    run("db", "upgrade", "--db", db_url)
    with engine.connect() as c:
        ctx = MigrationContext.configure(c, opts=compare_options(c.dialect.name))
        assert compare_metadata(ctx, metadata) == []
        assert ctx.get_current_revision() == head_revision()
    after = table_counts(engine)
    assert {t: after[t] for t in counts} == counts
    # 0004 built the indicator library from the stored documents: every named indicator is in it
    with engine.connect() as c:
        named = c.execute(text("SELECT count(*) FROM indicators WHERE name IS NOT NULL AND name != ''")).scalar_one()
    assert 0.95 * named <= after["library_members"] <= named and after["library_indicators"] > 0
    assert _searches(engine) == found
    if index is not None:
        sql, held = _fts_index(engine)
        assert "columnsize=0" in sql and "columnsize" not in index[0]
        assert held == index[1] and len(held) > 1000
        # and a document imported before the upgrade can still be deleted (its tokens removed exactly)
        from jixiao.store.delete import delete_document

        delete_document(engine, 1)
        with engine.connect() as c:
            c.exec_driver_sql("INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 0)")
    engine.dispose()


def test_a_foreign_database_is_refused(tmp_path):
    import sqlite3

    db = tmp_path / "other.db"
    sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.commit()
    proc = run("ls", "--db", str(db), check=False)
    assert proc.returncode == 2 and "不是 jixiao" in proc.stderr.decode()


def test_cli_from_import_to_export(db_url, tmp_path, sample_dir):
    db = db_url
    proc = run("import", str(sample_dir), "--db", db)
    assert "已导入" in proc.stdout.decode()
    assert json.loads(run("ls", "--db", db, "--format", "json").stdout)[0]["id"] == 1
    page = json.loads(run("search", "满意度", "--db", db, "--format", "json").stdout)
    assert page["total"] > 0 and page["hits"][0]["highlights"]
    assert "网络安全" in run("search", "网络安全", "--db", db).stdout.decode()
    shown = json.loads(run("show", "P1", "--db", db, "--format", "json").stdout)
    assert shown["indicators"] and shown["document"]["id"] == 1
    assert "项目" in run("show", "D1", "--db", db).stdout.decode()

    # CSV: BOM, Chinese header, one row per indicator
    raw = run("export", "--db", db, "--format", "csv").stdout
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["文档编号", "文件", "部门"]
    n_indicators = sum(len(parse_source(read(s)).indicators) if False else
                       sum(len(p.indicators) for p in parse_source(read(s)).projects) for s in SAMPLES)
    assert len(rows) - 1 == n_indicators

    # XLSX opens in openpyxl with the same rows
    from openpyxl import load_workbook

    xlsx = tmp_path / "out.xlsx"
    run("export", "满意度", "--db", db, "-o", str(xlsx))
    ws = load_workbook(xlsx, read_only=True).active
    got = list(ws.iter_rows(values_only=True))
    assert got[0][0] == "文档编号" and len(got) > 1
    assert all("满意度" in "".join(str(v) for v in r if v) for r in got[1:])

    # Parquet
    import pyarrow.parquet as pq

    pqt = tmp_path / "out.parquet"
    run("export", "--db", db, "-o", str(pqt), "--doc", "D2")
    table = pq.read_table(pqt)
    assert table.num_rows == sum(len(p.indicators) for p in parse_source(read(SAMPLES[1])).projects)
    assert set(table.column("document_id").to_pylist()) == {2}

    # JSON of documents is the canonical JSON the parser gives
    docs = json.loads(run("export", "--db", db, "--doc", "D4").stdout)
    assert docs == [parse_source(read(SAMPLES[3])).to_canonical()]

    # the import reviewed every document and stored the findings; review --db reads them back
    listed = json.loads(run("ls", "--db", db, "--format", "json").stdout)
    assert all(d["n_findings"] > 0 for d in listed)
    stored = json.loads(run("review", "--db", db, "--doc", "D5", "--format", "json").stdout)
    alone = json.loads(run("review", str(sample_dir / SAMPLES[4].name), "--format", "json").stdout)
    # the same review, and with the store's peers R44 too (a file alone has none)
    assert [f for f in stored if f["rule"] != "R44"] == alone and "R44" not in {f["rule"] for f in alone}
    assert {f["rule"] for f in stored} >= {"R25", "R44"}  # 004's completion rates under 数量
    rates = json.loads(run("search", "设备到位率", "--db", db, "--has-finding", "--format", "json").stdout)
    assert rates["total"] >= 2

    # re-import: nothing changes
    again = json.loads(run("import", str(sample_dir), "--db", db, "--format", "json").stdout)
    assert {o["status"] for o in again["outcomes"]} == {"unchanged"}


def test_cli_errors_are_one_line_with_exit_codes(tmp_path):
    db = str(tmp_path / "j.db")
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    proc = run("import", str(bad), str(tmp_path / "missing.txt"), "--db", db, "--format", "json", check=False)
    assert proc.returncode == 1
    outcomes = json.loads(proc.stdout)["outcomes"]
    assert [o["status"] for o in outcomes] == ["failed", "failed"] and all(o["reason"] for o in outcomes)
    for args, code in ((["search", "率", "--db", str(tmp_path / "empty.db")], 2),
                       (["show", "X1", "--db", db], 2),
                       (["show", "D99", "--db", db], 2),
                       (["export", "--db", db, "--format", "xlsx"], 2),
                       (["search", "率", "--db", "mysql://x"], 2),
                       (["search", "率", "--db", db, "--level1", "别的"], 2)):
        proc = run(*args, check=False)
        assert proc.returncode == code, (args, proc.stderr)
        assert b"Traceback" not in proc.stderr and len(proc.stderr.decode().strip().splitlines()) == 1


def test_a_pipelined_import_killed_mid_document_stores_it_whole_on_the_next_run(db_url, tmp_path):
    """8 files or more: parsing processes feed this one, which writes. Killed inside a document's
    transaction, the database is as before it (no half-written document), and the next run stores
    every file once."""
    folder = tmp_path / "many"
    run("synth", str(folder), "--size-mb", "0.25", "--seed", "11")
    files = sorted(folder.iterdir())
    assert len(files) >= 8, "too few files for the pipelined import"
    engine = open_store(db_url)
    before = table_counts(engine)
    engine.dispose()
    proc = run("import", str(folder), "--db", db_url, env={"JIXIAO_FAULT": "kill-before-commit"}, check=False)
    assert proc.returncode == -signal.SIGKILL
    engine = open_store(db_url)
    assert table_counts(engine) == before
    engine.dispose()
    out = json.loads(run("import", str(folder), "--db", db_url, "--format", "json").stdout)
    assert [o["status"] for o in out["outcomes"]] == ["imported"] * len(files)
    again = json.loads(run("import", str(folder), "--db", db_url, "--format", "json").stdout)
    assert {o["status"] for o in again["outcomes"]} == {"unchanged"}
    engine = open_store(db_url)
    assert table_counts(engine)["documents"] == before["documents"] + len(files)
    engine.dispose()
