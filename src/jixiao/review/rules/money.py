"""E. Consistency (R28–R30): year against cycle, and money that adds up and comes with targets."""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import attrgetter

from ...model import AMOUNT_KEYS, Amounts
from ..registry import hit, rule

_CYCLE = re.compile(r"(20\d{2})\s*年?\s*[-—–~～至到]\s*(20\d{2})")
_PER = re.compile(r"/|每")
_TIME_UNITS = frozenset(["秒", "分钟", "小时", "天", "日", "个工作日", "工作日", "周", "月", "个月", "年", "学期", "季度"])


def _multi_year(p) -> str | None:
    for text in (p.project.name, p.project.goal):
        for m in _CYCLE.finditer(text or ""):
            if int(m[2]) > int(m[1]):
                return f"{m[1]}–{m[2]}"
    return None


@rule(
    "R28", name="year-vs-cycle", group="E", scope="project",
    title="年度指标值与实施周期指标值", title_en="年度指标值 against 实施周期指标值",
    severity="warning",
    message="“{name}”的年度指标值“{annual}”大于实施周期指标值“{period}”",
    message_en="the annual value “{annual}” of “{name}” exceeds its period value “{period}”",
    variants={"same": ("info", "项目周期为 {cycle} 年，“{name}”的实施周期指标值与年度指标值相同（“{annual}”）",
                       "the project runs {cycle} but “{name}” has the same period and annual value (“{annual}”)")},
    reasoning="一年完成的数量不会多于整个实施周期；多年项目的周期目标与年度目标一字不差，往往是把长期目标与年度目标混为一谈。"
              "只比较同单位的数量或金额（不比较百分比、0 和“每天2次”这类频率）；“相同”只对产出数量提示，"
              "不对时限、时长和每年的水平（年度业务量、驻场人员数）提示。",
    source="S6：长期和年度指标分别是各自目标的「细化和量化」；S8：「长期目标与年度目标混淆」；数值检查（推定）",
    inferred=True,
    settings={"level_words": ["年度", "每年", "同时", "并发", "人员", "频", "率"]},
    settings_doc={"level_words": "名称含这些词的是每年的水平或能力（年度业务量、同时在线人数、驻场人员），周期值与年度值相同不提示"},
    bad="实施周期：开展40场；年度：开展60场", good="实施周期：开展160场；年度：开展80场",
)
def r28(p, s):
    if not any(pv.quantitative for pv in p.period):
        return None  # no numeric 实施周期指标值 (tables without that column): nothing to compare
    out = []
    cycle: str | None | bool = False  # not looked for yet: most projects never need it
    for ii, (a, pv) in enumerate(zip(p.annual, p.period, strict=True)):
        if not (a.quantitative and pv.quantitative) or a.percent or pv.percent:
            continue
        ind, _c, _n = p.project.indicators[ii], p.cats[ii], p.names[ii]
        at, pt = a.top(), pv.top()
        if a.unit == pv.unit and at is not None and pt is not None and at > pt + 1e-9:
            out.append(hit("annual_value", indicator=ii, name=ind.name, annual=ind.annual_value,
                           period=ind.period_value))
            continue
        if (a.norm == pv.norm and a.unit and at and a.unit not in _TIME_UNITS
                and not _PER.search(a.norm) and _c.l2 in (None, "数量") and _c.l1 in (None, "产出")
                and not any(w in _n.norm for w in s.level_words)):
            if cycle is False:
                cycle = _multi_year(p)
            if cycle:
                out.append(hit("period_value", "same", indicator=ii, cycle=cycle, name=ind.name,
                               annual=ind.annual_value))
    return out or None


def _parts(a: Amounts) -> tuple[float, int]:
    vals = [x for x in (a.fiscal, a.special, a.other) if x is not None]
    return sum(vals), len(vals)


def _money(x: float | None) -> str:
    return "空" if x is None else f"{x:,.2f}"


_COLS = {"total": "总计", "fiscal": "财政拨款", "special": "财政专户拨款", "other": "其他资金"}
_COLS_EN = {"total": "total", "fiscal": "fiscal", "special": "special account", "other": "other"}


