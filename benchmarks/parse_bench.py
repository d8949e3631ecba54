"""Parse throughput and peak memory of jixiao on a synthetic corpus.

    .venv/bin/python benchmarks/parse_bench.py            # ~50 MB, median of 5 runs
    .venv/bin/python benchmarks/parse_bench.py --quick    # 5 MB, one run (smoke test)
    .venv/bin/python benchmarks/parse_bench.py --profile  # also cProfile one pass

The corpus is made by ``benchmarks/corpus.py`` from a fixed seed: half
line-wrapped PDF-text documents (like samples 000/004), half tab-separated
documents (like 001/002), 10–60 KB each, plus one large wrapped document
(~5 MB) and the five real samples. Before timing anything the benchmark
checks that the parser reads back the projects and indicators the generator
wrote. See ``benchmarks/README.md`` for what every number means.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import gc
import hashlib
import itertools
import json
import os
import platform
import pstats
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from corpus import LAYOUTS, Expected, big_document, generate, generate_corpus, iter_corpus, typical_document
from model_floor import check_rebuild, lazy_floor, time_floor

import jixiao

# ``from jixiao import parse`` must run before ``jixiao.parse.document`` is imported:
# importing the subpackage ``jixiao.parse`` rebinds the attribute ``jixiao.parse``
# from the function to the module.
from jixiao import parse as _api_parse
from jixiao.errors import JixiaoError
from jixiao.parse.document import parse_source
from jixiao.read import read, text_source
from jixiao.read.base import Source

MB = 1_000_000  # throughput is in decimal megabytes of UTF-8 input
MIB = 1024 * 1024  # memory is in binary megabytes
SAMPLES_DIR = Path(jixiao.__file__).parent / "samples"


def parse_path(path: str | os.PathLike[str]):
    """``jixiao.parse(path)``: read the file, then parse it."""
    if not isinstance(_api_parse, ModuleType):
        return _api_parse(path)
    return parse_source(read(path))  # pragma: no cover - only if the import order above changes


# -- the corpus ----------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    sources: list[Source]
    blobs: list[bytes]
    expected: list[Expected | None]
    projects_expected: int | None = None
    indicators_expected: int | None = None
    times: list[float] = field(default_factory=list)
    base_times: list[float] = field(default_factory=list)
    floor_times: list[float] = field(default_factory=list)
    lazy_floor_times: list[float] = field(default_factory=list)
    projects: int = 0
    indicators: int = 0
    errors: int = 0

    @property
    def n_bytes(self) -> int:
        return sum(len(b) for b in self.blobs)


def make_case(name: str, docs: list[tuple[str, Expected]]) -> Case:
    sources = [text_source(text, name=f"{name}-{i:05d}.txt") for i, (text, _) in enumerate(docs)]
    exps = [e for _, e in docs]
    return Case(name, sources, [t.encode("utf-8") for t, _ in docs], exps,
                sum(len(e.projects) for e in exps), sum(e.n_indicators for e in exps))


def samples_case() -> Case:
    paths = sorted(SAMPLES_DIR.glob("*.txt"))
    return Case("samples 000-004 (real)", [read(p) for p in paths], [p.read_bytes() for p in paths],
                [None] * len(paths))


# -- checking what the parser read ---------------------------------------------------------


def _sq(s: str | None) -> str | None:
    return None if s is None else "".join(s.split())


def check(doc, exp: Expected) -> list[str]:
    """What ``doc`` got wrong against what the generator wrote (empty when all is right)."""
    bad: list[str] = []
    if len(doc.projects) != len(exp.projects):
        bad.append(f"projects: got {len(doc.projects)}, wrote {len(exp.projects)}")
    for k, (p, e) in enumerate(zip(doc.projects, exp.projects, strict=False)):
        where = f"project {k + 1}"
        if _sq(p.name) != _sq(e.name):
            bad.append(f"{where} name: got {p.name!r}, wrote {e.name!r}")
        if p.amounts.total is None or abs(p.amounts.total - e.total) > 0.005:
            bad.append(f"{where} total: got {p.amounts.total}, wrote {e.total}")
        if _sq(p.goal) != _sq(e.goal):
            bad.append(f"{where} goal: got {p.goal!r}, wrote {e.goal!r}")
        if len(p.indicators) != len(e.indicators):
            bad.append(f"{where} indicators: got {len(p.indicators)}, wrote {len(e.indicators)}")
        for i, ei in zip(p.indicators, e.indicators, strict=False):
            for key in ("seq", "level1", "name", "annual_value", "period_value"):
                got, wrote = getattr(i, key), getattr(ei, key)
                if (_sq(got) if isinstance(got, str) else got) != (_sq(wrote) if isinstance(wrote, str) else wrote):
                    bad.append(f"{where} indicator {ei.seq} {key}: got {got!r}, wrote {wrote!r}")
    return bad


def field_of(problem: str) -> str:
    """'project 3 indicator 2 name: got …' → 'indicator name' (for counting kinds of error)."""
    head = problem.split(":", 1)[0]
    head = re.sub(r"project \d+ ?", "", head)
    return re.sub(r"indicator \d+ ", "indicator ", head) or "projects"


def precheck(cases: list[Case], per_case: int = 3) -> None:
    """Parse the first documents of each generated case once; stop if the counts are wrong."""
    for case in cases:
        for src, exp in list(zip(case.sources, case.expected, strict=True))[:per_case]:
            if exp is None:
                continue
            try:
                doc = parse_source(src)
            except JixiaoError as e:
                fail(case, src, [f"parser raised {type(e).__name__}: {e}"])
            n_ind = sum(len(p.indicators) for p in doc.projects)
            if len(doc.projects) != len(exp.projects) or n_ind != exp.n_indicators:
                fail(case, src, [f"got {len(doc.projects)} projects / {n_ind} indicators, "
                                 f"wrote {len(exp.projects)} / {exp.n_indicators}", *check(doc, exp)[:10]])


def fail(case: Case, src: Source, problems: list[str]) -> None:
    print(f"\nThe parser did not read generated document {src.name} ({case.name}):", file=sys.stderr)
    for p in problems:
        print("  " + p, file=sys.stderr)
    print("First 30 lines of the document:", file=sys.stderr)
    for k, line in enumerate(src.text.split("\n")[:30], 1):
        print(f"  {k:3d}| {line}", file=sys.stderr)
    raise SystemExit(1)


# -- timing --------------------------------------------------------------------------------


def time_parse(case: Case) -> float:
    """Seconds for one ``parse_source`` pass over the case (the sources are made beforehand)."""
    projects = indicators = errors = 0
    gc.collect()
    t0 = time.perf_counter()
    for src in case.sources:
        try:
            doc = parse_source(src)
        except JixiaoError:
            errors += 1
            continue
        projects += len(doc.projects)
        indicators += sum(len(p.indicators) for p in doc.projects)
    dt = time.perf_counter() - t0
    case.projects, case.indicators, case.errors = projects, indicators, errors
    return dt


def time_floors(case: Case) -> None:
    """The floor (see ``model_floor.py``): rebuilding each parsed document's objects, parsing not timed."""
    gc.collect()
    case.floor_times.append(time_floor(_parsed(case)))
    gc.collect()
    case.lazy_floor_times.append(lazy_floor(_parsed(case)))


