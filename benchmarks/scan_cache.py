"""Scans without waiting for OCR: the OCR engine's output cached per page image, for work on layout.

    .venv/bin/python benchmarks/scan_cache.py                 # parse ../shared/formats/scan, score it
    .venv/bin/python benchmarks/scan_cache.py --show 40       # + the first 40 mismatches
    .venv/bin/python benchmarks/scan_cache.py --out DIR       # + write <stem>.json per file to DIR
    .venv/bin/python benchmarks/scan_cache.py --files 001 003 # only the files whose name starts so

``jixiao.read.scan.ocr_words`` (rapidocr, ~50 s of CPU a page) is wrapped so
that its return value is stored in ``benchmarks/.cache/ocr/<sha256>.json``,
keyed by the bytes of the image it is given (the straightened page): the first
run fills the cache, later runs read the page's boxes back in milliseconds,
and everything else — drawing, deskew, rules, grid, parse — runs as in
``jixiao.parse``. A change to drawing or deskew changes the image and so
misses the cache (OCR runs again for that page). The product never reads the
cache; this is a development tool. The time spent in the engine and in all the
rest is printed when OCR ran.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import jixiao  # noqa: E402
import jixiao.read.scan as scan  # noqa: E402
from scoring import SHARED, load_scorer  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache" / "ocr"
OCR_SECONDS = [0.0, 0]  # seconds inside the engine, pages it read


def cached_ocr(engine):
    """Wrap the OCR engine so each distinct image is read once, ever."""

    def ocr(image):
        key = hashlib.sha256(repr(image.shape).encode() + image.tobytes()).hexdigest()
        path = CACHE / f"{key}.json"
        if path.exists():
            return [tuple(w) for w in json.loads(path.read_text(encoding="utf-8"))]
        start = time.perf_counter()
        words = engine(image)
        OCR_SECONDS[0] += time.perf_counter() - start
        OCR_SECONDS[1] += 1
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
        return words

    return ocr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", type=Path, default=SHARED / "formats" / "scan")
    ap.add_argument("--gold", type=Path, default=SHARED / "gold")
    ap.add_argument("--out", type=Path, help="write <stem>.json per file here")
    ap.add_argument("--files", nargs="*", default=[], help="name prefixes to keep")
    ap.add_argument("--show", type=int, default=0, help="mismatches to list")
    args = ap.parse_args()
    scan.ocr_words = cached_ocr(scan.ocr_words)
    scorer = load_scorer()
    files = [f for f in sorted(args.src.glob("*.pdf")) if not args.files or f.name.startswith(tuple(args.files))]
    total = scorer.Tally()
    start = time.perf_counter()
    for f in files:
        pred = jixiao.parse(f).to_canonical()
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{f.stem}.json").write_text(json.dumps(pred, ensure_ascii=False, indent=1), encoding="utf-8")
        gold = json.loads((args.gold / f"{f.stem}.json").read_text(encoding="utf-8"))
        t = scorer.Tally()
        scorer.score_doc(f.stem, gold, pred, t)
        for k in ("right", "gold", "pred"):
            setattr(total, k, getattr(total, k) + getattr(t, k))
        total.misses += t.misses
        print(f"{f.stem:24} F1 {2 * t.right / (t.gold + t.pred) if t.gold + t.pred else 1.0:.4f}"
              f"  right {t.right} gold {t.gold} pred {t.pred}", flush=True)
    elapsed = time.perf_counter() - start
    f1 = 2 * total.right / (total.gold + total.pred) if total.gold + total.pred else 1.0
    print(f"{'all':24} F1 {f1:.4f}  right {total.right} gold {total.gold} pred {total.pred}")
    rest = elapsed - OCR_SECONDS[0]
    if OCR_SECONDS[1]:
        print(f"OCR engine {OCR_SECONDS[0]:.1f} s for {OCR_SECONDS[1]} pages; all the rest {rest:.1f} s "
              f"({100 * rest / OCR_SECONDS[0]:.1f} % of the engine)")
    else:
        print(f"all but the OCR engine (read from the cache): {rest:.1f} s")
    for miss in total.misses[:args.show]:
        print(" ", miss)


if __name__ == "__main__":
    main()
