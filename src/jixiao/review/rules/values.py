"""C. Values (R12–R20): is each 指标值 present, filled in, measurable, and pointing the right way?"""

from __future__ import annotations

import re
from types import SimpleNamespace

from ..registry import hit, rule
from ..text import Memo, label

_PUNCT = re.compile(r"[\W_]+")

_S_MEASURABLE = ("S4：「尽量进行定量表述…不能以量化形式表述的，可以采用定性的分级分档形式表述」；"
                 "S5：「是否通过清晰、可衡量的指标值予以体现」；S7：「指标值应尽量细化、量化」")


def _values(v):
    """(field, facts, text) of the annual value, and of the period value when it says something else."""
    yield "annual_value", v.annual, v.ind.annual_value
    if not v.period.empty and v.period.norm != v.annual.norm:
        yield "period_value", v.period, v.ind.period_value


_NOT_VALUE_COLUMNS = {"分值", "权重", "指标解释", "备注", "绩效标准", "评分标准", "指标值内容", "指标方向", "指标值类型",
                      "度量单位", "计量单位", "指标性质"}
_SHORT_NUMBER = re.compile(r"^\D{0,3}\d[\d.,]*\D{0,4}$")


def _values_in_columns(v) -> bool:
    """A transfer table's value columns, one per county or village: the values are there, under
    the places' names, not in 年度指标值."""
    spread = [t for k, t in v.ind.extra.items() if k not in _NOT_VALUE_COLUMNS and _SHORT_NUMBER.match(t.strip())]
    return len(spread) >= 2


@rule(
    "R12", name="value-present", group="C", scope="indicator",
    title="有指标值", title_en="A value is present",
    severity="error",
    message="指标“{name}”没有年度指标值", message_en="“{name}” has no annual value (年度指标值)",
    variants={"period": ("warning", "指标“{name}”没有实施周期指标值", "“{name}” has no period value (实施周期指标值)")},
    reasoning="没有指标值就无法衡量；表中印有实施周期指标值一栏时，该栏为空也要提示。"
              "转移支付表按县、乡、村各列一栏指标值时，值在这些栏里，不算缺值。",
    source="S5：「是否通过清晰、可衡量的指标值予以体现」；S7：「三级指标根据项目自身特点自行设定具体指标值」",
    bad="年度指标值：（空）", good="年度指标值：≥95%",
    pure=False,  # whether the table prints the period column is the document's
    needs=lambda v, s: v.annual.empty or v.period.empty,
)
def r12(v, s):
    if v.annual.empty:
        if _values_in_columns(v):
            return None
        return hit("annual_value", name=label(v.ind))
    if v.period.empty and v.doc.has_period:
        return hit("period_value", "period", name=label(v.ind))
    return None


def _prepare_r13(s: SimpleNamespace) -> SimpleNamespace:
    s.re = re.compile("|".join(s.patterns))
    s.memo = Memo(lambda t: bool(s.re.search(t)))
    return s


@rule(
    "R13", name="placeholder", group="C", scope="indicator",
    title="残留模板占位符", title_en="Template placeholder left in",
    severity="error",
    message="指标值“{value}”是未填写的模板占位符", message_en="value “{value}” is an unfilled template placeholder",
    reasoning="公开的模板用 **、XX 等占位；留在表里说明目标没有真正设定。",
    source="（推定）公开模板带有 ** 占位符", inferred=True,
    settings={"patterns": [r"\*\*", r"(?<![A-Za-z])[xX×]{2,}(?![A-Za-z])", r"待定", r"待确定", r"待填",
                           r"^[/／\\\-—–_.。…]+$", r"[≥≤<>=]\s*[%％]", r"^[%％]$"]},
    settings_doc={"patterns": "正则表达式：命中任一即为占位符"},
    prepare=_prepare_r13,
    bad="≥**%", good="≥95%",
)
def r13(v, s):
    out = [hit(f, value=t) for f, vf, t in _values(v) if not vf.empty and s.memo[vf.norm]]
    return out or None


