"""H. Inferred 二级, values that fit their names, goals that fit their indicators, duplicates in other words
(R40–R43): what a reviewer reads between the columns."""

from __future__ import annotations

import re
from functools import cache
from types import SimpleNamespace

from ..registry import Hit, hit, rule
from ..text import Memo, inferred_level2


def _prepare_r40(s: SimpleNamespace) -> SimpleNamespace:
    # keyed by the facts objects themselves: names and values are memoised per text, so equal
    # texts are one object and the key is cheap
    s.infer = Memo(lambda key: inferred_level2(*key))
    return s


@rule(
    "R40", name="output-coverage-inferred", group="H", scope="project",
    title="不印二级的表：按名称推定二级后检查产出覆盖", title_en="No 二级 printed: 产出 coverage by inferred 二级",
    severity="info",
    message="产出指标缺少{missing}（表中未印二级指标，按指标名称和指标值推定）",
    message_en="产出 has no {missing_en} (the table prints no 二级; inferred from names and values)",
    reasoning="产出目标「应从数量、质量、成本和时效等方面进行细化」（R07、R08），但 R07、R08 只在表中印有二级指标时检查，"
              "不印二级的表（样表 000）因此看不到缺项。这里按名称和值推定每个产出指标的二级：及时、进度、时限、日期 → 时效；"
              "合格、质量、稳定、故障、响应、验收 → 质量；数量、次数、人数、面积或以个、次、人、台计的值 → 数量；"
              "成本、单价、预算控制 → 成本（由 R09 检查）。推定不出二级的产出指标可能就是质量指标，"
              "所以有这样的指标时不说缺质量指标。推定的结论只作提示。",
    source="S4：「应从数量、质量、成本和时效等方面进行细化」；二级的推定（推定）依据 S6 对数量、质量、时效、成本指标的定义",
    inferred=True,
    prepare=_prepare_r40,
    bad="（不印二级）产出指标：年度工作会议开展次数：1次；产出指标：会议到场率：100%（没有时效）",
    good="（不印二级）产出指标：年度工作会议开展次数：1次；产出指标：会议按时召开率：100%；产出指标：产品合格率：100%",
)
def r40(p, s):
    if p.doc.has_level2 or not p.cats:
        return None
    got: set[str] = set()
    unknown = outputs = False
    for c, n, a in zip(p.cats, p.names, p.annual, strict=True):
        if c.l1 != "产出":
            continue
        outputs = True
        l2 = s.infer[(c.l1, n, a)]
        if l2 is None:
            unknown = True
        else:
            got.add(l2)
    if not outputs:
        return None  # no 产出 at all is R05's finding
    missing = tuple(k for k in ("数量", "质量", "时效") if k not in got and not (k == "质量" and unknown))
    return _r40_hit(missing) if missing else None


_EN = {"数量": "quantity (数量)", "质量": "quality (质量)", "时效": "timeliness (时效)"}


@cache  # a handful of possible hits, and R40 fires on many projects of a table without 二级
def _r40_hit(missing: tuple[str, ...]) -> Hit:
    return hit("indicators", missing="、".join(m + "指标" for m in missing),
               missing_en=" or ".join(_EN[m] for m in missing))


_TIME_NAME = ("时长", "时间", "时限", "期限", "工期", "年限", "天数", "周期")
_NOT_TIME = ("率", "比例", "及时", "次数")
_AMOUNT_NOT = ("质量", "数量", "容量", "含量", "能量", "力量", "流量")


def _prepare_r41(s: SimpleNamespace) -> SimpleNamespace:
    time_names, amount_not, shares = tuple(s.time_names), tuple(s.amount_not), tuple(s.share_names)
    s.time = Memo(lambda core: any(w in core for w in time_names) and not any(w in core for w in _NOT_TIME))
    s.share = Memo(lambda core: any(w in core for w in shares))
    s.amount = Memo(lambda core: core.endswith("量") and not core.endswith(amount_not))
    return s


