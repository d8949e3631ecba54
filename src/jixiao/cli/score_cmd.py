"""``jixiao score FILE...``: recompute a self-evaluation table's scores by the rules and show
them beside the reported ones (per indicator, the budget, the total).

Exit codes: 0 scored (whatever the differences), 1 an input could not be read or parsed,
2 a usage error (an unknown profile among them).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from ..errors import ReadError, UsageError
from .common import reports_errors, write_stdout

__all__ = ["score_command"]


class Format(StrEnum):
    text = "text"
    json = "json"


def _n(x: float | None) -> str:
    return "—" if x is None else f"{x:g}"


def _d(x: float | None) -> str:
    return "—" if x is None else ("0" if x == 0 else f"{x:+g}")


def render_text(scores: list) -> str:
    """Plain text tables, Chinese first (one per project)."""
    lines: list[str] = []
    for s in scores:
        lines.append(f"{s.source}  表式 form: {s.form}  评分配置 profile: {s.profile}")
        lines += [f"  注意 note: {w}" for w in s.warnings]
        for g in s.progress:
            lines.append(f"项目 project: {g.name or '（无名称 unnamed）'}")
            lines.append(f"  1–{g.months}月执行 spent {_n(g.executed_to_date)} / {_n(g.base)} = {g.rate:.2%}，"
                         f"时间进度 time elapsed {g.elapsed:.0%}，进度比 pace {g.pace:.1%}"
                         "（红黄绿见审核规则 R50 / colours: review rule R50）")
        for p in s.projects:
            lines.append(f"项目 project: {p.name or '（无名称 unnamed）'}")
            lines.append("  指标 indicator | 分值 weight | 填报 reported | 重算 recomputed | 差额 difference | 方法 method | 说明 note")
            b = p.budget
            if b is not None:
                rate = "—" if b.rate is None else f"{b.rate:.2%}"
                lines.append(f"  预算执行率 budget ({b.label}, {rate}) | {_n(b.weight)} | {_n(b.reported)} | "
                             f"{_n(b.recomputed)} | {_d(b.difference)} | 分值×执行率 | {b.reason or ''}")
            for i in p.indicators:
                if i.unscored:
                    continue
                rec = _n(i.recomputed)
                if i.low is not None and i.high is not None and i.low != i.high:
                    rec = f"{_n(i.low)}–{_n(i.high)}"
                method = (i.method or "—") + (f"（{i.band}）" if i.band else "")
                lines.append(f"  {i.name or '—'} | {_n(i.weight)} | {_n(i.reported)} | {rec} | {_d(i.difference)} | "
                             f"{method} | {i.reason or ''}")
            t = p.total
            lines.append(f"  合计 total | | {_n(t.reported_sum)} | {_n(t.recomputed)} | {_d(t.difference)} | | "
                         + ("" if t.complete else (t.reason or "")))
            if t.reported is not None:
                gap = f"，与各项之和差 {_d(t.sum_gap)} / differs from the parts' sum by {_d(t.sum_gap)}" if t.sum_gap else ""
                lines.append(f"  填报总分 reported total: {_n(t.reported)}（{t.grade_reported or '—'}）{gap}")
            if t.grade_recomputed:
                lines.append(f"  重算等级 recomputed grade: {t.grade_recomputed}")
        lines.append("")
    return "\n".join(lines).rstrip()


@reports_errors
def score_command(
    files: list[Path] = typer.Argument(..., help="自评表文件 / self-evaluation table files", show_default=False),
    profile: str = typer.Option("national", "--profile", "-p",
                                help="评分配置：national、hubei、sichuan、chongqing-dept、anhui-dept 或 .toml 路径 "
                                     "/ scoring profile: a shipped name or a .toml path"),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text 表格 | json"),
) -> None:
    """按规则重算自评表得分（填报分与重算分对照）/ Recompute a self-evaluation table's scores by the rules."""
    # imported here: `jixiao --help` and the other commands do not pay for the parser and the scorer
    from ..evaluate import ProfileError, as_json, load_profile, score_document
    from ..parse.document import parse_source
    from ..read import read

    try:
        prof = load_profile(profile)
    except ProfileError as e:
        raise UsageError(str(e), code="profile") from None
    scores = []
    for f in files:
        if not f.exists():
            raise ReadError(f"文件不存在：{f} / no such file", code="not-found")
        if f.is_dir():
            raise UsageError(f"这是目录，不是文件：{f} / a directory, not a file", code="usage")
        scores.append(score_document(parse_source(read(f)), prof))
    if format is Format.json:
        import json  # here, not at import: `jixiao --help` need not load it

        write_stdout(json.dumps([as_json(s) for s in scores], ensure_ascii=False, indent=1))
    else:
        write_stdout(render_text(scores))
