"""``--format text``: findings grouped by document and project, and the summaries, for a terminal (rich)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..report import Report
from .common import SEVERITY_ZH, pct, where

__all__ = ["render_text"]

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _counts(c: dict[str, int]) -> Text:
    t = Text()
    for k in ("error", "warning", "info"):
        if t:
            t.append(" ")
        t.append(f"{SEVERITY_ZH[k]} {c[k]}", style=_STYLE[k] if c[k] else "dim")
    return t


def render_text(report: Report) -> RenderableType:
    out: list[RenderableType] = []
    for r in report.results:
        s = r.summary
        out.append(Text.assemble(("\n" + (s.source or "（未命名文档）"), "bold"), "  ", s.department or "",
                                 "  ", _counts(s.counts)))
        by_project: dict[int | None, list] = {}
        for f in r.findings:
            by_project.setdefault(f.project_index, []).append(f)
        for pi, fs in by_project.items():
            title = "文档 / 资金使用单位" if pi is None else f"项目 {pi + 1}：{r.document.projects[pi].name or '（无名称）'}"
            out.append(Text(title, style="bold"))
            for f in fs:
                line = Text("  ")
                line.append(f"{f.rule} {SEVERITY_ZH[f.severity]}", style=_STYLE[f.severity])
                line.append(f"  {f.message}")
                loc = where(f)
                if loc:
                    line.append(f"  （{loc}）", style="dim")
                out.append(line)
        if not r.findings:
            out.append(Text("  未发现问题 / no findings", style="green"))
        table = Table(title="项目汇总 / per project", show_lines=False, title_justify="left")
        for col in ("#", "项目", "指标", "定量率", "一级覆盖", "错误", "警告", "提示"):
            table.add_column(col, justify="right" if col in ("#", "指标", "定量率", "错误", "警告", "提示") else "left",
                             overflow="fold")
        for p in s.projects:
            table.add_row(str(p.index + 1), p.name or "—", str(p.indicators), pct(p.quant_rate), "、".join(p.level1) or "—",
                          str(p.counts["error"]), str(p.counts["warning"]), str(p.counts["info"]))
        table.add_section()
        table.add_row("", "合计", str(s.indicators), pct(s.quant_rate), "", str(s.counts["error"]),
                      str(s.counts["warning"]), str(s.counts["info"]))
        out.append(table)
    if len(report.results) > 1:
        out.append(_department_table(report))
    out.append(Text.assemble(("\n合计 total: ", "bold"), _counts(report.counts),
                             f"  （{len(report.results)} 份文档，{len(report.findings)} 条审核意见）"))
    return Group(*out)


def _department_table(report: Report) -> Table:
    table = Table(title="部门内各文档比较 / documents of each department", title_justify="left")
    for col in ("部门", "文档", "项目", "指标", "定量率", "错误", "警告", "提示"):
        table.add_column(col, overflow="fold")
    for dept, docs in report.departments().items():
        for d in docs:
            table.add_row(dept, d.source or "—", str(len(d.projects)), str(d.indicators), pct(d.quant_rate),
                          str(d.counts["error"]), str(d.counts["warning"]), str(d.counts["info"]))
        table.add_section()
    return table
