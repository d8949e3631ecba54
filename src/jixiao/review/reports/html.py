"""``--format html``: one self-contained page (inline CSS, no external assets): summaries, then findings by project with their source excerpts."""

from __future__ import annotations

from html import escape

from ..registry import RULES
from ..report import DocumentSummary, Report
from .common import SEVERITY_ZH, excerpt, pct, where

__all__ = ["render_html"]

_CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2rem auto;max-width:1100px;
color:#1f2328;line-height:1.5;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.3rem;border-bottom:2px solid #d0d7de;padding-bottom:.2rem;margin-top:2.5rem}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;
vertical-align:top}th{background:#f6f8fa}td.n{text-align:right}
.badge{display:inline-block;border-radius:3px;padding:0 .4rem;font-size:.8rem;color:#fff;margin-right:.3rem}
.error{background:#cf222e}.warning{background:#bf8700}.info{background:#0969da}
.finding{border-left:4px solid #d0d7de;margin:.5rem 0;padding:.3rem .7rem;background:#fafbfc}
.finding.f-error{border-color:#cf222e}.finding.f-warning{border-color:#bf8700}.finding.f-info{border-color:#0969da}
.loc{color:#57606a;font-size:.85rem}.en{color:#57606a;font-size:.85rem}
pre.src{white-space:pre-wrap;background:#fff;border:1px solid #eaeef2;padding:.3rem .5rem;margin:.3rem 0 0;
font-size:.85rem}mark{background:#fff8c5;outline:1px solid #d4a72c}
.summary span{margin-right:1rem}footer{margin-top:3rem;color:#57606a;font-size:.8rem}
"""


def _counts(c: dict[str, int]) -> str:
    return "".join(f'<span class="badge {k}">{SEVERITY_ZH[k]} {c[k]}</span>' for k in ("error", "warning", "info"))


def _summary_table(s: DocumentSummary) -> str:
    rows = ["<table><tr><th>#</th><th>项目</th><th>金额</th><th>指标</th><th>定量率</th><th>一级覆盖</th>"
            "<th>二级覆盖</th><th>错误</th><th>警告</th><th>提示</th></tr>"]
    for p in s.projects:
        total = "—" if p.total is None else f"{p.total:,.2f}"
        rows.append(f'<tr><td class="n">{p.index + 1}</td><td><a href="#d{id(s)}p{p.index}">{escape(p.name or "—")}</a>'
                    f'</td><td class="n">{total}</td><td class="n">{p.indicators}</td><td class="n">{pct(p.quant_rate)}</td>'
                    f"<td>{'、'.join(p.level1) or '—'}</td><td>{'、'.join(p.level2) or '—'}</td>"
                    + "".join(f'<td class="n">{p.counts[k]}</td>' for k in ("error", "warning", "info")) + "</tr>")
    rows.append(f'<tr><th></th><th>合计</th><th></th><th class="n">{s.indicators}</th><th class="n">{pct(s.quant_rate)}</th>'
                "<th></th><th></th>" + "".join(f'<th class="n">{s.counts[k]}</th>' for k in ("error", "warning", "info"))
                + "</tr></table>")
    cov1, cov2 = s.coverage(1), s.coverage(2)
    rows.append("<table><tr><th>一级指标</th>" + "".join(f"<th>{k}</th>" for k in cov1) + "</tr><tr><td>有此类指标的项目</td>"
                + "".join(f'<td class="n">{v}</td>' for v in cov1.values()) + "</tr></table>")
    rows.append("<table><tr><th>二级指标</th>" + "".join(f"<th>{k}</th>" for k in cov2) + "</tr><tr><td>有此类指标的项目</td>"
                + "".join(f'<td class="n">{v}</td>' for v in cov2.values()) + "</tr></table>")
    return "\n".join(rows)


def render_html(report: Report) -> str:
    c = report.counts
    body = [f"<h1>项目支出绩效目标审核报告</h1><p class=summary>{len(report.results)} 份文档，"
            f"{len(report.findings)} 条审核意见 {_counts(c)}</p>"]
    if len(report.results) > 1:
        body.append("<h2>部门内各文档比较</h2><table><tr><th>部门</th><th>文档</th><th>项目</th><th>指标</th><th>定量率</th>"
                    "<th>错误</th><th>警告</th><th>提示</th></tr>")
        for dept, docs in report.departments().items():
            for d in docs:
                body.append(f"<tr><td>{escape(dept)}</td><td>{escape(d.source or '—')}</td><td class=n>{len(d.projects)}</td>"
                            f"<td class=n>{d.indicators}</td><td class=n>{pct(d.quant_rate)}</td>"
                            + "".join(f"<td class=n>{d.counts[k]}</td>" for k in ("error", "warning", "info")) + "</tr>")
        body.append("</table>")
    for r in report.results:
        s = r.summary
        body.append(f"<h2>{escape(s.department or '（未注明部门）')} · {escape(s.source or '未命名')}</h2>"
                    f"<p class=summary>项目 {len(s.projects)}，指标 {s.indicators}，定量率 {pct(s.quant_rate)} {_counts(s.counts)}</p>")
        body.append(_summary_table(s))
        groups: dict[int | None, list] = {}
        for f in r.findings:
            groups.setdefault(f.project_index, []).append(f)
        for pi, fs in groups.items():
            title = "资金使用单位与合计" if pi is None else f"项目 {pi + 1}：{r.document.projects[pi].name or '（无名称）'}"
            anchor = f' id="d{id(s)}p{pi}"' if pi is not None else ""
            body.append(f"<h3{anchor}>{escape(title)}</h3>")
            for f in fs:
                ex = excerpt(r.document, f.span)
                src = ""
                if ex is not None:
                    before, marked, after = ex
                    src = f"<pre class=src>…{escape(before)}<mark>{escape(marked)}</mark>{escape(after)}…</pre>"
                body.append(f'<div class="finding f-{f.severity}"><span class="badge {f.severity}">'
                            f"{SEVERITY_ZH[f.severity]}</span><b>{f.rule}</b> {escape(f.message)}"
                            f' <span class=loc>{escape(where(f))}</span><div class=en>{escape(f.message_en)}</div>{src}</div>')
        if not r.findings:
            body.append("<p>未发现问题。</p>")
    used = report.rule_counts()
    if used:
        body.append("<h2>所引规则</h2><table><tr><th>规则</th><th>内容</th><th>条数</th><th>理由</th><th>依据</th></tr>")
        for rid, n in used.items():
            rule = RULES[rid]
            body.append(f"<tr><td>{rid}</td><td>{escape(rule.title)}</td><td class=n>{n}</td>"
                        f"<td>{escape(rule.reasoning)}</td><td>{escape(rule.source)}</td></tr>")
        body.append("</table>")
    body.append("<footer>jixiao · 规则 R01–R54 的说明见 docs/rules.md（jixiao rules）</footer>")
    return ("<!DOCTYPE html>\n<html lang=zh-CN><head><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width, initial-scale=1'>"
            f"<title>绩效目标审核报告</title><style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
