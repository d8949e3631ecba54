"""A seeded generator of synthetic 项目支出绩效目标表 documents, for benchmarks and scale tests (`jixiao synth`).

Two layouts, modelled on the bundled samples:

* ``wrapped`` (like samples 000/004, PDF text): title, ``部门名称：… 单位：万元``,
  the column header on one line, an optional 合计 row and 资金使用单位 rows,
  then per project an indented name wrapped every ~14 characters, a line of
  amounts (``1,210.58 1,210.58``), the goal wrapped every ~24 characters and
  the numbered indicators wrapped every ~30 characters.
* ``tabular`` (like samples 001/002): one tab-separated row per project, some
  rows with their cells in ``<p>…</p>`` fragments, blank lines at page breaks.

Indicators use either grammar::

    1、产出指标：X，年度指标值：Y。
    1、1-产出指标；11-数量指标；X；实施周期指标值：Y；年度指标值：Y。

Every document comes with what it holds (:class:`Expected`), so a benchmark can
check that the parser read it rather than timing a failure. The same seed
gives the same documents on every machine.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = [
    "LAYOUTS", "Expected", "ExpectedIndicator", "ExpectedProject", "big_document", "generate", "generate_corpus",
    "iter_corpus", "typical_document",
]

LAYOUTS = ("wrapped", "tabular")

# -- vocabulary ------------------------------------------------------------------

CITIES = ("广州市", "深圳市", "佛山市", "东莞市", "珠海市", "江门市", "惠州市", "中山市", "肇庆市", "韶关市")
DEPARTMENTS = (
    "教育局", "人力资源和社会保障局", "卫生健康委员会", "民政局", "交通运输局", "文化广电旅游局",
    "科学技术局", "农业农村局", "生态环境局", "住房和城乡建设局", "体育局", "司法局",
    "市场监督管理局", "水务局", "林业和园林局", "应急管理局",
)
UNIT_KINDS = (
    "电化教育馆", "技师学院", "信息中心", "档案馆", "疾病预防控制中心", "社会福利院", "图书馆",
    "博物馆", "少年宫", "职业技术学校", "开放大学", "第一中学", "综合行政执法支队", "政务服务中心",
    "环境监测站", "教育信息和装备服务中心", "机关服务中心", "培训中心",
)
TOPICS = (
    "校园基础信息服务平台", "信息化运维", "教育城域网链路租赁", "业务用房物业管理", "专用设备购置",
    "网络安全等级保护", "办公自动化系统维护", "课题研究", "师资队伍建设", "业务用房维修",
    "数据中心扩容", "老年教育", "继续教育网运行维护", "档案数字化", "应急物资储备", "公共卫生监测",
    "职业技能培训", "图书资料采购", "文物保护修缮", "校舍安全改造", "智慧教室建设", "免费课本费补助",
    "视频会议系统", "政务公开网站维护", "实验室建设", "机构运行辅助", "电子证书平台租赁",
    "校园维护维修", "学生资助", "食品安全抽检", "河道日常养护", "公共法律服务",
)
KINDS = ("项目", "经费", "专项经费", "建设项目", "工作经费", "补助资金", "服务项目", "运维项目")
DOC_NUMBERS = ("穗财教", "穗天政数函", "穗财社", "穗人社函", "穗卫规财")

GOAL_OPENERS = (
    "通过开展本项目，", "通过项目实施，", "通过公开招标的方式，", "按照年度工作计划，",
    "为保障单位各项业务正常开展，", "根据上级文件要求，", "围绕年度重点工作，", "",
)
GOAL_ACTIONS = (
    "完善{x}的管理机制", "提升{x}的服务水平", "保障{x}的正常运行", "加强{x}建设",
    "推进{x}工作有序开展", "提高{x}的运行效率", "确保{x}安全稳定", "促进{x}均衡发展",
    "对{x}进行统一管理", "做好{x}的日常维护", "建立健全{x}长效机制", "整合{x}形成共享目录",
)
GOAL_OBJECTS = (
    "信息系统", "校园环境", "教育资源", "公共服务", "业务应用系统", "网络基础设施", "师资队伍",
    "档案资料", "办公设备", "基础数据", "服务对象", "培训体系", "应急保障能力", "财政资金",
)
GOAL_CLOSERS = (
    "为全市群众提供优质服务", "满足群众日益增长的需求", "提高群众满意度", "提升整体管理水平",
    "为事业高质量发展提供保障", "形成可推广的经验做法",
)

# (level-1 code, level-1 word) -> [(level-2 code, level-2 word, [indicator names])]
INDICATOR_TREE: dict[tuple[str, str], list[tuple[str, str, tuple[str, ...]]]] = {
    ("1", "产出指标"): [
        ("11", "数量指标", ("培训人数", "巡检完成率", "设备购置数量", "服务覆盖学校数", "论文发表数",
                         "驻场人员数量", "项目工作量完成率", "物业管理面积")),
        ("12", "质量指标", ("验收通过率", "系统可用率", "设备故障率", "工程验收合格率", "服务质量",
                         "项目验收合格率(%)")),
        ("13", "时效指标", ("故障响应时间", "资金支付及时率", "项目按时完成率", "系统上线及时率",
                         "完成时限")),
        ("14", "成本指标", ("成本控制率", "预算执行率", "单位造价控制")),
    ],
    ("2", "效益指标"): [
        ("21", "经济效益", ("财政资金使用率", "管理和办公效率")),
        ("22", "社会效益", ("系统运行稳定率", "保障业务正常运转", "安全事故发生次数", "服务对象覆盖面",
                         "试运行正常运作率")),
        ("23", "生态效益", ("校园绿化保持率", "节能降耗率")),
        ("24", "可持续影响", ("影响力", "长效管理机制", "信息化校园建设")),
    ],
    ("3", "满意度指标"): [
        ("31", "服务对象满意度", ("用户满意度", "服务对象满意度(%)", "师生满意度", "群众满意度",
                              "受训学员满意度")),
    ],
}
# 年度/实施周期指标值 by 一级 category
VALUES: dict[str, tuple[str, ...]] = {
    "产出指标": (
        "100%", "≥90%", "≥95%", "90%以上", "不低于95%", "98%", "良好以上", "及时", "合法合规", "0次",
        "≤2小时", "10分钟内", "500人或以上", "每年40门", "按计划完成", "完成", "≥5个", "1次",
        "100%按照任务书完成", "不超过预算数", "≤5%", "90%或以上", "3年", "约140人", "预算范围内",
    ),
    "效益指标": (
        "提高", "有效", "下降", "良好以上", "0", "0次", "保障业务正常运转", "90%或以上", "形成推广示范效应",
        "≥95%", "逐步提升", "持续改善",
    ),
    "满意度指标": ("≥90%", "≥95%", "90%以上", "满意度98%以上", "100%", "95%及以上", "不低于85%"),
}


# -- what a document holds ----------------------------------------------------------


@dataclass
class ExpectedIndicator:
    seq: int
    level1: str
    name: str
    annual_value: str
    period_value: str | None


@dataclass
class ExpectedProject:
    name: str
    total: float
    goal: str
    indicators: list[ExpectedIndicator] = field(default_factory=list)


@dataclass
class Expected:
    layout: str
    department: str
    units: list[str] = field(default_factory=list)
    projects: list[ExpectedProject] = field(default_factory=list)

    @property
    def n_indicators(self) -> int:
        return sum(len(p.indicators) for p in self.projects)


# -- pieces ----------------------------------------------------------------------------


def _money(x: float) -> str:
    return f"{x:,.2f}"


def wrap(text: str, width: int, rng: random.Random, jitter: int = 1) -> list[str]:
    """Break ``text`` into lines of about ``width`` characters, as a PDF does.

    The width varies by ``±jitter`` per line; a break never falls inside a run
    of ASCII letters or digits (a PDF line breaks between glyphs, but a
    typesetter does not split ``2023`` or ``100%``).
    """
    out: list[str] = []
    pos, n = 0, len(text)
    while pos < n:
        end = min(n, pos + width + rng.randint(-jitter, jitter))
        if end < n:
            e = end
            while e > pos + 1 and text[e - 1].isascii() and text[e - 1].isalnum() \
                    and text[e].isascii() and text[e].isalnum():
                e -= 1
            if e > pos + 1:
                end = e
        out.append(text[pos:end])
        pos = end
    return out


def _project_name(rng: random.Random, unit: str, year: int, *, tabular: bool) -> str:
    topic, kind = rng.choice(TOPICS), rng.choice(KINDS)
    r = rng.random()
    if r < 0.35:
        name = f"{topic}{kind}"
    elif r < 0.7:
        name = f"{unit}{year}年{topic}{kind}"
    elif r < 0.85:
        name = f"{unit}{year}-{year + 1}年{topic}{kind}"
    else:
        name = f"{rng.choice(GOAL_OBJECTS)}{topic}{kind}"
    if tabular and rng.random() < 0.25:
        name = f"（{rng.choice(DOC_NUMBERS)}{year}{rng.randint(100, 399)}号）{name}"
    return name


def _goal(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        acts = [rng.choice(GOAL_ACTIONS).format(x=rng.choice(GOAL_OBJECTS)) for _ in range(rng.randint(2, 5))]
        s = rng.choice(GOAL_OPENERS) + "，".join(acts)
        if rng.random() < 0.6:
            s += "，" + rng.choice(GOAL_CLOSERS)
        sentences.append(s + "。")
    return "".join(sentences)


def _indicators(rng: random.Random, n: int) -> list[tuple[str, str, str, str, str, str, str]]:
    """``n`` indicators as (code1, level1, code2, level2, name, period value, annual value)."""
    out = []
    for _ in range(n):
        (c1, l1), groups = rng.choice(list(INDICATOR_TREE.items()))
        c2, l2, names = rng.choice(groups)
        annual = rng.choice(VALUES[l1])
        period = annual if rng.random() < 0.8 else rng.choice(VALUES[l1])
        out.append((c1, l1, c2, l2, rng.choice(names), period, annual))
    return out


def _indicator_text(items, grammar: int, colon: str = "：", semi: str = "；") -> tuple[str, list[ExpectedIndicator]]:
    parts, expected = [], []
    for seq, (c1, l1, c2, l2, name, period, annual) in enumerate(items, 1):
        if grammar == 1:
            parts.append(f"{seq}、{l1}：{name}，年度指标值：{annual}。")
            expected.append(ExpectedIndicator(seq, l1, name, annual, None))
        else:
            parts.append(f"{seq}、{c1}-{l1}{semi}{c2}-{l2}{semi}{name}{semi}"
                         f"实施周期指标值{colon}{period}{semi}年度指标值{colon}{annual}。")
            expected.append(ExpectedIndicator(seq, l1, name, annual, period))
    return "".join(parts), expected


def _split_amounts(rng: random.Random) -> tuple[float, float | None, float | None, float | None]:
    """A project's (total, fiscal, special, other); most projects are fiscal money only."""
    total = round(rng.choice((rng.uniform(1, 100), rng.uniform(10, 1000), rng.uniform(100, 5000))), 2)
    r = rng.random()
    if r < 0.75:
        return total, total, None, None
    if r < 0.85:
        return total, None, total, None
    a = round(total * rng.uniform(0.2, 0.8), 2)
    b = round(total - a, 2)
    return (total, a, b, None) if r < 0.95 else (total, a, None, b)


