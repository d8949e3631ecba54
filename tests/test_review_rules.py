"""Every rule's pass and fail cases, from one data file (``pytest -k R14`` runs one rule's)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from jixiao.review import RULES, review
from review_helpers import document

CASES = tomllib.loads((Path(__file__).parent / "data/review/cases.toml").read_text(encoding="utf-8"))["case"]


def _id(case: dict) -> str:
    return f"{case['rule']}-{case['expect']}-{case.get('note', '')[:30]}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_rule_case(case: dict) -> None:
    found = [f for f in review(document(case)) if f.rule == case["rule"]]
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
    assert list(RULES) == [f"R{i:02d}" for i in range(1, 40)]
