"""The cell reader's stages one by one: where the cells are (segment), what a cell is
(form_vocab), what a form's cells mean (form_reader, form_grid), prose targets, --explain."""

from __future__ import annotations

import jixiao
from jixiao.cli.main import app
from jixiao.parse.form_vocab import (
    grid_role,
    grid_words,
    is_amount_like,
    is_value_like,
    label_info,
    level_kind,
)
from jixiao.parse.lines import split_lines
from jixiao.parse.segment import segment


def _cells(text: str, **kw) -> list[tuple[str, int | None]]:
    return [(c.s, c.row) for c in segment(split_lines(text), [], **kw) if not c.empty and not c.chrome]


# -- segment ------------------------------------------------------------------------------------


def test_pipe_stream_cells_end_at_their_pipe_and_wrap_over_lines() -> None:
    text = "项目名称 |\n城市公园\n养护 |\n|\n|\n主管部门 |\n某局 |\n"
    cells = segment(split_lines(text), [])
    assert [c.s for c in cells if not c.empty] == ["项目名称", "城市公园养护", "主管部门", "某局"]
    # a lone pipe after a closed cell stands for an empty cell
    assert any(c.empty for c in cells)


def test_rows_joined_by_pipes_keep_interior_empty_cells_and_drop_the_padding() -> None:
    cells = segment(split_lines("a | | b | |||\n"), [])
    assert [c.s for c in cells] == ["a", "", "b"]
    assert len({c.row for c in cells}) == 1


def test_space_split_rows_only_where_lines_begin_with_words_of_the_table() -> None:
    rows = "项目名称 某项目 实施单位 某中心\n主管部门 某局\n产出指标 数量指标 培训人数 100人\n"
    assert len(_cells(rows, is_word=lambda w: w in ("项目名称", "主管部门", "产出指标"))) == 10
    # one cell per line with a space inside a cell ("≧ %"): not split
    stream = "指标值\n≧ %\n7 岁以下儿童健康管理率\n"
    assert [s for s, _ in _cells(stream, is_word=lambda w: False)] == ["指标值", "≧ %", "7 岁以下儿童健康管理率"]


def test_page_chrome_is_a_marker_not_a_cell_of_the_form() -> None:
    cells = segment(split_lines("发布时间:2020-01-20\n项目名称\n"), [])
    assert [c.chrome for c in cells] == [True, False]


# -- vocabulary ---------------------------------------------------------------------------------


def test_level_names_by_stem_whatever_notes_scores_or_spaces_they_carry() -> None:
    assert level_kind("产 出 指 标") == "level1"
    assert level_kind("产出指标(40-50)分") == "level1"
    assert level_kind("项目效益指标") == "level1"
    assert level_kind("数量指标(或建筑规模指标)") == "level2"
    assert level_kind("预算(或投资规模)控制指标") == "level2"
    assert level_kind("社会、经济、生态效益 指标") == "level2"
    assert level_kind("社会效益目标") == "level2"
    assert level_kind("成本指标") == "both"
    assert level_kind("本项目不适用此指标") is None
    assert level_kind("绩效指标") is None


def test_labels_by_name_and_by_shape_with_their_roles() -> None:
    assert label_info("专项(项目)名称").role == "name"
    assert label_info("主管部门及代码").role == "supervisor"
    assert label_info("项目执行单位").role == "unit"
    assert label_info("填报单位(盖章)").role == "department"
    assert label_info("本年度绩效目标").role == "goal_annual"
    assert label_info("中期滚动目标(2019年--2021年)").role == "goal_total"
    assert label_info("其中:当年财政拨款").role == "fiscal"
    assert label_info("其中:财政投款").role == "fiscal"  # a typo in a real table
    assert label_info("年度本级 预算金额").role == "total"
    assert label_info("资金情况(万元)").unit == "万元"
    shaped = label_info("财政资金预算分类")
    assert shaped is not None and not shaped.strong
    assert label_info("发布时间").role == "chrome"
    assert label_info("武汉市青山区教育局") is None
    assert label_info("按照1760株/栋的标准,在10栋设施温棚中种植。") is None


def test_grid_header_words_and_their_columns() -> None:
    assert grid_role("二级指标(长期)") == "level2:period"
    assert grid_role("指标值(长期)") == "period"
    assert grid_role("计划指标值(或计划水平)") == "value"
    assert grid_role("指标值(包含数字及文字描述)") == "value"
    assert grid_role("指标值类型") == "type"
    assert grid_role("度量单位") == "unit"
    assert grid_role("指 标 解 释") == "extra"
    assert grid_words("二级指标三级指标") == ["二级指标", "三级指标"]
    assert grid_words("三级指标计划指标值(或计划水平)") == ["三级指标", "计划指标值(或计划水平)"]


def test_values_and_amounts_by_their_shape() -> None:
    for v in ("≥90%", ">=4个", "100%", "稳步提高", "持续改善", "≧ %", "良好以上"):
        assert is_value_like(v), v
    for name in ("工程验收合格率", "灌区节水改造面积", "项目完成时间"):
        assert not is_value_like(name), name
    assert is_amount_like("1000.00") and is_amount_like("854万(高标准农田建设400万元)")
    assert not is_amount_like("2023.07-2024.01") and not is_amount_like("完成项目主体工程70%")


# -- forms --------------------------------------------------------------------------------------

