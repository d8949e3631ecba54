"""J. Self-evaluation and monitoring (R45–R50): scores that the table's own values do not allow.

These rules read only evaluation forms (``selfeval``, ``dept_selfeval``, ``monitor``); on a
target table they never fire. The scores are recomputed by :mod:`jixiao.evaluate` under the
profile the rule's settings name, so a province's weights change the checks with the scores.
"""

from __future__ import annotations

from types import SimpleNamespace

from ...errors import ConfigError
from ...evaluate.achievement import achievement, number
from ...evaluate.profile import ProfileError, load_profile
from ...evaluate.score import _PARTIAL, monitor_progress, score_project
from ...model import Span
from ..registry import hit, rule

_SCORED = frozenset({"selfeval", "dept_selfeval"})
#: what a 偏差原因 cell prints when it explains nothing
_EMPTY = frozenset({"", "无", "0", "/", "—", "-", "——", "无偏差", "不适用"})
_SRC_10 = "财预〔2020〕10号《项目支出绩效评价管理办法》附件（项目支出绩效自评表及评分说明）"
_SRC_136 = "财预〔2019〕136号《中央部门预算绩效运行监控管理暂行办法》"


def _prepare_profile(s: SimpleNamespace) -> SimpleNamespace:
    try:
        s.prof = load_profile(s.profile)
    except ProfileError as e:  # a configuration error: said once, when the configuration is compiled
        raise ConfigError(f"审核配置中的评分配置有误 bad profile in the review settings: {e}") from None
    return s


def _scores(p, s):
    """The project's recomputed scores, or None when the table is not a scored evaluation."""
    if p.doc.doc.form not in _SCORED or p.project.evaluation is None and not p.project.indicators:
        return None
    return score_project(p.index, p.project, s.prof)


def _explained(text: str | None) -> bool:
    return (text or "").strip() not in _EMPTY


def _partial(p) -> bool:
    """Some of the table was not read (cut, run together): what is missing may hold the answer."""
    return any(w.code in _PARTIAL for w in p.project.warnings)


def _budget_span(p) -> Span | None:
    """The money row the table prints its budget score (or else its rate) on."""
    ev = p.project.evaluation
    for r in ev.budget if ev is not None else ():
        for key in ("score", "rate", "executed_to_date", "executed", "label"):
            if r.spans.get(key):
                sp = r.spans[key]
                return Span(sp[0].start, sp[-1].end)
    return None


def _ev_span(p, key: str) -> Span | None:
    ev = p.project.evaluation
    spans = ev.spans.get(key) if ev is not None else None
    return Span(spans[0].start, spans[-1].end) if spans else None


@rule(
    "R45", name="eval-total-not-sum", group="J", scope="project",
    title="总分不等于各项得分之和", title_en="Total is not the sum of its parts",
    severity="error",
    message="填报总分 {reported} 不等于预算执行率与各指标得分之和 {parts}",
    message_en="the reported total {reported} is not the sum {parts} of the budget and indicator scores",
    reasoning="自评总分由预算执行率得分与各项指标得分相加而成；总分与分项之和不符，说明有分项漏记、错记或总分另行填写。"
              "只核对读全了的表（节选、粘连的文本分项未读全，不比较）。",
    source=_SRC_10 + "：自评得分为各项指标得分之和",
    settings={"tolerance": 0.05, "profile": "national"},
    settings_doc={"tolerance": "允许的舍入误差（分）", "profile": "重算所用的评分配置（名称或 .toml 路径）"},
    prepare=_prepare_profile,
    bad="预算执行率 10 分得 10；两项指标各 45 分得 45、40；总分 100",
    good="预算执行率 10 分得 10；两项指标各 45 分得 45、40；总分 95",
)
def r45(p, s):
    sc = _scores(p, s)
    if sc is None or sc.total.sum_gap is None or _partial(p):
        return None
    if abs(sc.total.sum_gap) > s.tolerance:
        return hit("total_score", span=_ev_span(p, "total_score"), reported=f"{sc.total.reported:g}",
                   parts=f"{sc.total.reported_sum:g}")
    return None


