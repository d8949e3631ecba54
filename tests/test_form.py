"""One-project and 部门整体 forms: rules the layout fixtures do not pin down on their own."""

from __future__ import annotations

import jixiao

_HEAD = "2024年部门整体支出绩效目标表\n部门名称\t某市统计局\n年度预算申请\t资金总额\t1,200.00\n"
_TAIL = ("年度总体目标\t完成全年统计调查任务。\n年度绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n"
         "\t产出指标\t数量指标\t完成统计调查项目数\t≥30项\n")


def test_expense_parts_under_their_group_are_fields():
    doc = jixiao.parse(_HEAD + "\t按支出性质分\t基本支出\t900.00\n\t\t项目支出\t300.00\n" + _TAIL)
    p = doc.projects[0]
    assert p.fields["基本支出"] == "900.00"
    assert p.fields["项目支出"] == "300.00"
    assert [s.text(doc.source_text) for s in p.field_spans["项目支出"]] == ["300.00"]
    assert not doc.residue


def test_expense_words_elsewhere_stay_values():
    # a task grid whose 支出项目名称 is 基本支出: a value of that column, not a label
    grid = "支出项目名称\t预算金额\n基本支出\t1,790.00\n统计调查经费\t200.00\n"
    doc = jixiao.parse(_HEAD + grid + _TAIL)
    p = doc.projects[0]
    assert "基本支出" not in p.fields
    assert p.fields["支出项目名称"].splitlines() == ["基本支出", "统计调查经费"]
    assert p.fields["预算金额"].splitlines() == ["1,790.00", "200.00"]


def test_money_pairs_in_one_cell_are_split_only_when_they_are_all_the_cell_holds():
    from jixiao.parse.form import _money_pairs
    from jixiao.parse.mtext import MText

    cells = _money_pairs(MText.of("年度资金总额 300  其中：财政拨款 280.5万元，其他资金 19.5"), 0)
    assert [(c.mt.s, c.label) for c in cells] == [
        ("年度资金总额", "年度资金总额"), ("300", None), ("其中：财政拨款", "其中：财政拨款"), ("280.5万元", None),
        ("其他资金", "其他资金"), ("19.5", None)]
    assert _money_pairs(MText.of("资金总额 300 万元用于购买设备"), 0) is None
    assert _money_pairs(MText.of("资金总额 300"), 0) is None  # one pair: an ordinary label and value


def test_a_second_different_department_label_stays_a_field():
    text = ("项目支出绩效目标表\n填报单位：某市教育局\n项目名称\t校园安全\n部门名称\t某市教育局本级\n"
            "年度绩效目标\t保障校园安全。\n绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n\t产出指标\t数量指标\t安保人员数\t≥100人\n")
    doc = jixiao.parse(text)
    assert doc.department == "某市教育局"
    assert doc.projects[0].fields["部门名称"] == "某市教育局本级"
    assert not doc.residue