_VAGUE_WORDS = [
    # direction only
    "提高", "提升", "显著提升", "有效提升", "达到提升", "明显提升", "增强", "加强", "改善", "持续改善", "明显改善",
    "下降", "减少", "降低", "上升", "逐步", "稳步", "持续", "进一步", "促进", "推动",
    # a grade without a scale
    "良好", "较好", "优良", "合格", "达标", "正常", "稳定",
    # a state
    "健全", "完善", "建立", "基本实现", "实现", "完成", "完备", "形成",
    # time without a time
    "及时", "服务及时", "按时", "按期", "每月按时", "按月", "按计划",
    # "effective"
    "有效", "高效", "显著",
    # restates the budget or the rules
    "预算范围内", "预算以内", "按预算", "不超预算", "不超过预算", "不超支", "合法合规", "符合", "年度计划数",
    # ensure / guarantee
    "保障", "确保", "保证",
]  # fmt: skip
_VAGUE_ANYWHERE = ["呈上升态势", "预算范围内", "预算以内", "不超预算", "不超成本预算", "合法合规"]


def _prepare_r14(s: SimpleNamespace) -> SimpleNamespace:
    words, exact, anywhere = tuple(s.words), frozenset(s.exact), tuple(s.anywhere)

    def vague(t: str) -> bool:
        return t in exact or t.startswith(words) or any(w in t for w in anywhere)

    s.memo = Memo(vague)
    return s


@rule(
    "R14", name="vague-value", group="C", scope="indicator",
    title="指标值是模糊词，不是目标", title_en="Value is a vague word, not a target",
    severity="warning",
    message="指标值“{value}”是模糊表述，无法衡量", message_en="value “{value}” is a vague word that cannot be measured",
    reasoning="没有数字、只说方向（提高）、状态（健全）、评价（良好）或复述预算和制度（预算范围内、合法合规）的值"
              "无法据以评价。只检查不含数字、且不长于 max_len 个字的值（更长的是句子，见 R15）；"
              "短词（是、有）须整值相同，其他词须在值的开头，anywhere 中的词出现在任何位置都算。",
    source=_S_MEASURABLE + "；词表（推定）取自上述原则和广州样表中的实际取值（S11）",
    inferred=True,
    settings={"words": _VAGUE_WORDS, "exact": ["是", "否", "有", "无"], "anywhere": _VAGUE_ANYWHERE, "max_len": 12},
    settings_doc={"words": "值以这些词开头即为模糊", "exact": "值与这些词完全相同才算",
                  "anywhere": "值中任何位置出现即为模糊", "max_len": "更长的无数字值交给 R15"},
    prepare=_prepare_r14,
    bad="提高", good="较上年提高 5 个百分点（≥85%）",
)
def r14(v, s):
    out = [hit(f, value=t) for f, vf, t in _values(v)
           if not vf.empty and not vf.has_digit and vf.plain_len <= s.max_len and s.memo[vf.norm]]
    return out or None


@rule(
    "R15", name="sentence-value", group="C", scope="indicator",
    title="指标值是一句话，不是目标", title_en="Value is a sentence, not a target",
    severity="warning",
    message="指标值“{value}”是一段描述，没有可衡量的目标", message_en="value “{value}” is a sentence with no measurable target",
    reasoning="不含数字的长句（去掉标点后超过 max_len 个字）描述的是愿景或做法，不是可以核对的目标。",
    source=_S_MEASURABLE + "；长度阈值（推定）",
    inferred=True,
    settings={"max_len": 12},
    settings_doc={"max_len": "去掉标点后超过这么多字、且不含数字即为句子"},
    bad="相比以往人工处理工作，使用信息化手段处理可节约人工成本", good="人工处理工时减少≥30%",
)
def r15(v, s):
    out = [hit(f, value=t) for f, vf, t in _values(v)
           if not vf.empty and not vf.has_digit and vf.plain_len > s.max_len]
    return out or None