@rule(
    "R46", name="eval-score-above-allowed", group="J", scope="project",
    title="得分高于实际完成值所允许的分数", title_en="A score above what the reported values allow",
    severity="warning",
    message="“{name}”得分 {reported}，按实际完成值最多 {allowed} 分（{why}）",
    message_en="“{name}” scores {reported}; its reported values allow at most {allowed} ({why})",
    variants={"budget": ("warning", "预算执行率得分 {reported}，按执行率 {rate} 最多 {allowed} 分",
                         "the budget scores {reported}; an execution rate of {rate} allows at most {allowed}")},
    reasoning="正向指标得分 = 分值 × 实际/目标，反向指标 = 分值 × 目标/实际，均以分值为限；定性指标按完成档次计分；"
              "预算执行率得分 = 分值 × 执行率。得分高于这些公式所允许的，是自评打分偏高。",
    source=_SRC_10 + "：定量指标未完成的按比例计分；定性指标分档计分；预算执行率按执行比例计分",
    settings={"tolerance": 0.05, "profile": "national"},
    settings_doc={"tolerance": "允许的舍入误差（分）", "profile": "重算所用的评分配置（名称或 .toml 路径）"},
    prepare=_prepare_profile,
    bad="完成率指标 分值 10，目标 100%，实际 80%，得分 10",
    good="完成率指标 分值 10，目标 100%，实际 80%，得分 8",
)
def r46(p, s):
    sc = _scores(p, s)
    if sc is None:
        return None
    out = []
    b = sc.budget
    # a weight the table does not print is the profile's guess: a score above it says the table
    # uses another profile (湖北 scores the budget out of 20), not that the score is inflated
    guessed = b is not None and b.reason is not None and "未列分值" in b.reason and (b.reported or 0) > (b.weight or 0)
    if (b is not None and not guessed and b.reported is not None and b.recomputed is not None
            and b.reported > b.recomputed + s.tolerance):
        out.append(hit("budget", "budget", span=_budget_span(p), reported=f"{b.reported:g}", rate=f"{b.rate:.2%}",
                       allowed=f"{b.recomputed:g}"))
    for x in sc.indicators:
        if x.reported is None or x.high is None or x.reported <= x.high + s.tolerance:
            continue
        if x.method == "评分标准" or x.band is not None:
            why = f"分值 {x.weight:g}" if x.band is None else f"“{x.band}”档为分值的 {x.low:g}–{x.high:g}"
        else:
            why = f"{x.method} 完成比例 {x.ratio:.2%}" if x.ratio is not None else x.method or ""
        out.append(hit("score", indicator=x.index, name=x.name or f"第{x.index + 1}项",
                       reported=f"{x.reported:g}", allowed=f"{x.high:g}", why=why))
    return out or None


@rule(
    "R47", name="eval-missed-full-marks", group="J", scope="project",
    title="未完成目标却得满分且无偏差原因", title_en="A missed target with full marks and no reason given",
    severity="warning",
    message="“{name}”未达到年度指标值（目标 {target}，实际 {actual}）却得满分 {score}，也没有说明偏差原因",
    message_en="“{name}” missed its target ({target}, actual {actual}) yet scores the full {score}, with no reason given",
    reasoning="未完成年度指标的，应按比例扣分并在“偏差原因分析及改进措施”中说明；满分而无说明，既不合计分规则也不合填报要求。",
    source=_SRC_10 + "：未完成的按比例计分，并说明偏差原因",
    settings={"profile": "national"},
    settings_doc={"profile": "判断完成情况所用的评分配置（定性档次用词）"},
    prepare=_prepare_profile,
    bad="目标 ≥100户，实际 80户，分值 10 得分 10，偏差原因 无",
    good="目标 ≥100户，实际 80户，分值 10 得分 8，偏差原因：3 户迁出、17 户未申报",
)
def r47(p, s):
    if p.doc.doc.form not in _SCORED:
        return None
    out = []
    for ii, ind in enumerate(p.project.indicators):
        w, sc = number(ind.weight), number(ind.score)
        if w is None or sc is None or sc < w or _explained(ind.deviation):
            continue
        a = achievement(ind, s.prof)
        missed = (a.ratio is not None and a.band is None and a.ratio < 1 - 1e-9) or (
            a.band is not None and a.band.high < 1.0)
        if missed:
            out.append(hit("score", indicator=ii, name=ind.name or f"第{ii + 1}项", target=ind.annual_value,
                           actual=ind.actual_value, score=ind.score))
    return out or None


@rule(
    "R48", name="eval-all-full-marks", group="J", scope="project",
    title="所有指标均得满分", title_en="Every indicator at full marks",
    severity="info",
    message="全部 {count} 项指标都得满分：请核对实际完成值是否如实填报",
    message_en="all {count} indicators score full marks: check that the actual values are reported as they are",
    reasoning="每项指标都恰好 100% 完成的情形少见；全部满分常见于照抄目标值作完成值。只是提示，不是错误。",
    source=_SRC_10 + "：自评结果应真实反映完成情况（推定：全部满分为提示）",
    inferred=True,
    settings={"min_count": 3},
    settings_doc={"min_count": "至少有这么多项计分指标时才提示"},
    bad="5 项指标，得分均等于分值", good="5 项指标，其中 1 项分值 10 得分 8.5",
)
def r48(p, s):
    if p.doc.doc.form not in _SCORED or _partial(p):
        return None
    pairs = [(number(i.weight), number(i.score)) for i in p.project.indicators]
    scored = [(w, x) for w, x in pairs if w is not None and x is not None]
    if len(scored) >= s.min_count and all(abs(w - x) < 1e-9 for w, x in scored):
        return hit("indicators", count=len(scored))
    return None