def _parsed(case: Case):
    for src in case.sources:
        try:
            yield parse_source(src)
        except JixiaoError:
            continue


_BASE_AMOUNT_RE = re.compile(r"\d{1,3}(?:,\d{3})*\.\d{2}")


def time_baseline(case: Case) -> float:
    """A trivial pass over the same bytes: decode, split lines, find the amounts."""
    gc.collect()
    t0 = time.perf_counter()
    n = 0
    for blob in case.blobs:
        text = blob.decode("utf-8")
        n += len(text.splitlines())
        n += len(_BASE_AMOUNT_RE.findall(text))
    return time.perf_counter() - t0


@dataclass
class DiskRun:
    docs: int = 0
    n_bytes: int = 0
    seconds: float = 0.0
    projects: int = 0
    errors: int = 0
    wrong_docs: int = 0
    problems: Counter = field(default_factory=Counter)
    first_wrong: list[tuple[Path, list[str]]] = field(default_factory=list)


def disk_run(files: list[tuple[Path, Expected]]) -> DiskRun:
    """One run through ``jixiao.parse(path)``; checks every result (outside the timing)."""
    out = DiskRun()
    gc.collect()
    for path, exp in files:
        t0 = time.perf_counter()
        try:
            doc = parse_path(path)
        except JixiaoError as e:
            out.seconds += time.perf_counter() - t0
            out.errors += 1
            out.wrong_docs += 1
            out.problems["raised"] += 1
            if len(out.first_wrong) < 3:
                out.first_wrong.append((path, [f"raised {type(e).__name__}: {e}"]))
            continue
        out.seconds += time.perf_counter() - t0
        out.docs += 1
        out.n_bytes += path.stat().st_size
        out.projects += len(doc.projects)
        problems = check(doc, exp)
        if problems:
            out.wrong_docs += 1
            out.problems.update(field_of(p) for p in problems)
            if len(out.first_wrong) < 3:
                out.first_wrong.append((path, problems))
    return out