@rule(
    "R16", name="yes-no-value", group="C", scope="indicator",
    title="以“是/否”为指标值", title_en="是/否 as value",
    severity="warning",
    message="指标值只有“{value}”，不是分级分档的目标", message_en="the value is only “{value}”, not a graded target",
    variants={"question": ("info", "“{name}”是是非题，指标值只有“{value}”",
                           "“{name}” is a yes/no question answered “{value}”")},
    reasoning="定性指标应「分级分档」；“是/有”只能判断有无。名称本身是“是否……”时只作提示。",
    source="（推定）依据 S4：定性表述采用「分级分档形式」", inferred=True,
    settings={"words": ["是", "否", "有", "无"]},
    supersedes=("R14",),
    bad="推广性：是", good="推广到的区数：≥5个",
)
def r16(v, s):
    t = v.annual.norm
    if t in s.words:
        if "是否" in v.name.norm:
            return hit("annual_value", "question", name=v.ind.name, value=v.ind.annual_value)
        return hit("annual_value", value=v.ind.annual_value)
    return None


def _prepare_r17(s: SimpleNamespace) -> SimpleNamespace:
    suffixes, unless = tuple(s.suffixes), tuple(s.not_rates)
    s.memo = Memo(lambda core: core.endswith(suffixes) and not core.endswith(unless))
    return s


@rule(
    "R17", name="rate-needs-rate", group="C", scope="indicator",
    title="比率类指标要有比率", title_en="Rate-type names need a rate",
    severity="warning",
    message="“{name}”是比率类指标，指标值“{value}”却没有数值",
    message_en="“{name}” is a rate but its value “{value}” has no number",
    variants={
        "over_100": ("error", "“{name}”的指标值“{value}”超过 100%", "the value “{value}” of “{name}” exceeds 100%"),
        "satisfaction_range": ("error", "满意度“{name}”的指标值“{value}”不在 0–100% 之间（不含 0）",
                               "satisfaction “{name}” has a value “{value}” outside (0, 100%]"),
    },
    reasoning="名称以率、比例、占比、覆盖率、满意度结尾的指标只能用比率衡量；比率超过 100% 或满意度为 0 说明值填错了。",
    source="（推定）依据 S5：「是否通过清晰、可衡量的指标值予以体现」", inferred=True,
    settings={"suffixes": ["率", "比例", "占比", "覆盖率", "满意度", "比重"], "not_rates": ["效率", "频率"]},
    settings_doc={"suffixes": "名称（去掉“（%）”等括注）以这些结尾即为比率类",
                  "not_rates": "以这些结尾的不算比率（办公效率、保洁频率）"},
    prepare=_prepare_r17,
    supersedes=("R14", "R15"),
    bad="网站故障次数下降率：下降", good="网站故障次数下降率：≥10%",
)
def r17(v, s):
    a = v.annual
    if a.empty or not s.memo[v.name.core]:
        return None
    if not a.has_digit:
        return hit("annual_value", name=v.ind.name, value=v.ind.annual_value)
    if not a.percent:
        return None
    top = a.top()
    if top is not None and top > 100:
        return hit("annual_value", "over_100", name=v.ind.name, value=v.ind.annual_value)
    if v.name.satisfaction and top is not None and top <= 0:
        return hit("annual_value", "satisfaction_range", name=v.ind.name, value=v.ind.annual_value)
    return None


def _prepare_r18(s: SimpleNamespace) -> SimpleNamespace:
    words, suffixes, implied = tuple(s.words), tuple(s.suffixes), tuple(s.implied)
    s.memo = Memo(lambda core: (core.endswith(suffixes) or any(w in core for w in words))
                  and not any(w in core for w in implied))
    return s


