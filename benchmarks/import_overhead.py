"""Import against parse+review alone (issue 17: import within 0.8× of parse+review), and where the rest goes.

40 synthetic tables (the ``make bench`` import row's), as files; each run imports them into a new
SQLite database (``import_files``, one process) and, interleaved, reads+parses+reviews them without a
database. Median of ``--runs``; ``--profile`` adds a cProfile of one import, by cumulative time.

    .venv/bin/python benchmarks/import_overhead.py [--runs 5] [--docs 40] [--profile] [--split]

``--split``: after the timed runs, ``--runs`` more imports with each step's functions wrapped in a timer
(read, parse, prepare, save and, inside save, the inserts, the library and the links), in ms/document;
the wrapping adds a little to each.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import LAYOUTS, generate_corpus  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--docs", type=int, default=40)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--split", action="store_true")
    ap.add_argument("--jobs", type=int, default=1, help="import_files' jobs: >1 parses in that many worker "
                    "processes while this one writes")
    args = ap.parse_args()
    from jixiao.parse.document import parse_source
    from jixiao.read import read
    from jixiao.review import load_config, review
    from jixiao.store import import_files, open_store

    texts = [t for layout in LAYOUTS for t, _exp in generate_corpus(17, layout, 1_000_000)][:args.docs]
    cfg = load_config(None)
    with tempfile.TemporaryDirectory() as d:
        files = []
        for k, t in enumerate(texts):
            p = Path(d) / f"{k:04d}.txt"
            p.write_text(t, encoding="utf-8")
            files.append(str(p))

        def parse_review() -> float:
            t0 = time.perf_counter()
            for f in files:
                review(parse_source(read(Path(f))), cfg)
            return time.perf_counter() - t0

        def imported(prof: cProfile.Profile | None = None) -> float:
            engine = open_store(str(Path(d) / f"j{time.monotonic_ns()}.db"))
            t0 = time.perf_counter()
            if prof:
                prof.enable()
            assert all(o.status == "imported" for o in import_files(engine, files, jobs=args.jobs))
            if prof:
                prof.disable()
            spent = time.perf_counter() - t0  # the schema's creation is not the import
            engine.dispose()
            return spent

        parse_review()
        imported()  # warm-up: caches, page cache
        pr, imp = [], []
        for _ in range(args.runs):  # interleaved: a burst of load on the shared machine hits both alike
            pr.append(parse_review())
            imp.append(imported())
        n = len(files)
        p, i = statistics.median(pr), statistics.median(imp)
        print(f"{n} docs, median of {args.runs}, jobs={args.jobs}: import {n / i:.1f} docs/s ({i / n * 1000:.1f} ms/doc), "
              f"parse+review {n / p:.1f} docs/s ({p / n * 1000:.1f} ms/doc); import at {p / i:.2f}× the rate "
              f"(aim ≥ 0.8×); store's share {(i - p) / n * 1000:.1f} ms/doc")
        if args.split:
            split(args.runs, n, imported)
        if args.profile:
            prof = cProfile.Profile()
            imported(prof)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(45)


def split(runs: int, n: int, imported) -> None:
    import jixiao.library.store as library
    import jixiao.link.store as link
    import jixiao.store.importer as importer
    import jixiao.store.write as write

    spent: dict[str, float] = collections.defaultdict(float)

    def wrap(module, name: str, label: str) -> None:
        f = getattr(module, name)

        def timed(*a, **kw):
            t0 = time.perf_counter()
            try:
                return f(*a, **kw)
            finally:
                spent[label] += time.perf_counter() - t0

        setattr(module, name, timed)

    for module, name, label in ((importer, "_precheck", "hash + unchanged check"), (importer, "read", "read"),
                                (importer, "parse_source", "parse"), (importer, "prepare", "prepare (rows, search texts)"),
                                (importer, "save_prepared", "save (one transaction)"),
                                (write, "_insert_shifted", "  of which inserts"),
                                (library, "index_documents", "  of which the library"),
                                (link, "link_document", "  of which links")):
        wrap(module, name, label)
    total = sum(imported() for _ in range(runs))
    print(f"split, {runs} imports, ms/document (review: what the steps leave of the total)")
    for label, s in spent.items():
        print(f"  {label:<32} {s / runs / n * 1000:6.2f}")
    top = ("hash + unchanged check", "read", "parse", "prepare (rows, search texts)", "save (one transaction)")
    print(f"  {'review and the rest':<32} {(total - sum(spent[k] for k in top)) / runs / n * 1000:6.2f}")
    print(f"  {'total':<32} {total / runs / n * 1000:6.2f}")


if __name__ == "__main__":
    main()