# -- memory ----------------------------------------------------------------------------------
#
# Each case runs in a fresh interpreter so that ru_maxrss is that case's own peak. Linux carries
# a parent's peak RSS over fork+exec into the child's ru_maxrss, so the workers are started
# before this process builds its corpus, while it is still small, and their input is written by
# a separate process: nothing big is ever in this process or in a worker before it measures.


def _rss_now() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return _maxrss()


def _maxrss() -> int:
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r if sys.platform == "darwin" else r * 1024  # kilobytes on Linux, bytes on macOS


def prepare_worker(out_dir: str, seed: int, big_mb: float) -> None:
    """Write the documents the memory cases read: one typical document and the large one."""
    Path(out_dir, "one.txt").write_text(typical_document(seed)[0], encoding="utf-8")
    Path(out_dir, "big.txt").write_text(big_document(seed, int(big_mb * MB))[0], encoding="utf-8")


def mem_worker(case: str, data_dir: str, seed: int, size_mb: float, use_tracemalloc: bool) -> None:
    """Parse the documents of ``case`` and print, as JSON, the memory it took."""
    # warm up: lazy imports, compiled regexes, pydantic validators and the reader are not parse memory
    warm = Path(data_dir, "warm.txt")
    for layout in ("wrapped", "tabular"):
        text = generate(random.Random(0), layout, 3)[0]
        warm.write_text(text, encoding="utf-8")
        parse_path(warm)
        parse_source(text_source(text))
    gc.collect()

    def source(name: str) -> Source:
        return text_source(Path(data_dir, name).read_bytes().decode("utf-8"))

    if case == "corpus":
        per_layout = int(size_mb * MB / 2)
        docs = (text_source(t) for layout in LAYOUTS for t, _ in iter_corpus(seed, layout, per_layout))
        total = 2 * per_layout
    elif case == "read":
        docs, total = iter([Path(data_dir, "one.txt")]), 0
    else:
        docs, total = iter([source(f"{case}.txt")]), 0
    gc.collect()
    rss0, max0 = _rss_now(), _maxrss()
    if use_tracemalloc:
        tracemalloc.start()
    marks = [0.1, 0.25, 0.5, 0.6, 0.75, 0.9, 1.0]  # wrapped documents first, tabular from 50%
    curve: list[tuple[float, int, int | None]] = []
    peak = n_docs = projects = n_bytes = largest = 0
    for item in docs:
        n = item.stat().st_size if isinstance(item, Path) else len(item.text.encode("utf-8"))
        if use_tracemalloc:
            tracemalloc.reset_peak()  # the peak of this parse, the document's text included
        doc = parse_path(item) if isinstance(item, Path) else parse_source(item)
        if use_tracemalloc:
            peak = max(peak, tracemalloc.get_traced_memory()[1])
        projects += len(doc.projects)
        n_docs, n_bytes, largest = n_docs + 1, n_bytes + n, max(largest, n)
        del doc, item
        while total and marks and n_bytes >= marks[0] * total:
            curve.append((marks.pop(0), _maxrss() - rss0, peak if use_tracemalloc else None))
    gc.collect()
    result = {"case": case, "docs": n_docs, "bytes": n_bytes, "largest": largest, "projects": projects, "rss_start": rss0,
              "maxrss_start": max0, "maxrss_end": _maxrss(), "curve": curve}
    if use_tracemalloc:
        result.update(tm_peak=peak, tm_retained=tracemalloc.get_traced_memory()[0])
        tracemalloc.stop()
    print(json.dumps(result))


