"""CPU per project of each stage of an import, one process, over ``store_bench.py``'s import corpus.

Stages: parse, review, ``prepare`` (rows and search texts, per back end), pickling the prepared
rows to the writer and back, and ``save_prepared`` (the writer: SQLite; PostgreSQL's client side,
the server's CPU not included — see import_cpu.py). ``process_time`` around each stage over the
whole corpus, median of ``--runs``; the parsed documents are moved out of the collector's reach
(``gc.freeze``) as a long import's process does not hold them.

    .venv/bin/python benchmarks/import_stages.py --runs 3
    PYTHONPATH=/other/checkout/src .venv/bin/python benchmarks/import_stages.py --runs 3
"""

from __future__ import annotations

import argparse
import gc
import pickle
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).parent))
from store_bench import _texts, fresh_url, pg_reachable  # noqa: E402

from jixiao.parse.document import parse_source  # noqa: E402
from jixiao.read import text_source  # noqa: E402
from jixiao.store import open_store  # noqa: E402
from jixiao.store.db import resolve_url  # noqa: E402
from jixiao.store.importer import make_reviewer  # noqa: E402
from jixiao.store.write import prepare, save_prepared  # noqa: E402


def _timed(results: dict, name: str, fn):
    t0 = time.process_time()
    out = fn()
    results.setdefault(name, []).append(time.process_time() - t0)
    return out


def _drop(backend: str, url: str) -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url + suffix).unlink(missing_ok=True)
        return
    admin = create_engine(resolve_url(url.rsplit("/", 1)[0] + "/test"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--import-mb", type=float, default=4.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()
    sources = [text_source(t) for t in _texts(args.seed + 1, int(args.import_mb * 1e6))]
    reviewer = make_reviewer(None)
    backends = ["sqlite"] + (["postgresql"] if pg_reachable() else [])
    res: dict[str, list[float]] = {}
    n = 0
    for _ in range(args.runs):
        gc.unfreeze()
        docs = _timed(res, "parse", lambda: [parse_source(s) for s in sources])
        n = sum(len(d.projects) for d in docs)
        findings = _timed(res, "review", lambda ds=docs: [reviewer(d) for d in ds])
        gc.freeze()
        for backend in backends:
            preps = _timed(res, f"prepare ({backend})",
                           lambda b=backend, ds=docs, fs=findings: [prepare(d, f, dialect=b)
                                                                     for d, f in zip(ds, fs, strict=True)])
            blobs = _timed(res, f"pickle ({backend})",
                           lambda p=preps: [pickle.dumps(x, pickle.HIGHEST_PROTOCOL) for x in p])
            res.setdefault(f"pickled bytes ({backend})", []).append(sum(map(len, blobs)))
            preps = _timed(res, f"unpickle ({backend})", lambda b=blobs: [pickle.loads(x) for x in b])
            url = fresh_url(backend, "stages")
            engine = open_store(url)
            _timed(res, f"save_prepared ({backend}{', client' if backend == 'postgresql' else ''})",
                   lambda e=engine, p=preps: [save_prepared(e, x, source_path=f"f{k}", sha256=f"{k:064d}")
                                              for k, x in enumerate(p)])
            engine.dispose()
            _drop(backend, url)
    print(f"{len(sources)} documents, {n} projects; CPU per project, median of {args.runs}")
    for name, values in res.items():
        m = statistics.median(values)
        if name.startswith("pickled bytes"):
            print(f"  {name:36} {m / n:8.0f} bytes")
        else:
            print(f"  {name:36} {m / n * 1e3:8.3f} ms   ({', '.join(f'{v / n * 1e3:.3f}' for v in values)})")


if __name__ == "__main__":
    main()
