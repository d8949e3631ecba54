"""The hand-judged findings on the samples (tests/data/review/judged/): every finding has a verdict,
and the precision aims of issue 19 hold (benchmarks/review_precision.py prints the figures)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import review_precision as rp  # noqa: E402


def test_every_finding_on_the_samples_is_judged_and_precision_meets_the_aims() -> None:
    findings = rp.current_findings()
    result = rp.measure(findings, rp.load_judged())
    assert not result["unjudged"], "judge these in tests/data/review/judged/: " + "; ".join(
        f"{f.document} {f.rule} {f.project} seq={f.seq} {f.field}: {f.message}" for f in result["unjudged"])
    for sev, aim in rp.AIMS.items():
        p = rp.precision(result["by_severity"][sev])
        assert p is None or p >= aim, (sev, p)


def test_a_finding_on_the_samples_is_told_apart_by_its_key() -> None:
    """The verdicts are matched by (document, rule, project, seq, field): no two findings may share one."""
    keys = [(f.document, f.rule, f.project, f.seq, f.field) for f in rp.current_findings()]
    assert len(keys) == len(set(keys))


def test_judged_files_are_complete() -> None:
    for row in rp.load_judged().values():
        assert row["verdict"] in ("true", "weak", "false") and row["reason"], row