_COUNT_UNIT = re.compile(r"^万?[个次人名台套场门项篇间份所户件册讲辆条部处]")


@rule(
    "R41", name="value-fits-name", group="H", scope="indicator",
    title="指标值与名称相符", title_en="The value fits the name",
    severity="warning",
    message="“{name}”是时间或期限，指标值“{value}”却不是时间",
    message_en="“{name}” is a time or duration but its value “{value}” is not a time",
    variants={"amount": ("warning", "“{name}”是数量，指标值“{value}”却是百分比",
                         "“{name}” is an amount but its value “{value}” is a percentage")},
    reasoning="值衡量的必须是名称所说的东西，否则无法评分：“督导工作时长”的值写成“检查学校数/应检学校数≥95%”，"
              "“年度人均业务量”的值写成“85%”，说不出时长和业务量是多少。名称是时长、时间、期限、年限（不含“率”“及时”）"
              "而值是百分比或以个、次、人计的数；名称以“量”结尾（业务量、访问量、工作量；不含质量、数量、容量等）而值是百分比，"
              "都是名实不符。名称里自带数字或日期的（项目完成时间 2019年12月：100%）不比较。运行时间、在线时间一类的百分比是时间占比（无故障运行时间 ≥90%，即可用率），不提示（share_names）。"
              "名称是“数量”而值为百分比的由 R25 报告。",
    source="S5：「是否通过清晰、可衡量的指标值予以体现」；S10：「定量三级指标中设置指标性质、单位」；"
           "S6：时效指标「反映…及时程度和效率情况」；用于名称与值的比对（推定）",
    inferred=True,
    settings={"time_names": list(_TIME_NAME), "amount_not": list(_AMOUNT_NOT),
              "share_names": ["运行时间", "在线时间", "开放时间", "服务时间", "可用时间", "运转时间"]},
    settings_doc={"time_names": "名称含这些词（且不含“率”“及时”）即为时间类",
                  "share_names": "名称含这些词时，百分比是时间占比（可用率），不算名实不符",
                  "amount_not": "以“量”结尾但不算数量的名称词尾"},
    prepare=_prepare_r41,
    supersedes=("R17", "R19"),
    bad="督导工作时长：检查学校数/应检学校数≥95%", good="督导工作时长：≥200小时",
)
def r41(v, s):
    a = v.annual
    if not a.quantitative:
        return None
    core = v.name.core
    if _DIGIT.search(core):
        return None  # the name carries its own figure (项目完成时间 2019年12月): the value is a share of it
    if s.time[core] and ((a.percent and not s.share[core]) or (a.unit is not None and _COUNT_UNIT.match(a.unit))):
        return hit("annual_value", name=v.ind.name, value=v.ind.annual_value)
    if a.percent and s.amount[core]:
        return hit("annual_value", "amount", name=v.ind.name, value=v.ind.annual_value)
    return None


_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_GOAL_QTY = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万)?\s*(个|项|场|人次|讲|门|间|所|台|套|名|人|次|篇|支|辆|期|户|家|条|部|处|册)"
                       r"(?![\d%％])")


def _prepare_r42(s: SimpleNamespace) -> SimpleNamespace:
    s.demand = tuple(s.demand_words)
    return s


