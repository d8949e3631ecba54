"""G. Number and quality of indicators (R34–R39): how many, duplicates, names that say nothing, all-100% values."""

from __future__ import annotations

from types import SimpleNamespace

from ..registry import hit, rule
from ..text import L1_CANON, L2_CANON, norm


@rule(
    "R34", name="too-few", group="G", scope="project",
    title="指标太少", title_en="Too few indicators",
    severity="warning",
    message="项目只有 {n} 个绩效指标（少于 {min} 个）", message_en="the project has only {n} indicators (fewer than {min})",
    reasoning="指标太少难以覆盖产出、效益和满意度各方面。没有指标的项目由 R30 报告。",
    source="S9：「总数不得少于3个」（地方规定，文件名未见）",
    settings={"min_indicators": 3},
    settings_doc={"min_indicators": "少于这个数即提示"},
    bad="只有 2 个指标", good="至少 3 个指标",
)
def r34(p, s):
    n = len(p.project.indicators)
    if 0 < n < s.min_indicators:
        return hit("indicators", n=n, min=s.min_indicators)
    return None


@rule(
    "R35", name="too-many", group="G", scope="project",
    title="指标太多", title_en="Too many indicators",
    severity="info",
    message="项目有 {n} 个绩效指标（多于 {max} 个）", message_en="the project has {n} indicators (more than {max})",
    reasoning="指标过多说明没有「突出重点」，也加重了监控和评价的负担。",
    source="（推定）", inferred=True,
    settings={"max_indicators": 20},
    settings_doc={"max_indicators": "多于这个数即提示"},
    bad="30 个指标", good="8–15 个重点指标",
)
def r35(p, s):
    n = len(p.project.indicators)
    if n > s.max_indicators:
        return hit("indicators", n=n, max=s.max_indicators)
    return None


@rule(
    "R36", name="duplicates", group="G", scope="project",
    title="重复指标", title_en="Duplicate indicators",
    severity="warning",
    message="“{name}”与第 {first} 项指标重复", message_en="“{name}” repeats indicator {first}",
    variants={"values": ("warning", "“{name}”与第 {first} 项同名，指标值却不同（“{value}”与“{first_value}”）",
                         "“{name}” has the name of indicator {first} but a different value (“{value}” vs “{first_value}”)")},
    reasoning="同一二级下同名的指标重复计分；同名而值不同，说明其中一个名称没有说清衡量的是什么。",
    source="（推定）", inferred=True,
    bad="4、系统的性能：小于10秒。5、系统的性能：大于全年99%。", good="4、页面响应时间：<10秒。5、系统可用率：>99%。",
)
def r36(p, s):
    cores = [n.core for n in p.names]
    if len(set(cores)) == len(cores):
        return None  # no name twice: the common case, decided without building anything
    # Only rows whose name comes back can repeat or be repeated: the others are skipped.
    seen: set[str] = set()
    twice: set[str] = set()
    for core in cores:
        (twice if core in seen else seen).add(core)
    out = []
    by_key: dict[tuple[str | None, str], tuple[int, str]] = {}
    by_name: dict[str, tuple[int, str, str | None]] = {}
    for ii, ind, c, n, a, _ in p.rows():
        if n.empty or n.core not in twice:
            continue
        seq = str(ind.seq if ind.seq is not None else ii + 1)
        key = (c.l2, n.core)
        if key in by_key and by_key[key][1] == a.norm:
            out.append(hit("name", indicator=ii, name=ind.name, first=by_key[key][0]))
        elif n.core in by_name and by_name[n.core][1] != a.norm:
            f_seq, _, f_value = by_name[n.core]
            out.append(hit("name", "values", indicator=ii, name=ind.name, first=f_seq, value=ind.annual_value,
                           first_value=f_value))
        by_key.setdefault(key, (seq, a.norm))  # type: ignore[arg-type]
        by_name.setdefault(n.core, (seq, a.norm, ind.annual_value))  # type: ignore[arg-type]
    return out or None


