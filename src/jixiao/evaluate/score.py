"""Recompute a self-evaluation table's scores by a profile's rules: a pure function of the document.

Per indicator: 正向 分值 × 实际/目标, 反向 分值 × 目标/实际 (capped at 分值 when the profile
caps), 定性 a band of 分值 chosen by the actual value's words; the budget 分值 × 执行率; the
total their sum. Reported and recomputed stand side by side with the difference; what cannot
be computed says why and counts at its reported score in the total (``complete`` is then false).
"""

from __future__ import annotations

from ..model import BudgetRow, Document, Indicator, Project
from .achievement import achievement, number
from .profile import Profile, load_profile
from .result import BudgetScore, DocumentScore, IndicatorScore, Progress, ProjectScore, TotalScore

__all__ = ["monitor_progress", "score_document", "score_project"]

#: parse warnings that mean some of the table was not read: its parts cannot add up to its total
_PARTIAL = frozenset({"excerpt-cut", "eval-glued", "eval-glued-grid", "eval-glued-money", "eval-scrambled"})


def _r(x: float | None) -> float | None:
    # two decimals: what tables print; keeps 9.9 − 9 from reading 0.9000000000000004
    return None if x is None else round(x, 2)


def score_indicator(i: int, ind: Indicator, profile: Profile) -> IndicatorScore:
    weight = number(ind.weight) if profile.table_weights else None
    reported = number(ind.score)
    out = IndicatorScore(index=i, name=ind.name, level1=ind.level1, weight=weight, reported=reported, recomputed=None)
    if weight is None and reported is None:
        out.unscored = True
        out.reason = "表中此行不计分 the table scores no weight on this row"
        return out
    if weight is None:
        out.reason = "表中未列分值，无法重算 no weight printed: cannot recompute"
        return out
    if profile.rubric:
        out.method, out.low, out.high = "评分标准", 0.0, weight
        out.reason = "按评分标准打分，只核分值上限 scored by a rubric: only the cap is checked"
        if reported is not None and reported > weight:
            out.difference = _r(reported - weight)
        elif reported is not None:
            out.difference = 0.0
        return out
    col = profile.coefficient_column
    if col and col in ind.extra and number(ind.extra[col]) is not None:
        out.method, out.ratio = "得分系数", number(ind.extra[col]) / 100  # type: ignore[operator]
        out.recomputed = out.low = out.high = _r(weight * out.ratio)
    else:
        a = achievement(ind, profile)
        out.method, out.reason = a.method, a.reason
        if a.method is None:
            return out
        if a.band is not None:
            out.band = a.band.name
            out.ratio = _r(a.ratio) if a.ratio is not None else None
            out.low, out.high = _r(weight * a.band.low), _r(weight * a.band.high)
            out.recomputed = out.high
        else:
            assert a.ratio is not None
            out.ratio = round(a.ratio, 4)
            r = min(a.ratio, 1.0) if profile.cap else a.ratio
            out.recomputed = out.low = out.high = _r(weight * r)
    if reported is not None and out.low is not None and out.high is not None:
        if reported > out.high:
            out.difference = _r(reported - out.high)
        elif reported < out.low:
            out.difference = _r(reported - out.low)
        else:
            out.difference = 0.0 if out.low != out.high else _r(reported - out.high)
    return out


def _budget_row(rows: list[BudgetRow]) -> BudgetRow | None:
    """The row the 执行率 is scored on: the first with money (a 总额 row printed as zeros falls
    to its 其中 row, which the result names), else the first with a rate or a score."""
    for r in rows:
        if r.budget and r.executed is not None:
            return r
    for r in rows:
        if r.rate or r.score:
            return r
    return None


