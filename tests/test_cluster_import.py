"""The cluster import (jixiao.batch) on a real Dask LocalCluster of worker processes, on SQLite and PostgreSQL:
it stores what a single-process import stores, row for row; a worker killed (SIGKILL) mid-batch loses and
duplicates nothing; a stopped run resumes; failures are kept with their reasons and retried on request."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

pytest.importorskip("distributed", reason="the cluster extra (dask[distributed]) is not installed")

from distributed import Client, LocalCluster  # noqa: E402

from jixiao.batch.failures import failed_paths  # noqa: E402
from jixiao.batch.run import run_batch  # noqa: E402
from jixiao.batch.worker import FAULT_ENV, fault_marker  # noqa: E402
from jixiao.store import expand_paths, import_files, open_store  # noqa: E402
from jixiao.store.schema import metadata  # noqa: E402
from test_store import SAMPLES, table_counts  # noqa: E402

KILLED = "kill-me.txt"
DEADLY = "always-dies.txt"
#: columns whose values are the database's numbering or the clock, not the document
_NUMBERING = {"id", "document_id", "project_id", "indicator_id", "imported_at", "library_id", "rowid"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """Two worker processes, one thread each; the one handed ``kill-me.txt`` first is killed with SIGKILL, and
    every one handed ``always-dies.txt``. A task is given up after its second lost worker (Dask's default: 4th)."""
    import dask

    markers = tmp_path_factory.mktemp("fault")
    # inherited by the worker processes the nannies start
    os.environ[FAULT_ENV] = f"kill-once:{KILLED}:{markers};kill-always:{DEADLY}:{markers}"
    try:
        with dask.config.set({"distributed.scheduler.allowed-failures": 1}), LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as c:
            c.markers = markers
            yield c
    finally:
        del os.environ[FAULT_ENV]


def _retitled(sample: Path, mark: str) -> str:
    """The sample's text with ``mark`` after its title: another table to the store."""
    lines = sample.read_text(encoding="utf-8").split("\n")
    title = next(i for i, line in enumerate(lines) if line.strip())
    return "\n".join([*lines[:title], f"{lines[title]}{mark}", *lines[title + 1:]])


def _variants(folder: Path, copies: int) -> list[str]:
    """The samples, and ``copies`` - 1 more of each with another title (（第k版）): distinct documents, as
    the store keeps one of two files that hold the same table."""
    folder.mkdir()
    for s in SAMPLES:
        for k in range(copies):
            body = s.read_text(encoding="utf-8") if k == 0 else _retitled(s, f"（第{k}版）")
            (folder / f"{s.stem}_{k}.txt").write_text(body, encoding="utf-8")
    return sorted(str(p) for p in folder.iterdir())


def _rows_by_document(engine) -> dict[str, list]:
    """Every stored row of every document's tables, keyed by its file, without the database's numbering."""
    present = set(inspect(engine).get_table_names())
    out: dict[str, list] = {}
    with engine.connect() as c:
        paths = dict(c.execute(text("SELECT id, source_path FROM documents")).all())
        for t in metadata.sorted_tables:
            if t.name not in present or t.name.startswith("library_") or t.name == "import_failures":
                continue
            if t.name != "documents" and "document_id" not in t.c:  # accounts, links: not a document's rows
                continue
            keep = [col for col in t.columns if col.name not in _NUMBERING]
            owner = t.c.id if t.name == "documents" else t.c.document_id
            for r in c.execute(select(owner, *keep)):
                out.setdefault(paths[r[0]], []).append((t.name, *map(repr, r[1:])))
    return {p: sorted(rows) for p, rows in out.items()}


def test_cluster_import_stores_what_one_process_stores(client, db_url, tmp_path):
    """Row for row, on the same back end: a single-process `import_files` into one database, the cluster into another."""
    import contextlib

    from conftest import pg_database

    files = _variants(tmp_path / "tables", 2)
    with contextlib.ExitStack() as stack:
        other = f"sqlite:///{tmp_path / 'single.db'}" if db_url.startswith("sqlite") else \
            stack.enter_context(pg_database())
        single = open_store(other)
        assert {o.status for o in import_files(single, files)} == {"imported"}
        engine = open_store(db_url)
        outcomes = run_batch(engine, client, files)
        assert [o.path for o in outcomes] == files
        assert {o.status for o in outcomes} == {"imported"}
        assert _rows_by_document(engine) == _rows_by_document(single)
        assert table_counts(engine) == table_counts(single)
        if engine.dialect.name == "sqlite":  # the checkpoints the batch deferred were made at its end
            wal = Path(engine.url.database + "-wal")
            assert not wal.exists() or wal.stat().st_size == 0
        engine.dispose()
        single.dispose()


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(client, db_url, tmp_path):
    files = _variants(tmp_path / "tables", 2)
    victim = tmp_path / "tables" / KILLED
    victim.write_text(_retitled(SAMPLES[0], "（被杀）"), encoding="utf-8")
    files = sorted([*files, str(victim)])
    engine = open_store(db_url)
    outcomes = run_batch(engine, client, files)
    killed = fault_marker(str(client.markers), str(victim))
    assert killed.exists(), "the fault was not injected: no worker was killed"
    assert int(killed.read_text()) not in client.run(os.getpid).values()  # that worker is gone
    assert [o.status for o in outcomes] == ["imported"] * len(files), [(o.path, o.reason) for o in outcomes]
    with engine.connect() as c:
        stored = c.execute(text("SELECT source_path, count(*) FROM documents GROUP BY source_path")).all()
    assert sorted(p for p, _n in stored) == sorted(str(Path(f).resolve()) for f in files)
    assert {n for _p, n in stored} == {1}
    # and a second run finds every file there, parses nothing and stores nothing
    again = run_batch(engine, client, files)
    assert {o.status for o in again} == {"unchanged"}
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(metadata.tables["documents"])).scalar_one() == len(files)
    engine.dispose()


