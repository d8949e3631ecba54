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


def test_an_annual_goal_repeating_the_total_goal_but_for_ocr_punctuation_is_not_a_second_field() -> None:
    from jixiao.parse.document import parse_source
    from jixiao.read.base import Source

    text = ("2020年预算项目支出绩效目标表\n项目名称\t\t济南市教育信息化\n实施单位\t\t济南市电化教育馆\n"
            "项目绩效目标\t项目总目标\t完成考试系统建设；完成教室扩建，提供视频分享。\n"
            "\t年度绩效目标\t完成考试系统建设：完成教室扩建提供视频分享。\n")
    project = parse_source(Source(text, name="form.txt")).projects[0]
    assert "年度绩效目标" not in project.fields
