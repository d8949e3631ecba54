"""D. Rules for particular kinds of indicator (R21–R27): 时效, 成本, process measures, 数量, 效益, 满意度."""

from __future__ import annotations

import re
from types import SimpleNamespace

from ..registry import hit, rule
from ..text import COST_NAMES, Memo, is_cost

_TIME = re.compile(
    r"\d{4}\s*年|\d{1,2}\s*月|\d{1,2}\s*[日号]|\d{4}[.\-/]\d{1,2}"            # a date
    r"|\d+(?:\.\d+)?\s*个?(?:工作日|天|日|小时|分钟|秒|周|月|年|学期|季度)"    # a duration
    r"|%"                                                                    # 按期完成率 95%
)
_DEADLINE = re.compile(r"(?<!提)前|之前|以前|截止|截至")


def _prepare_r21(s: SimpleNamespace) -> SimpleNamespace:
    events = s.accept_event_deadlines
    s.memo = Memo(lambda t: bool(_TIME.search(t) or (events and _DEADLINE.search(t))))
    return s


@rule(
    "R21", name="timeliness-gives-time", group="D", scope="indicator",
    title="时效指标给出时间", title_en="时效 indicator gives a time",
    severity="warning",
    message="时效指标“{name}”的指标值“{value}”没有给出时间或期限",
    message_en="时效 indicator “{name}” has a value “{value}” with no date, deadline or duration",
    reasoning="时效指标「反映…及时程度和效率情况」，值应是日期（2024年12月前）、期限（10个工作日内）、时长或按期完成率；"
              "“及时”“按时”“按计划”说不出何时。以事件为期限的（开学前）默认算作期限（accept_event_deadlines）。",
    source="S6：时效指标「反映…及时程度和效率情况」；S4",
    settings={"accept_event_deadlines": True},
    settings_doc={"accept_event_deadlines": "“开学前”这类以事件为界的期限算作给出时间"},
    prepare=_prepare_r21,
    supersedes=("R14", "R15"),
    bad="完成时限：及时", good="完成时限：2024年12月31日前",
)
def r21(v, s):
    if v.cat.l2 != "时效" or v.annual.empty or s.memo[v.annual.norm]:
        return None
    return hit("annual_value", name=v.ind.name, value=v.ind.annual_value)


def _is_cost(v, named) -> bool:
    return is_cost(v.cat, v.name.norm, named)


_MONEY = re.compile(r"元|\d\s*/\s*(?:人|月|年|天|日|次|台|套|件|个|户|间|平方米|㎡|m2|公里|课时|学时)"
                    r"|(?:的|占)\s*\d+(?:\.\d+)?\s*%|节约\s*\d|降低\s*\d")


def _prepare_r22(s: SimpleNamespace) -> SimpleNamespace:
    name_re = re.compile("|".join(map(re.escape, s.cost_names)))
    s.named = Memo(lambda t: bool(name_re.search(t))).__getitem__
    budget = re.compile("|".join([*map(re.escape, s.budget_words), r"^[≤<=]?100(?:\.0+)?%"]))
    s.kind = Memo(lambda t: "ok" if _MONEY.search(t) else ("budget" if budget.search(t) else "default"))
    return s


@rule(
    "R22", name="cost-states-cost", group="D", scope="indicator",
    title="成本指标写明成本，而不是“预算范围内”", title_en="成本 indicator states a cost, not “within budget”",
    severity="warning",
    message="成本指标“{name}”的指标值“{value}”没有写明成本金额或控制数",
    message_en="cost indicator “{name}” has a value “{value}” that states no cost or cost limit",
    variants={"budget": ("warning", "成本指标“{name}”的指标值“{value}”只是复述预算，不是成本控制目标",
                         "cost indicator “{name}” only restates the budget (“{value}”)")},
    reasoning="成本指标反映「各方面成本的预期控制范围」，分单位成本和总成本，值应是金额（元/人/月、万元）或带基数的比率；"
              "“预算范围内”“不超支”“100%”等于没有目标。表中不印二级指标时，名称含成本、造价、单价、预算控制的也按成本指标检查"
              "（与 R09 同一词表：R09 不会在 R22 报告了成本指标的项目上说“没有成本指标”）；"
              "一级写成本、二级却是效益类的（R02 报告的错挂）不按成本指标检查。",
    source="S2：成本指标「分别反映项目实施产生的各方面成本的预期控制范围」「可设定分项成本控制数」；"
           "S6：「分单位成本和总成本等」；S10：「用于成本指标的取值，不得超出规定的预算支出标准设置目标值」",
    settings={"cost_names": COST_NAMES,
              "budget_words": ["预算范围", "预算以内", "预算内", "不超预算", "不超过预算", "不超支", "按预算",
                               "按合同金额", "合同金额内", "不突破预算", "不超成本预算"]},
    settings_doc={"cost_names": "不印二级指标时，名称含这些词按成本指标检查（与 R09、R23 同一词表）",
                  "budget_words": "复述预算的说法"},
    prepare=_prepare_r22,
    supersedes=("R14", "R15", "R17", "R19"),
    bad="成本控制率：预算范围内", good="保安服务单价：≤4500元/人/月",
)
def r22(v, s):
    if v.annual.empty or not _is_cost(v, s.named):
        return None
    if v.ind.level2 and ("社会成本" in v.ind.level2 or "生态环境成本" in v.ind.level2):
        return None  # a social or ecological cost is a burden described in words, not money
    if v.ind.annual_target is not None and v.ind.annual_target.unit and "元" in v.ind.annual_target.unit:
        return None  # the amount's unit stands in a column of its own (度量单位 万元)
    kind = s.kind[v.annual.norm]
    if kind == "ok" or (kind == "default" and v.annual.has_digit and v.name.bracket_unit
                        and "元" in v.name.bracket_unit):
        return None
    return hit("annual_value", kind, name=v.ind.name, value=v.ind.annual_value)


