"""``jixiao search QUERY``: full-text search with filters, ranked and highlighted."""

from __future__ import annotations

from typing import Any

import typer

from .common import out, reports_errors
from .lazy_rich import escape
from .store_common import check_format, db_option, json_option, marked, print_json

__all__ = ["filter_options", "search_command"]

_KIND = {"project": "项目名称", "indicator": "指标", "goal": "绩效目标"}


def filters_from(department, unit, year, level1, level2, min_amount, max_amount, has_finding,
                 all_versions):
    from ..store.search import Filters

    return Filters(department=department, unit=unit, year=year, level1=level1, level2=level2,
                   min_amount=min_amount, max_amount=max_amount, has_finding=has_finding,
                   all_versions=all_versions)


def filter_options() -> dict[str, Any]:
    """The filter options, shared by ``search`` and ``export``."""
    return {
        "department": typer.Option(None, "--department", "-d", help="部门名称包含 / department contains"),
        "unit": typer.Option(None, "--unit", "-u", help="资金使用单位包含 / funded unit contains"),
        "year": typer.Option(None, "--year", "-y", help="年度 / year"),
        "level1": typer.Option(None, "--level1", help="一级指标：产出/效益/满意度/成本 / level 1"),
        "level2": typer.Option(None, "--level2", help="二级指标，如 数量、质量、社会效益 / level 2"),
        "min_amount": typer.Option(None, "--min-amount", help="项目总计下限（文档金额单位）/ project total ≥"),
        "max_amount": typer.Option(None, "--max-amount", help="项目总计上限 / project total ≤"),
        "has_finding": typer.Option(None, "--has-finding/--no-finding",
                                    help="只看有（或没有）审核发现的 / with (or without) review findings"),
        "all_versions": typer.Option(False, "--all-versions", help="也搜索旧版本 / include older versions"),
    }


_F = filter_options()


@reports_errors
def search_command(
    query: str = typer.Argument(..., help="搜索词，空格分隔多个词 / words, all must occur"),
    db: str | None = db_option(),
    department: str | None = _F["department"],
    unit: str | None = _F["unit"],
    year: int | None = _F["year"],
    level1: str | None = _F["level1"],
    level2: str | None = _F["level2"],
    min_amount: float | None = _F["min_amount"],
    max_amount: float | None = _F["max_amount"],
    has_finding: bool | None = _F["has_finding"],
    all_versions: bool = _F["all_versions"],
    limit: int = typer.Option(20, "--limit", "-n", help="每页条数 / results per page"),
    page: int = typer.Option(1, "--page", "-p", help="页码 / page number"),
    fmt: str = json_option(),
) -> None:
    """全文检索项目名称、绩效目标、指标名称和指标值 / search project names, goals, indicators and values."""
    from ..store import open_store
    from ..store.search import search
    check_format(fmt)
    filters = filters_from(department, unit, year, level1, level2, min_amount, max_amount, has_finding,
                           all_versions)
    engine = open_store(db, create=False)
    with engine.connect() as conn:
        result = search(conn, query, filters, limit=limit, offset=(max(page, 1) - 1) * limit)
    if fmt == "json":
        print_json(result)
        return
    more = "" if result.total_exact else "+"
    out.print(f"「{escape(query)}」 {result.total}{more} 条结果 results", style="bold")
    for h in result.hits:
        _print_hit(h)
    if not result.hits:
        out.print("没有结果 / no results")
    elif result.offset + len(result.hits) < result.total:
        out.print(f"第 {page} 页；下一页 next page: --page {page + 1}", highlight=False)


def _piece(h, key: str, value: str | None) -> str:
    return marked(h.highlights[key]) if key in h.highlights else escape(value or "")


def _print_hit(h) -> None:
    where = f"[bold]P{h.project_id}[/]" + (f" #{h.seq}" if h.seq is not None else "")
    if h.kind == "indicator":
        levels = "/".join(x for x in (h.level1, h.level2) if x)
        body = _piece(h, "indicator", h.indicator) + "：" + _piece(h, "annual_value", h.annual_value)
        if h.period_value and h.period_value != h.annual_value:
            body += "（实施周期 " + _piece(h, "period_value", h.period_value) + "）"
        head = f"{where} [dim]指标 {escape(levels)}[/]  {body}"
    elif h.kind == "goal":
        head = f"{where} [dim]绩效目标[/]  {_piece(h, 'goal', h.goal)}"
    else:
        head = f"{where} [dim]项目[/]  {_piece(h, 'project', h.project)}"
    context = [h.project if h.kind != "project" else None, h.department, str(h.year) if h.year else None,
               f"D{h.document_id}"]
    out.print(head, highlight=False)
    out.print("    [dim]" + escape(" · ".join(c for c in context if c)) + "[/]", highlight=False)
