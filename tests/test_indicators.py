"""The indicator grammar: both published forms and their variants."""

from __future__ import annotations

import pytest

from jixiao.model import Indicator
from jixiao.parse.indicators import find_indicator_start, parse_indicators
from jixiao.parse.mtext import MText


def parse(text: str):
    return parse_indicators(MText.of(text)).indicators


def fields(ind):
    return (ind.seq, ind.level1, ind.level1_code, ind.level2, ind.level2_code, ind.name,
            ind.period_value, ind.annual_value)


CASES = [
    # OCR lost the colon after the 一级 word; a name that only starts like a level word is left whole
    ("1、满意度指标：满意率，年度指标值：大于95%。2、产出指标项目覆盖教师数，年度指标值：不少于500人。",
     [(1, "满意度指标", None, None, None, "满意率", None, "大于95%"),
      (2, "产出指标", None, None, None, "项目覆盖教师数", None, "不少于500人")]),
    ("1.产出指标完成率：100%",
     [(1, None, None, None, None, "产出指标完成率", None, "100%")]),
    # OCR read the semicolon after the first level word as a colon: a coded level word follows, not a name
    ("2、1-产出指标：12-质量指标；保障业务正常运行；实施周期指标值：良好以上；年度指标值：良好以上。",
     [(2, "产出指标", "1", "质量指标", "12", "保障业务正常运行", "良好以上", "良好以上")]),
    # level words joined to the name by dashes
    ("1、产出指标-数量指标-数字化页数：≥10万页；2、满意度指标/利用者满意度：≥90%",
     [(1, "产出指标", None, "数量指标", None, "数字化页数", None, "≥10万页"),
      (2, "满意度指标", None, None, None, "利用者满意度", None, "≥90%")]),
    # a value run into its name, told by its comparator; a name holding a number is left whole
    ("1.培训人数≥100人；2.培训合格率不低于95%；3.完成2期培训",
     [(1, None, None, None, None, "培训人数", None, "≥100人"),
      (2, None, None, None, None, "培训合格率", None, "不低于95%"),
      (3, None, None, None, None, "完成2期培训", None, None)]),
    ("1、满意度指标：用户满意度，年度指标值：100%。",
     [(1, "满意度指标", None, None, None, "用户满意度", None, "100%")]),
    ("1、1-产出指标；12-质量指标；服务质量；实施周期指标值：良好以上；年度指标值：良好以上。",
     [(1, "产出指标", "1", "质量指标", "12", "服务质量", "良好以上", "良好以上")]),
    # ASCII separators and spaces
    ("1、1-产出指标; 11-数量指标; 覆盖人数; 实施周期指标值:167800; 年度指标值:167800。",
     [(1, "产出指标", "1", "数量指标", "11", "覆盖人数", "167800", "167800")]),
    # a missing value
    ("1、1-产出指标；11-数量指标；培训人数；实施周期指标值：；年度指标值：300人。",
     [(1, "产出指标", "1", "数量指标", "11", "培训人数", None, "300人")]),
    # 年度指标值 with no colon before a comparator
    ("1、满意度指标：满意率，年度指标值>90%。",
     [(1, "满意度指标", None, None, None, "满意率", None, ">90%")]),
    # an indicator named 年度指标值
    ("1、1-产出指标；11-数量指标；年度指标值；实施周期指标值：光纤共接入110个点位；年度指标值：光纤共接入110个点位。",
     [(1, "产出指标", "1", "数量指标", "11", "年度指标值", "光纤共接入110个点位", "光纤共接入110个点位")]),
    # a value starting with <
    ("1、1-产出指标；12-质量指标；设备故障率；实施周期指标值:<20%；年度指标值:<20%。",
     [(1, "产出指标", "1", "质量指标", "12", "设备故障率", "<20%", "<20%")]),
    # a name holding a colon, a value ending in 。。
    ("1、产出指标：课程资源包数：小学、初中，年度指标值：8877个。2、效益指标：服务对象，年度指标值：全市师生。。",
     [(1, "产出指标", None, None, None, "课程资源包数：小学、初中", None, "8877个"),
      (2, "效益指标", None, None, None, "服务对象", None, "全市师生")]),
    # the period value ends in 。 before its separator
    ("1、1-产出指标; 11-数量指标; 督导学校数; 实施周期指标值:每月1次(寒暑假除外)。; 年度指标值:每月1次。",
     [(1, "产出指标", "1", "数量指标", "11", "督导学校数", "每月1次(寒暑假除外)", "每月1次")]),
    # numbers inside values are not item numbers; items must count up
    ("1、产出指标：完成1、2号泵站改造，年度指标值：2座。2、效益指标：排涝能力，年度指标值：提高。",
     [(1, "产出指标", None, None, None, "完成1、2号泵站改造", None, "2座"),
      (2, "效益指标", None, None, None, "排涝能力", None, "提高")]),
    # 成本指标 as 一级, with codes
    ("1、4-成本指标；41-经济成本指标；单位造价；实施周期指标值：≤3000元/平方米；年度指标值：≤3000元/平方米。",
     [(1, "成本指标", "4", "经济成本指标", "41", "单位造价", "≤3000元/平方米", "≤3000元/平方米")]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_grammar(text: str, expected: list[tuple]) -> None:
    assert [fields(i) for i in parse(text)] == expected


def test_words_broken_mid_line_are_joined_before_parsing() -> None:
    lines = ["1、产出指标：维护率，年度指标值：100%。2、产出指标：单位系统运", "行稳定率，年度指标值：98%。"]
    source = "\n".join(lines)
    block = MText.join_lines([MText.of(source, 0, len(lines[0])), MText.of(source, len(lines[0]) + 1)])
    inds = parse_indicators(block).indicators
    assert [i.name for i in inds] == ["维护率", "单位系统运行稳定率"]
    # the joined name still points at both pieces of the source
    spans = inds[1].spans["name"]
    assert "".join(source[s.start:s.end] for s in spans) == "单位系统运行稳定率"


def test_value_is_parsed_into_a_target() -> None:
    ind = parse("1、满意度指标：用户满意度，年度指标值：≥90%。")[0]
    assert ind.annual_target.comparator == ">="
    assert ind.annual_target.value == 90
    assert ind.annual_target.unit == "%"


def test_find_indicator_start_needs_a_level_word() -> None:
    assert find_indicator_start("1.推动人工智能和教育深度融合；2.培育人才") is None
    assert find_indicator_start("目标文字。1、产出指标：x，年度指标值：1。") == 5


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_indicators_built_without_validation_equal_validated_ones(text: str, expected: list[tuple]) -> None:
    # the parser skips pydantic's validator for speed; validating the same fields must change nothing
    for ind in parse(text):
        validated = Indicator.model_validate(ind.model_dump())
        assert validated == ind
        assert validated.model_dump_json() == ind.model_dump_json()
        assert list(vars(validated)) == list(vars(ind))
        # as if built by Indicator(seq=…, <the fields read>, annual_target=…, period_target=…)
        read = {k for k, v in vars(ind).items() if v is not None and v != {}}
        assert ind.model_fields_set == read | {"seq", "annual_target", "period_target", "spans"}


# -- the loose grammars (parse/loose_indicators.py) ---------------------------------------

def _loose(text: str) -> list[tuple]:
    from jixiao.parse.loose_indicators import parse_loose_indicators
    found = parse_loose_indicators(MText.plain(text)).indicators
    return [(i.seq, i.level1, i.level2, i.name, i.annual_value) for i in found]


def test_loose_labelled_items_carry_their_level() -> None:
    assert _loose("一级指标：1-产出指标；二级指标：11-数量指标；三级指标：场次；指标值：≥20场。三级指标：人次；指标值：5000") == [
        (1, "产出指标", "数量指标", "场次", "≥20场"), (2, "产出指标", "数量指标", "人次", "5000")]


def test_loose_nested_keeps_a_name_that_is_a_level_stem() -> None:
    assert _loose("满意度指标：服务对象满意度指标：满意度：≥90%；产出指标：数量指标：人数：3人") == [
        (1, "满意度指标", "服务对象满意度指标", "满意度", "≥90%"), (2, "产出指标", "数量指标", "人数", "3人")]


def test_loose_bracket_items_take_the_value_after_a_colon() -> None:
    assert _loose("（1）产出指标-数量指标-页数：≥10万页（2）满意度 ≥90%") == [
        (1, "产出指标", "数量指标", "页数", "≥10万页"), (2, "产出指标", "数量指标", "满意度", "≥90%")]


def test_loose_grammars_leave_other_text_alone() -> None:
    assert _loose("完成培训任务：按时完成；提高服务质量") == []
    assert _loose("项目负责人：张三；联系电话：12345") == []
    assert _loose("（1）只有一条") == []