def score_budget(rows: list[BudgetRow], profile: Profile) -> BudgetScore | None:
    row = _budget_row(rows)
    if row is None:
        return None
    scored = next((r for r in rows if r.score or r.weight), row)  # the row the table prints its score on
    weight = number(scored.weight)
    reason = None
    if weight is None:
        weight = profile.budget_weight
        reason = f"表中未列分值，按配置 {weight:g} 分 no weight printed: the profile's {weight:g}"
    if row.budget and row.executed is not None:
        rate = row.executed / row.budget
    else:
        rate = number(row.rate)
        rate = None if rate is None else rate / 100
    reported = number(scored.score)
    if rate is None:
        return BudgetScore(row.label, weight, None, reported, None, None,
                           "没有执行率，也没有预算数和执行数 no rate and no money to compute one")
    rec = weight * (min(rate, 1.0) if profile.budget_cap else rate)
    if row is not scored:
        reason = (reason + "；" if reason else "") + f"执行率按“{row.label}”行计 rate from the row {row.label}"
    return BudgetScore(row.label, weight, round(rate, 4), reported, _r(rec),
                       _r(reported - rec) if reported is not None else None, reason)


def score_project(index: int, p: Project, profile: Profile) -> ProjectScore:
    inds = [score_indicator(i, ind, profile) for i, ind in enumerate(p.indicators)]
    ev = p.evaluation
    budget = score_budget(ev.budget, profile) if ev is not None else None
    parts = [x for x in inds if not x.unscored]
    reported_total = number(ev.total_score) if ev is not None else None
    rep = [x.reported for x in parts] + ([budget.reported] if budget else [])
    reported_sum = _r(sum(x for x in rep if x is not None)) if any(x is not None for x in rep) else None
    missing = [x for x in parts if x.recomputed is None and x.method != "评分标准"]
    if budget is not None and budget.recomputed is None:
        missing.append(budget)  # type: ignore[arg-type]
    rec_parts = [x.recomputed if x.recomputed is not None else x.reported for x in parts]
    if budget is not None:
        rec_parts.append(budget.recomputed if budget.recomputed is not None else budget.reported)
    known = [x for x in rec_parts if x is not None]
    recomputed = _r(sum(known)) if known else None
    complete = not missing and all(x.method != "评分标准" for x in parts) and bool(parts or budget)
    reason = None
    if not complete:
        reason = (f"{len(missing)} 项无法重算，按填报分计入 {len(missing)} items not recomputable, counted as reported"
                  if missing else "评分标准打分的项按填报分计入 rubric items counted as reported")
    cut = sorted({w.code for w in p.warnings if w.code in _PARTIAL})
    if cut:
        complete = False
        reason = (reason + "；" if reason else "") + f"表未读全（{', '.join(cut)}） the table was not read whole"
    total = TotalScore(
        reported=reported_total, reported_sum=reported_sum, recomputed=recomputed,
        difference=_r(reported_sum - recomputed) if reported_sum is not None and recomputed is not None else None,
        sum_gap=_r(reported_total - reported_sum) if reported_total is not None and reported_sum is not None else None,
        complete=complete, grade_reported=profile.grade(reported_total),
        grade_recomputed=profile.grade(recomputed) if complete else None, reason=reason,
    )
    return ProjectScore(index, p.name, budget, inds, total)


def monitor_progress(index: int, p: Project) -> Progress | None:
    """A monitoring project's spending against time, from its first row with 1–N月执行数 and a budget."""
    ev = p.evaluation
    if ev is None or not ev.months or not 0 < ev.months <= 12:
        return None
    for r in ev.budget:
        base = r.budget or r.initial
        if base and base > 0 and r.executed_to_date is not None:
            rate, elapsed = r.executed_to_date / base, ev.months / 12
            return Progress(index, p.name, r.label, ev.months, base, r.executed_to_date, round(rate, 4),
                            round(elapsed, 4), round(rate / elapsed, 4))
    return None


def score_document(doc: Document, profile: Profile | str = "national") -> DocumentScore:
    """Every project's scores, recomputed by ``profile`` (a :class:`Profile` or a name/path)."""
    prof = load_profile(profile) if isinstance(profile, str) else profile
    out = DocumentScore(source=doc.source, form=doc.form, profile=prof.name)
    if doc.form not in ("selfeval", "dept_selfeval", "monitor"):
        out.warnings.append("不是自评表或监控表，无可重算的得分 not a self-evaluation or monitoring table: nothing to score")
        return out
    if doc.form == "monitor":
        out.warnings.append("监控表不评分 a monitoring table is not scored")
        out.progress = [x for i, p in enumerate(doc.projects) if (x := monitor_progress(i, p)) is not None]
        return out
    out.projects = [score_project(i, p, prof) for i, p in enumerate(doc.projects)]
    return out
