"""Store benchmark: import rate, search latency over ≥ 1,000,000 indicators, size per million indicators.

For each back end (SQLite, and PostgreSQL when reachable):

1. **Import** — ``jixiao import``'s own pipeline (read → parse → review →
   store, one transaction per file, ``--jobs`` worker processes) over
   synthetic tables written to disk, into a fresh database; median of
   ``--runs``. Baselines in the same run: parsing the same files in one
   process without storing them, and reading, parsing and reviewing them in
   ``--jobs`` processes without storing them (what the import could reach).
2. **Build** — a database of at least ``--indicators`` indicators (parsing in
   worker processes), kept in ``benchmarks/.cache`` for the next run.
3. **Search** — a fixed set of queries (one- and two-character ones, long
   ones, several terms, filters, no match), each run ``--repeat`` times after
   a warm-up; p50/p95 over all executions. Baseline in the same run: the
   same one-term queries as ``LIKE '%q%'`` over indicator names and values.

    python benchmarks/store_bench.py                       # both back ends, 1,000,000 indicators
    python benchmarks/store_bench.py --indicators 100000 --backends sqlite
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text

from jixiao.parse.document import parse_source
from jixiao.read import read, text_source
from jixiao.store import import_files, open_store
from jixiao.store.db import resolve_url
from jixiao.store.importer import make_reviewer
from jixiao.store.search import Filters, search
from jixiao.store.write import save_document
from jixiao.synth import LAYOUTS, iter_corpus

CACHE = Path(__file__).parent / ".cache"
PG_URL = os.environ.get("JIXIAO_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
console = Console(width=200)

QUERIES: list[tuple[str, Filters]] = [
    ("率", Filters()), ("数", Filters()), ("人", Filters()), ("%", Filters()),
    ("安全", Filters()), ("满意", Filters()), ("质量", Filters()), ("培训", Filters()),
    ("满意度", Filters()), ("网络安全", Filters()), ("设备正常运行率", Filters()), ("完成率", Filters()),
    ("信息化 运维", Filters()), ("服务 满意度 ≥95%", Filters()),
    ("率", Filters(level1="满意度")), ("安全", Filters(department="教育局")), ("质量", Filters(year=2024)),
    ("培训", Filters(min_amount=100, max_amount=1000)), ("率", Filters(level1="产出", level2="质量")),
    ("没有这样的词组合", Filters()), ("量子计算", Filters()),
]


def _parse_text(t: str):
    return parse_source(text_source(t))


def _texts(seed: int, target_bytes: int):
    per = target_bytes // len(LAYOUTS)
    for layout in LAYOUTS:
        for t, _ in iter_corpus(seed, layout, per):
            yield t


def fresh_url(backend: str, tag: str) -> str:
    if backend == "sqlite":
        path = Path(tempfile.gettempdir()) / f"jixiao-bench-{tag}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return str(path)
    name = f"jixiao_bench_{tag}"
    admin = create_engine(resolve_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_URL.rsplit("/", 1)[0] + "/" + name


def drop_fresh(backend: str, url: str) -> None:
    """Remove what :func:`fresh_url` made: the SQLite file and its journal, or the PostgreSQL database."""
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url + suffix).unlink(missing_ok=True)
        return
    admin = create_engine(resolve_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def pg_reachable() -> bool:
    try:
        e = create_engine(resolve_url(PG_URL), connect_args={"connect_timeout": 3})
        with e.connect() as c:
            c.execute(text("SELECT 1"))
        e.dispose()
        return True
    except Exception:
        return False


def _parse_review(path: str) -> int:
    doc = parse_source(read(Path(path)))
    make_reviewer(None)(doc)
    return len(doc.projects)


def bench_import(backend: str, files: list[str], n_projects: int, runs: int, jobs: int) -> dict:
    rates, parse_rates, pipeline_rates = [], [], []
    for k in range(runs):
        t0 = time.perf_counter()
        for f in files:
            parse_source(read(Path(f)))
        parse_rates.append(n_projects / (time.perf_counter() - t0))
        # The same worker processes reading, parsing and reviewing, nothing stored: what the import could reach.
        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            assert sum(pool.map(_parse_review, files, chunksize=4)) == n_projects
        pipeline_rates.append(n_projects / (time.perf_counter() - t0))
        engine = open_store(fresh_url(backend, f"import{k}"))
        t0 = time.perf_counter()
        outcomes = list(import_files(engine, files, jobs=jobs))
        rates.append(n_projects / (time.perf_counter() - t0))
        assert all(o.status == "imported" for o in outcomes), [o for o in outcomes if o.failed][:3]
        engine.dispose()
    return {"import": statistics.median(rates), "parse_only": statistics.median(parse_rates),
            "pipeline": statistics.median(pipeline_rates)}


def build(backend: str, indicators: int, seed: int, reuse: bool) -> tuple[str, int, float]:
    """A database of ≥ ``indicators`` indicators; (url, indicators, seconds spent building)."""
    tag = f"big_{seed}_{indicators}"
    marker = CACHE / f"{backend}-{tag}.done"
    if backend == "sqlite":
        url = str(CACHE / f"{tag}.db")
        if reuse and marker.exists() and Path(url).exists():
            return url, int(marker.read_text()), 0.0
        CACHE.mkdir(exist_ok=True)
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(url + suffix).unlink(missing_ok=True)
    else:
        url = PG_URL.rsplit("/", 1)[0] + "/jixiao_bench_" + tag
        if reuse and marker.exists():
            return url, int(marker.read_text()), 0.0
        if not (reuse and _pg_database_exists("jixiao_bench_" + tag)):
            url = fresh_url(backend, tag)
    engine = open_store(url)
    # Resumable: a build cut short goes on from the documents it already stored.
    with engine.connect() as c:
        k = c.execute(text("SELECT count(*) FROM documents")).scalar_one()
        n = c.execute(text("SELECT count(*) FROM indicators")).scalar_one()
    texts = itertools.islice(_texts(seed, 1 << 40), k, None)
    t0 = time.perf_counter()
    # Bounded batches: Pool.imap would read the endless generator ahead without limit.
    with Pool(max(1, (os.cpu_count() or 2))) as pool:
        while n < indicators:
            for doc in pool.map(_parse_text, list(itertools.islice(texts, 32))):
                save_document(engine, doc, source_path=f"synth/{k}", sha256=f"{seed}-{k}")
                n += sum(len(p.indicators) for p in doc.projects)
                k += 1
            console.print(f"  {backend}: {n:,} indicators", highlight=False)
    spent = time.perf_counter() - t0
    engine.dispose()
    CACHE.mkdir(exist_ok=True)
    marker.write_text(str(n))
    return url, n, spent


def _pg_database_exists(name: str) -> bool:
    e = create_engine(resolve_url(PG_URL))
    with e.connect() as c:
        found = c.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
    e.dispose()
    return found is not None


def db_size(backend: str, url: str) -> int:
    if backend == "sqlite":
        e = create_engine(resolve_url(url))
        with e.connect() as c:
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        e.dispose()
        return Path(url).stat().st_size
    e = create_engine(resolve_url(url))
    with e.connect() as c:
        size = c.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    e.dispose()
    return size


def analyze(url: str) -> None:
    """Planner statistics, as a database in use has them (autovacuum, or SQLite's ANALYZE)."""
    e = create_engine(resolve_url(url))
    with e.begin() as c:
        c.exec_driver_sql("ANALYZE")
    e.dispose()


def bench_search(url: str, repeat: int) -> dict:
    analyze(url)
    engine = open_store(url, create=False)
    times: list[float] = []
    per_query = []
    with engine.connect() as conn:
        for q, f in QUERIES:  # warm-up: first touch of each index page
            search(conn, q, f)
        for q, f in QUERIES:
            ts = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                page = search(conn, q, f)
                ts.append(time.perf_counter() - t0)
            times.extend(ts)
            per_query.append((q, f.describe(), page.total, page.total_exact, statistics.median(ts)))
        # Baseline: what the same one-term searches cost without the index — every indicator read
        # (LIKE finds the matches; counting them all is what a total and a ranking need).
        like = []
        for q, _f in QUERIES[:12]:
            t0 = time.perf_counter()
            conn.execute(text("SELECT count(*) FROM indicators WHERE name LIKE :p OR annual_value LIKE :p"),
                         {"p": f"%{q}%"}).scalar_one()
            like.append(time.perf_counter() - t0)
    engine.dispose()
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))],
            "max": times[-1], "like_p50": statistics.median(like), "per_query": per_query}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--indicators", type=int, default=1_000_000)
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--import-mb", type=float, default=4.0, help="size of the import-rate corpus")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=20, help="executions of each query")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--search-only", action="store_true", help="skip the import-rate runs")
    ap.add_argument("--import-only", action="store_true", help="skip building and searching the big database")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="import worker processes")
    ap.add_argument("--no-reuse", action="store_true", help="rebuild the big database even if cached")
    args = ap.parse_args()

    backends = args.backends.split(",")
    if "postgresql" in backends and not pg_reachable():
        console.print(f"[yellow]PostgreSQL unreachable at {PG_URL}: skipped[/]")
        backends.remove("postgresql")

    tmp = Path(tempfile.mkdtemp(prefix="jixiao-bench-"))
    files = []
    n_projects = 0
    for k, t in enumerate(_texts(args.seed + 1, int(args.import_mb * 1e6))):
        p = tmp / f"t{k:05d}.txt"
        p.write_text(t, encoding="utf-8")
        files.append(str(p))
        n_projects += len(parse_source(text_source(t)).projects)

    rows = []
    for backend in backends:
        if args.search_only:
            imp = {"import": float("nan"), "parse_only": float("nan"), "pipeline": float("nan")}
        else:
            console.print(f"[bold]{backend}[/]: import rate ({len(files)} files, {n_projects:,} projects, "
                          f"median of {args.runs}, {args.jobs} processes)…", highlight=False)
            imp = bench_import(backend, files, n_projects, args.runs, args.jobs)
        if args.import_only:
            nan = float("nan")
            rows.append((backend, imp, 0, 0.0, 0, {"p50": nan, "p95": nan, "max": nan, "like_p50": nan,
                                                    "per_query": []}))
            continue
        console.print(f"[bold]{backend}[/]: building ≥ {args.indicators:,} indicators…", highlight=False)
        url, n_ind, spent = build(backend, args.indicators, args.seed, not args.no_reuse)
        size = db_size(backend, url)
        console.print(f"[bold]{backend}[/]: searching…", highlight=False)
        s = bench_search(url, args.repeat)
        rows.append((backend, imp, n_ind, spent, size, s))
    shutil.rmtree(tmp, ignore_errors=True)

    t = Table(title="jixiao store benchmark", title_justify="left")
    for col in ("back end", "import projects/s", "parse only /s", "import÷parse",
                f"parse+review, {args.jobs} processes /s", "indicators",
                "MB per 1M indicators", "search p50 ms", "search p95 ms", "max ms", "full-scan LIKE p50 ms",
                "p50 speed-up vs LIKE"):
        t.add_column(col, justify="right")
    for backend, imp, n_ind, _spent, size, s in rows:
        t.add_row(backend, f"{imp['import']:,.0f}", f"{imp['parse_only']:,.0f}",
                  f"{imp['import'] / imp['parse_only']:.2f}", f"{imp['pipeline']:,.0f}", f"{n_ind:,}", f"{size / n_ind:,.0f}" if n_ind else "",
                  f"{s['p50'] * 1e3:.1f}", f"{s['p95'] * 1e3:.1f}", f"{s['max'] * 1e3:.1f}",
                  f"{s['like_p50'] * 1e3:.1f}", f"{s['like_p50'] / s['p50']:.0f}×")
    console.print(t)
    for backend, *_, s in rows:
        q = Table(title=f"{backend}: per query (median of {args.repeat})", title_justify="left")
        for col in ("query", "filters", "matches", "ms"):
            q.add_column(col)
        for query, filters, total, exact, ms in s["per_query"]:
            q.add_row(query, str(filters or ""), f"{total}{'' if exact else '+'}", f"{ms * 1e3:.1f}")
        console.print(q)


if __name__ == "__main__":
    sys.exit(main())