def _states_cost(v, s) -> bool:
    """A cost indicator whose value is an amount of money: what R23 compares with the project's."""
    return v.annual.quantitative and v.annual.unit in ("元", "万元") and _is_cost(v, s.named)


_TO_DOC_UNIT = {("元", "万元"): 1e-4, ("万元", "万元"): 1.0, ("元", "元"): 1.0, ("万元", "元"): 1e4}


def _prepare_r23(s: SimpleNamespace) -> SimpleNamespace:
    name_re = re.compile("|".join(map(re.escape, s.cost_names)))
    s.named = Memo(lambda t: bool(name_re.search(t))).__getitem__
    return s


@rule(
    "R23", name="cost-within-money", group="D", scope="indicator",
    title="所写总成本不超过项目资金", title_en="Stated total cost ≤ project money",
    severity="warning",
    message="成本指标“{name}”的金额 {value} 超过项目总计 {total} {unit}",
    message_en="cost indicator “{name}” states {value}, more than the project total {total} {unit}",
    reasoning="成本目标是预算资金的控制数，不应超过项目安排的资金；超过时多半是单位（元/万元）写错或复制了别的项目。",
    source="（推定）；S5 ④「是否与预算确定的项目投资额或资金量相匹配」", inferred=True,
    settings={"cost_names": COST_NAMES},
    settings_doc={"cost_names": "不印二级指标时，名称含这些词按成本指标检查（与 R09、R22 同一词表）"},
    prepare=_prepare_r23,
    bad="总成本：≤500万元（项目总计 120 万元）", good="总成本：≤120万元",
    pure=False,  # compares with the project's money
    needs=_states_cost,
)
def r23(v, s):
    if not _states_cost(v, s):
        return None
    total = v.project.project.amounts.total
    if not total:
        return None
    a = v.annual
    factor = _TO_DOC_UNIT.get((a.unit, v.doc.doc.amount_unit or "万元"))
    top = a.top()
    if factor is None or top is None or top * factor <= total + 0.005:
        return None
    return hit("annual_value", name=v.ind.name, value=v.ind.annual_value, total=f"{total:,.2f}",
               unit=v.doc.doc.amount_unit or "万元")


_PROCESS = ["预算执行率", "资金执行率", "支出进度", "资金拨付", "资金到位", "按财政计划支付", "资金使用合规", "合法合规",
            "招投标", "政府采购程序", "财务制度", "财务管理制度", "财经法规", "资金使用率", "资金支付", "预算完成率",
            "合规性", "合规率", "资金使用的计划", "资金完成", "机制健全", "制度健全", "机制建立"]


def _prepare_r24(s: SimpleNamespace) -> SimpleNamespace:
    words = tuple(s.words)
    s.memo = Memo(lambda t: any(w in t for w in words))
    return s


@rule(
    "R24", name="process-not-output", group="D", scope="indicator",
    title="把预算执行或管理过程当作产出、效益", title_en="Budget or process measure used as 产出 or 效益",
    severity="warning",
    message="“{what}”衡量的是资金使用或管理过程，不是产出或效益",
    message_en="“{what}” measures spending or process, not output or effect",
    reasoning="资金是投入；预算执行率、资金拨付、招投标合规、财务制度或应急机制健全描述过程，在评价中单独计分，"
              "不能作为产出或效益目标（“应急机制健全性：健全”的问题在此，不在“健全”一词：R14 不再重复报告）。",
    source="S9：「财力、人力和物力等投入数量不能作为绩效目[标]」；S5（过程——业务管理、财务管理——与产出、效果分开评价）；"
           "用于表中指标（推定）",
    inferred=True,
    settings={"words": _PROCESS},
    settings_doc={"words": "名称或指标值含这些词即为过程类"},
    prepare=_prepare_r24,
    supersedes=("R14", "R15", "R16", "R17", "R19", "R21", "R38"),
    bad="招投标程序合法合规：合法合规", good="（删去；改设产出指标，如“系统上线模块数：≥5个”）",
)
def r24(v, s):
    if s.memo[v.name.norm]:
        return hit("name", what=v.ind.name)
    if not v.annual.empty and s.memo[v.annual.norm]:
        return hit("annual_value", what=v.ind.annual_value)
    return None


