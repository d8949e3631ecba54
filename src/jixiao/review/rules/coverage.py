"""B. Coverage (R05–R11): which kinds of indicator a project has, and whether 满意度 rows measure satisfaction."""

from __future__ import annotations

import re
from functools import cache
from types import SimpleNamespace

from ..registry import Hit, hit, rule
from ..text import COST_NAMES, Memo, counts_as_cost

_S3 = "S3：中发〔2018〕34号「绩效目标不仅要包括产出、成本，还要包括经济效益、社会效益、生态效益、可持续影响和服务对象满意度等绩效指标」"

#: the hit of a project rule about the project's indicators as a whole; a Hit is immutable, so
#: one object serves every project (R05, R06, R08, R09, R10 fire on many)
_PROJECT_HIT = hit("indicators")


@rule(
    "R05", name="has-output", group="B", scope="project",
    title="至少一个产出指标", title_en="At least one 产出 indicator",
    severity="error",
    message="项目没有产出指标", message_en="the project has no 产出 (output) indicator",
    reasoning="产出是绩效目标的核心：没有产出指标，就说不清钱换来了什么。",
    source=_S3 + "；S7（三类一级指标）",
    bad="只有效益指标和满意度指标", good="至少一条“产出指标”",
)
def r05(p, s):
    if p.cats and "产出" not in p.level1s:
        return _PROJECT_HIT
    return None


@rule(
    "R06", name="has-effect", group="B", scope="project",
    title="至少一个效益指标", title_en="At least one 效益 indicator",
    severity="warning",
    message="项目没有效益指标", message_en="the project has no 效益 (effect) indicator",
    reasoning="绩效目标要写明产出带来的效果（经济、社会、生态效益和可持续影响）。",
    source=_S3 + "；S7",
    bad="只有产出指标", good="另有一条“效益指标”",
)
def r06(p, s):
    if p.cats and "效益" not in p.level1s:
        return _PROJECT_HIT
    return None


@rule(
    "R07", name="output-quantity-quality", group="B", scope="project",
    title="产出指标覆盖数量与质量", title_en="产出 covers 数量 and 质量",
    severity="warning",
    message="产出指标缺少{missing}", message_en="产出 has no {missing_en}",
    reasoning="产出目标「应从数量、质量、成本和时效等方面进行细化」；只在表中印有二级指标时检查。",
    source="S4：「应从数量、质量、成本和时效等方面进行细化」",
    bad="产出下只有时效指标", good="产出下有数量指标和质量指标",
)
def r07(p, s):
    if not p.doc.has_level2 or not p.cats:
        return None
    l2 = p.level2s
    missing = tuple(k for k in ("数量", "质量") if k not in l2)
    return _r07_hit(missing) if missing else None


@cache  # three possible hits, and R07 fires on many projects
def _r07_hit(missing: tuple[str, ...]) -> Hit:
    return hit("indicators", missing="、".join(m + "指标" for m in missing),
               missing_en=" or ".join({"数量": "quantity (数量)", "质量": "quality (质量)"}[m] for m in missing))


@rule(
    "R08", name="output-timeliness", group="B", scope="project",
    title="产出有时效指标", title_en="产出 has a 时效 indicator",
    severity="info",
    message="产出指标缺少时效指标", message_en="产出 has no timeliness (时效) indicator",
    reasoning="同 R07：时效是产出细化的四个方面之一；只在表中印有二级指标时检查。",
    source="S4（同上）",
    bad="产出下没有时效指标", good="13-时效指标；完成时限；2024年12月前",
)
def r08(p, s):
    if p.doc.has_level2 and p.cats and "时效" not in p.level2s:
        return _PROJECT_HIT
    return None


def _prepare_r09(s: SimpleNamespace) -> SimpleNamespace:
    name_re = re.compile("|".join(map(re.escape, s.cost_names))) if s.cost_names else None
    s.named = Memo(lambda t: bool(name_re.search(t))).__getitem__ if name_re is not None else None
    return s


