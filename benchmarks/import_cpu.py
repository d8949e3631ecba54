"""CPU per imported project, summed over the processes that do the work: the writer, the worker
processes and (PostgreSQL) the server process serving the writer.

Wall-clock import rates on a shared machine move by ±30 % with other people's load; CPU time
moves far less, and on a CPU-bound pipeline ``cores / CPU per project`` is the rate it can reach.
The corpus is ``store_bench.py``'s (same seed, same size); each run imports it into a fresh
database with ``jixiao import``'s pipeline.

    .venv/bin/python benchmarks/import_cpu.py --backends sqlite,postgresql --runs 3
    PYTHONPATH=/other/checkout/src .venv/bin/python benchmarks/import_cpu.py ...   # another version
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).parent))
from store_bench import _texts, drop_fresh, fresh_url  # noqa: E402

from jixiao.parse.document import parse_source  # noqa: E402
from jixiao.read import text_source  # noqa: E402
from jixiao.store import import_files, open_store  # noqa: E402

_TICK = os.sysconf("SC_CLK_TCK")


def _cpu(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def _backend_cpu(pids: list[int]) -> float:
    """utime + stime of PostgreSQL backend processes (on this machine), from /proc."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICK
    return total


def one_run(backend: str, files: list[str], jobs: int) -> dict[str, float]:
    url = fresh_url(backend, "cpu")
    engine = open_store(url)
    with engine.connect() as c:  # the writer's own connection: the pool hands the same one back
        backend_pid = c.execute(text("SELECT pg_backend_pid()")).scalar_one() if backend == "postgresql" else None
    server0 = _backend_cpu([backend_pid]) if backend_pid else 0.0
    self0, children0 = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    outcomes = list(import_files(engine, files, jobs=jobs))
    wall = time.perf_counter() - t0
    writer = _cpu(resource.RUSAGE_SELF) - self0
    workers = _cpu(resource.RUSAGE_CHILDREN) - children0  # the pool has exited: its workers are counted
    server = _backend_cpu([backend_pid]) - server0 if backend_pid else 0.0
    assert all(o.status == "imported" for o in outcomes), [o for o in outcomes if o.failed][:3]
    engine.dispose()
    drop_fresh(backend, url)
    return {"wall": wall, "writer": writer, "workers": workers, "server": server}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--import-mb", type=float, default=4.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="jixiao-cpu-"))
    files, n = [], 0
    for k, t in enumerate(_texts(args.seed + 1, int(args.import_mb * 1e6))):  # store_bench's import corpus
        p = tmp / f"t{k:05d}.txt"
        p.write_text(t, encoding="utf-8")
        files.append(str(p))
        n += len(parse_source(text_source(t)).projects)
    for backend in args.backends.split(","):
        runs = [one_run(backend, files, args.jobs) for _ in range(args.runs)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        total = med["writer"] + med["workers"] + med["server"]
        print(f"{backend:10} {n} projects, median of {args.runs}: CPU ms/project writer {med['writer'] / n * 1e3:.3f}"
              f"  workers {med['workers'] / n * 1e3:.3f}  server {med['server'] / n * 1e3:.3f}"
              f"  total {total / n * 1e3:.3f}  (wall {n / med['wall']:,.0f} projects/s)")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
