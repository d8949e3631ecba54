"""Scoring and review of evaluation tables: milliseconds per table, median of 5 runs.

    .venv/bin/python benchmarks/score_bench.py            # the 10 real tables + 200 synthetic ones
    .venv/bin/python benchmarks/score_bench.py --synth 50 # fewer synthetic tables

The tables are parsed once, before any timing (tests/data/selfeval: the ten real published
self-evaluation and monitoring tables; ``jixiao.synth_eval``: synthetic selfeval and monitor
tables, seed 20240601). Then each of ``score_document(doc, "national")`` and ``review(doc)``
is timed over every document with ``time.perf_counter`` around the whole pass, five times; the
table gives the median, in ms per table and tables per second. Small on purpose: the machine
is shared.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jixiao import parse  # noqa: E402
from jixiao.evaluate import load_profile, score_document  # noqa: E402
from jixiao.parse.document import parse_source  # noqa: E402
from jixiao.read.base import Source  # noqa: E402
from jixiao.review import review  # noqa: E402
from jixiao.synth_eval import EVAL_FORMS, generate_eval, grid_text  # noqa: E402


def _docs(n_synth: int) -> dict[str, list]:
    real = [parse(p) for p in sorted((ROOT / "tests/data/selfeval").glob("*.txt"))]
    rng = random.Random("20240601:bench")
    synth = []
    for k in range(n_synth):
        grid, _ = generate_eval(rng, EVAL_FORMS[k % 2])
        synth.append(parse_source(Source(text=grid_text(grid), name=f"synth{k}.txt")))
    return {"real (10)": real, f"synthetic ({n_synth})": synth}


def _median_ms(fn, docs: list, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for d in docs:
            fn(d)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000 / len(docs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--synth", type=int, default=200, help="synthetic tables (half selfeval, half monitor)")
    args = ap.parse_args()
    prof = load_profile("national")
    sets = _docs(args.synth)
    print(f"python {platform.python_version()} · {platform.machine()} · median of 5 runs")
    print(f"{'tables':<18} {'step':<16} {'ms/table':>9} {'tables/s':>9}")
    for name, docs in sets.items():
        for step, fn in (("score_document", lambda d: score_document(d, prof)), ("review", review)):
            ms = _median_ms(fn, docs)
            print(f"{name:<18} {step:<16} {ms:>9.3f} {1000 / ms:>9.0f}")


if __name__ == "__main__":
    main()
