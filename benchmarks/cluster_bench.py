"""Scaling of the cluster import (issue 17): documents/s with 1 and 2 local workers, and a model of N.

    .venv/bin/python benchmarks/cluster_bench.py                       # measures OCR once (~1 min)
    .venv/bin/python benchmarks/cluster_bench.py --ocr-s-per-page 5.7  # reuse an OCR figure

1. Per-stage cost per document, one process, median of ``--runs``: read (decode), parse, review,
   prepare (rows and search texts), and the writer (``save_prepared``) on SQLite and, when it is
   reachable, PostgreSQL ($JIXIAO_TEST_PG).
2. ``run_batch`` on a LocalCluster of 1 and of 2 worker processes into a new SQLite database:
   documents/s from the first task to the last write (the cluster's start-up not counted).
3. The model: a worker spends w = read + parse + review + prepare per document (plus the transfer,
   taken from the 1-worker run: what it measured beyond w); the driver spends d = write per
   document, one document at a time. N workers give min(N / w, 1 / d) documents/s: the single
   writer is where it stops scaling, at N* = w / d.
4. A national batch of 1,000,000 pages in core-hours: text-layer pages at the PDF reader's
   measured s/page (pdfium + the table builder + parse) plus review and prepare per page; scanned
   pages at the measured OCR s/page; the writer's hours (one core, not parallel) beside them.

The machine has 2 cores shared with other work: absolute figures are pessimistic; the 2-worker run
cannot show more than 2 cores' worth, and the driver shares those cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import LAYOUTS, generate_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "formats"


def _median(fn, runs: int) -> float:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def stage_costs(files: list[str], runs: int, pg_url: str | None) -> dict[str, float]:
    """Seconds per document of each stage, one process."""
    from jixiao.parse.document import parse_source
    from jixiao.read import read
    from jixiao.review import load_config, review
    from jixiao.store import open_store
    from jixiao.store.write import prepare, save_prepared

    cfg = load_config(None)
    n = len(files)
    sources = [read(Path(f)) for f in files]
    docs = [parse_source(s) for s in sources]
    findings = [review(d, cfg) for d in docs]
    cost = {
        "read": _median(lambda: [read(Path(f)) for f in files], runs) / n,
        "parse": _median(lambda: [parse_source(s) for s in sources], runs) / n,
        "review": _median(lambda: [review(d, cfg) for d in docs], runs) / n,
        "prepare": _median(lambda: [prepare(d, f) for d, f in zip(docs, findings, strict=True)], runs) / n,
    }
    lite = [prepare(d, f) for d, f in zip(docs, findings, strict=True)]

    def write(url: str, preps) -> float:
        engine = open_store(url)
        t0 = time.perf_counter()
        for k, p in enumerate(preps):
            save_prepared(engine, p, source_path=f"/bench/{k}", sha256=f"{time.monotonic_ns()}{k}", size=1)
        spent = time.perf_counter() - t0
        engine.dispose()
        return spent / len(preps)

    with tempfile.TemporaryDirectory() as d:
        cost["write_sqlite"] = statistics.median(write(f"sqlite:///{d}/w{k}.db", lite) for k in range(runs))
    if pg_url:
        pgp = [prepare(d, f, dialect="postgresql") for d, f in zip(docs, findings, strict=True)]
        cost["write_postgresql"] = statistics.median(write(pg_url, pgp) for _ in range(runs))
    return cost


def cluster_rate(files: list[str], workers: int) -> dict[str, float]:
    """run_batch on a fresh LocalCluster of ``workers`` processes into a new SQLite file: documents/s, and per
    document the workers' own time (as they report it) and the driver's time storing (timed here)."""
    from distributed import Client, LocalCluster

    import jixiao.batch.run as run
    from jixiao.batch.worker import process_file
    from jixiao.store import open_store

    worker_s, driver_s = [], []
    store = run._outcome

    def timed(engine, res, stored):
        t0 = time.perf_counter()
        try:
            return store(engine, res, stored)
        finally:
            driver_s.append(time.perf_counter() - t0)
            worker_s.append(res.seconds)

    with tempfile.TemporaryDirectory() as d, \
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cl, \
            Client(cl) as client:
        client.run(process_file, files[0], "sqlite", True, None)  # imports and caches are start-up, not throughput
        engine = open_store(f"sqlite:///{d}/c.db")
        run._outcome = timed
        try:
            t0 = time.perf_counter()
            out = run.run_batch(engine, client, files)
            spent = time.perf_counter() - t0
        finally:
            run._outcome = store
        engine.dispose()
    assert all(o.status == "imported" for o in out), [o.reason for o in out if o.failed][:3]
    return {"rate": len(files) / spent, "worker_s": statistics.mean(worker_s), "driver_s": statistics.mean(driver_s)}


def pdf_s_per_page() -> tuple[float, float] | None:
    """(s/page of jixiao.parse on ../shared/formats/pdf, pages per document), best of 3."""
    import pypdfium2

    import jixiao

    files = sorted((SHARED / "pdf").glob("*.pdf"))
    if not files:
        return None
    pages = sum(len(pypdfium2.PdfDocument(f)) for f in files)
    best = min(_median(lambda: [jixiao.parse(f) for f in files], 1) for _ in range(3))
    return best / pages, pages / len(files)


def ocr_s_per_page() -> float | None:
    import pypdfium2

    import jixiao
    from jixiao.read.scan import ocr_available

    files = sorted((SHARED / "scan").glob("003_*.pdf"))
    if not files or not ocr_available():
        return None
    t0 = time.perf_counter()
    jixiao.parse(files[0])
    return (time.perf_counter() - t0) / len(pypdfium2.PdfDocument(files[0]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=60, help="documents in the batch (synthetic, 10-60 KB each)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--ocr-s-per-page", type=float, help="skip measuring OCR; use this figure")
    args = ap.parse_args()
    from conftest_pg import pg_url

    texts = [t for layout in LAYOUTS for t, _e in generate_corpus(23, layout, 60_000 * args.docs)][:args.docs]
    with tempfile.TemporaryDirectory() as d, pg_url() as pg:
        files = []
        for k, t in enumerate(texts):
            p = Path(d) / f"{k:04d}.txt"
            p.write_text(t, encoding="utf-8")
            files.append(str(p))
        kb = sum(len(t.encode()) for t in texts) / len(texts) / 1024
        cost = stage_costs(files, args.runs, pg)
        runs = {n: [cluster_rate(files, n) for _ in range(args.runs)] for n in (1, 2)}
        rates = {n: statistics.median(r["rate"] for r in v) for n, v in runs.items()}
        t_w = statistics.median(r["worker_s"] for r in runs[1])  # a worker's own time per document
        t_d = statistics.median(r["driver_s"] for v in runs.values() for r in v)  # the driver's, storing it
    pdf = pdf_s_per_page()
    ocr = args.ocr_s_per_page if args.ocr_s_per_page is not None else ocr_s_per_page()

    w = cost["read"] + cost["parse"] + cost["review"] + cost["prepare"]
    d_lite = cost["write_sqlite"]
    print(f"\ncluster import, {len(files)} synthetic documents of {kb:.0f} KB on average; "
          f"{os.cpu_count()} CPUs shared with other work; median of {args.runs} runs\n")
    print("per-document cost, one process (ms):")
    for k, v in cost.items():
        print(f"  {k:<18} {v * 1000:8.1f}")
    print(f"  worker total w    {w * 1000:8.1f}   (read + parse + review + prepare)")
    print(f"  on a cluster worker {t_w * 1000:6.1f}   (hash + the same stages, as the worker timed itself; 1-worker run)")
    print(f"  driver storing    {t_d * 1000:8.1f}   (result in hand → committed, SQLite; both runs)")
    print("\nmeasured documents/s (SQLite, the driver writing):")
    for n, r in rates.items():
        print(f"  {n} worker{'s' if n > 1 else ' '}         {r:8.1f}")
    print(f"  2 / 1 workers     {rates[2] / rates[1]:8.2f}×")
    print("\nmodel: rate(N) = min(N / t_worker, 1 / t_driver) documents/s, a core per worker and one for the driver;")
    print("t_worker as measured on the cluster; t_driver = the driver's measured storing time (SQLite), or")
    print("that plus PostgreSQL's extra write cost over SQLite's (one process, above)")
    for name, d in (("SQLite", t_d), ("PostgreSQL", cost.get("write_postgresql") and
                                      t_d + cost["write_postgresql"] - d_lite)):
        if d is None:
            print(f"  {name}: not reachable, not modelled")
            continue
        n_star = t_w / d
        shown = ", ".join(f"N={n}: {min(n / t_w, 1 / d):.0f}" for n in (1, 2, 4, 8, 16, 32, 64))
        print(f"  {name:<10} writer {1 / d:6.0f} docs/s; stops scaling at N* = {n_star:.0f} workers; {shown}")
    if pdf:
        extra = t_w - w  # what a cluster worker adds to the stages (hashing, the task's own overhead)
        for kind, s_page in (("text-layer PDF", pdf[0]), ("scanned PDF", ocr)):
            if s_page is None:
                continue
            tw = pdf[1] * s_page + cost["review"] + cost["prepare"] + extra
            print(f"  {kind} documents ({pdf[1]:.1f} pages): t_worker {tw:.2f} s; the SQLite writer stops scaling at "
                  f"N* = {tw / t_d:,.0f} workers" + (f", PostgreSQL's at N* = {tw / (t_d + cost['write_postgresql'] - d_lite):,.0f}"
                                                     if "write_postgresql" in cost else ""))
    print("\n1,000,000 pages (core-hours; the writer's hours are one core's, serial):")
    if pdf:
        s_page, pages_per_doc = pdf
        per_page = s_page + (cost["review"] + cost["prepare"]) / pages_per_doc
        print(f"  text layer  {per_page * 1e6 / 3600:8.1f} core-h  ({s_page * 1000:.0f} ms/page read+parse, "
              f"+ review and prepare at {pages_per_doc:.1f} pages/document)")
    else:
        print("  text layer  — (../shared/formats/pdf missing)")
    if ocr:
        print(f"  scans       {ocr * 1e6 / 3600:8.1f} core-h  ({ocr:.2f} s/page, OCR ≈ all of it)")
    else:
        print("  scans       — (no scan or no OCR engine)")
    if pdf:
        docs = 1e6 / pdf[1]
        for name, d in (("SQLite", d_lite), ("PostgreSQL", cost.get("write_postgresql"))):
            if d is not None:
                print(f"  writer ({name}) {docs * d / 3600:6.1f} h for {docs:,.0f} documents")


if __name__ == "__main__":
    main()
