"""The OCR engine's settings, each measured: s/page, where the engine's time goes, and the score on the scans.

    .venv/bin/python benchmarks/ocr_settings.py                       # every setting, one core, all scans
    .venv/bin/python benchmarks/ocr_settings.py --settings chosen base --cores 0,1 --threads 2
    .venv/bin/python benchmarks/ocr_settings.py --before /tmp/main/src  # + main's code as the baseline
    .venv/bin/python benchmarks/ocr_settings.py --files 003 --runs 3

Each setting runs in a fresh process pinned with ``taskset`` to ``--cores`` (one core by default) and
parses every scan of ``--src`` (../shared/formats/scan) with ``jixiao.parse``: the figures are the wall
time per page, the time inside the detector, the angle classifier and the recogniser (split into the
page's first pass, the re-read missed lines and the re-read cells), how many recogniser calls of how
many crops, the score against ``--gold`` and whether the canonical JSON is the same as the first
setting's, file by file. ``--before DIR`` adds a row for the sources in DIR (``git archive main src``)
with their own settings: the baseline in the same run. A setting is a set of keyword overrides of
``jixiao.read.scanengine.ENGINE_SETTINGS``.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from scoring import SHARED, load_scorer  # noqa: E402

_MAIN = {"det_limit_type": "min", "det_limit_side_len": 736, "use_cls": True, "rec_batch_num": 6}
#: name -> overrides of jixiao.read.scanengine.ENGINE_SETTINGS; "main" is rapidocr's defaults, as main built it
SETTINGS: dict[str, dict] = {
    "chosen": {},
    "main": _MAIN,
    "main-no-arena": {**_MAIN, "arena": False},
    "no-cls": {**_MAIN, "use_cls": False},
    "det-max-1536": {"det_limit_type": "max", "det_limit_side_len": 1536},
    "det-max-1280": {"det_limit_type": "max", "det_limit_side_len": 1280},
    "rec-b1": {**_MAIN, "rec_batch_num": 1},
    "rec-b2": {**_MAIN, "rec_batch_num": 2},
    "rec-b3": {**_MAIN, "rec_batch_num": 3},
    "rec-b1-no-cls": {**_MAIN, "rec_batch_num": 1, "use_cls": False},
    "rec-b1-w160": {**_MAIN, "rec_batch_num": 1, "rec_img_shape": [3, 48, 160]},
    "det-side-1600": {**_MAIN, "det_max_side": 1600},
    "det-side-1280": {**_MAIN, "det_max_side": 1280},
    "det-side-1024": {**_MAIN, "det_max_side": 1024},
}

_CHILD_FILES = os.environ.get("OCR_SETTINGS_FILES")


def _child(setting: str, out: Path, files: list[Path], runs: int, before: bool) -> None:
    """Parse the files with one setting, write the figures and the canonical JSON to ``out``."""
    import rapidocr_onnxruntime.main as engine_main

    import jixiao
    import jixiao.read.scan as scan

    spent: dict[str, float] = {}
    calls: dict[str, list] = {}
    phase = ["page"]

    def timed(name, fn, sizes=False):
        def inner(self, imgs, *a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(self, imgs, *a, **kw)
            finally:
                key = f"{name}:{phase[0]}"
                spent[key] = spent.get(key, 0.0) + time.perf_counter() - t0
                if sizes:
                    crops = imgs if isinstance(imgs, list) else [imgs]
                    calls.setdefault(phase[0], []).append([int(c.shape[1] * 48 / max(c.shape[0], 1)) for c in crops])
        return inner

    engine_main.TextDetector.__call__ = timed("det", engine_main.TextDetector.__call__)
    engine_main.TextClassifier.__call__ = timed("cls", engine_main.TextClassifier.__call__)
    engine_main.TextRecognizer.__call__ = timed("rec", engine_main.TextRecognizer.__call__, sizes=True)

    def in_phase(name, fn):
        def inner(*a, **kw):
            phase[0] = name
            try:
                return fn(*a, **kw)
            finally:
                phase[0] = "page"
        return inner

    scan.read_lines = in_phase("lines", scan.read_lines)
    scan.reread_at_rules = in_phase("cells", scan.reread_at_rules)
    if before:  # the old code builds its engine with rapidocr's default threads: give it ours
        import rapidocr_onnxruntime

        built = rapidocr_onnxruntime.RapidOCR.__init__
        rapidocr_onnxruntime.RapidOCR.__init__ = lambda self, *a, **kw: built(
            self, *a, **{"intra_op_num_threads": int(os.environ["JIXIAO_OCR_THREADS"]), **kw})
    else:
        import jixiao.read.scanengine as scanengine

        settings = dict(SETTINGS[setting])
        scanengine.CPU_ARENA = settings.pop("arena", True)
        side = settings.pop("det_max_side", None)
        if side:
            scanengine.detect = lambda image: _detect_small(scanengine.engine(), scanengine._rgb(image), side)
        scanengine.ENGINE_SETTINGS.update(settings)
    import pypdfium2

    pages = sum(len(pypdfium2.PdfDocument(f)) for f in files)
    jixiao.parse(files[0])  # the engine's models loaded, not timed
    spent.clear()
    calls.clear()
    walls, cpus = [], []
    for run in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        for f in files:
            doc = jixiao.parse(f).to_canonical()
            if run == 0:
                (out / f"{f.stem}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    figures = {"pages": pages, "runs": runs, "wall": walls, "cpu": cpus,
               "spent": {k: v / runs for k, v in spent.items()},
               "calls": {k: v[: len(v) // runs] for k, v in calls.items()}}
    (out / "figures.json").write_text(json.dumps(figures), encoding="utf-8")


def _detect_small(ocr, image, side: int) -> list:
    """The setting ``det_max_side`` (measured, not kept: docs/scaling.md): the engine's own steps
    (``RapidOCR.__call__``), but for the detector reading the page drawn with its longest side ``side``:
    the boxes are scaled back and cut from the page the recogniser reads."""
    import cv2
    import numpy as np

    if max(image.shape[:2]) * min(ocr.max_side_len / max(image.shape[:2]), 1) <= side:
        found, _ = ocr(image)
        return found or []
    raw_h, raw_w = image.shape[:2]
    img, ratio_h, ratio_w = ocr.preprocess(image)
    record = {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}}
    img, record = ocr.maybe_add_letterbox(img, record)
    h, w = img.shape[:2]
    f = side / max(h, w)
    small = cv2.resize(img, (max(round(w * f), 1), max(round(h * f), 1)), interpolation=cv2.INTER_AREA)
    boxes, _ = ocr.text_det(small)
    if boxes is None or len(boxes) < 1:
        return []
    scale = np.array([w / small.shape[1], h / small.shape[0]], dtype=np.float32)
    boxes = ocr.sorted_boxes(np.asarray(boxes, dtype=np.float32) * scale)
    crops = ocr.get_crop_img_list(img, boxes)
    cls_res = None
    if ocr.use_cls:
        crops, cls_res, _ = ocr.text_cls(crops)
    rec_res, _ = ocr.text_rec(crops, False)
    boxes = ocr._get_origin_points(boxes, record, raw_h, raw_w)
    found, _ = ocr.get_final_res(boxes, cls_res, rec_res, 0.0, 0.0, 0.0)
    return found or []


def _run(setting: str, files: list[Path], args, before: Path | None) -> dict:
    out = Path(tempfile.mkdtemp(prefix=f"ocr-{setting}-"))
    env = dict(os.environ, PYTHONPATH=str(before) if before else os.environ.get("PYTHONPATH", ""),
               OCR_SETTINGS_FILES=json.dumps([str(f) for f in files]))
    env["JIXIAO_OCR_THREADS"] = str(args.threads)
    cmd = ["taskset", "-c", args.cores, sys.executable, __file__, "--child", setting, "--out", str(out),
           "--runs", str(args.runs)] + (["--is-before"] if before else [])
    subprocess.run(cmd, check=True, env=env)
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    figures["dir"] = out
    return figures


def _score(scorer, gold_dir: Path, out: Path, files: list[Path]) -> tuple[int, int, int, list[int]]:
    """right/gold/produced over the files, and each file's right."""
    right = gold = pred = 0
    each = []
    for f in files:
        t = scorer.Tally()
        scorer.score_doc(f.stem, json.loads((gold_dir / f"{f.stem}.json").read_text(encoding="utf-8")),
                         json.loads((out / f"{f.stem}.json").read_text(encoding="utf-8")), t)
        right, gold, pred = right + t.right, gold + t.gold, pred + t.pred
        each.append(t.right)
    return right, gold, pred, each


