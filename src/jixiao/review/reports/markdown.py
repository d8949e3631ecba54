"""``--format markdown``: a 审核意见 ready to paste — numbered opinions per project, the summaries, the rules cited."""

from __future__ import annotations

from ..registry import RULES
from ..report import Report
from .common import SEVERITY_ZH, excerpt, pct, where

__all__ = ["render_markdown"]

_DIGITS = "零一二三四五六七八九"


def cn(n: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三 (enough for section numbers)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    c = report.counts
    n_proj = sum(len(r.summary.projects) for r in report.results)
    n_ind = sum(r.summary.indicators for r in report.results)
    n_meas = sum(r.summary.measurable for r in report.results)
    out = ["# 项目支出绩效目标审核意见", "",
           f"审核范围：{len(report.results)} 份绩效目标表，{n_proj} 个项目，{n_ind} 个绩效指标，"
           f"定量率 {pct(n_meas / n_ind if n_ind else None)}。",
           f"审核发现：错误 {c['error']} 条，警告 {c['warning']} 条，提示 {c['info']} 条。"
           "错误须修改后再报送；警告请逐条说明或修改；提示供参考。", ""]
    for di, r in enumerate(report.results, 1):
        s = r.summary
        out += [f"## {cn(di)}、{s.department or '（未注明部门）'}（{s.source or '未命名'}）", "",
                f"项目 {len(s.projects)} 个，指标 {s.indicators} 个，定量率 {pct(s.quant_rate)}；"
                f"错误 {s.counts['error']}，警告 {s.counts['warning']}，提示 {s.counts['info']}。", "",
                "| 序号 | 项目 | 指标 | 定量率 | 一级指标覆盖 | 二级指标覆盖 | 错误 | 警告 | 提示 |",
                "|---:|---|---:|---:|---|---|---:|---:|---:|"]
        for p in s.projects:
            out.append(f"| {p.index + 1} | {_cell(p.name or '—')} | {p.indicators} | {pct(p.quant_rate)} | "
                       f"{'、'.join(p.level1) or '—'} | {'、'.join(p.level2) or '—'} | "
                       f"{p.counts['error']} | {p.counts['warning']} | {p.counts['info']} |")
        out.append("")
        groups: dict[int | None, list] = {}
        for f in r.findings:
            groups.setdefault(f.project_index, []).append(f)
        if not groups:
            out += ["未发现问题。", ""]
        for gi, (pi, fs) in enumerate(groups.items(), 1):
            title = "资金使用单位与合计" if pi is None else f"项目“{r.document.projects[pi].name or pi + 1}”"
            out += [f"### （{cn(gi)}）{title}", ""]
            for k, f in enumerate(fs, 1):
                loc = where(f)
                out.append(f"{k}. **【{SEVERITY_ZH[f.severity]}·{f.rule}】** {f.message}" + (f"（{loc}）" if loc else ""))
                ex = excerpt(r.document, f.span, 30)
                if ex is not None:
                    before, marked, after = ex
                    out.append(f"   > 原文：…{_cell(before)}**{_cell(marked)}**{_cell(after)}…")
            out.append("")
    if len(report.results) > 1:
        out += ["## 部门内各表比较", "", "| 部门 | 文档 | 项目 | 指标 | 定量率 | 错误 | 警告 | 提示 |",
                "|---|---|---:|---:|---:|---:|---:|---:|"]
        for dept, docs in report.departments().items():
            for d in docs:
                out.append(f"| {_cell(dept)} | {_cell(d.source or '—')} | {len(d.projects)} | {d.indicators} | "
                           f"{pct(d.quant_rate)} | {d.counts['error']} | {d.counts['warning']} | {d.counts['info']} |")
        out.append("")
    used = report.rule_counts()
    if used:
        out += ["## 附：所引规则及依据", "", "| 规则 | 内容 | 条数 | 依据 |", "|---|---|---:|---|"]
        for rid, n in used.items():
            rule = RULES[rid]
            out.append(f"| {rid} | {_cell(rule.title)} | {n} | {_cell(rule.source)} |")
        out.append("")
    return "\n".join(out)
