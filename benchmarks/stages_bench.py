"""`make bench`: the speed of each stage, each beside its baseline measured in the same run (issue 17).

    .venv/bin/python benchmarks/stages_bench.py             # median of 5 runs; OCR median of 3
    .venv/bin/python benchmarks/stages_bench.py --runs 3 --no-ocr

Rows (jixiao | baseline | ratio):

* start-up — ``jixiao --help`` and ``jixiao parse`` of a 5.8 KB table, as fresh processes, against
  ``python -c "import pydantic"`` (aim: ≤ 2×);
* text parse — MB/s of ``parse_source`` over ~2 MB of synthetic tables (both layouts); the 10 MB/s
  aim is an aim, not a measurement, so its row has no measured baseline;
* PDF — pages/s of ``jixiao.parse`` on ../shared/formats/pdf against pypdfium2's raw text of the
  same pages (aim: ≤ 2× slower);
* OCR — s/page of ``jixiao.parse`` on one small scan (../shared/formats/scan/003, 2 pages), median of 3,
  in a process pinned to one core and in one pinned to two (the engine's threads follow), against the
  OCR engine's own time inside it (aim ≤ 2.5 s/page on one core);
* memory — peak RSS of a process parsing a ~5 MB table, per byte of input, against the same
  process without the parse (aim: ≤ 5× the input);
* import — documents/s of ``import_files`` into a new SQLite database against parse+review alone
  of the same texts (aim: ≥ 0.8×): in one process, and as ``jixiao import`` runs 8 files or more
  (2 parsing processes, this one writing); CPU ms/doc of all its processes beside each.

Wall times on a shared machine: compare ratios, not absolute figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import LAYOUTS, big_document, generate_corpus  # noqa: E402
from startup_bench import SMALL  # noqa: E402
from startup_bench import measure as startup  # noqa: E402

import jixiao  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "formats"
ROWS: list[tuple[str, str, str, str, str]] = []


def row(stage: str, ours: str, base: str, ratio: str, aim: str) -> None:
    ROWS.append((stage, ours, base, ratio, aim))
    print(f"  … {stage}: {ours} | {base} | {ratio}", file=sys.stderr, flush=True)


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_startup(runs: int) -> None:
    med = startup(runs)
    bw = med["import pydantic (baseline)"][0]
    for k, label in (("jixiao --help", "start-up: jixiao --help"),
                     (next(k for k in med if k.startswith("jixiao parse")), f"start-up: jixiao parse ({SMALL.name[:3]})")):
        w = med[k][0]
        row(label, f"{w * 1000:.0f} ms", f"import pydantic {bw * 1000:.0f} ms", f"{w / bw:.2f}×", "≤ 2×")


def _texts() -> list[str]:
    return [t for layout in LAYOUTS for t, _exp in generate_corpus(17, layout, 1_000_000)]


def bench_text(runs: int, texts: list[str]) -> None:
    from jixiao.parse.document import parse_source
    from jixiao.read import text_source

    size = sum(len(t.encode("utf-8")) for t in texts)
    sources = [text_source(t) for t in texts]
    s = median_time(lambda: [parse_source(x) for x in sources], runs)
    row("text parse", f"{size / s / 1e6:.2f} MB/s", "aim 10 MB/s (not measured)", f"{size / s / 1e7:.2f}× of aim",
        "10 MB/s (aim)")


def bench_pdf(runs: int) -> tuple[float, float] | None:
    import pypdfium2

    files = sorted((SHARED / "pdf").glob("*.pdf"))
    if not files:
        row("PDF text layer", "—", "—", "—", "../shared/formats/pdf missing")
        return None
    pages = sum(len(pypdfium2.PdfDocument(f)) for f in files)

    def raw() -> None:
        for f in files:
            doc = pypdfium2.PdfDocument(f)
            for page in doc:
                page.get_textpage().get_text_range()
            doc.close()

    ours = median_time(lambda: [jixiao.parse(f) for f in files], runs)
    base = median_time(raw, runs)
    row(f"PDF text layer ({len(files)} files, {pages} pages)", f"{pages / ours:.1f} pages/s",
        f"pypdfium2 raw text {pages / base:.1f} pages/s", f"{ours / base:.2f}× slower", "≤ 2× slower")
    return ours / pages, base / pages


# one process per core count: the engine's threads follow the cores the process is pinned to
_OCR_CHILD = r"""
import json, statistics, sys, time
import jixiao
import jixiao.read.scan as scan
spent = [0.0]
def timed(fn):
    def inner(*a, **kw):
        t0 = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            spent[0] += time.perf_counter() - t0
    return inner
