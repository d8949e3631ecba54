"""Grouping of indicator names, measured on the labelled pairs: precision and recall of each method tried.

    .venv/bin/python benchmarks/library_grouping.py

Each pair in ``tests/data/library/pairs.json`` is two names in one 一级/二级
and a hand label: do they measure the same thing? A method says "same" when
its score reaches a threshold; precision is the share of its "same" that are
labelled same, recall the share of labelled-same pairs it finds. Every method
sees the same normalised names (numbering, brackets, placeholders,
punctuation out), so the table compares the similarity alone; the last line
measures the groups themselves (two names are "same" when the library puts
them in one group), which is what users see.

How the pairs were made: every pair of distinct keys within one 一级/二级
across the five sample tables and the sixteen real ones (../shared/real/gold)
was scored; all pairs with Indel similarity ≥ 55, 80 random pairs sharing
their last two characters and 25 random others were kept; under 服务对象满意度
50 were kept at random, plus complaints and well-being set against
satisfaction; then spellings that normalisation alone must join, and the
issue's 培训人数 / 参训人次 with near misses. Each pair was labelled by hand:
"same" when both count or rate the same thing of the same object (项目 and
工程 and 竣工 name the project itself; 设备 and 车辆 are different objects;
a stricter variant such as 一次性验收合格率 or 重大安全事故 is different).
Every 满意度/满意率 of a service object is one measure (see group.py). The
synonym list in group.py was written while reading the same tables, so
these figures are optimistic for tables it has not seen.
"""

from __future__ import annotations

import json
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler, LCSseq

from jixiao.library.group import THRESHOLD, Grouper, measure_key, similarity
from jixiao.library.normalize import name_key

PAIRS = Path(__file__).parents[1] / "tests" / "data" / "library" / "pairs.json"


def load() -> list[dict]:
    return json.loads(PAIRS.read_text(encoding="utf-8"))


def precision_recall(pairs: list[dict], said_same) -> tuple[float, float, int, int, int]:
    tp = fp = fn = 0
    for p in pairs:
        s = said_same(p)
        tp += s and p["same"]
        fp += s and not p["same"]
        fn += (not s) and p["same"]
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0), tp, fp, fn


def _bucket(p: dict) -> tuple:
    return p["level1"], p["level2"]


def grouped_same(pairs: list[dict]) -> callable:
    """The library's own decision: both names' keys in one group, keys fed most common first per bucket."""
    counts: dict[tuple, int] = {}
    for p in pairs:
        for n in (p["a"], p["b"]):
            k = (_bucket(p), measure_key(n))
            counts[k] = counts.get(k, 0) + 1
    g = Grouper()
    group = {k: g.assign(k[0], k[1], k) for k in sorted(counts, key=lambda k: (-counts[k], k[1]))}
    return lambda p: group[(_bucket(p), measure_key(p["a"]))] == group[(_bucket(p), measure_key(p["b"]))]


METHODS = {
    # name: (key function, score function of (pair, a, b))
    "exact key": (name_key, lambda p, a, b: 100.0 * (a == b)),
    "Indel ratio": (name_key, lambda p, a, b: fuzz.ratio(a, b)),
    "Jaro-Winkler": (name_key, lambda p, a, b: 100 * JaroWinkler.normalized_similarity(a, b)),
    "token set (chars)": (name_key, lambda p, a, b: fuzz.token_set_ratio(" ".join(a), " ".join(b))),
    "LCS / shorter": (name_key, lambda p, a, b: 100 * LCSseq.similarity(a, b) / max(1, min(len(a), len(b)))),
    "measure key + Indel": (measure_key, lambda p, a, b: fuzz.ratio(a, b)),
    "measure key + JW + 满意度 rule": (measure_key, lambda p, a, b: 100.0 if similarity(_bucket(p), a, b) == 100
                                      else 100 * JaroWinkler.normalized_similarity(a, b)),
    "measure key + Indel + 满意度 rule (chosen)": (measure_key, lambda p, a, b: similarity(_bucket(p), a, b)),
}


def main() -> None:
    pairs = load()
    other = [p for p in pairs if p["level2"] != "服务对象满意度"]
    print(f"{len(pairs)} labelled pairs, {sum(p['same'] for p in pairs)} same; "
          f"{len(other)} outside 服务对象满意度, {sum(p['same'] for p in other)} same")
    print(f"{'method':44s} {'thr':>4s} {'P':>6s} {'R':>6s}   best recall at P ≥ 0.95")
    for name, (key, score) in METHODS.items():
        def said(p, t, key=key, score=score):
            a, b = key(p["a"]), key(p["b"])
            return a == b or score(p, a, b) >= t
        rows = [(t, *precision_recall(pairs, lambda p, t=t: said(p, t))[:2]) for t in range(60, 101, 2)]
        t, pr, rc = max(rows, key=lambda r: (1.25 * r[1] * r[2] / (0.25 * r[1] + r[2]) if r[1] + r[2] else 0, r[0]))
        ok = [r for r in rows if r[1] >= 0.95]
        best = max(ok, key=lambda r: (r[2], -r[0])) if ok else None
        note = f"t={best[0]} P={best[1]:.3f} R={best[2]:.3f}" if best else "never"
        print(f"{name:44s} {t:4d} {pr:6.3f} {rc:6.3f}   {note}")
    grouped = grouped_same(pairs)
    for label, subset in (("all pairs", pairs), ("outside 服务对象满意度", other)):
        pr, rc, tp, fp, fn = precision_recall(subset, grouped)
        print(f"library groups (threshold {THRESHOLD:g}), {label}: precision {pr:.3f}, recall {rc:.3f} "
              f"(tp {tp}, fp {fp}, fn {fn})")


if __name__ == "__main__":
    main()