def _rate(p) -> tuple[float | None, str | None]:
    """The project's execution rate and the text it was read from."""
    for r in p.project.evaluation.budget:
        if r.budget and r.executed is not None:
            return r.executed / r.budget, f"{r.executed:g}/{r.budget:g}"
    for r in p.project.evaluation.budget:
        n = number(r.rate)
        if n is not None:
            return n / 100, r.rate
    return None, None


@rule(
    "R49", name="eval-low-execution-unexplained", group="J", scope="project",
    title="预算执行率偏低且无说明", title_en="Execution rate below the threshold with no explanation",
    severity="warning",
    message="预算执行率 {rate}（{source}）低于 {threshold}，表中没有说明原因",
    message_en="the execution rate {rate} ({source}) is below {threshold} and the table gives no reason",
    reasoning="预算执行率偏低的，应在偏差原因中说明资金未支出的原因和改进措施；一处说明（总的偏差原因或任一指标的偏差说明）即可。",
    source=_SRC_10 + "：对预算执行率偏低的项目应分析原因",
    settings={"min_rate": 0.9},
    settings_doc={"min_rate": "低于此执行率（比例）须有说明"},
    bad="全年预算 100 万元，执行 80 万元；偏差原因：无", good="全年预算 100 万元，执行 80 万元；偏差原因：工程尾款 20 万元次年支付",
)
def r49(p, s):
    ev = p.project.evaluation
    if p.doc.doc.form not in _SCORED or ev is None or _partial(p):
        return None
    rate, src = _rate(p)
    if rate is None or rate >= s.min_rate - 1e-9:
        return None
    if _explained(ev.deviation) or _explained(ev.measures) or any(_explained(i.deviation) for i in p.project.indicators):
        return None
    return hit("budget", span=_budget_span(p), rate=f"{rate:.2%}", source=src, threshold=f"{s.min_rate:.0%}")


@rule(
    "R50", name="monitor-behind-or-impossible", group="J", scope="project",
    title="监控：执行进度落后于时间进度，或不能完成却无整改", title_en="Monitoring: spending behind time, or a target that cannot be met with no remedy",
    severity="warning",
    message="1–{months}月执行 {rate}，时间已过 {elapsed}，进度比 {ratio}（红灯，低于 {red}）",
    message_en="spent {rate} by month {months}, {elapsed} of the year gone: {ratio} of the pace (red, below {red})",
    variants={
        "yellow": ("info", "1–{months}月执行 {rate}，时间已过 {elapsed}，进度比 {ratio}（黄灯，低于 {yellow}）",
                   "spent {rate} by month {months}, {elapsed} of the year gone: {ratio} of the pace (yellow, below {yellow})"),
        "impossible": ("warning", "“{name}”完成目标可能性为“不可能”，表中没有整改措施",
                       "“{name}” is marked 不可能 (cannot be met) and the table gives no remedy (整改)"),
    },
    reasoning="绩效运行监控要对照时间进度看执行进度（红/黄/绿），对预计不能完成的目标提出纠偏整改措施。"
              "进度比 = 执行率 ÷ 时间进度（月数/12）；阈值可配置。",
    source=_SRC_136 + "：监控执行进度与目标实现程度，对偏离目标的及时纠偏；阈值参照某省系统的红黄绿规则（60%/80%，推定）",
    settings={"red": 0.6, "yellow": 0.8},
    settings_doc={"red": "进度比低于此为红灯（警告）", "yellow": "进度比低于此为黄灯（提示）"},
    bad="1–6月执行 30 万元，年初预算 100 万元（进度比 0.6 以下）；某指标“不可能”，整改措施空",
    good="1–6月执行 50 万元，年初预算 100 万元；某指标“不可能”，相关建议或举措：调整实施方案",
)
def r50(p, s):
    ev = p.project.evaluation
    if p.doc.doc.form != "monitor" or ev is None:
        return None
    out = []
    pr = monitor_progress(p.index, p.project)
    if pr is not None:
        variant = "default" if pr.pace < s.red else "yellow" if pr.pace < s.yellow else None
        if variant:
            out.append(hit("budget", variant, span=_budget_span(p), months=pr.months, rate=f"{pr.rate:.2%}",
                           elapsed=f"{pr.elapsed:.0%}", ratio=f"{pr.pace:.1%}", red=f"{s.red:.0%}",
                           yellow=f"{s.yellow:.0%}"))
    remedy = _explained(ev.measures)
    for ii, ind in enumerate(p.project.indicators):
        if (ind.likelihood or "").strip() == "不可能" and not remedy and not _explained(ind.deviation):
            out.append(hit("likelihood", "impossible", indicator=ii, name=ind.name or f"第{ii + 1}项"))
    return out or None