def _prepare_r25(s: SimpleNamespace) -> SimpleNamespace:
    rate = re.compile("|".join([*map(re.escape, s.words), r"\d+%完成"]))
    count = re.compile("|".join(map(re.escape, s.count_words)) + "|数$")
    suffixes = ("率", "比例", "占比", "比重")
    s.rate = Memo(lambda n: bool(rate.search(n)))
    s.count = Memo(lambda core: bool(count.search(core)) and not core.endswith(suffixes))
    return s


@rule(
    "R25", name="quantity-not-rate", group="D", scope="indicator",
    title="数量指标写数量，而不是完成率", title_en="数量 indicator is a quantity, not a completion rate",
    severity="warning",
    message="数量指标“{name}”是完成率，应写明计划完成的产品或服务数量",
    message_en="数量 indicator “{name}” is a completion rate; state the number of outputs",
    variants={"percent": ("warning", "“{name}”是数量，指标值“{value}”却是百分比",
                          "“{name}” is a count but its value “{value}” is a percentage")},
    reasoning="数量指标「反映项目单位计划完成的产品或服务数量」；“工作量完成率 100%”说不出要完成多少。"
              "同理，名称是数量、值却写百分比（设备购置数量：100%）的，也没有给出数量。",
    source="S6：数量指标「反映项目单位计划完成的产品或服务数量」；用于表中指标（推定）", inferred=True,
    settings={"words": ["完成率", "完成情况", "工作量完成", "到位率"],
              "count_words": ["数量", "个数", "人数", "次数", "台数", "套数"]},
    settings_doc={"words": "数量指标名称含这些词即为完成率", "count_words": "名称含这些词即为数量"},
    prepare=_prepare_r25,
    bad="11-数量指标；项目工作量完成率；100%", good="11-数量指标；巡检次数；≥12次",
)
def r25(v, s):
    if v.cat.l2 == "数量" and s.rate[v.name.norm]:
        return hit("name", name=v.ind.name)
    if v.annual.percent and s.count[v.name.core]:
        return hit("annual_value", "percent", name=v.ind.name, value=v.ind.annual_value)
    return None


def _prepare_r26(s: SimpleNamespace) -> SimpleNamespace:
    words = tuple(s.words)
    s.memo = Memo(lambda n: any(w in n for w in words))
    return s


@rule(
    "R26", name="effect-not-quality", group="D", scope="indicator",
    title="效益指标实为质量或过程指标", title_en="效益 row that is really quality or process",
    severity="info",
    message="“{name}”衡量的是产出质量或运行过程，宜列为产出的质量指标",
    message_en="“{name}” measures output quality or operation; it belongs under 产出/质量",
    reasoning="「设备故障率、质量合格率是项目质量指标，而疾病治愈率、治疗率、控制率是项目效益指标」。",
    source="S8：「设备故障率、质量合格率是项目质量指标…」",
    settings={"words": ["合格率", "验收通过率", "故障率", "正常运行率", "运行正常率", "正常运作率", "完好率",
                        "响应率", "及时率"]},
    settings_doc={"words": "效益指标名称含这些词即为质量或过程"},
    prepare=_prepare_r26,
    bad="2-效益指标；22-社会效益；设备验收合格率", good="1-产出指标；12-质量指标；设备验收合格率",
)
def r26(v, s):
    if v.cat.l1 == "效益" and s.memo[v.name.norm]:
        return hit("name", name=v.ind.name)
    return None


@rule(
    "R27", name="satisfaction-100", group="D", scope="indicator",
    title="满意度目标恰为 100%", title_en="Satisfaction target of exactly 100%",
    severity="info",
    message="满意度目标“{value}”为 100%，是否符合正常的业绩水平",
    message_en="satisfaction target “{value}” is 100%: is that a normal level of performance?",
    reasoning="满意度调查几乎不可能全员满意；100% 的目标通常不是依据历史或行业标准定的。",
    source="（推定）参见 S5：「项目预期产出效益和效果是否符合正常的业绩水平」", inferred=True,
    bad="用户满意度：100%", good="用户满意度：≥90%",
)
def r27(v, s):
    a = v.annual
    if (v.cat.l1 == "满意度" or v.cat.l2 == "服务对象满意度") and a.percent and a.number == 100 \
            and a.comparator in (None, ">=", "="):
        return hit("annual_value", value=v.ind.annual_value)
    return None
