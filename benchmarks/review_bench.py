"""Review throughput: indicators reviewed per second on a synthetic corpus.

    .venv/bin/python benchmarks/review_bench.py                      # 1,000,000 indicators, median of 5
    .venv/bin/python benchmarks/review_bench.py --indicators 100000  # smaller
    .venv/bin/python benchmarks/review_bench.py --quick              # 20,000 indicators, one run

The corpus comes from ``benchmarks/corpus.py`` (fixed seed; half line-wrapped,
half tab-separated tables of 10–40 projects with 3–9 indicators each). It is
generated and parsed once, before any timing; the parsed documents are moved
out of the garbage collector's reach (``gc.freeze``). Then only
``jixiao.review.review(doc)`` is timed, over every document, with
``time.perf_counter`` around the whole pass, on one pinned core.

Three cases:

* **first pass** — caches emptied once, then one pass over the corpus with a
  fresh configuration: exactly what one ``jixiao review`` of the whole corpus
  does (the caches fill as it goes).
* **warm** — the memo caches of text facts (categories, names, values, each
  rule's word matches) already full from the passes before, as in a
  long-running server reviewing similar tables.
* **cold** — those caches emptied before every document (a fresh
  configuration per document), so each document pays for its own texts: the
  cost of a review of one table in a fresh process, minus the imports.

The corpus generator draws names and values from small word lists, so in the
warm case almost every text is a cache hit; real tables repeat much less
across departments, which the cold case bounds from the other side.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path

from corpus import LAYOUTS, iter_corpus
from parse_bench import pin_one_core

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from jixiao.model import Document  # noqa: E402
from jixiao.parse.document import parse_source  # noqa: E402
from jixiao.read import text_source  # noqa: E402
from jixiao.review import ReviewConfig, review  # noqa: E402
from jixiao.review import engine as _engine  # noqa: E402
from jixiao.review import text as _text  # noqa: E402


def corpus(n_indicators: int, seed: int) -> list[Document]:
    """Parsed documents holding at least ``n_indicators`` indicators, the layouts alternating."""
    docs: list[Document] = []
    gens = [iter_corpus(seed, layout, 10**12) for layout in LAYOUTS]
    total, k = 0, 0
    while total < n_indicators:
        text, _ = next(gens[k % 2])
        k += 1
        doc = parse_source(text_source(text, name=f"synthetic-{k:06d}.txt"))
        total += sum(len(p.indicators) for p in doc.projects)
        docs.append(doc)
    return docs


def _commit() -> str:
    """The commit of the checkout whose jixiao is measured (a baseline is measured from another one)."""
    try:
        out = subprocess.run(["git", "-C", str(Path(_engine.__file__).parent), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown (not a git checkout)"


def clear_caches() -> None:
    _engine._VALUES.clear()
    _text.category.clear()
    _text.name_facts.clear()


def run_warm(docs: list[Document], cfg: ReviewConfig) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = 0
    for d in docs:
        n += len(review(d, cfg))
    return time.perf_counter() - t0, n


def run_first_pass(docs: list[Document]) -> tuple[float, int]:
    """Caches emptied once, then one pass over the corpus: what one ``jixiao review`` of it does."""
    clear_caches()
    return run_warm(docs, ReviewConfig())


def run_cold(docs: list[Document]) -> tuple[float, int]:
    elapsed, n = 0.0, 0
    for d in docs:
        clear_caches()
        cfg = ReviewConfig()  # fresh prepared settings: every rule's word-match memo empty
        t0 = time.perf_counter()
        n += len(review(d, cfg))
        elapsed += time.perf_counter() - t0
    return elapsed, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--indicators", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="20,000 indicators, one run each")
    a = ap.parse_args()
    if a.quick:
        a.indicators, a.runs, a.cold_runs = 20_000, 1, 1
    where = pin_one_core()
    t0 = time.perf_counter()
    docs = corpus(a.indicators, a.seed)
    n_ind = sum(len(p.indicators) for d in docs for p in d.projects)
    n_proj = sum(len(d.projects) for d in docs)
    parse_s = time.perf_counter() - t0
    gc.collect()
    gc.freeze()
    cfg = ReviewConfig()
    review(docs[0], cfg)  # warm-up: imports, compiled settings
    print(f"jixiao review benchmark — {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()}, {where}")
    print(f"reviewing with {Path(_engine.__file__).parents[1]} (commit {_commit()}); "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"corpus: {len(docs):,} documents, {n_proj:,} projects, {n_ind:,} indicators "
          f"(seed {a.seed}; generated and parsed in {parse_s:.1f} s, not timed)")
    rows = []
    for name, fn, runs in (("first pass (caches emptied once)", lambda: run_first_pass(docs), a.runs),
                           ("warm caches", lambda: run_warm(docs, cfg), a.runs),
                           ("cold caches (emptied per document)", lambda: run_cold(docs), a.cold_runs)):
        times, found = [], 0
        for _ in range(runs):
            s, found = fn()
            times.append(s)
        med = statistics.median(times)
        rows.append((name, runs, found, med, min(times), max(times), n_ind / med))
    print()
    calib = timeit.repeat("sum(range(1000))", number=2000, repeat=5)
    print(f"calibration: sum(range(1000)) takes {min(calib) / 2000 * 1e6:.1f} µs on this core "
          f"(an idle modern x86 core: about 8–10 µs); load average now {os.getloadavg()[0]:.2f}")
    print("| case | runs | findings | median s | min–max s | indicators/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, runs, found, med, lo, hi, rate in rows:
        print(f"| {name} | {runs} | {found:,} | {med:.3f} | {lo:.3f}–{hi:.3f} | {rate:,.0f} |")


if __name__ == "__main__":
    main()