@rule(
    "R29", name="money-adds-up", group="E", scope="document",
    title="金额相加一致", title_en="Money adds up",
    severity="error",
    message="{row}：总计 {total} ≠ 各项资金之和 {parts}",
    message_en="{row_en}: total {total} ≠ sum of the funding columns {parts}",
    variants={
        "unit": ("warning", "资金使用单位“{row}”的{col} {value}，与所属项目合计 {sum} 不符（差 {diff}）{note}",
                 "unit “{row}”: {col_en} {value} differs from the sum of its projects {sum} (by {diff}){note_en}"),
        "total": ("warning", "合计行的{col} {value}，与{of}合计 {sum} 不符（差 {diff}）{note}",
                  "the 合计 row's {col_en} {value} differs from the sum of its {of_en} {sum} (by {diff}){note_en}"),
    },
    reasoning="每一行的总计应等于财政拨款、财政专户拨款、其他资金之和；单位小计应等于其项目之和，合计应等于各单位之和。"
              "每个金额四舍五入到分，容差为 tolerance ×（相加的金额个数 + 1）。表中省略了空白金额单元格时，"
              "列的归属由解析推定，消息会注明。",
    source="（推定）；S7：全部为财政拨款时，年度资金总额等于财政拨款",
    inferred=True,
    settings={"tolerance": 0.005},
    settings_doc={"tolerance": "每个四舍五入金额的容差（单位同表）"},
    bad="总计 0.17，财政拨款 0.17，财政专户拨款 0.17", good="总计 0.17，财政拨款 0.17",
)
def r29(d, s):
    doc = d.doc
    tol = s.tolerance
    out = []

    def row_check(a: Amounts, row: Callable[[], tuple[str, str]], pi: int | None, field: str):
        # ``row`` names the row for the message: only called for a row that does not add up.
        if a.total is None:
            return
        parts, n = _parts(a)
        if n and abs(a.total - parts) > tol * (n + 1):
            zh, en = row()
            out.append(hit(field, project=pi, span=a.spans.get("total"), row=zh, row_en=en,
                           total=_money(a.total), parts=_money(parts)))

    for pi, p in enumerate(doc.projects):
        row_check(p.amounts, lambda p=p: (f"项目“{p.name}”", f"project “{p.name}”"), pi, "amounts.total")
    for ui, u in enumerate(doc.units):
        row_check(u.amounts, lambda u=u: (f"资金使用单位“{u.name}”", f"unit “{u.name}”"), None,
                  f"units[{ui}].amounts.total")
    if doc.total is not None:
        row_check(doc.total, lambda: ("合计行", "the 合计 row"), None, "total.total")

    def uncertain(projects) -> tuple[str, str]:
        if any(w.code == "amount-placement" for p in projects for w in p.warnings):
            return "；部分项目省略了空白金额单元格，其金额所属列由解析推定", "; some rows dropped empty cells, their columns were inferred"
        return "", ""

    def column_check(a: Amounts, rows: list[Amounts], variant: str, field: str,
                     note: Callable[[], tuple[str, str]], **kw):
        # ``note`` reads every project's warnings: only called for a column that does not add up.
        for key in AMOUNT_KEYS:
            vals = [x for x in map(attrgetter(key), rows) if x is not None]
            have = getattr(a, key)
            if have is None and not vals:
                continue
            total = sum(vals)
            diff = (have or 0.0) - total
            if abs(diff) > tol * (len(vals) + 1):
                zh, en = note()
                out.append(hit(f"{field}.{key}", variant, span=a.spans.get(key), col=_COLS[key], col_en=_COLS_EN[key],
                               value=_money(have), sum=_money(total), diff=f"{diff:+,.2f}", note=zh,
                               note_en=en, **kw))

    by_unit: dict[str, list] = {}
    for p in doc.projects:
        by_unit.setdefault(p.unit or "", []).append(p)
    for ui, u in enumerate(doc.units):
        projects = by_unit.get(u.name)
        if projects:
            column_check(u.amounts, [p.amounts for p in projects], "unit", f"units[{ui}].amounts",
                         lambda projects=projects: uncertain(projects), row=u.name, row_en=u.name)
    if doc.total is not None:
        if doc.units:
            column_check(doc.total, [u.amounts for u in doc.units], "total", "total", lambda: ("", ""),
                         of="各资金使用单位", of_en="units")
        elif doc.projects:
            column_check(doc.total, [p.amounts for p in doc.projects], "total", "total",
                         lambda: uncertain(doc.projects), of="各项目", of_en="projects")
    return out or None


@rule(
    "R30", name="money-and-targets", group="E", scope="project",
    title="有钱无目标，有目标无钱", title_en="Money without targets, targets without money",
    severity="error",
    message="项目安排了资金 {total}，却没有任何绩效指标", message_en="the project has money ({total}) but no indicators",
    variants={"no_money": ("info", "项目有绩效指标，却没有金额", "the project has indicators but no amount")},
    reasoning="绩效目标是「预算安排的前置条件」：安排了资金就要有目标；有目标而无金额，多半是金额漏填或解析不全。",
    source="S3：绩效目标是「预算安排的前置条件」",
    bad="总计 50.00，绩效指标为空", good="总计 50.00，另有 3 条以上绩效指标",
)
def r30(p, s):
    a = p.project.amounts
    if not p.project.indicators:
        if a.total:
            return hit("amounts.total", total=_money(a.total))
        return None
    if not a.total and a.fiscal is None and a.special is None and a.other is None:
        return hit("amounts.total", "no_money")
    return None
