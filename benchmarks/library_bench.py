"""The indicator library on a stored corpus: building it, and its queries' latency.

    .venv/bin/jixiao synth /tmp/synth1m --size-mb 176          # ~990,000 indicators
    .venv/bin/jixiao import /tmp/synth1m --db /tmp/lib1m.db --no-review --jobs 2
    .venv/bin/python benchmarks/library_bench.py --db /tmp/lib1m.db

or, built once into ``benchmarks/.cache`` (gitignored; 1,004,518 indicators)
and reused on later runs::

    .venv/bin/python benchmarks/library_bench.py --build --no-rebuild

Issue 14's comparisons are timed after the library's own queries: unit
costs, suggestions, a project's history and the department league, each
first cold (the per-process table or index it builds once per state of the
store) and then warm (p50/p95 of queries on random projects).

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
import subprocess
import sys
import time
from pathlib import Path

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


CACHE = Path(__file__).parent / ".cache"
BIN = Path(sys.executable).parent


def build_cache() -> str:
    """benchmarks/.cache/library1m.db: 178 MB of synthetic tables (1,004,518 indicators), imported once."""
    db = CACHE / "library1m.db"
    done = CACHE / "library1m.done"
    if db.exists() and done.exists():
        return str(db)
    src = CACHE / "synth1m"
    t = time.perf_counter()
    if not src.exists():
        subprocess.run([str(BIN / "jixiao"), "synth", str(src), "--size-mb", "178"], check=True)
    db.unlink(missing_ok=True)
    subprocess.run([str(BIN / "jixiao"), "import", str(src), "--db", str(db), "--no-review", "--jobs", "2"],
                   check=True, stdout=subprocess.DEVNULL)
    done.write_text(f"{time.perf_counter() - t:.0f} s\n")
    print(f"built {db} in {time.perf_counter() - t:.0f} s")
    return str(db)


def cold(label: str, fn) -> None:
    t = time.perf_counter()
    fn()
    print(f"{label:34s} cold {(time.perf_counter() - t) * 1000:9.1f} ms")


def issue14(c, pids: list[int], runs: int, rng: random.Random) -> None:
    """Unit costs, suggestions, history and the league: cold once, then warm p50/p95."""
    from jixiao.library import league as LG
    from jixiao.library import suggest as SG
    from jixiao.library import unit_costs as UC
    from jixiao.library.history import history
    from jixiao.library.league import league
    from jixiao.library.suggest import suggest, suggest_for_project
    from jixiao.library.unit_costs import list_unit_costs, project_unit_cost, store_unit_costs

    cold("unit costs of the store", lambda: store_unit_costs(c))
    uc = store_unit_costs(c)
    print(f"  {len(uc.by_project):,} projects with a unit cost, {len(uc.by_indicator):,} indicator/unit groups")
    with_cost = list(uc.by_project) or pids
    timed("a project's unit cost (warm)", lambda: project_unit_cost(c, rng.choice(with_cost)), runs)
    timed("unit-cost outliers, first 200", lambda: list_unit_costs(c, outliers_only=True), max(3, runs // 4))
    cold("suggest index", lambda: SG._index(c))
    words = ["教师培训", "信息化 运维", "校舍安全改造", "物业管理服务", "乡村振兴 道路", "网络安全 等级保护",
             "设备购置", "档案数字化"]
    timed("suggest (text)", lambda: suggest(c, rng.choice(words)), runs)
    timed("suggest (a stored project)", lambda: suggest_for_project(c, rng.choice(pids)), runs)
    timed("a project's history (read only)", lambda: history(c, rng.choice(pids), save=False), runs)
    cold("league table", lambda: league(c))
    timed("league (warm, sorted)", lambda: league(c, sort=rng.choice(LG.SORTS)), runs)
    UC._CACHE.clear()
    SG._CACHE.clear()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db")
    ap.add_argument("--build", action="store_true", help="use (and build once) benchmarks/.cache/library1m.db")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--no-rebuild", action="store_true")
    ap.add_argument("--only-issue14", action="store_true", help="skip the library's own queries")
    args = ap.parse_args()
    if args.build:
        args.db = build_cache()
    if not args.db:
        ap.error("--db or --build")
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
        n = c.exec_driver_sql("SELECT count(*) FROM indicators").scalar_one()
        print(f"{n:,} indicators")
        if not args.only_issue14:
            top = list_library(c, limit=1)["items"][0]["id"]
            timed("list (first 50, by projects)", lambda: list_library(c), max(3, args.runs // 4))
            timed("search 满意度", lambda: list_library(c, query="满意度"), max(3, args.runs // 4))
            timed("one indicator (the largest)", lambda: library_entry(c, top), max(3, args.runs // 4))
            timed("a project's peer benchmarks", lambda: project_benchmarks(c, rng.choice(pids)), args.runs)
        issue14(c, pids, args.runs, rng)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of the process {rss:,.0f} MB")
    engine.dispose()


if __name__ == "__main__":
    main()