def run_worker(*args: str) -> dict | None:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"worker {args[:2]} failed:\n{proc.stderr}")
    out = proc.stdout.strip()
    return json.loads(out.splitlines()[-1]) if out else None


def measure_memory(tmpdir: Path, seed: int, size_mb: float, big_mb: float) -> dict[str, tuple[dict, dict]]:
    """(RSS run, tracemalloc run) per case; the input documents are written by another process."""
    run_worker("--_prepare", str(tmpdir), "--seed", str(seed), "--big-mb", str(big_mb))
    memory = {}
    for case in ("one", "read", "corpus", "big"):
        common = ["--_mem-worker", case, "--_dir", str(tmpdir), "--seed", str(seed), "--size-mb", str(size_mb)]
        memory[case] = (run_worker(*common), run_worker(*common, "--_tracemalloc"))
        print(f"memory {case}: done", flush=True)
    return memory


# -- output ---------------------------------------------------------------------------------


def fmt_s(x: float) -> str:
    return f"{x:.3f}" if x < 100 else f"{x:.1f}"


def table(rows: list[list[str]], header: list[str], left: int = 1) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def row(name: str, docs: int, n_bytes: int, projects: int, times: list[float], base: list[float] | None) -> list[str]:
    med = statistics.median(times)
    ratio = f"{med / statistics.median(base):.0f}x" if base else ""
    return [name, f"{docs:,}", f"{n_bytes / MB:.2f}", f"{projects:,}", fmt_s(med), f"{n_bytes / MB / med:.2f}",
            f"{projects / med:,.0f}", f"{fmt_s(min(times))}-{fmt_s(max(times))}", ratio]


def kib(n: float) -> str:
    return f"{n / 1024:,.0f} KiB" if abs(n) < 10 * MIB else f"{n / MIB:,.1f} MiB"


# -- main -------------------------------------------------------------------------------------


