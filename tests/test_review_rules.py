"""Every rule's pass and fail cases, from one data file (``pytest -k R14`` runs one rule's)."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from jixiao import parse
from jixiao.cli.samples_cmd import sample_paths
from jixiao.review import RULES, ReviewConfig, review
from review_helpers import document

CASES = tomllib.loads((Path(__file__).parent / "data/review/cases.toml").read_text(encoding="utf-8"))["case"]


def peers(case: dict) -> dict | None:
    """A case's peer benchmarks (rule R40), by (project index, indicator index), as a store would give them."""
    if "peers" not in case:
        return None
    return {(p.get("project", 0), p.get("indicator", 0)): {"library_id": 1, "library_name": "培训人数", **p}
            for p in case["peers"]}


def _id(case: dict) -> str:
    return f"{case['rule']}-{case['expect']}-{case.get('note', '')[:30]}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_rule_case(case: dict) -> None:
    found = [f for f in review(document(case), peers=peers(case)) if f.rule == case["rule"]]
    if case["expect"] == "pass":
        assert found == [], [f.message for f in found]
        return
    assert case["expect"] == "fail"
    assert found, f"{case['rule']} did not fire"
    if "count" in case:
        assert len(found) == case["count"], [f.message for f in found]
    if "field" in case:
        assert {f.field for f in found} == {case["field"]}
    if "severity" in case:
        assert {f.severity for f in found} == {case["severity"]}
    for f in found:  # every finding names its place and reads in both languages
        assert f.message and f.message_en and "{" not in f.message and "{" not in f.message_en
        assert f.document == "case.txt"


def test_every_rule_has_a_pass_and_a_fail_case() -> None:
    kinds: dict[str, set[str]] = {}
    for c in CASES:
        kinds.setdefault(c["rule"], set()).add(c["expect"])
    assert sorted(kinds) == sorted(RULES)
    assert all(v == {"pass", "fail"} for v in kinds.values()), {k: v for k, v in kinds.items() if v != {"pass", "fail"}}
    assert list(RULES) == [f"R{i:02d}" for i in range(1, 41)]


def test_needs_only_skips_what_cannot_fire(monkeypatch: pytest.MonkeyPatch) -> None:
    """``needs`` (R12, R23) only spares the engine calls: without it, every case and sample reviews the same."""
    docs = [document(c) for c in CASES] + [parse(p) for p in sample_paths()]
    with_needs = [review(d, ReviewConfig()) for d in docs]
    assert any(r.needs is not None for r in RULES.values())
    for rid, r in list(RULES.items()):
        if r.needs is not None:
            monkeypatch.setitem(RULES, rid, dataclasses.replace(r, needs=None))
    assert [review(d, ReviewConfig()) for d in docs] == with_needs
