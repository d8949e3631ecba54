"""The findings on the five samples, checked by hand, stay as they are; and what the issue names is found.

Regenerate with ``make review-golden`` after a deliberate change (and check the diff by hand).
"""

from __future__ import annotations

import json

import pytest

from jixiao.cli.samples_cmd import sample_paths
from make_review_golden import OUT, golden

PATHS = {p.stem[:3]: p for p in sample_paths()}


@pytest.mark.parametrize("key", sorted(PATHS))
def test_findings_match_golden(key: str) -> None:
    path = PATHS[key]
    expected = json.loads((OUT / f"{path.stem}.findings.json").read_text(encoding="utf-8"))
    assert golden(path) == expected


def _findings(key: str) -> list[dict]:
    return golden(PATHS[key])


def test_001_effect_with_satisfaction_code() -> None:
    found = [f for f in _findings("001") if f["rule"] == "R02"]
    assert len(found) == 4 and all("服务对象满意度" in f["message"] for f in found)


def test_000_unit_row_against_projects() -> None:
    found = [f for f in _findings("000") if f["rule"] == "R29"]
    assert any("10,399.40" in f["message"] and "10,249.39" in f["message"] for f in found)


def test_002_funding_columns_and_the_017_row() -> None:
    found = [f for f in _findings("002") if f["rule"] == "R29"]
    assert any(f["severity"] == "error" and "0.17" in f["message"] for f in found)
    assert {f["field"] for f in found if f["severity"] == "warning"} == {
        "units[0].amounts.fiscal", "units[0].amounts.special", "units[0].amounts.other"}


def test_004_complaints_under_satisfaction_are_an_accepted_proxy() -> None:
    """Issue 19: 投诉次数 under 满意度 is a common, accepted proxy for satisfaction, not a finding."""
    assert not [f for f in _findings("004") if f["rule"] == "R11"]
    assert not [f for f in _findings("000") if f["rule"] == "R11"]


def test_003_scan_findings_say_so_and_are_not_errors() -> None:
    """Issue 19: the OCR'd scan's misread cells are not reported as table errors."""
    found = _findings("003")
    assert found and all("识读存疑" in f["message"] for f in found if f["field"] != "goal")
    assert not [f for f in found if f["severity"] == "error"]


def test_sound_indicators_are_not_flagged() -> None:
    """Indicators checked by hand as sound: no finding on them at all."""
    sound = {("004", 1, 3), ("004", 0, 6), ("002", 2, 5), ("001", 5, 4), ("000", 18, 1)}  # (doc, project, seq)
    for key, pi, seq in sound:
        assert not [f for f in _findings(key) if f["project_index"] == pi and f["seq"] == seq], (key, pi, seq)