def source_digest() -> str:
    """A digest of jixiao's own source files, to notice the parser changing during a run."""
    h = hashlib.sha256()
    for path in sorted(Path(jixiao.__file__).parent.rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def revision() -> str:
    """The checkout's commit, with ``+changes`` when src/ has uncommitted edits."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=root, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown revision"
    return f"commit {head}{' +changes in src/' if dirty else ''}"


def _terminated(signum: int, _frame: object) -> None:
    print(f"parse_bench: stopped by signal {signum} after {time.perf_counter():.0f} s of process time",
          file=sys.stderr, flush=True)
    sys.exit(128 + signum)


def _idle_ticks() -> dict[int, int]:
    with open("/proc/stat") as fh:
        return {int(f[0][3:]): int(f[4]) + int(f[5]) for f in (line.split() for line in fh)
                if f and f[0].startswith("cpu") and f[0][3:].isdigit()}


def pin_one_core() -> str:
    """Pin this process (and the workers it starts) to the idlest CPU it may use.

    The idlest, not a fixed one: two benchmarks pinned to the same CPU would
    halve each other's figures.
    """
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    cpus = sorted(os.sched_getaffinity(0))
    try:
        before = _idle_ticks()
        time.sleep(0.5)
        after = _idle_ticks()
        cpu = max(cpus, key=lambda c: after.get(c, 0) - before.get(c, 0))
    except (OSError, ValueError, IndexError):
        cpu = cpus[-1]
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}, the idlest of {len(cpus)} available"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="one run over 5 MB (smoke test)")
    ap.add_argument("--size-mb", type=float, default=None, help="corpus size in MB (default 50; 5 with --quick)")
    ap.add_argument("--runs", type=int, default=None, help="timed runs per case (default 5; 1 with --quick)")
    ap.add_argument("--big-mb", type=float, default=None,
                    help="size of the single large document in MB (default 5; 1 with --quick)")
    ap.add_argument("--seed", type=int, default=20240601, help="corpus seed (same seed, same documents)")
    ap.add_argument("--no-memory", action="store_true", help="skip the memory measurements")
    ap.add_argument("--profile", action="store_true", help="also cProfile one in-memory pass over the corpus")
    ap.add_argument("--_mem-worker", dest="mem_worker", help=argparse.SUPPRESS)
    ap.add_argument("--_prepare", dest="prepare", help=argparse.SUPPRESS)
    ap.add_argument("--_dir", dest="dir", help=argparse.SUPPRESS)
    ap.add_argument("--_tracemalloc", dest="tracemalloc", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    size_mb = args.size_mb if args.size_mb is not None else (5.0 if args.quick else 50.0)
    runs = args.runs if args.runs is not None else (1 if args.quick else 5)
    big_mb = args.big_mb if args.big_mb is not None else (1.0 if args.quick else 5.0)
    if args.prepare:
        prepare_worker(args.prepare, args.seed, big_mb)
        return
    if args.mem_worker:
        mem_worker(args.mem_worker, args.dir, args.seed, size_mb, args.tracemalloc)
        return
    signal.signal(signal.SIGTERM, _terminated)  # so the temporary directory is removed
    pinned = pin_one_core()
    rev, digest = revision(), source_digest()
    started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        tmpdir = Path(tmp)
        # memory first, while this process is small (see the memory section)
        memory = {} if args.no_memory else measure_memory(tmpdir, args.seed, size_mb, big_mb)

        # the corpus
        t0 = time.perf_counter()
        wrapped = make_case("wrapped", generate_corpus(args.seed, "wrapped", int(size_mb * MB / 2)))
        tabular = make_case("tabular", generate_corpus(args.seed, "tabular", int(size_mb * MB / 2)))
        big_text, big_exp = big_document(args.seed, int(big_mb * MB))
        big = make_case(f"one {len(big_text.encode()) / MB:.1f} MB wrapped document", [(big_text, big_exp)])
        del big_text
        samples = samples_case()
        sizes = sorted(len(b) for b in wrapped.blobs + tabular.blobs)
        print(f"corpus: {len(sizes):,} documents, {sum(sizes) / MB:.1f} MB ({size_mb:g} MB asked), "
              f"{sizes[0] / 1000:.1f}-{sizes[-1] / 1000:.1f} KB per document "
              f"(median {statistics.median(sizes) / 1000:.1f} KB); generated in {time.perf_counter() - t0:.1f} s; "
              f"seed {args.seed}", flush=True)

        # it must read what was written before its speed means anything
        precheck([wrapped, tabular, big])
        for case in (wrapped, tabular, samples):
            for doc in itertools.islice(_parsed(case), 20):
                check_rebuild(doc)
        print("check: the first documents of each layout and the large one parse to the projects and "
              "indicators generated", flush=True)

        # The corpus and its expectations are ~400k tracked objects; a full collection walks them all,
        # which slowed parsing by ~20%. Freezing them times the parser, not this harness.
        gc.collect()
        gc.freeze()
        cases = [wrapped, tabular, samples, big]
        for r in range(runs):
            for case in cases:
                case.times.append(time_parse(case))
                case.base_times.append(time_baseline(case))
            for case in (wrapped, tabular):
                time_floors(case)
            print(f"run {r + 1}/{runs}: " + ", ".join(f"{c.name.split(' (')[0]} {c.times[-1]:.2f} s" for c in cases),
                  flush=True)
            for case in (wrapped, tabular, big):
                if case.projects != case.projects_expected or case.indicators != case.indicators_expected:
                    print(f"WARNING: {case.name}: parsed {case.projects:,} projects / {case.indicators:,} "
                          f"indicators, generated {case.projects_expected:,} / {case.indicators_expected:,} "
                          f"({case.errors} documents raised)", flush=True)

        files: list[tuple[Path, Expected]] = []
        for case in (wrapped, tabular):
            for src, blob, exp in zip(case.sources, case.blobs, case.expected, strict=True):
                path = tmpdir / str(src.name)
                path.write_bytes(blob)
                files.append((path, exp))
        disk = disk_run(files)
        print(f"disk run: {disk.seconds:.2f} s", flush=True)

        prof_text = ""
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            for case in (wrapped, tabular):
                for src in case.sources:
                    parse_source(src)
            prof.disable()
            prof_text = profile_report(prof)

    # -- report
    print()
    print(f"jixiao {jixiao.__version__} ({rev}) parse benchmark, {datetime.date.today().isoformat()}, "
          f"median of {runs} run{'s' if runs != 1 else ''}, one core ({pinned}); MB = 10^6 bytes of UTF-8 input")
    print()
    header = ["case", "documents", "MB", "projects", "median s", "MB/s", "projects/s", "min-max s", "vs baseline"]
    n_docs = len(wrapped.sources) + len(tabular.sources)
    n_bytes = wrapped.n_bytes + tabular.n_bytes
    n_projects = wrapped.projects + tabular.projects
    all_times = [w + t for w, t in zip(wrapped.times, tabular.times, strict=True)]
    all_base = [w + t for w, t in zip(wrapped.base_times, tabular.base_times, strict=True)]
    all_floor = [w + t for w, t in zip(wrapped.floor_times, tabular.floor_times, strict=True)]
    all_lazy = [w + t for w, t in zip(wrapped.lazy_floor_times, tabular.lazy_floor_times, strict=True)]
    rows = [
        row("wrapped (PDF text), in memory", len(wrapped.sources), wrapped.n_bytes, wrapped.projects,
            wrapped.times, wrapped.base_times),
        row("tabular (tab rows), in memory", len(tabular.sources), tabular.n_bytes, tabular.projects,
            tabular.times, tabular.base_times),
        row("corpus = wrapped + tabular", n_docs, n_bytes, n_projects, all_times, all_base),
        row("samples 000-004 (real), in memory", len(samples.sources), samples.n_bytes, samples.projects,
            samples.times, samples.base_times),
        row(big.name, 1, big.n_bytes, big.projects, big.times, big.base_times),
        row("corpus via jixiao.parse(path), 1 run", disk.docs, disk.n_bytes, disk.projects, [disk.seconds], all_base),
        row("baseline: corpus, decode+splitlines+findall", n_docs, n_bytes, n_projects, all_base, None),
        row("baseline: samples", len(samples.sources), samples.n_bytes, samples.projects, samples.base_times, None),
        row("floor: corpus, the parsed objects rebuilt", n_docs, n_bytes, n_projects, all_floor, all_base),
        row("floor, spans one offset tuple per object", n_docs, n_bytes, n_projects, all_lazy, all_base),
    ]
    print(table(rows, header))
    print("vs baseline = parse time / time of a trivial pass over the same bytes (decode UTF-8, splitlines, "
          "regex findall of amounts)")
    share = statistics.median(all_floor) / statistics.median(all_times)
    print(f"floor = building the objects the parser returns (every model, span and target of each document) from "
          f"plain values copied out beforehand, nothing else: {share:.0%} of the corpus's parse time; at 10 MB/s it "
          f"would take {statistics.median(all_floor) / (n_bytes / MB / 10):.0%} of the time allowed "
          f"(model_floor.py; the second floor keeps spans as one offset tuple per object, a changed model)")
    print(f"checked: {len(files) - disk.wrong_docs:,} of {len(files):,} generated documents read back exactly "
          f"(projects, names, totals, goals, indicators' seq/level1/name/values); {disk.errors} raised")
    if disk.wrong_docs:
        print(f"  {disk.wrong_docs:,} documents differ; differences by field: "
              + ", ".join(f"{k} {v:,}" for k, v in disk.problems.most_common()))
        for path, problems in disk.first_wrong:
            print(f"  e.g. {path.name}: " + "; ".join(problems[:3]))

    if memory:
        print()
        print_memory(memory)

    print()
    print(f"Python {platform.python_version()} ({platform.python_implementation()}), {platform.machine()}, "
          f"{platform.system()} {platform.release()}; os.cpu_count() = {os.cpu_count()}; benchmark {pinned}")
    print(f"total wall time {time.perf_counter() - started:.0f} s; jixiao sources {digest}")
    if source_digest() != digest:
        print("WARNING: jixiao's sources changed during the run; the figures mix two versions of the parser")
    if prof_text:
        print()
        print(prof_text)


def print_memory(memory: dict[str, tuple[dict, dict]]) -> None:
    print("memory while parsing; each case in a fresh process after imports and a warm-up parse; RSS growth = "
          "ru_maxrss at the end - RSS before the first parse; tracemalloc peak (separate run) = largest peak of "
          "Python allocations during one parse, that document's text included")
    labels = {
        "one": "(a) one typical document, in memory",
        "read": "(a') the same via jixiao.parse(path)",
        "corpus": "(b) whole corpus, one document at a time",
        "big": "(c) largest single document, in memory",
    }
    mrows = []
    for key, (rss, tm) in memory.items():
        mrows.append([labels[key], f"{rss['docs']:,}", f"{rss['bytes'] / MB:.3f}", f"{rss['projects']:,}",
                      kib(rss["maxrss_end"] - rss["rss_start"]), kib(tm["tm_peak"]),
                      f"{tm['tm_peak'] / tm['largest']:.0f}x", kib(tm["tm_retained"])])
        if rss["maxrss_end"] <= rss["maxrss_start"]:
            # the peak while parsing did not pass the one before it: the growth is a lower bound
            print(f"  note: {key}: ru_maxrss was already {kib(rss['maxrss_start'])} before parsing "
                  f"(RSS {kib(rss['rss_start'])}) and parsing did not exceed it; its RSS growth is a lower bound")
    print(table(mrows, ["case", "documents", "MB", "projects", "RSS growth", "tracemalloc peak",
                        "peak/largest doc", "retained after"]))
    if "corpus" in memory:
        rss, tm = memory["corpus"]
        print("(b) as the corpus goes by (wrapped documents, then tabular from 50%), RSS growth / tracemalloc "
              "peak so far: "
              + ", ".join(f"{f:.0%} {kib(g)} / {kib(t)}"
                          for (f, g, _), (_, _, t) in zip(rss["curve"], tm["curve"], strict=True)))
        print(f"RSS before the first parse (imports and warm-up done): {kib(rss['rss_start'])}; largest corpus "
              f"document {tm['largest'] / 1000:.1f} KB")


def profile_report(prof: cProfile.Profile, top: int = 12) -> str:
    import io

    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    total = stats.total_tt  # type: ignore[attr-defined]
    out.write(f"cProfile, one in-memory pass over the corpus: {total:.2f} s of profiled time\n")
    for key, title in (("cumulative", "by cumulative time"), ("tottime", "by own (total) time")):
        out.write(f"\ntop {top} {title}\n")
        stats.sort_stats(key).print_stats(top)
    return out.getvalue()


if __name__ == "__main__":
    main()
