"""Tests for jixiao.parse.values.parse_target: one printed 指标值 → Target."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.model import Target
from jixiao.parse.values import parse_target

Q, L, P, E = "quantitative", "qualitative", "placeholder", "empty"

# text, kind, comparator, value, (low, high) or None, unit, qualitative
CASES: list[tuple[str, str, str | None, float | None, tuple[float, float] | None, str | None, str | None]] = [
    # plain numbers and percentages
    ("100%", Q, None, 100, None, "%", None),
    ("100％", Q, None, 100, None, "%", None),
    ("0%", Q, None, 0, None, "%", None),
    ("0", Q, None, 0, None, None, None),
    ("98%", Q, None, 98, None, "%", None),
    ("8877个", Q, None, 8877, None, "个", None),
    ("1次", Q, None, 1, None, "次", None),
    ("1,000", Q, None, 1000, None, None, None),
    ("10,399.40万元", Q, None, 10399.4, None, "万元", None),
    ("2426.14平方米", Q, None, 2426.14, None, "平方米", None),
    ("312㎡", Q, None, 312, None, "㎡", None),
    ("1000M", Q, None, 1000, None, "M", None),
    ("100 %", Q, None, 100, None, "%", None),
    ("百分之百完成", Q, None, 100, None, "%", None),
    # counting words of events (重大事故发生数 0起)
    ("0起", Q, None, 0, None, "起", None),
    # intervals, and a lower bound followed by an upper one: ranges
    ("[90%,100%]", Q, None, None, (90, 100), "%", None),
    ("[90,100]%", Q, None, None, (90, 100), "%", None),
    ("【90%，100%】", Q, None, None, (90, 100), "%", None),
    ("≥90%且≤100%", Q, None, None, (90, 100), "%", None),
    ("大于90%小于100%", Q, None, None, (90, 100), "%", None),
    ("≥95%且≤90%", Q, ">=", 95, None, "%", None),  # bounds that contradict each other: the first
    ("≥90%，且不少于3次", Q, ">=", 90, None, "%", None),
    # symbol comparators, half- and full-width
    ("≥90%", Q, ">=", 90, None, "%", None),
    ("≥99.99%", Q, ">=", 99.99, None, "%", None),
    ("≤5%", Q, "<=", 5, None, "%", None),
    ("＞95%", Q, ">", 95, None, "%", None),
    ("<20%", Q, "<", 20, None, "%", None),
    ("＜1.4", Q, "<", 1.4, None, None, None),
    ("＞=95%", Q, ">=", 95, None, "%", None),
    (">=95%", Q, ">=", 95, None, "%", None),
    ("=<3次", Q, "<=", 3, None, "次", None),
    ("≧80分", Q, ">=", 80, None, "分", None),
    ("≦2小时", Q, "<=", 2, None, "小时", None),
    ("=100%", Q, "=", 100, None, "%", None),
    ("≥44000", Q, ">=", 44000, None, None, None),
    ("≥ 90 %", Q, ">=", 90, None, "%", None),
    # word comparators
    ("不低于95%", Q, ">=", 95, None, "%", None),
    ("不少于500人", Q, ">=", 500, None, "人", None),
    ("不小于10个", Q, ">=", 10, None, "个", None),
    ("大于等于98%", Q, ">=", 98, None, "%", None),
    ("至少3场", Q, ">=", 3, None, "场", None),
    ("大于95%", Q, ">", 95, None, "%", None),
    ("超过100家", Q, ">", 100, None, "家", None),
    ("高于90%", Q, ">", 90, None, "%", None),
    ("不高于5%", Q, "<=", 5, None, "%", None),
    ("不超过30天", Q, "<=", 30, None, "天", None),
    ("不大于2秒", Q, "<=", 2, None, "秒", None),
    ("小于等于3次", Q, "<=", 3, None, "次", None),
    ("小于3次", Q, "<", 3, None, "次", None),
    ("低于1%", Q, "<", 1, None, "%", None),
    ("少于5篇", Q, "<", 5, None, "篇", None),
    ("约140人", Q, "≈", 140, None, "人", None),
    ("约20万个", Q, "≈", 20, None, "万个", None),
    ("大约50台", Q, "≈", 50, None, "台", None),
    ("100人左右", Q, "≈", 100, None, "人", None),
    ("达到100%", Q, None, 100, None, "%", None),
    ("等于1", Q, None, 1, None, None, None),
    # suffix comparators
    ("80%以上", Q, ">=", 80, None, "%", None),
    ("90%或以上", Q, ">=", 90, None, "%", None),
    ("80分或以上", Q, ">=", 80, None, "分", None),
    ("2人或以上", Q, ">=", 2, None, "人", None),
    ("3倍及以上", Q, ">=", 3, None, "倍", None),
    ("95%之上", Q, ">=", 95, None, "%", None),
    ("大于800以上", Q, ">", 800, None, None, None),
    ("2次(含)以上", Q, ">=", 2, None, "次", None),
    ("1%以下", Q, "<=", 1, None, "%", None),
    ("5%或以下", Q, "<=", 5, None, "%", None),
    ("3次及以下", Q, "<=", 3, None, "次", None),
    ("5个工作日以内", Q, "<=", 5, None, "个工作日", None),
    ("10分钟之内", Q, "<=", 10, None, "分钟", None),
    ("控制在5%以内", Q, "<=", 5, None, "%", None),
    ("在4小时内采用备品或备件替换使用至修复为止", Q, "<=", 4, None, "小时", None),
    # per-units and bracketed units
    ("2次/天", Q, None, 2, None, "次/天", None),
    ("≥25人/班", Q, ">=", 25, None, "人/班", None),
    ("1200元/人/年", Q, None, 1200, None, "元/人/年", None),
    ("保安 4500/人/月，保洁 4000/人/月", Q, None, 4500, None, "/人/月", None),
    ("5（秒）", Q, None, 5, None, "秒", None),
    ("50（个）", Q, None, 50, None, "个", None),
    ("1000万（笔）", Q, None, 1000, None, "万笔", None),
    (">1000万件", Q, ">", 1000, None, "万件", None),
    ("不低于100万元", Q, ">=", 100, None, "万元", None),
    ("不少于24所学校", Q, ">=", 24, None, "所学校", None),
    ("3TB", Q, None, 3, None, "TB", None),
    ("100Mbps", Q, None, 100, None, "Mbps", None),
    # ranges
    ("90%-95%", Q, None, None, (90, 95), "%", None),
    ("90-95%", Q, None, None, (90, 95), "%", None),
    ("1～2次", Q, None, None, (1, 2), "次", None),
    ("90~100", Q, None, None, (90, 100), None, None),
    ("3至5个", Q, None, None, (3, 5), "个", None),
    ("约1-2次", Q, "≈", None, (1, 2), "次", None),
    # a number inside text
    ("系统对简单查询操作的响应时间5（秒）", Q, None, 5, None, "秒", None),
    ("系统用户总数及分类用户数3000（个）", Q, None, 3000, None, "个", None),
    ("100%按照立项文件完成", Q, None, 100, None, "%", None),
    ("开展不少于160场讲座，线上线下参与人次不少于70万。", Q, ">=", 160, None, "场", None),
    ("满意度98%以上", Q, ">=", 98, None, "%", None),
    ("校园安全事故率1%以下", Q, "<=", 1, None, "%", None),
    ("每年不少于2次", Q, ">=", 2, None, "次", None),
    ("支持前端网页请求响应时间小于10秒", Q, "<", 10, None, "秒", None),
    ("可持续影响大于5年", Q, ">", 5, None, "年", None),
    ("事故为0", Q, None, 0, None, None, None),
    ("①满意度≥90%", Q, ">=", 90, None, "%", None),
    ("1、培训人数≥100人；2、满意度≥90%", Q, ">=", 100, None, "人", None),
    ("满意度-95%", Q, None, 95, None, "%", None),
    ("IPv6改造完成3项", Q, None, 3, None, "项", None),
    # dates are not targets
    ("2024年12月前完成", L, None, None, None, None, "2024年12月前完成"),
    ("2024-12-31前", L, None, None, None, None, "2024-12-31前"),
    ("12月底前完成", L, None, None, None, None, "12月底前完成"),
    ("8:00-18:00", L, None, None, None, None, "8:00-18:00"),
    ("2024年完成3项", Q, None, 3, None, "项", None),
    # qualitative
    ("提高", L, None, None, None, None, "提高"),
    ("有所提高", L, None, None, None, None, "有所提高"),
    ("明显提升", L, None, None, None, None, "明显提升"),
    ("良好", L, None, None, None, None, "良好"),
    ("良好以上", L, ">=", None, None, None, "良好"),
    ("良好及以上", L, ">=", None, None, None, "良好"),
    ("不低于良好", L, ">=", None, None, None, "良好"),
    ("优", L, None, None, None, None, "优"),
    ("优秀", L, None, None, None, None, "优秀"),
    ("合格", L, None, None, None, None, "合格"),
    ("达标", L, None, None, None, None, "达标"),
    ("及时", L, None, None, None, None, "及时"),
    ("按时", L, None, None, None, None, "按时"),
    ("按期", L, None, None, None, None, "按期"),
    ("是", L, None, None, None, None, "是"),
    ("否", L, None, None, None, None, "否"),
    ("有效", L, None, None, None, None, "有效"),
    ("健全", L, None, None, None, None, "健全"),
    ("完成", L, None, None, None, None, "完成"),
    ("下降", L, None, None, None, None, "下降"),
    ("降低", L, None, None, None, None, "降低"),
    ("稳定", L, None, None, None, None, "稳定"),
    ("正常", L, None, None, None, None, "正常"),
    ("改善", L, None, None, None, None, "改善"),
    ("显著", L, None, None, None, None, "显著"),
    ("满足", L, None, None, None, None, "满足"),
    ("符合", L, None, None, None, None, "符合"),
    ("合法合规", L, None, None, None, None, "合法合规"),
    ("完成更新建设。", L, None, None, None, None, "完成更新建设"),
    ("预算范围内", L, "<=", None, None, None, "预算范围内"),
    ("预算以内", L, "<=", None, None, None, "预算以内"),
    ("不超预算", L, "<=", None, None, None, "不超预算"),
    ("不超支", L, "<=", None, None, None, "不超支"),
    ("不超过预算数", L, "<=", None, None, None, "不超过预算数"),
    ("低于预算完成项目，", L, "<", None, None, None, "低于预算完成项目"),
    ("  服务 及时  ", L, None, None, None, None, "服务 及时"),
    # template placeholders
    ("≥**个", P, None, None, None, None, None),
    ("**%", P, None, None, None, None, None),
    ("XX", P, None, None, None, None, None),
    ("××", P, None, None, None, None, None),
    ("xx人", P, None, None, None, None, None),
    ("≥XX人次", P, None, None, None, None, None),
    ("待定", P, None, None, None, None, None),
    ("/", P, None, None, None, None, None),
    ("-", P, None, None, None, None, None),
    ("—", P, None, None, None, None, None),
    ("≥%", P, None, None, None, None, None),
    # empty
    ("", E, None, None, None, None, None),
    ("   ", E, None, None, None, None, None),
    ("\u3000\t\n", E, None, None, None, None, None),
]


@pytest.mark.parametrize(("text", "kind", "comparator", "value", "bounds", "unit", "qualitative"), CASES)
def test_parse_target(
    text: str,
    kind: str,
    comparator: str | None,
    value: float | None,
    bounds: tuple[float, float] | None,
    unit: str | None,
    qualitative: str | None,
) -> None:
    low, high = bounds or (None, None)
    got = parse_target(text)
    assert isinstance(got, Target)
    assert (got.text, got.kind, got.comparator, got.value, got.low, got.high, got.unit, got.qualitative) == (
        text,
        kind,
        comparator,
        value,
        low,
        high,
        unit,
        qualitative,
    )


def test_none_is_none() -> None:
    assert parse_target(None) is None


def test_result_is_a_valid_target() -> None:
    got = parse_target("≥90%")
    assert got == Target(text="≥90%", kind="quantitative", comparator=">=", value=90.0, unit="%")
    assert Target.model_validate(got.model_dump()) == got


@pytest.mark.parametrize(
    "text",
    [
        "\ud800",  # a lone surrogate, which pydantic itself refuses to validate
        "\x00\x01\x1f\x7f",
        "1" * 5000,  # overflows float
        "9" * 400 + "-" + "9" * 400,
        "x" * 100_000 + "a",
        "。" * 100_000 + "a",
        "1," * 50_000,
        "≥" * 50_000,
        "以上" * 50_000 + "5",
        "不少于160场，" * 10_000,
    ],
)
def test_awkward_input_does_not_raise(text: str) -> None:
    got = parse_target(text)
    assert got is not None
    assert got.text == text


_VOCAB = list("0123456789.,%％≥≤><=＞＜~～-—/（）()*xX×万亿年月日次人个秒以上下内约不低于少超过 \u3000") + [
    "良好",
    "预算",
    "范围内",
    "或以上",
    "待定",
    "㎡",
    "①",
]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_keeps_text(text: str) -> None:
    got = parse_target(text)
    assert got is not None
    assert got.text == text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_VOCAB), max_size=12).map("".join))
def test_never_raises_on_value_like_text(text: str) -> None:
    got = parse_target(text)
    assert got is not None
    assert got.text == text
    if got.kind == "quantitative":
        assert got.value is not None or (got.low is not None and got.high is not None)
        assert got.low is None or got.low <= got.high
