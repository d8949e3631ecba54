"""A. Structure and codes (R01–R04): are the 一级/二级 categories and their codes the known ones?"""

from __future__ import annotations

from ..registry import hit, rule
from ..text import L1_CODES, L2_CANON, L2_CODES, L2_PARENT

_S6_S10 = "S6（模板：产出/效益/满意度及其二级）；S10（指标库：一级「主要包括产出指标、效益指标、满意度指标等」）；S2（101号：成本指标及其二级）"


@rule(
    "R01", name="level1-known", group="A", scope="indicator",
    title="一级指标为已知类别", title_en="一级 is a known category",
    severity="warning",
    message="一级指标“{label}”不是已知类别（产出、效益、满意度、成本）",
    message_en="一级 “{label}” is not a known category (产出, 效益, 满意度, 成本)",
    variants={"missing": ("warning", "印有二级指标“{level2}”，但一级指标为空",
                          "二级 “{level2}” is printed but 一级 is empty")},
    reasoning="一级指标只有产出、效益、满意度（101号另有成本）四类；旧称效果指标、预期产出指标、"
              "项目完成指标、社会公众或服务对象满意度指标按对应类别处理。",
    source=_S6_S10,
    bad="一级指标：管理指标", good="一级指标：产出指标（或旧称“效果指标”）",
)
def r01(v, s):
    c = v.cat
    if c.printed1 and not c.l1_known:
        return hit("level1", label=v.ind.level1)
    if not c.printed1 and c.l1 is None and c.printed2:
        return hit("level1", "missing", level2=v.ind.level2)
    return None


@rule(
    "R02", name="level2-under-level1", group="A", scope="indicator",
    title="二级指标属于其一级", title_en="二级 belongs to its 一级",
    severity="error",
    message="二级指标“{level2}”应属于“{parent}指标”，却列在“{level1}”下",
    message_en="二级 “{level2}” belongs under {parent}指标 but is listed under “{level1}”",
    variants={"unknown": ("info", "二级指标“{level2}”不是已知类别", "二级 “{level2}” is not a known category")},
    reasoning="数量/质量/时效/成本属产出；经济/社会/生态（环境）效益、可持续影响属效益；服务对象满意度属满意度；"
              "经济/社会/生态环境成本属成本（101号）。错挂会使按类别的汇总和评分出错。",
    source=_S6_S10 + "；S11：样表 001 印有「2-效益指标；31-服务对象满意度」",
    bad="2-效益指标；31-服务对象满意度；目标群体满意度", good="3-满意度指标；31-服务对象满意度；目标群体满意度",
)
def r02(v, s):
    c = v.cat
    if c.l2 is None:
        if c.printed2 and not c.l2_known:
            return hit("level2", "unknown", level2=v.ind.level2)
        return None
    parent = L2_PARENT[c.l2]
    if c.l1 is not None and c.l1 != parent:
        return hit("level2", level2=v.ind.level2 or c.l2, parent=parent, level1=v.ind.level1 or c.l1)
    return None


@rule(
    "R03", name="codes-agree", group="A", scope="indicator",
    title="编码与名称、编码之间一致", title_en="Codes agree with names and with each other",
    severity="error",
    message="{what}",
    message_en="{what_en}",
    reasoning="广州表印有一级编码 1/2/3、二级编码 11–14、21–24、31，二级编码首位即一级编码。"
              "编码与名称矛盾时，无法判断哪一个是对的。名称与编码各自一致、只是二级错挂一级时，"
              "这是 R02 的同一错误，不重复报告。",
    source="S11（广州样表所印编码）；S10（满意度一级「3」对应二级「31」）",
    inferred=True,
    bad="1-产出指标；12-数量指标", good="1-产出指标；11-数量指标",
)
def r03(v, s):
    c = v.cat
    out = []
    if c.code1 is not None:
        if c.code1 not in L1_CODES:
            out.append(hit("level1_code", what=f"一级编码“{c.code1}”无效（应为 1、2 或 3）",
                           what_en=f"一级 code “{c.code1}” is not 1, 2 or 3"))
        elif c.l1_known and L1_CODES[c.code1] != c.l1 and c.l1 != "成本":
            out.append(hit("level1_code", what=f"一级编码 {c.code1} 对应“{L1_CODES[c.code1]}指标”，名称却是“{v.ind.level1}”",
                           what_en=f"一级 code {c.code1} means {L1_CODES[c.code1]}指标 but the label is “{v.ind.level1}”"))
    if c.code2 is not None:
        named = L2_CODES.get(c.code2)
        if named is None:
            out.append(hit("level2_code", what=f"二级编码“{c.code2}”不是已知编码（11–14、21–24、31）",
                           what_en=f"二级 code “{c.code2}” is not a known code (11–14, 21–24, 31)"))
        else:
            if c.l2_known and L2_CANON.get(c.l2_label) != named:
                out.append(hit("level2_code", what=f"二级编码 {c.code2} 对应“{named}”，名称却是“{v.ind.level2}”",
                               what_en=f"二级 code {c.code2} means {named} but the label is “{v.ind.level2}”"))
            elif c.code1 in L1_CODES and c.code2[0] != c.code1 and not (c.printed1 and c.printed2):
                # With both labels printed the mismatch is R02's finding.
                out.append(hit("level2_code", what=f"二级编码 {c.code2} 不属于一级编码 {c.code1}",
                               what_en=f"二级 code {c.code2} does not belong to 一级 code {c.code1}"))
    return out or None


@rule(
    "R04", name="label-style", group="A", scope="document",
    title="同一类别两种写法", title_en="Same category written two ways",
    severity="info",
    message="同一类别有两种写法：“{a}”与“{b}”",
    message_en="the same category is written two ways: “{a}” and “{b}”",
    reasoning="“社会效益”与“社会效益指标”是同一类别；同一份表两种写法并存，通常是拼接了不同模板，值得核对。",
    source="（推定）", inferred=True,
    bad="同一表中既有“社会效益”又有“社会效益指标”", good="全表统一写“社会效益”",
)
def r04(d, s):
    distinct = {c for pv in d.projects for c in pv.cats}  # few per document
    forms: dict[tuple[int, str], set[bool]] = {}
    for c in distinct:
        if c.l1_label:
            forms.setdefault((1, c.l1_label), set()).add(c.l1_suffixed)
        if c.l2_label:
            forms.setdefault((2, c.l2_label), set()).add(c.l2_suffixed)
    mixed = [k for k, v in forms.items() if len(v) == 2]
    if not mixed:
        return None
    out = []
    for level, label in mixed:
        first: dict[bool, tuple[str, int, int]] = {}
        for pv in d.projects:
            for ii, ind, c, *_ in pv.rows():
                if (c.l1_label if level == 1 else c.l2_label) == label:
                    suffixed = c.l1_suffixed if level == 1 else c.l2_suffixed
                    first.setdefault(suffixed, ((ind.level1 if level == 1 else ind.level2) or "", pv.index, ii))
        raw_a = first[False][0]
        raw_b, pi, ii = first[True]
        out.append(hit(f"level{level}", project=pi, indicator=ii, a=raw_a, b=raw_b))
    return out
