"""Review precision: how many findings on the sample tables a reviewer can trust.

    .venv/bin/python benchmarks/review_precision.py            (or: make bench-review-precision)
    .venv/bin/python benchmarks/review_precision.py --json     # the same figures as JSON
    .venv/bin/python benchmarks/review_precision.py --real     # a judged sample of ../shared/real instead

Every finding on the five bundled sample tables was judged by hand against the
source text: ``true`` (a reviewer should act on it), ``weak`` (true but not
worth a reviewer's time, or too severe) or ``false``. The verdicts live in
``tests/data/review/judged/<sample>.judged.json``. This script reviews the
samples again, matches each finding to its verdict by (document, rule,
project, seq, field), and prints precision — true / judged — per rule (at each
severity it fires with) and per severity (weak and false both count against it), the findings that have no
verdict yet (judge them before trusting the figures), and the recall of the
judged misses in ``tests/data/review/judged/misses.json``: problems found by
reading whole projects that some rule should report at that place.

``--real`` does the same for the real tables of ``../shared/real/docs`` judged in
``tests/data/review/judged/real/`` (eight of them, every finding on each): what
the figures are on tables from other provinces, where most wrong findings come
from cells the parser misread without a warning.

Aims (issue 19): errors and warnings ≥ 95 %, hints (info) ≥ 85 %.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
JUDGED = ROOT / "tests/data/review/judged"
REAL_DOCS = ROOT.parent / "shared/real/docs"
AIMS = {"error": 0.95, "warning": 0.95, "info": 0.85}

Key = tuple[str | None, str, str | None, int | None, str | None]


def key_of(doc: str | None, d: dict[str, Any]) -> Key:
    return (doc, d["rule"], d.get("project"), d.get("seq"), d.get("field"))


def load_judged(folder: Path = JUDGED) -> dict[Key, dict[str, Any]]:
    out: dict[Key, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.judged.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        for row in body["findings"]:
            out[key_of(body["document"], row)] = row
    return out


def current_findings(paths: list[Path] | None = None) -> list[Any]:
    """Review the bundled samples (or ``paths``) as ``jixiao review`` does, with the default configuration."""
    import jixiao
    from jixiao.cli.samples_cmd import sample_paths
    from jixiao.review import review

    return [f for p in (paths if paths is not None else sample_paths()) for f in review(jixiao.parse(str(p)))]


def measure(findings: list[Any], judged: dict[Key, dict[str, Any]]) -> dict[str, Any]:
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    by_sev: dict[str, Counter[str]] = defaultdict(Counter)
    by_rule_sev: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    unjudged = []
    for f in findings:
        row = judged.get((f.document, f.rule, f.project, f.seq, f.field))
        verdict = row["verdict"] if row is not None else "unjudged"
        if row is None:
            unjudged.append(f)
        by_rule[f.rule][verdict] += 1
        by_rule_sev[(f.rule, f.severity)][verdict] += 1
        by_sev[f.severity][verdict] += 1
    return {"by_rule": by_rule, "by_rule_severity": by_rule_sev, "by_severity": by_sev, "unjudged": unjudged}


def precision(c: Counter[str]) -> float | None:
    judged = c["true"] + c["weak"] + c["false"]
    return c["true"] / judged if judged else None


def recall(findings: list[Any], path: Path = JUDGED / "misses.json") -> list[tuple[dict[str, Any], bool]]:
    """Each judged miss, and whether a finding of one of its rules is now at its place."""
    if not path.exists():
        return []
    misses = json.loads(path.read_text(encoding="utf-8"))["misses"]
    at = {(f.document, f.rule, f.project, f.seq) for f in findings}
    return [(m, any((m["document"], r, m.get("project"), m.get("seq")) in at for r in m["rules"])) for m in misses]


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:5.1f} %"


def report(result: dict[str, Any], caught: list[tuple[dict[str, Any], bool]]) -> str:
    lines = ["Precision per rule and severity (true / judged; weak and false count against)", "",
             "| rule | severity | findings | true | weak | false | unjudged | precision |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    order = {s: i for i, s in enumerate(("error", "warning", "info"))}
    for (rid, sev), c in sorted(result["by_rule_severity"].items(), key=lambda kv: (kv[0][0], order[kv[0][1]])):
        n = sum(c[s] for s in ("true", "weak", "false", "unjudged"))
        lines.append(f"| {rid} | {sev} | {n} | {c['true']} | {c['weak']} | {c['false']} | {c['unjudged']} "
                     f"| {_pct(precision(c))} |")
    lines += ["", "Precision per severity", "",
              "| severity | findings | true | weak | false | unjudged | precision | aim |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    total: Counter[str] = Counter()
    for sev in ("error", "warning", "info"):
        c = result["by_severity"].get(sev, Counter())
        total.update(c)
        n = sum(c[s] for s in ("true", "weak", "false", "unjudged"))
        p = precision(c)
        mark = "" if p is None or p >= AIMS[sev] else "  ← below"
        lines.append(f"| {sev} | {n} | {c['true']} | {c['weak']} | {c['false']} | {c['unjudged']} | {_pct(p)} "
                     f"| {AIMS[sev]:.0%}{mark} |")
    n = sum(total[s] for s in ("true", "weak", "false", "unjudged"))
    lines.append(f"| all | {n} | {total['true']} | {total['weak']} | {total['false']} | {total['unjudged']} "
                 f"| {_pct(precision(total))} | |")
    unjudged = result["unjudged"]
    lines += ["", f"Findings with no judgement: {len(unjudged)}"]
    for f in unjudged:
        lines.append(f"  {f.document} {f.rule} {f.severity} project={f.project_index} seq={f.seq} "
                     f"field={f.field}: {f.message}")
    if caught:
        got = sum(ok for _, ok in caught)
        lines += ["", f"Recall of the judged misses: {got} of {len(caught)}"]
        for m, ok in caught:
            lines.append(f"  [{'x' if ok else ' '}] {m['document']} {m.get('project') or ''} seq={m.get('seq')} "
                         f"({'/'.join(m['rules'])}): {m['what']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--real", action="store_true", help="the judged real tables of ../shared/real instead of the samples")
    args = ap.parse_args(argv)
    if args.real:
        folder = JUDGED / "real"
        names = [json.loads(p.read_text(encoding="utf-8"))["document"] for p in sorted(folder.glob("*.judged.json"))]
        missing = [n for n in names if not (REAL_DOCS / n).exists()]
        if missing:
            print(f"not found under {REAL_DOCS}: {', '.join(missing)}", file=sys.stderr)
            return 1
        findings = current_findings([REAL_DOCS / n for n in names])
        result, caught = measure(findings, load_judged(folder)), []
    else:
        findings = current_findings()
        result, caught = measure(findings, load_judged()), recall(findings)
    if args.json:
        print(json.dumps({
            "by_rule": {k: {**dict(v), "precision": precision(v)} for k, v in sorted(result["by_rule"].items())},
            "by_rule_severity": {f"{r} {sev}": {**dict(v), "precision": precision(v)}
                                 for (r, sev), v in sorted(result["by_rule_severity"].items())},
            "by_severity": {k: {**dict(v), "precision": precision(v)} for k, v in result["by_severity"].items()},
            "unjudged": [{"document": f.document, "rule": f.rule, "project": f.project, "seq": f.seq,
                          "field": f.field, "message": f.message} for f in result["unjudged"]],
            "misses": [{**m, "caught": ok} for m, ok in caught],
        }, ensure_ascii=False, indent=1))
    else:
        print(report(result, caught))
    return 0


if __name__ == "__main__":
    sys.exit(main())