def test_failures_are_kept_with_reasons_and_retried(client, db_url, tmp_path):
    folder = tmp_path / "tables"
    folder.mkdir()
    good = folder / "good.txt"
    good.write_bytes(SAMPLES[1].read_bytes())
    bad = folder / "bad.txt"
    bad.write_text("这不是绩效目标表 not a table\n", encoding="utf-8")
    engine = open_store(db_url)
    outcomes = run_batch(engine, client, [str(good), str(bad)])
    assert [o.status for o in outcomes] == ["imported", "failed"]
    assert "no performance-target table" in outcomes[1].reason
    assert failed_paths(engine) == [(str(bad.resolve()), outcomes[1].reason)]
    # the file is fixed; --retry-failed tries it again, and it is forgotten once stored
    bad.write_bytes(SAMPLES[2].read_bytes())
    files, _missing = expand_paths([p for p, _r in failed_paths(engine)])
    retried = run_batch(engine, client, files)
    assert [o.status for o in retried] == ["imported"]
    assert failed_paths(engine) == []
    engine.dispose()


def test_a_file_that_kills_every_worker_is_a_failure_with_its_reason(client, tmp_path):
    folder = tmp_path / "tables"
    folder.mkdir()
    good = folder / "good.txt"
    good.write_bytes(SAMPLES[3].read_bytes())
    deadly = folder / DEADLY
    deadly.write_bytes(SAMPLES[4].read_bytes())
    engine = open_store(f"sqlite:///{tmp_path / 'j.db'}")
    outcomes = run_batch(engine, client, [str(good), str(deadly)])
    assert [o.status for o in outcomes] == ["imported", "failed"]
    assert "worker died each time" in outcomes[1].reason
    assert failed_paths(engine) == [(str(deadly.resolve()), outcomes[1].reason)]
    engine.dispose()


def test_the_command_runs_a_batch_on_a_running_cluster(client, tmp_path):
    """`jixiao import --cluster ADDRESS` against the module's scheduler, as against a remote one."""
    files = _variants(tmp_path / "tables", 1)
    db = tmp_path / "j.db"
    p = _jixiao(str(tmp_path / "tables"), "--cluster", client.scheduler.address, "--db", str(db), "--format", "json")
    out, errs = p.communicate(timeout=120)
    assert p.returncode == 0, errs.decode()
    assert [o["status"] for o in json.loads(out)["outcomes"]] == ["imported"] * len(files)


def test_the_workers_are_checked_before_the_batch(client):
    from jixiao.batch.connect import check_workers

    assert check_workers(client, 5) == 2