PAIRED = "\n\n".join([
    "项目支出绩效目标表", "(2021年度)", "项目名称", "老旧小区改造", "主管部门", "某区住建局",
    "项目资金(万元)", "资金总额", "3000", "其他资金", " ",
    "总体目标", "中期目标", "年度目标", "三年完成30个。", "完成10个。",
    "一级指标", "二级指标(中期)", "三级指标(中期)", "指标值(中期)", "二级指标(年度)", "三级指标(年度)", "指标值(年度)",
    "产出指标", "数量指标", "改造小区数量", "30个", "数量指标", "改造小区数量", "10个",
]) + "\n"


def test_a_goal_label_row_pairs_with_its_values_and_an_empty_money_cell_takes_no_goal() -> None:
    doc = jixiao.parse(PAIRED)
    p = doc.projects[0]
    assert p.goal == "完成10个。"
    assert p.fields["中期目标"] == "三年完成30个。"
    assert p.amounts.total == 3000 and p.amounts.other is None
    assert doc.amount_unit == "万元" and doc.year == 2021


def test_a_paired_grid_read_as_a_stream_gives_one_indicator_with_both_values() -> None:
    ind = jixiao.parse(PAIRED).projects[0].indicators
    assert [(i.name, i.period_value, i.annual_value) for i in ind] == [("改造小区数量", "30个", "10个")]


def test_space_split_rows_find_the_value_from_the_right_by_its_shape() -> None:
    text = ("绩效目标申报表\n项目名称 某项目 项目负责人 张三\n主管部门 某镇政府 实施单位 某公司\n"
            "绩效指标 一级指标 二级指标 三级指标 指标值 备注\n"
            "产出指标 数量指标 景点开发数量( ≥**个 ) >=4个  \n流转土地 >=60亩 \n")
    ind = jixiao.parse(text).projects[0].indicators
    assert [(i.name, i.annual_value) for i in ind] == [("景点开发数量( ≥**个 )", ">=4个"), ("流转土地", ">=60亩")]


def test_direction_and_unit_columns_make_one_target_and_a_dropped_cell_does_not_shift_into_them() -> None:
    text = ("2025年项目支出绩效目标表 |\n项目支出名称 | 某专项 | 部门预算 | 70.00 |\n"
            "一级指标 | 二级指标 | 三级指标 | 指标值类型 | 目标值 | 度量单位 | 指标值内容 |\n"
            "成本指标 | 经济成本指标 | 中心经费 | ≤ | 70 | 万元 | 反映经费。 |\n"
            "社会成本指标 | 不利影响 | 定性 | 减少 | 反映影响。 |\n")
    first, second = jixiao.parse(text).projects[0].indicators
    assert first.annual_value == "70" and first.annual_target.comparator == "<=" and first.annual_target.unit == "万元"
    assert second.annual_value == "减少" and second.annual_target.text == "减少"
    assert second.extra["指标值内容"] == "反映影响。"


def test_headings_that_name_both_levels_need_no_grid_header() -> None:
    text = "项目支出绩效目标表\n项目名称\t设备购置\n【产出指标-数量指标】\n购置设备台数\t≥24台\n【满意度指标-服务对象满意度指标】\n患者满意度\t≥90%\n"
    ind = jixiao.parse(text).projects[0].indicators
    assert [(i.level1, i.level2, i.name) for i in ind] == [("产出指标", "数量指标", "购置设备台数"),
                                                            ("满意度指标", "服务对象满意度指标", "患者满意度")]


def test_a_table_cut_at_the_end_warns_and_drops_a_half_printed_level_name() -> None:
    text = "项目支出绩效目标表\n项目名称\t某项目\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人数\t100人\n产出指标\n数量指"
    p = jixiao.parse(text).projects[0]
    assert [i.name for i in p.indicators] == ["培训人数"]
    assert "excerpt-cut" in [w.code for w in p.warnings]


def test_prose_targets_under_level_headings() -> None:
    text = ("根据通知,安排资金50万元,实施某镇葡萄种植项目,项目负责人张三,项目总体绩效目标是:增加产值80万元。\n"
            "一、 产出指标\n数量指标:种植数量(≥**株)>=17600株;成活率(≥**%)>=85。\n"
            "二、 效益指标\n经济效益指标:特色产业产值(≥**万元)≥80万元,增加收入(≥**万元)≥80万元。\n")
    doc = jixiao.parse(text)
    p = doc.projects[0]
    assert p.name == "某镇葡萄种植项目" and p.amounts.total == 50 and p.goal == "增加产值80万元。"
    assert [(i.level2, i.name, i.annual_value) for i in p.indicators] == [
        ("数量指标", "种植数量(≥**株)", ">=17600株"), ("数量指标", "成活率(≥**%)", ">=85"),
        ("经济效益指标", "特色产业产值(≥**万元)", "≥80万元"), ("经济效益指标", "增加收入(≥**万元)", "≥80万元")]


def test_explain_lists_each_cell_with_its_role(tmp_path) -> None:
    from typer.testing import CliRunner

    path = tmp_path / "t.txt"
    path.write_text(PAIRED, encoding="utf-8")
    result = CliRunner().invoke(app, ["parse", str(path), "--explain"])
    assert result.exit_code == 0, result.output
    assert "年度值 annual" in result.output and "结构 structure" in result.output and "老旧小区改造" in result.output
