"""PDF reading: pages per second and F1 of jixiao against a pdfplumber ``extract_tables`` baseline.

    .venv/bin/python benchmarks/pdf_bench.py                 # ../shared/formats/{pdf,pdf-split}
    .venv/bin/python benchmarks/pdf_bench.py --formats pdf   # one folder
    .venv/bin/python benchmarks/pdf_bench.py --runs 5        # best of 5 timed runs (default 3)
    .venv/bin/python benchmarks/pdf_bench.py --formats scan --runs 1   # OCR: ~20-60 s a page

Both sides run on the same files in one process and are scored with
../shared/tools/score.py against ../shared/gold:

* **jixiao** — ``jixiao.parse(file)``: the PDF reader (pdfium by default, or
  ``--backend pdfplumber``) rebuilds the ruled table from page geometry, then
  the parser reads it;
* **baseline** — the simplest use of pdfplumber: ``page.extract_tables()`` on
  every page, the cells of every table written one row per line,
  tab-separated, after the first two text lines of page 1 (title,
  部门名称), and that text handed to the same parser. Its time is pdfplumber's
  plus the parser's.

pages/s counts every page of every file over the wall time of reading and
parsing them all (the best of ``--runs``; the baseline runs once, it is slow).
For scans the OCR engine's own time is measured too (``rapidocr`` called on
each page image): what jixiao adds around it — drawing the page, straightening
it, finding the rules, building the table, parsing — is the difference.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import jixiao  # noqa: E402
from jixiao.parse.document import parse_source  # noqa: E402
from jixiao.read.base import Source  # noqa: E402
from scoring import SHARED, load_scorer  # noqa: E402


def baseline_text(path: Path) -> tuple[str, int]:
    """The tables pdfplumber finds on every page, one row per line, cells tab-separated."""
    import logging

    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    lines: list[str] = []
    with pdfplumber.open(path) as pdf:
        pages = len(pdf.pages)
        for i, page in enumerate(pdf.pages):
            if i == 0:
                lines += (page.extract_text() or "").splitlines()[:2]
            for table in page.extract_tables():
                for row in table:
                    lines.append("\t".join((c or "").replace("\n", "") for c in row))
            page.close()
    return "\n".join(lines) + "\n", pages


def _f1(scorer, golds: dict[str, dict], preds: dict[str, dict]) -> float:
    t = scorer.Tally()
    for stem, gold in golds.items():
        scorer.score_doc(stem, gold, preds.get(stem, {}), t)
    return 2 * t.right / (t.gold + t.pred) if t.gold + t.pred else 1.0


OCR_SECONDS = [0.0]


def _time_ocr() -> None:
    """Count the time spent inside the OCR engine."""
    import jixiao.read.scan as scan

    engine = scan.ocr_words

    def timed(image):
        start = time.perf_counter()
        try:
            return engine(image)
        finally:
            OCR_SECONDS[0] += time.perf_counter() - start

    scan.ocr_words = timed


def run_jixiao(files: list[Path]) -> tuple[float, int, dict[str, dict]]:
    OCR_SECONDS[0] = 0.0
    start, pages, preds = time.perf_counter(), 0, {}
    for f in files:
        doc = jixiao.parse(f)
        preds[f.stem] = doc.to_canonical()
    elapsed = time.perf_counter() - start
    import pypdfium2

    pages = sum(len(pypdfium2.PdfDocument(f)) for f in files)  # counted outside the timing
    return elapsed, pages, preds


def run_baseline(files: list[Path]) -> tuple[float, int, dict[str, dict]]:
    start, pages, preds = time.perf_counter(), 0, {}
    for f in files:
        text, n = baseline_text(f)
        pages += n
        try:
            preds[f.stem] = parse_source(Source(text, name=f.name)).to_canonical()
        except jixiao.JixiaoError:
            preds[f.stem] = {}
    return time.perf_counter() - start, pages, preds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--formats", nargs="+", default=["pdf", "pdf-split"])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--backend", choices=["pdfium", "pdfplumber"], default="pdfium")
    args = ap.parse_args()
    import os

    os.environ["JIXIAO_PDF_BACKEND"] = args.backend
    scorer = load_scorer()
    if scorer is None:
        sys.exit("../shared/tools/score.py not found beside the checkout")
    if "scan" in args.formats:
        _time_ocr()
    golds = {g.stem: json.loads(g.read_text(encoding="utf-8")) for g in sorted((SHARED / "gold").glob("*.json"))}
    print(f"{'format':10} {'reader':20} {'pages':>5} {'seconds':>8} {'pages/s':>8} {'F1':>7}")
    for fmt in args.formats:
        files = sorted((SHARED / "formats" / fmt).glob("*.pdf"))
        if fmt != "scan":
            jixiao.parse(files[0])  # imports and caches warm
        best = min((run_jixiao(files) for _ in range(args.runs)), key=lambda r: r[0])
        if fmt == "scan":
            secs, pages = best[0], best[1]
            print(f"{fmt:10} {'  of which OCR engine':20} {pages:5d} {OCR_SECONDS[0]:8.2f} "
                  f"{pages / OCR_SECONDS[0]:8.2f}   (jixiao adds {100 * (secs / OCR_SECONDS[0] - 1):.1f} %)")
        base = run_baseline(files)
        for label, (secs, pages, preds) in ((f"jixiao ({args.backend})", best), ("pdfplumber tables", base)):
            print(f"{fmt:10} {label:20} {pages:5d} {secs:8.2f} {pages / secs:8.2f} {_f1(scorer, golds, preds):7.4f}")
        if fmt != "scan":  # on a scan the baseline finds no text at all: a ratio would say nothing
            print(f"{fmt:10} {'speed ratio':20} {'':5} {'':8} {base[0] / best[0]:7.1f}x")


if __name__ == "__main__":
    main()