_LABELS = frozenset(L1_CANON) | frozenset(L2_CANON) | frozenset(k + "指标" for k in (*L1_CANON, *L2_CANON))


def _prepare_r37(s: SimpleNamespace) -> SimpleNamespace:
    s.labels = _LABELS | frozenset(norm(x) for x in s.template_labels)
    return s


@rule(
    "R37", name="name-is-label", group="G", scope="indicator",
    title="三级指标名称只是类别名", title_en="Name is only a category label",
    severity="warning",
    message="三级指标名称“{name}”只是类别或栏目名，没有说明衡量什么",
    message_en="the indicator name “{name}” is only a category or column label",
    variants={"empty": ("warning", "指标没有名称", "the indicator has no name")},
    reasoning="三级指标要把目标「细化分解为具体的绩效指标」；名称写成“经济效益”或“年度指标值”等于没有指标。"
              "满意度指标以“服务对象满意度”为名是通行写法，默认不提示（exempt_satisfaction）。",
    source="（推定）；S5：「是否将项目绩效目标细化分解为具体的绩效指标」；S11：样表 002「21-经济效益；经济效益」",
    inferred=True,
    settings={"template_labels": ["年度指标值", "实施周期指标值", "指标值", "三级指标", "绩效指标", "指标名称"],
              "exempt_satisfaction": True},
    settings_doc={"template_labels": "也算作栏目名的词", "exempt_satisfaction": "名称含“满意”的不提示"},
    prepare=_prepare_r37,
    bad="21-经济效益；经济效益；……", good="21-经济效益；年节约人工成本；≥20万元",
)
def r37(v, s):
    n = v.name
    if n.empty:
        return hit("name", "empty")
    if n.core in s.labels and not (s.exempt_satisfaction and n.satisfaction):
        return hit("name", name=v.ind.name)
    return None


@rule(
    "R38", name="generic-name", group="G", scope="indicator",
    title="泛泛的指标名称", title_en="Generic name",
    severity="info",
    message="指标名称“{name}”过于笼统，没有说明衡量的具体内容",
    message_en="the indicator name “{name}” is generic and says nothing specific",
    reasoning="“项目实施的质量”“服务质量”之类的名称放在任何项目里都成立，无法据以评价。",
    source="（推定）依据 S5", inferred=True,
    settings={"names": ["项目实施的质量", "项目的进度", "资金使用的计划", "成本控制", "服务质量", "项目实施情况",
                        "项目实施的进度", "项目质量", "项目进度", "工作质量"]},
    settings_doc={"names": "这些名称（规范化后整名相同）即为泛泛"},
    prepare=lambda s: SimpleNamespace(names=frozenset(norm(x) for x in s.names)),
    bad="项目实施的质量：100%按照立项文件完成", good="系统功能模块验收通过率：100%",
)
def r38(v, s):
    if v.name.core in s.names:
        return hit("name", name=v.ind.name)
    return None


@rule(
    "R39", name="all-100", group="G", scope="project",
    title="所有数值目标都是 100%", title_en="Every value is 100%",
    severity="info",
    message="项目全部 {n} 个数值目标都是 100%，目标值不像依据标准测算",
    message_en="all {n} numeric targets of the project are 100%: not drawn from a standard",
    reasoning="目标值应依据计划、历史、行业或预算支出标准确定；清一色 100% 说明没有测算。",
    source="（推定）；S5：「是否符合正常的业绩水平」；S10（计划/历史/行业/预算支出标准）", inferred=True,
    settings={"min_values": 3},
    settings_doc={"min_values": "至少有这么多个数值目标才检查"},
    bad="验收合格率 100%，完成率 100%，到位率 100%", good="验收合格率 100%，故障率 ≤2%，巡检 ≥12 次",
)
def r39(p, s):
    nums = [a for a in p.annual if a.quantitative]
    if len(nums) >= s.min_values and all(a.percent and a.number == 100 for a in nums):
        return hit("indicators", n=len(nums))
    return None