@rule(
    "R09", name="has-cost", group="B", scope="project",
    title="有成本指标", title_en="There is a cost indicator",
    severity="warning",
    message="项目没有成本指标", message_en="the project has no cost indicator",
    reasoning="101号把绩效目标定义为「产出和效果以及相应的成本控制要求」。认可二级成本指标（14）、一级成本指标、"
              "二级经济/社会/生态环境成本指标；表中没有二级指标时，名称含成本类词语（成本、造价、单价、补助标准、"
              "预算控制……，与 R22 同一词表）的指标也算：R22 报告了“成本指标只复述预算”的项目，R09 不再说它没有成本指标。",
    source="S1（101号定义）；S3（「要包括产出、成本」）；S2",
    settings={"cost_names": COST_NAMES},
    settings_doc={"cost_names": "表中没有二级指标时，名称含这些词的指标算成本指标（与 R22、R23 同一词表）"},
    prepare=_prepare_r09,
    bad="没有任何成本指标", good="1-产出指标；14-成本指标；单位造价；≤3500元/平方米",
)
def r09(p, s):
    if not p.cats:
        return None
    for c, n in zip(p.cats, p.names, strict=True):
        if counts_as_cost(c, n.norm, s.named):
            return None
    return _PROJECT_HIT


@rule(
    "R10", name="has-satisfaction", group="B", scope="project",
    title="有满意度指标", title_en="There is a 满意度 indicator",
    severity="info",
    message="项目没有满意度指标", message_en="the project has no satisfaction (满意度) indicator",
    reasoning="满意度反映服务对象的认可程度；是否必须设置取决于项目是否面向服务对象，表中看不出来，故只作提示。",
    source=_S3 + "；S6（满意度「反映服务对象或项目受益人…的认可程度」）",
    bad="没有满意度指标", good="3-满意度指标；31-服务对象满意度；学员满意度；≥90%",
)
def r10(p, s):
    if p.cats and "满意度" not in p.level1s and "服务对象满意度" not in p.level2s:
        return _PROJECT_HIT
    return None


@rule(
    "R11", name="satisfaction-rows", group="B", scope="indicator",
    title="满意度指标衡量满意度，满意度放在满意度下", title_en="满意度 rows measure satisfaction, and sit under 满意度",
    severity="warning",
    message="满意度指标“{name}”衡量的不是满意度",
    message_en="“{name}” sits under 满意度 but does not measure satisfaction",
    variants={
        "misplaced": ("warning", "“{name}”衡量满意度，却列在{level}指标下",
                      "“{name}” measures satisfaction but is listed under {level}"),
        "value": ("warning", "“{name}”的指标值“{value}”衡量的是满意度，却列在{level}指标下",
                  "the value “{value}” of “{name}” is a satisfaction rate, listed under {level}"),
    },
    reasoning="满意度指标反映服务对象的认可程度，完成率、验收合格率等不是满意度；反过来，把满意度放进产出或效益，"
              "就是「将满意度指标代替效益指标」。投诉次数、有效投诉量是衡量服务对象认可程度的通行替代指标，"
              "列在满意度下不提示（proxies）。二级已是服务对象满意度而一级错挂的，由 R02 报告。",
    source="S6（满意度定义）；S8（「将满意度指标代替效益指标」）；S11：样表 004「31-服务对象满意度；投诉次数」",
    settings={"check_values": True, "proxies": ["投诉"]},
    settings_doc={"check_values": "也检查指标值：产出/效益下的值写成“满意度85%以上”（有数字的满意度目标）",
                  "proxies": "名称含这些词的是满意度的通行替代指标（投诉次数），列在满意度下不提示"},
    prepare=lambda s: SimpleNamespace(check_values=s.check_values, proxies=tuple(s.proxies)),
    bad="3-满意度指标；31-服务对象满意度；项目完成率；100%", good="3-满意度指标；31-服务对象满意度；投诉次数；≤3次",
)
def r11(v, s):
    c = v.cat
    if c.l1 == "满意度" or c.l2 == "服务对象满意度" or (c.code2 or "").startswith("3"):
        if not v.name.empty and not v.name.satisfaction and not any(w in v.name.norm for w in s.proxies):
            return hit("name", name=v.ind.name)
        return None
    if c.l1 in ("产出", "效益") and c.l2 != "服务对象满意度":
        if v.name.satisfaction:
            return hit("name", "misplaced", name=v.ind.name, level=c.l1)
        if s.check_values and v.annual.has_digit and "满意" in v.annual.norm:
            return hit("annual_value", "value", name=v.ind.name, value=v.ind.annual_value, level=c.l1)
    return None
