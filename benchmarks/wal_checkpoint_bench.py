"""The SQLite writer's cost per document with the default WAL checkpointing and with the batch
import's (checkpoints deferred to the end: jixiao.batch.run.BATCH_WAL_PAGES), interleaved runs.

    .venv/bin/python benchmarks/wal_checkpoint_bench.py [--runs 10] [--docs 60]

The documents are parsed, reviewed and prepared once; only ``save_prepared`` is timed, into a new
database each run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate_corpus  # noqa: E402

from jixiao.batch.run import BATCH_WAL_PAGES  # noqa: E402
from jixiao.parse.document import parse_source  # noqa: E402
from jixiao.read import text_source  # noqa: E402
from jixiao.review import load_config, review  # noqa: E402
from jixiao.store import open_store  # noqa: E402
from jixiao.store.write import prepare, save_prepared  # noqa: E402


def write_all(preps, wal_pages: int | None) -> float:
    """Seconds per document to store ``preps`` into a new database."""
    with tempfile.TemporaryDirectory() as d:
        engine = open_store(f"{d}/j.db")
        engine.dispose()
        if wal_pages:
            event.listen(engine, "connect", lambda c, _r: c.execute(f"PRAGMA wal_autocheckpoint={wal_pages}"))
        t0 = time.perf_counter()
        for k, p in enumerate(preps):
            save_prepared(engine, p, source_path=f"/bench/{k}", sha256=str(k), size=1)
        spent = time.perf_counter() - t0
        engine.dispose()
    return spent / len(preps)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--docs", type=int, default=60)
    args = ap.parse_args()
    cfg = load_config(None)
    docs = [parse_source(text_source(t)) for t, _e in generate_corpus(3, "wrapped", 30_000 * args.docs)][:args.docs]
    preps = [prepare(d, review(d, cfg)) for d in docs]
    runs: dict[str, list[float]] = {"default (1,000 pages)": [], f"batch ({BATCH_WAL_PAGES:,} pages)": []}
    for _ in range(args.runs):  # interleaved: a burst of load on a shared machine hits both alike
        for name, pages in zip(runs, (None, BATCH_WAL_PAGES), strict=True):
            runs[name].append(write_all(preps, pages))
    print(f"SQLite writer, {len(preps)} documents, median of {args.runs} interleaved runs")
    base = statistics.median(next(iter(runs.values())))
    for name, v in runs.items():
        m = statistics.median(v)
        print(f"  WAL checkpoint every {name:<24} {m * 1000:6.1f} ms/document  {m / base:5.2f}×")


if __name__ == "__main__":
    main()