def _sum_amounts(rows: list[tuple[float, float | None, float | None, float | None]]):
    def col(i: int) -> float | None:
        vals = [r[i] for r in rows if r[i] is not None]
        return round(sum(vals), 2) if vals else None

    return tuple(col(i) for i in range(4))


# -- documents ---------------------------------------------------------------------------


def generate(rng: random.Random, layout: str, n_projects: int, *, max_indicators: int = 9,
             n_units: int | None = None) -> tuple[str, Expected]:
    """One document of ``layout`` with ``n_projects`` projects: (text, what it holds)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    tabular = layout == "tabular"
    city = rng.choice(CITIES)
    department = city + rng.choice(DEPARTMENTS)
    year = rng.randint(2019, 2025)
    if n_units is None:
        n_units = rng.choice((1, 1, 1, 2, 3))
    n_units = max(1, min(n_units, n_projects))
    units = list(dict.fromkeys(city + rng.choice(UNIT_KINDS) for _ in range(n_units * 3)))[:n_units]
    n_units = len(units)
    # projects per unit, every unit at least one
    cuts = sorted(rng.sample(range(1, n_projects), n_units - 1)) if n_units > 1 else []
    per_unit = [b - a for a, b in zip([0, *cuts], [*cuts, n_projects], strict=True)]

    grammar = rng.choice((1, 2)) if not tabular else rng.choice((2, 2, 2, 1))
    colon = rng.choice(("：", ":"))
    expected = Expected(layout=layout, department=department, units=units)
    groups = []  # (unit, unit amounts, [(name, amounts, goal, indicator text)])
    for unit, count in zip(units, per_unit, strict=True):
        rows = []
        for _ in range(count):
            name = _project_name(rng, unit, year, tabular=tabular)
            amounts = _split_amounts(rng)
            goal = _goal(rng)
            items = _indicators(rng, rng.randint(3, max_indicators))
            ptext = rng.random() < 0.3  # an HTML <p> row: some use "; " and ASCII colons (sample 001)
            if tabular and ptext and grammar == 2 and rng.random() < 0.5:
                ind_text, ind_exp = _indicator_text(items, 2, ":", "; ")
            else:
                ind_text, ind_exp = _indicator_text(items, grammar, colon)
            expected.projects.append(ExpectedProject(name, amounts[0], goal, ind_exp))
            rows.append((name, amounts, goal, ind_text, ptext))
        groups.append((unit, _sum_amounts([r[1] for r in rows]), rows))
    grand = _sum_amounts([g[1] for g in groups])
    with_total = rng.random() < 0.5 or n_units > 1
    text = (_tabular if tabular else _wrapped)(rng, department, year, groups, grand if with_total else None)
    return text, expected


def _title(rng: random.Random, year: int) -> str:
    return rng.choice(("项目支出绩效目标表（含转移支付项目）", f"{year}年项目支出绩效目标表",
                       "项目支出绩效目标表"))


def _wrapped(rng, department, year, groups, grand) -> str:
    def amounts_line(a) -> str:
        return " ".join(_money(x) for x in a if x is not None)

    def paragraph(text: str, width: int, jitter: int) -> list[str]:
        lines = wrap(text, width, rng, jitter)
        if len(lines) > 3 and rng.random() < 0.08:  # a page break inside the paragraph
            lines.insert(rng.randint(1, len(lines) - 1), "")
        return lines

    out = ["", _title(rng, year), ""]
    out += [f"部门名称：{department} 单位：万元", ""]
    out += ["项目名称（资金使用单位） 总计 财政拨款 财政专户拨款 其他资金 绩效目标 绩效指标", ""]
    if grand is not None:
        out += [f"合计 {amounts_line(grand)}", ""]
    for unit, ua, rows in groups:
        out += [f"{unit} {amounts_line(ua)}", ""]
        for name, a, goal, ind_text, _ in rows:
            chunks = wrap(name, 14, rng, 1)
            if len(chunks) == 1:
                out.append(f"    {name} {amounts_line(a)}")
            else:
                out.append("    " + chunks[0])
                out += chunks[1:]
                out += ["", amounts_line(a), ""]
            if rng.random() < 0.5:
                out.append("")
            out += paragraph(goal, 24, 1)
            out.append("")
            out += paragraph(ind_text, 31, 2)
            out.append("")
    return "\n".join(out) + "\n"


def _tabular(rng, department, year, groups, grand) -> str:
    def cells(a) -> list[str]:
        return ["" if x is None else _money(x) for x in a]

    heading = rng.choice(("## ", ""))
    label = rng.choice(("部门名称", "单位名称"))
    out = ["", "", heading + _title(rng, year), "", f"{label}：{department}", "", "单位：万元", ""]
    out.append("\t".join(("项目名称（资金使用单位）", "总计", "财政拨款", rng.choice(("财政专户拨款", "财政专户 拨款")),
                          "其他资金", "绩效目标", "绩效指标")))
    if grand is not None:
        out.append("\t".join(("合计", *cells(grand), "", "")))
    for unit, ua, rows in groups:
        out.append("\t".join((unit, *cells(ua), "", "")))
        for name, a, goal, ind_text, ptext in rows:
            amt = cells(a)
            if ptext:
                p_amounts = rng.random() < 0.5  # sample 002 wraps the amounts too, sample 001 does not
                amt = [f"<p>{x}</p>" if x and p_amounts else x for x in amt]
                row = [f"<p>{name}</p>", *amt, f"<p>{goal}</p>", f"<p>{ind_text}</p>"]
            else:
                row = [name, *amt, goal, ind_text]
            if rng.random() < 0.03 and a[3] is None:
                del row[4]  # the empty 其他资金 cell dropped, as in sample 002
            out.append("\t".join(row))
            if rng.random() < 0.15:
                out.append("")  # page break
    return "\n".join(out) + "\n"


def iter_corpus(seed: int, layout: str, target_bytes: int, *, min_projects: int = 10,
                max_projects: int = 40, min_doc_bytes: int = 10_000,
                max_doc_bytes: int = 60_000) -> Iterator[tuple[str, Expected]]:
    """Documents of ``layout`` until their UTF-8 size reaches ``target_bytes``, one at a time.

    Each has ``min_projects``..``max_projects`` projects and is
    ``min_doc_bytes``..``max_doc_bytes`` long (documents outside are drawn again).
    """
    rng = random.Random(f"{seed}:{layout}")
    size = 0
    while size < target_bytes:
        text, exp = generate(rng, layout, rng.randint(min_projects, max_projects))
        n = len(text.encode("utf-8"))
        if not min_doc_bytes <= n <= max_doc_bytes:
            continue  # keep every document the size of a real department's table
        yield text, exp
        size += n


def generate_corpus(seed: int, layout: str, target_bytes: int, **kw) -> list[tuple[str, Expected]]:
    """:func:`iter_corpus` as a list."""
    return list(iter_corpus(seed, layout, target_bytes, **kw))


def big_document(seed: int, target_bytes: int) -> tuple[str, Expected]:
    """One wrapped document of about ``target_bytes``: thousands of projects, a unit per ~150."""
    pilot, _ = generate(random.Random(f"{seed}:pilot"), "wrapped", 200)
    n = max(10, round(target_bytes / (len(pilot.encode("utf-8")) / 200)))
    return generate(random.Random(f"{seed}:big"), "wrapped", n, n_units=max(1, n // 150))


def typical_document(seed: int) -> tuple[str, Expected]:
    """One wrapped document of 25 projects (about the size of sample 000)."""
    return generate(random.Random(f"{seed}:one"), "wrapped", 25)