@rule(
    "R18", name="count-has-unit", group="C", scope="indicator",
    title="数量类指标值有单位", title_en="Count-type value has a unit",
    severity="info",
    message="“{name}”的指标值“{value}”没有计量单位", message_en="the value “{value}” of “{name}” has no unit",
    reasoning="定量三级指标要设置计量单位，否则不知道 500 是人、人次还是场次。名称中已括注单位的（如“（个）”）不算；"
              "名称已说明数的是什么、单位不言自明的（覆盖人数、投诉次数、参与学校数量、论文发表数）也不算（implied）；"
              "0 不需要单位。",
    source="S10：「定量三级指标中设置指标性质、单位」",
    settings={"words": ["数量", "次数", "人次", "面积", "长度", "里程"], "suffixes": ["数"], "allow_zero": True,
              "implied": ["人数", "人次", "次数", "个数", "台数", "套数", "件数", "户数", "篇数", "场次", "天数",
                          "门数", "学校", "教室", "论文", "课程", "并发"]},
    settings_doc={"words": "名称含这些词即为计数类", "suffixes": "名称以这些结尾即为计数类",
                  "allow_zero": "值为 0 时不要求单位",
                  "implied": "名称含这些词时单位不言自明（人数→人，次数→次，学校→所），不提示"},
    prepare=_prepare_r18,
    bad="英语听说考试建设数量：29", good="覆盖人数：167800（名称已说明是人）",
)
def r18(v, s):
    a = v.annual
    if not a.bare or v.name.bracket_unit or not s.memo[v.name.core]:
        return None
    if s.allow_zero and a.number == 0:
        return None
    return hit("annual_value", name=v.ind.name, value=v.ind.annual_value)


_DIRECTION = re.compile(r"[≥≤<>=]|不低于|不少于|不小于|不超过|不高于|不大于|不多于|大于|小于|高于|低于|超过|少于|多于"
                        r"|以上|以下|以内|之内|至少|最多|\d\s*\S{0,3}内")
#: a planned frequency: 每周4次, 2次/天
_FREQUENCY = re.compile(r"每(?:天|日|周|月|季度?|年|学期)\s*\d|次\s*/\s*(?:天|日|周|月|季度?|年|学期)")
#: what follows the last number, less a bracketed unit (5（秒）) and punctuation
_TAIL = re.compile(r"\d([^\d]*)$")
_BRACKETS = re.compile(r"[(（][^()（）]*[)）]")


def _prepare_r19(s: SimpleNamespace) -> SimpleNamespace:
    names, limits = tuple(s.exempt_names), tuple(s.limit_names)
    s.exempt = Memo(lambda n: any(w in n for w in names))
    s.limit = Memo(lambda n: any(w in n for w in limits))

    def described(t: str) -> bool:
        m = _TAIL.search(t)
        tail = _PUNCT.sub("", _BRACKETS.sub("", m[1])) if m else ""
        return len(tail) > s.max_tail

    s.described = Memo(described)
    s.frequency = Memo(lambda t: bool(_FREQUENCY.search(t)))
    return s


