"""The indicator library on a stored corpus: building it, and its queries' latency.

    .venv/bin/jixiao synth /tmp/synth1m --size-mb 176          # ~990,000 indicators
    .venv/bin/jixiao import /tmp/synth1m --db /tmp/lib1m.db --no-review --jobs 2
    .venv/bin/python benchmarks/library_bench.py --db /tmp/lib1m.db

Prints the rebuild's time and the process's peak memory, then p50/p95 of the
library listing, a search, one canonical indicator's page data and a
project's peer benchmarks (random projects). Timings are not pass/fail.
Synthetic tables draw their names from short word lists, so they make few,
very large canonical indicators (65 at a million indicators): the worst case
for the listing and for one indicator's page, which read every member.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time

from jixiao.library.query import library_entry, list_library, project_benchmarks
from jixiao.library.store import rebuild
from jixiao.store import open_store


def timed(label: str, fn, runs: int) -> None:
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    ts.sort()
    p95 = ts[min(len(ts) - 1, int(round(0.95 * (len(ts) - 1))))]
    print(f"{label:34s} p50 {statistics.median(ts) * 1000:9.1f} ms   p95 {p95 * 1000:9.1f} ms   ({runs} runs)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--no-rebuild", action="store_true")
    args = ap.parse_args()
    engine = open_store(args.db, create=False)
    if not args.no_rebuild:
        t = time.perf_counter()
        with engine.begin() as c:
            n = rebuild(c)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"rebuild: {n:,} indicators in {time.perf_counter() - t:.1f} s, peak memory {rss:,.0f} MB")
    rng = random.Random(14)
    with engine.connect() as c:
        groups = c.exec_driver_sql("SELECT count(*) FROM library_indicators").scalar_one()
        pids = [r[0] for r in c.exec_driver_sql("SELECT id FROM projects")]
        print(f"{groups:,} canonical indicators, {len(pids):,} projects")
        top = list_library(c, limit=1)["items"][0]["id"]
        timed("list (first 50, by projects)", lambda: list_library(c), max(3, args.runs // 4))
        timed("search 满意度", lambda: list_library(c, query="满意度"), max(3, args.runs // 4))
        timed("one indicator (the largest)", lambda: library_entry(c, top), max(3, args.runs // 4))
        timed("a project's peer benchmarks", lambda: project_benchmarks(c, rng.choice(pids)), args.runs)
    engine.dispose()


if __name__ == "__main__":
    main()
