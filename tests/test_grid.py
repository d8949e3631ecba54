"""Indicator grids of forms: columns beyond the contract still inform the parsed target."""

from __future__ import annotations

from pathlib import Path

import jixiao

LAYOUTS = Path(__file__).parent / "data" / "layouts"


def test_extra_columns_are_kept_and_feed_the_target() -> None:
    doc = jixiao.parse(LAYOUTS / "project_form_extra_columns.txt")
    first = doc.projects[0].indicators[0]
    assert first.annual_value == "2800"
    assert first.extra["中期指标值"] == "3000" and first.extra["长期指标值"] == "3500"
    assert first.extra["分值"] == "15"
    # 绩效标准 "≥" and 度量单位 "人" make the bare 2800 a target of at least 2800 people
    assert (first.annual_target.comparator, first.annual_target.value, first.annual_target.unit) == (">=", 2800, "人")


def test_prose_targets_keep_their_printed_numbering() -> None:
    doc = jixiao.parse(LAYOUTS / "prose_targets.txt")
    inds = doc.projects[0].indicators
    assert [i.seq for i in inds][:4] == [1, 2, 1, 2]
    assert (inds[0].level1, inds[0].level2, inds[0].name, inds[0].annual_value) == ("产出指标", "数量指标", "培训人数", "不少于300人")
