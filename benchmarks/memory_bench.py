"""Peak memory of parsing one large table, and what the parsed document holds, per indicator (issue 17).

    .venv/bin/python benchmarks/memory_bench.py --runs 3                       # this tree
    .venv/bin/python benchmarks/memory_bench.py --runs 3 --before /tmp/base/src  # and another, interleaved

Each figure is measured in a fresh process, as ``stages_bench.py``'s memory row: VmHWM after reading
the table only, and after reading and parsing it (median of the runs), with the parse's time. Then,
in this process, the parsed document's objects are sized (``sys.getsizeof``, each object once) by
kind: the bytes per indicator that are left to cut.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import big_document  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
_CHILD = r"""
import sys, json, time, importlib
from pathlib import Path
from jixiao.read import read
parse_source = importlib.import_module("jixiao.parse.document").parse_source
src = read(Path(sys.argv[1]))
spent = 0.0
if sys.argv[2] == "parse":
    t0 = time.perf_counter()
    parse_source(src)
    spent = time.perf_counter() - t0
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps([int(hwm.split()[1]) * 1024, spent]))
"""


def peaks(path: Path, trees: dict[str, str], runs: int) -> None:
    size = path.stat().st_size
    got: dict[str, dict[str, list[float]]] = {t: {"read": [], "parse": [], "s": []} for t in trees}
    for _ in range(runs):
        for name, src in trees.items():
            env = dict(os.environ, PYTHONPATH=src)
            for mode in ("read", "parse"):
                out = subprocess.run([sys.executable, "-c", _CHILD, str(path), mode], env=env, capture_output=True,
                                     text=True, check=True).stdout
                hwm, spent = json.loads(out)
                got[name][mode].append(hwm)
                if mode == "parse":
                    got[name]["s"].append(spent)
    for name, g in got.items():
        rd, pa, s = (statistics.median(g[k]) for k in ("read", "parse", "s"))
        print(f"{name}: read only {rd / 2**20:.0f} MiB; read+parse peak {pa / 2**20:.0f} MiB = {pa / size:.1f}× input; "
              f"the parse adds {(pa - rd) / size:.1f}× input; parse {s:.2f} s = {size / 1e6 / s:.2f} MB/s")


def breakdown(path: Path) -> None:
    """Bytes the parsed document holds, by model and field kind, per indicator."""
    from pydantic import BaseModel

    from jixiao.parse.document import parse_source
    from jixiao.read import read

    doc = parse_source(read(path))
    seen: set[int] = set()
    by: Counter[str] = Counter()
    n = sum(len(p.indicators) for p in doc.projects)

    def walk(o: object, kind: str) -> None:
        if id(o) in seen:
            return
        seen.add(id(o))
        if isinstance(o, BaseModel):
            name = type(o).__name__
            by[f"{name} object"] += sys.getsizeof(o)
            seen.add(id(o.__dict__))
            by[f"{name} __dict__"] += sys.getsizeof(o.__dict__)
            walk_set(o.__pydantic_fields_set__, f"{name} fields-set")
            for k, v in o.__dict__.items():
                walk(v, f"{name} {'texts' if isinstance(v, str) and k != 'source_text' else k}")
            return
        by[kind] += sys.getsizeof(o)
        for attr in ("_flat", "_keys"):  # SpanMap, SpanList
            if hasattr(o, attr):
                walk(getattr(o, attr), kind)
        if isinstance(o, dict):
            for k, v in o.items():
                walk(k, kind)
                walk(v, kind)
        elif isinstance(o, (list, tuple)):
            for v in o:
                walk(v, kind)

    def walk_set(s: object, kind: str) -> None:
        if id(s) not in seen:
            seen.add(id(s))
            by[kind] += sys.getsizeof(s)

    walk(doc, "Document")
    total = sum(by.values())
    print(f"\nthe parsed document: {n} indicators, {len(doc.projects)} projects, {total / 2**20:.1f} MiB "
          f"({total / n:.0f} B per indicator); the largest kinds:")
    for k, v in by.most_common(16):
        print(f"  {k:28s} {v / 2**20:6.2f} MiB {v / n:7.1f} B/indicator")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mb", type=float, default=5.0, help="size of the synthetic table (stages_bench: 5)")
    ap.add_argument("--before", help="a src/ directory of another version, measured beside this one")
    args = ap.parse_args()
    text, _ = big_document(5, int(args.mb * 1e6))  # the table stages_bench.py's memory row parses
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "big.txt"
        path.write_text(text, encoding="utf-8")
        trees = {"before": args.before} if args.before else {}
        trees["this"] = str(ROOT / "src")
        print(f"{path.stat().st_size / 1e6:.1f} MB table, median of {args.runs} runs, load {os.getloadavg()[0]:.2f}")
        peaks(path, trees, args.runs)
        breakdown(path)


if __name__ == "__main__":
    main()