@rule(
    "R19", name="has-direction", group="C", scope="indicator",
    title="定量指标值有方向", title_en="Quantitative value has a direction",
    severity="info",
    message="指标值“{value}”没有写明方向（≥、≤、以上、以内……）",
    message_en="value “{value}” states no direction (≥, ≤, 以上, 以内 …)",
    reasoning="评分时正向指标（越高越好）与反向指标（越低越好）算法不同，比率、性能、规模和效果的目标值要写明比较方向。"
              "计划完成的定数不需要方向：数量指标（表中不印二级时，产出下除响应时间、并发数等性能上下限以外的数）、"
              "规定的频次（2次/天、每周4次）、名称为标准、年限、频率的定额；数字后面还跟着一段文字的值是描述"
              "（全市150万中小学生、老师），不是目标（描述不可衡量由 R15 管）。100% 与 0 本身就是上下限，默认不提示（exempt_bounds）。",
    source="S10（系统按指标存「计算符号/指标性质」，正向与反向指标分别计分，见规则文档 §4）",
    settings={"exempt_bounds": True, "exempt_names": ["标准", "年限", "服务期", "频率", "频次"],
              "planned_counts": True,
              "limit_names": ["响应", "并发", "时间", "时长", "容量", "带宽", "速度", "速率", "单价", "成本", "费用"],
              "max_tail": 4},
    settings_doc={"exempt_bounds": "值为 100% 或 0 时不提示",
                  "exempt_names": "名称含这些词的（补助标准、服务年限、保洁频率）是规定的定额，不提示",
                  "planned_counts": "数量指标（及不印二级时产出下的数）是计划定数，非百分比时不提示",
                  "limit_names": "名称含这些词的产出是性能或成本的上下限，即使是数也要方向",
                  "max_tail": "最后一个数字之后（去掉括注单位和标点）多于这么多字的值是描述，不提示"},
    prepare=_prepare_r19,
    bad="系统运行稳定率：98%", good="系统运行稳定率：≥98%（计划定数如“11-数量指标；拍摄课程视频数；6300个”不必写方向）",
)
def r19(v, s):
    a = v.annual
    if not a.quantitative or a.low is not None or a.comparator in (">=", ">", "<=", "<", "="):
        return None
    if s.exempt_bounds and (a.number == 0 or (a.percent and a.number == 100)):
        return None
    if s.exempt[v.name.norm] or _DIRECTION.search(a.norm):
        return None  # a direction printed where the parser did not take it as the comparator (大于全年99%)
    if not a.percent:
        if s.frequency[a.norm] or s.described[a.norm]:
            return None
        if s.planned_counts and _planned(v, s):
            return None
    return hit("annual_value", value=v.ind.annual_value)


def _planned(v, s) -> bool:
    """A planned output count: under 数量, or under 产出 on a table without 二级 unless a performance limit."""
    c = v.cat
    if c.l2 == "数量":
        return True
    return c.l2 is None and not c.printed2 and c.l1 == "产出" and not s.limit[v.name.norm]


def _prepare_r20(s: SimpleNamespace) -> SimpleNamespace:
    bad, turn = tuple(s.lower_is_better), tuple(s.turns_positive)
    s.memo = Memo(lambda n: any(w in n for w in bad) and not any(w in n for w in turn))
    s.up = tuple(s.up_words)
    return s


@rule(
    "R20", name="direction-fits", group="C", scope="indicator",
    title="方向与指标性质相符", title_en="Direction fits the indicator",
    severity="warning",
    message="“{name}”越低越好，指标值“{value}”却要求不低于",
    message_en="“{name}” is lower-is-better but its value “{value}” sets a floor",
    variants={"word": ("warning", "“{name}”越低越好，指标值却是“{value}”",
                       "“{name}” is lower-is-better but its value is “{value}”")},
    reasoning="事故、投诉、故障、差错等越少越好（反向指标），目标应写“≤”“以内”；写成“≥”“以上”或“提高”方向就反了。"
              "名称含响应、处理、修复等词的（故障响应率）是正向指标，不算。只写“下降”而无数字的值由 R14 报告。",
    source="（推定）；S10 把此类指标作为反向指标计分（越低越好）", inferred=True,
    settings={"lower_is_better": ["事故", "投诉", "故障", "差错", "违规", "超支", "流失", "发生率", "退学", "辍学"],
              "turns_positive": ["响应", "处理", "修复", "维修", "关闭", "切换", "解决", "排除", "及时", "处置",
                                 "整改", "办结", "下降", "降低", "减少", "无故障"],
              "up_words": ["提高", "提升", "增加", "上升", "增长"]},
    settings_doc={"lower_is_better": "名称含这些词即为越低越好", "turns_positive": "名称同时含这些词则是正向指标",
                  "up_words": "向上的方向词"},
    prepare=_prepare_r20,
    supersedes=("R14",),
    bad="安全事故发生率：≥1%", good="安全事故发生率：≤1%",
)
def r20(v, s):
    if not s.memo[v.name.norm]:
        return None
    a = v.annual
    if a.quantitative and a.comparator in (">=", ">") and a.number:
        return hit("annual_value", name=v.ind.name, value=v.ind.annual_value)
    if not a.has_digit and a.norm.startswith(s.up):
        return hit("annual_value", "word", name=v.ind.name, value=v.ind.annual_value)
    return None