scan.ocr_words, scan._recognise = timed(scan.ocr_words), timed(scan._recognise)
jixiao.parse(sys.argv[1])  # the models loaded, not timed
runs = []
for _ in range(int(sys.argv[2])):
    spent[0] = 0.0
    t0 = time.perf_counter()
    jixiao.parse(sys.argv[1])
    runs.append((time.perf_counter() - t0, spent[0]))
print(json.dumps(runs))
"""


def bench_ocr(runs: int = 3) -> float | None:
    """s/page of a small scan on one core and on two, median of ``runs`` parses each."""
    import pypdfium2

    import jixiao.read.scan as scan

    files = sorted((SHARED / "scan").glob("003_*.pdf"))
    if not files or not scan.ocr_available():
        row("OCR scan", "—", "—", "—", "no scan or no OCR engine")
        return None
    pages = len(pypdfium2.PdfDocument(files[0]))
    one_core = None
    for cores in ("0", "0,1")[: 1 + (len(os.sched_getaffinity(0)) > 1)]:
        out = subprocess.run(["taskset", "-c", cores, sys.executable, "-c", _OCR_CHILD, str(files[0]), str(runs)],
                             capture_output=True, text=True, check=True, env={**os.environ, "JIXIAO_OCR_THREADS": ""})
        timed = json.loads(out.stdout)
        total = statistics.median(t for t, _ in timed) / pages
        engine = statistics.median(e for _, e in timed) / pages
        n = len(cores.split(","))
        row(f"OCR scan ({files[0].name[:3]}, {pages} pages, {n} core{'s' * (n > 1)}, median of {runs})",
            f"{total:.2f} s/page", f"OCR engine alone {engine:.2f} s/page", f"{engine / total:.0%} of time in the engine",
            "≤ 2.5 s/page (1 core)")
        one_core = one_core or total
    return one_core


# VmHWM, not getrusage's ru_maxrss: on Linux the latter keeps the high-water mark of the process that
# forked the child (here, this one, after every other row), VmHWM is the child's own address space's
_CHILD = r"""
import sys, json
from pathlib import Path
import jixiao
from jixiao.read import read
from jixiao.parse.document import parse_source
src = read(Path(sys.argv[1]))
if sys.argv[2] == "parse":
    parse_source(src)
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps(int(hwm.split()[1]) * 1024))
"""


def bench_memory(mb: float) -> None:
    text, _exp = big_document(5, int(mb * 1e6))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "big.txt"
        path.write_text(text, encoding="utf-8")
        size = path.stat().st_size
        peaks = {mode: int(subprocess.run([sys.executable, "-c", _CHILD, str(path), mode], capture_output=True,
                                          check=True, text=True).stdout) for mode in ("read", "parse")}
    added = peaks["parse"] - peaks["read"]
    row(f"memory ({size / 1e6:.1f} MB table)", f"peak RSS {peaks['parse'] / 2**20:.0f} MiB "
        f"= {peaks['parse'] / size:.1f}× input", f"read only {peaks['read'] / 2**20:.0f} MiB",
        f"parse adds {added / size:.1f}× input", "≤ 5× input")


def _cpu_s() -> float:
    """CPU seconds of this process and of its children waited for (the import's parsing processes)."""
    import resource

    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def bench_import(runs: int, texts: list[str], pipeline_jobs: int = 2) -> tuple[float, float, float]:
    """(import s/doc in one process, parse+review s/doc, of which review) over the texts as files.

    Also a row for the import as ``jixiao import`` runs a batch of 8 files or more: ``pipeline_jobs``
    processes reading, parsing, reviewing and building rows while this one writes. Parse+review and both
    imports are interleaved, run by run, so a burst of load on a shared machine hits all three alike.
    """
    from jixiao.parse.document import parse_source
    from jixiao.read import read
    from jixiao.review import load_config, review
    from jixiao.store import import_files, open_store

    cfg = load_config(None)
    with tempfile.TemporaryDirectory() as d:
        files = []
        for k, t in enumerate(texts):
            p = Path(d) / f"{k:04d}.txt"
            p.write_text(t, encoding="utf-8")
            files.append(str(p))
        rev = []

        def parse_review() -> tuple[float, float]:
            r = 0.0
            t0, c0 = time.perf_counter(), _cpu_s()
            for f in files:
                doc = parse_source(read(Path(f)))
                t1 = time.perf_counter()
                review(doc, cfg)
                r += time.perf_counter() - t1
            rev.append(r)
            return time.perf_counter() - t0, _cpu_s() - c0

        def imported(jobs: int) -> tuple[float, float]:
            """(wall, CPU of every process) of one import into a new database; the schema's creation is not
            the import."""
            engine = open_store(str(Path(d) / f"j{time.monotonic_ns()}.db"))
            t0, c0 = time.perf_counter(), _cpu_s()
            assert all(o.status == "imported" for o in import_files(engine, files, jobs=jobs))
            spent = time.perf_counter() - t0, _cpu_s() - c0
            engine.dispose()
            return spent

        pr, one, piped = [], [], []
        for _ in range(runs):
            pr.append(parse_review())
            one.append(imported(1))
            piped.append(imported(pipeline_jobs))
    n = len(texts)
    p, p_cpu = (statistics.median(x) for x in zip(*pr, strict=True))
    imp, imp_cpu = (statistics.median(x) for x in zip(*one, strict=True))
    pipe, pipe_cpu = (statistics.median(x) for x in zip(*piped, strict=True))
    row(f"import ({n} docs, SQLite, 1 process)", f"{n / imp:.1f} docs/s, CPU {imp_cpu / n * 1000:.1f} ms/doc",
        f"parse+review {n / p:.1f} docs/s, CPU {p_cpu / n * 1000:.1f} ms/doc", f"{p / imp:.2f}× the rate",
        "≥ 0.8×")
    row(f"import ({n} docs, SQLite, {pipeline_jobs + 1} processes: {pipeline_jobs} parse, 1 writes)",
        f"{n / pipe:.1f} docs/s, CPU {pipe_cpu / n * 1000:.1f} ms/doc",
        f"parse+review {n / p:.1f} docs/s, CPU {p_cpu / n * 1000:.1f} ms/doc",
        f"{p / pipe:.2f}× the rate", "≥ 0.8×")
    return imp / n, p / n, statistics.median(rev) / n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-ocr", action="store_true", help="skip the OCR row (tens of seconds on a busy machine)")
    ap.add_argument("--import-only", action="store_true", help="only the import rows")
    ap.add_argument("--memory-mb", type=float, default=5.0)
    ap.add_argument("--json", type=Path, help="also write the figures here (cluster_bench.py reads them)")
    args = ap.parse_args()
    texts = _texts()
    pdf = ocr = None
    if not args.import_only:
        bench_startup(args.runs)
        bench_text(args.runs, texts)
        pdf = bench_pdf(args.runs)
        ocr = None if args.no_ocr else bench_ocr()
        bench_memory(args.memory_mb)
    imp = bench_import(args.runs, texts[:40])
    print(f"\nper-stage speed, median of {args.runs} runs (OCR: median of 3, 1 and 2 cores); "
          f"{os.cpu_count()} CPUs, shared with other work: compare ratios\n")
    widths = [max(len(r[i]) for r in [("stage", "jixiao", "baseline (same run)", "ratio", "aim"), *ROWS])
              for i in range(5)]
    for r in [("stage", "jixiao", "baseline (same run)", "ratio", "aim"), *ROWS]:
        print("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    if args.json:
        args.json.write_text(json.dumps({"rows": ROWS, "pdf_s_per_page": pdf and pdf[0], "ocr_s_per_page": ocr,
                                         "import_s_per_doc": imp[0], "parse_review_s_per_doc": imp[1],
                                         "review_s_per_doc": imp[2]}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