def test_a_scheduler_without_workers_is_a_one_line_error():
    from jixiao.batch.connect import check_workers
    from jixiao.errors import UsageError

    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as empty, Client(empty) as c, \
            pytest.raises(UsageError, match="no workers"):
        check_workers(c, 0.5)


def _jixiao(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "jixiao", "import", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kw)


def test_a_stopped_run_resumes_through_the_command(tmp_path):
    """Ctrl-C in the middle of `jixiao import --workers 1`, then the same command again: every file once."""
    files = _variants(tmp_path / "tables", 4)
    db = tmp_path / "j.db"
    engine = open_store(str(db))
    first = _jixiao(str(tmp_path / "tables"), "--workers", "1", "--db", str(db), "--format", "json")
    deadline = time.monotonic() + 60
    with engine.connect() as c:
        while time.monotonic() < deadline and first.poll() is None:
            if c.execute(text("SELECT count(*) FROM documents")).scalar_one() >= 2:
                break
            time.sleep(0.05)
            c.rollback()
    first.send_signal(signal.SIGINT)
    first.communicate(timeout=60)
    with engine.connect() as c:
        done = c.execute(text("SELECT count(*) FROM documents")).scalar_one()
    assert 2 <= done < len(files), "the run was not stopped half-way"
    second = _jixiao(str(tmp_path / "tables"), "--workers", "1", "--db", str(db), "--format", "json")
    out, errs = second.communicate(timeout=120)
    assert second.returncode == 0, errs.decode()
    statuses = Counter(o["status"] for o in json.loads(out)["outcomes"])
    assert statuses == {"unchanged": done, "imported": len(files) - done}
    with engine.connect() as c:
        assert c.execute(text("SELECT count(DISTINCT source_path), count(*) FROM documents")).one() == \
            (len(files), len(files))
    engine.dispose()


def test_cluster_options_are_checked(tmp_path):
    p = _jixiao(str(SAMPLES[0]), "--workers", "0", "--db", str(tmp_path / "j.db"))
    _out, errs = p.communicate(timeout=60)
    assert p.returncode == 2 and "--workers" in errs.decode()
    p = _jixiao(str(SAMPLES[0]), "--cluster", "tcp://127.0.0.1:9", "--db", str(tmp_path / "j.db"),
                env={**os.environ, "JIXIAO_CLUSTER_TIMEOUT": "2"})
    _out, errs = p.communicate(timeout=60)
    assert p.returncode == 2 and "cannot reach the Dask scheduler" in errs.decode(), errs.decode()


def test_retry_failed_reports_and_forgets_a_file_gone_since(client, db_url, tmp_path):
    """A remembered failure whose file was deleted or moved: reported once, with its old reason, and
    forgotten; the other remembered failures are retried as before."""
    from jixiao.batch.failures import record_failure

    folder = tmp_path / "tables"
    folder.mkdir()
    fixed = folder / "fixed.txt"
    fixed.write_bytes(SAMPLES[1].read_bytes())
    gone = folder / "gone.txt"
    engine = open_store(db_url)
    for f in (fixed, gone):
        record_failure(engine, key=str(f.resolve()), path=str(f), sha256=None, reason="旧原因 old reason")
    p = _jixiao("--retry-failed", "--cluster", client.scheduler.address, "--db", db_url, "--format", "json")
    out, errs = p.communicate(timeout=120)
    assert p.returncode == 1, errs.decode()  # one file of the retry list was not stored
    outcomes = {o["path"]: o for o in json.loads(out)["outcomes"]}
    assert outcomes[str(fixed.resolve())]["status"] == "imported"
    lost = outcomes[str(gone.resolve())]
    assert lost["status"] == "failed"
    assert lost["reason"].startswith("文件已不存在") and "gone since it failed" in lost["reason"]
    assert "旧原因 old reason" in lost["reason"]
    assert failed_paths(engine) == []
    # nothing left to retry: said so, and no error
    p = _jixiao("--retry-failed", "--cluster", client.scheduler.address, "--db", db_url, "--format", "json")
    out, errs = p.communicate(timeout=120)
    assert p.returncode == 0, errs.decode()
    assert "no failed files to retry" in errs.decode()
    assert json.loads(out)["outcomes"] == []
    engine.dispose()