def _same(a: Path, b: Path, files: list[Path]) -> str:
    differ = [f.stem[:3] for f in files if (a / f"{f.stem}.json").read_text(encoding="utf-8")
              != (b / f"{f.stem}.json").read_text(encoding="utf-8")]
    return "same" if not differ else "differs: " + ",".join(differ)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--settings", nargs="*", default=list(SETTINGS))
    ap.add_argument("--src", type=Path, default=SHARED / "formats" / "scan")
    ap.add_argument("--gold", type=Path, default=SHARED / "gold")
    ap.add_argument("--files", nargs="*", default=[], help="name prefixes to keep")
    ap.add_argument("--runs", type=int, default=1, help="passes over the files per setting (median)")
    ap.add_argument("--cores", default="0", help="taskset's CPU list")
    ap.add_argument("--threads", type=int, default=1, help="onnxruntime's intra-op threads (JIXIAO_OCR_THREADS)")
    ap.add_argument("--before", type=Path, help="a src/ folder of the code to compare with, run first")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--is-before", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child, args.out, [Path(f) for f in json.loads(_CHILD_FILES or "[]")], args.runs, args.is_before)
        return
    files = [f for f in sorted(args.src.glob("*.pdf")) if not args.files or f.name.startswith(tuple(args.files))]
    scorer = load_scorer()
    runs = ([("before", args.before)] if args.before else []) + [(s, None) for s in args.settings]
    print(f"{len(files)} scans, cores {args.cores}, onnxruntime threads {args.threads}, {args.runs} run(s) each; "
          f"load {os.getloadavg()[0]:.2f}", flush=True)
    first = None
    head = ("setting", "s/page", "CPU s/page", "det", "cls", "rec page", "rec lines", "rec cells", "rec calls (crops)",
            "score right/gold/pred", "right per file", "output")
    print(" | ".join(head))
    for name, before in runs:
        fig = _run(name, files, args, before)
        first = first or fig["dir"]
        per = fig["pages"]
        wall = statistics.median(fig["wall"]) / per
        sp = fig["spent"]

        def s(key, sp=sp, per=per):
            return f"{sum(v for k, v in sp.items() if k.startswith(key)) / per:.2f}"

        n_calls = {k: (len(v), sum(len(c) for c in v)) for k, v in fig["calls"].items()}
        right, gold, pred, each = _score(scorer, args.gold, fig["dir"], files)
        cpu = statistics.median(fig["cpu"]) / per
        print(" | ".join([name, f"{wall:.2f}", f"{cpu:.2f}", s("det"), s("cls"), s("rec:page"), s("rec:lines"), s("rec:cells"),
                          ", ".join(f"{k} {a} ({b})" for k, (a, b) in sorted(n_calls.items())),
                          f"{right}/{gold}/{pred}", " ".join(map(str, each)), _same(first, fig["dir"], files)]), flush=True)
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
