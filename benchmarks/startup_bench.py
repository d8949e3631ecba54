"""Start-up time: `jixiao --help` and `jixiao parse` of one small table, beside `python -c "import pydantic"`.

Each command runs as a fresh process, several times, interleaved; the median wall time and the median
CPU time (user + system: steadier than wall time on a shared machine) are reported, each as a multiple
of the pydantic baseline measured in the same run (issue 17 asks ≤ 2×).

    .venv/bin/python benchmarks/startup_bench.py [--runs 9] [--before DIR]

jixiao's bytecode is compiled first (``compileall``, into the ``__pycache__`` folders git ignores), as
``pip install`` does for a user's copy: where ``PYTHONDONTWRITEBYTECODE`` is set (it is on the shared
development machines) every run would otherwise compile all of jixiao's modules from source, ~50 ms of
``jixiao parse`` that no installed copy spends.

``--before DIR``: also time ``jixiao --help`` and ``jixiao parse`` from another copy of the sources (``DIR`` is
its ``src``, put first on PYTHONPATH), in the same interleaved runs: before and after a change, e.g.
``git archive main src | tar -x -C /tmp/before`` then ``--before /tmp/before/src``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "src" / "jixiao" / "samples" / "003_f507fa9b2bf73cac.txt"
PY = sys.executable


def commands(before: str | None = None) -> dict[str, list[str]]:
    cmds = {
        "python -c pass": [PY, "-c", "pass"],
        "import pydantic (baseline)": [PY, "-c", "import pydantic"],
        "import typer": [PY, "-c", "import typer"],
        "jixiao --help": [PY, "-m", "jixiao", "--help"],
        # the part of --help that is typer's rich formatting (it imports rich.markdown and markdown-it)
        "jixiao --help, plain (TYPER_USE_RICH=0)": ["env", "TYPER_USE_RICH=0", PY, "-m", "jixiao", "--help"],
        f"jixiao parse {SMALL.name} ({SMALL.stat().st_size / 1024:.1f} KB)": [PY, "-m", "jixiao", "parse", str(SMALL),
                                                                             "--format", "json"],
    }
    if before:
        env = ["env", f"PYTHONPATH={before}", PY, "-m", "jixiao"]
        cmds["jixiao --help (before)"] = [*env, "--help"]
        cmds["jixiao parse (before)"] = [*env, "parse", str(SMALL), "--format", "json"]
    return cmds


def time_once(cmd: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=os.environ)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def compile_bytecode(before: str | None = None) -> None:
    """Compile jixiao's modules (and ``before``'s) to bytecode, as an installed copy has them."""
    for src in [ROOT / "src", *([Path(before)] if before else [])]:
        compileall.compile_dir(src, quiet=1)


def measure(runs: int, before: str | None = None) -> dict[str, tuple[float, float]]:
    """Command → (median wall, median CPU) seconds."""
    compile_bytecode(before)
    cmds = commands(before)
    samples: dict[str, list[tuple[float, float]]] = {k: [] for k in cmds}
    for c in cmds.values():  # one warm-up each: the first run reads the files from disk
        time_once(c)
    for _ in range(runs):  # interleaved, so a burst of load on a shared machine hits every row alike
        for k, c in cmds.items():
            samples[k].append(time_once(c))
    return {k: (statistics.median(w for w, _c in v), statistics.median(c for _w, c in v)) for k, v in samples.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--before", help="another copy's src folder, timed beside this one")
    args = ap.parse_args()
    med = measure(args.runs, args.before)
    bw, bc = med["import pydantic (baseline)"]
    print(f"start-up, median of {args.runs} runs; × = multiple of `python -c 'import pydantic'` in this run")
    print(f"  {'command':<48} {'wall':>8} {'×':>6} {'CPU':>8} {'×':>6}")
    for k, (w, c) in med.items():
        print(f"  {k:<48} {w * 1000:5.0f} ms {w / bw:5.2f}× {c * 1000:5.0f} ms {c / bc:5.2f}×")


if __name__ == "__main__":
    main()