@rule(
    "R42", name="goal-vs-indicators", group="H", scope="project",
    title="目标中的数量有对应的指标", title_en="The goal's quantities have indicators",
    severity="info",
    message="绩效目标写明{what}，指标中没有这些数",
    message_en="the goal states {what} but no indicator gives these numbers",
    reasoning="绩效指标是目标的细化：目标里写明的产出数量（扶持16个基地、受益150万人次、3名编外人员），"
              "指标里应当有同一个数，否则目标与指标对不上，评价时无从核对。只看目标中带计量单位（个、项、场、人次……）"
              "的数，在指标名称、年度值和周期值里找同一个数；描述需求的（满足50人实训需求）不算（demand_words）。",
    source="S5 ③：绩效指标「是否与项目年度任务数或计划数相对应」；S1：「绩效目标通过具体绩效指[标]…」；用于目标文字（推定）",
    inferred=True,
    settings={"demand_words": ["满足", "约", "近", "超过", "面向", "覆盖"]},
    settings_doc={"demand_words": "数字前两字内有这些词的是需求或范围，不是产出，不检查"},
    prepare=_prepare_r42,
    bad="目标：扶持16个康养游学基地建设……；指标中没有 16", good="目标：扶持16个基地……；指标：扶持康养游学基地数：16个",
)
def r42(p, s):
    goal = p.goal
    indicators = p.project.indicators
    if not goal or not indicators or _DIGIT.search(goal) is None:
        return None
    texts = " ".join(x for i in indicators for x in (i.name, i.annual_value, i.period_value) if x)
    numbers = set(_NUMBER.findall(texts.replace(",", "")))
    out = []
    for m in _GOAL_QTY.finditer(goal):
        if m[1] in numbers or any(w in goal[max(0, m.start() - 2):m.start()] for w in s.demand):
            continue
        start = max(goal.rfind(c, 0, m.start()) for c in "，,。；;、：:") + 1
        end = _NOUN.match(goal, m.end()).end()  # the thing counted: 16个康养游学基地
        out.append("“" + goal[max(start, m.start() - 8):end] + "”")
    if not out:
        return None
    return hit("goal", what="、".join(out))


_NOUN = re.compile(r"(?:(?!的)[\u4e00-\u9fff]){0,6}")


def _prepare_r43(s: SimpleNamespace) -> SimpleNamespace:
    s.generic = tuple(s.generic_prefixes)
    return s


@rule(
    "R43", name="restated-indicator", group="H", scope="project",
    title="换了说法的重复指标", title_en="The same indicator in other words",
    severity="info",
    message="“{name}”与第 {first} 项“{other}”衡量的是同一件事（值都是“{value}”），是换了说法的重复",
    message_en="“{name}” measures what indicator {first} “{other}” does (both “{value}”): a duplicate in other words",
    reasoning="项目只有一类产出时，“项目验收合格率”与“车辆验收合格率”是同一个指标写了两遍，重复计分，也挤掉了本该有的指标。"
              "名称以“项目”一类泛称开头（generic_prefixes）、其余部分（验收合格率）与同一项目另一指标的名称结尾相同，"
              "且两者的年度指标值相同时提示。字面完全相同的重复由 R36 报告。",
    source="（推定）；S5：「是否将项目绩效目标细化分解为具体的绩效指标」",
    inferred=True,
    settings={"generic_prefixes": ["项目", "整体", "总体"], "min_len": 3},
    settings_doc={"generic_prefixes": "名称以这些泛称开头的指标与具体对象的同名指标比较",
                  "min_len": "去掉泛称后至少这么多字才比较"},
    prepare=_prepare_r43,
    bad="1、项目验收合格率：100%；5、车辆验收合格率：100%", good="1、车辆验收合格率：100%；5、车辆故障率：≤2%",
)
def r43(p, s):
    names = p.names
    out = []
    for ii, (n, a) in enumerate(zip(names, p.annual, strict=True)):
        if not n.norm.startswith(s.generic):
            continue
        rest = n.core[next(len(g) for g in s.generic if n.norm.startswith(g)):]
        if len(rest) < s.min_len:
            continue
        for jj, (m, b) in enumerate(zip(names, p.annual, strict=True)):
            if jj != ii and m.core != n.core and m.core.endswith(rest) and not m.core.startswith(s.generic) \
                    and b.norm == a.norm and not a.empty:
                first, later = sorted((ii, jj))
                inds = p.project.indicators
                seq = inds[first].seq if inds[first].seq is not None else first + 1
                out.append(hit("name", indicator=later, name=inds[later].name, first=seq, other=inds[first].name,
                               value=inds[later].annual_value))
                break
    return out or None
