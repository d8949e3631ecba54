"""``jixiao library list|show|search|rebuild``: the indicator library (指标库) of the store."""

from __future__ import annotations

import sys

import typer

from .common import out_wrapped as out
from .common import reports_errors
from .lazy_rich import Table, Text
from .store_common import check_format, db_option, print_json

__all__ = ["library_app"]

library_app = typer.Typer(help="指标库：同一指标的各种写法、使用情况与指标值分布 / the indicator library",
                          no_args_is_help=True)

_FORMATS = ("table", "json", "csv")
LIST_COLUMNS = ["id", "level1", "level2", "name", "projects", "departments", "years", "indicators"]
#: CSV headers, Chinese first as in every download
LABELS = {"id": "指标库编号", "level1": "一级指标", "level2": "二级指标", "name": "指标名称", "projects": "项目数",
          "departments": "部门数", "years": "年度数", "indicators": "指标数", "unit": "计量单位", "count": "个数",
          "min": "最小值", "q1": "下四分位数", "median": "中位数", "q3": "上四分位数", "max": "最大值"}


def _format_option():
    return typer.Option("table", "--format", "-f", help="输出格式 / output: table|json|csv")


def _csv(rows: list[dict], columns: list[str]) -> None:
    """UTF-8 with a BOM and Chinese headers, as every jixiao download."""
    import csv
    import io

    text = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8-sig", newline="", write_through=True)
    w = csv.writer(text)
    w.writerow([LABELS.get(c, c) for c in columns])
    for r in rows:
        w.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
    text.flush()
    text.detach()


def _num(v) -> str:
    return "" if v is None else f"{v:g}"


def _list(query: str | None, level1: str | None, level2: str | None, sort: str, limit: int, offset: int,
          db: str | None, fmt: str) -> None:
    from ..library.query import list_library
    from ..store import open_store

    check_format(fmt, _FORMATS)
    engine = open_store(db, create=False)
    with engine.connect() as conn:
        data = list_library(conn, query=query, level1=level1, level2=level2, sort=sort, limit=limit, offset=offset)
    if fmt == "json":
        print_json(data)
        return
    if fmt == "csv":
        _csv(data["items"], LIST_COLUMNS)
        return
    t = Table(title=f"指标库 indicator library ({data['total']})", title_justify="left")
    for col in ("编号 id", "一级", "二级", "指标 indicator", "项目 projects", "部门 depts", "年度 years", "次数 uses"):
        t.add_column(col, justify="right" if col[0] in "项部年次" else "left")
    for r in data["items"]:
        t.add_row(f"L{r['id']}", r["level1"] or "", r["level2"] or "", Text(r["name"]), str(r["projects"]),
                  str(r["departments"]), str(r["years"]), str(r["indicators"]))
    out.print(t)
    if data["total"] > offset + len(data["items"]):
        out.print(f"还有 {data['total'] - offset - len(data['items'])} 条，用 --offset 翻页 / more: use --offset",
                  highlight=False)


def _level_options():
    return (typer.Option(None, "--level1", help="一级指标（产出、效益、满意度、成本）/ 一级"),
            typer.Option(None, "--level2", help="二级指标（数量、质量、时效 …）/ 二级"))


@library_app.command("list")
@reports_errors
def list_command(
    level1: str | None = _level_options()[0],
    level2: str | None = _level_options()[1],
    sort: str = typer.Option("projects", "--sort", help="排序 / order: projects|indicators|departments|name"),
    limit: int = typer.Option(50, "--limit", "-n", help="条数 / how many"),
    offset: int = typer.Option(0, "--offset", help="跳过 / skip"),
    db: str | None = db_option(),
    fmt: str = _format_option(),
) -> None:
    """列出规范指标，使用最多的在前 / canonical indicators, most used first."""
    _list(None, level1, level2, sort, limit, offset, db, fmt)


@library_app.command("search")
@reports_errors
def search_command(
    query: str = typer.Argument(..., help="指标名称或其一部分 / a name or part of one"),
    level1: str | None = _level_options()[0],
    level2: str | None = _level_options()[1],
    limit: int = typer.Option(50, "--limit", "-n", help="条数 / how many"),
    offset: int = typer.Option(0, "--offset", help="跳过 / skip"),
    db: str | None = db_option(),
    fmt: str = _format_option(),
) -> None:
    """按名称查找规范指标（任一写法匹配即可）/ find canonical indicators by any of their spellings."""
    _list(query, level1, level2, "projects", limit, offset, db, fmt)


def _parse_id(ref: str) -> int:
    from ..errors import UsageError

    s = ref.strip().upper().removeprefix("L")
    if not s.isdigit():
        raise UsageError(f"无法识别的指标库编号：{ref}（写作 L12）/ not a library id (L12)")
    return int(s)


@library_app.command("show")
@reports_errors
def show_command(
    ref: str = typer.Argument(..., help="指标库编号，如 L12 / a library id such as L12"),
    db: str | None = db_option(),
    fmt: str = _format_option(),
) -> None:
    """一个规范指标：写法、使用、比较符、单位、各单位指标值分布、项目 / one canonical indicator."""
    from ..library.query import library_entry
    from ..store import open_store

    check_format(fmt, _FORMATS)
    engine = open_store(db, create=False)
    with engine.connect() as conn:
        e = library_entry(conn, _parse_id(ref))
    if fmt == "json":
        print_json(e)
        return
    if fmt == "csv":  # the figures per unit: what a spreadsheet wants from one indicator
        _csv(e["distributions"], ["unit", "count", "min", "q1", "median", "q3", "max"])
        return
    out.print(Text(f"L{e['id']} {e['name']}  [{e['level1'] or '—'} / {e['level2'] or '—'}]", style="bold"))
    out.print(f"项目 projects {e['projects']} · 部门 departments {e['departments']} · "
              f"年度 years {'、'.join(map(str, e['years'])) or '—'} · 使用 uses {e['indicators']}", highlight=False)
    out.print("写法 spellings: " + "；".join(f"{s['name']}×{s['count']}" for s in e["spellings"]), highlight=False)
    if e["comparators"]:
        out.print("比较符 comparators: " + "；".join(f"{c['comparator'] or '（无）'}×{c['count']}"
                                                   for c in e["comparators"]), highlight=False)
    if e["distributions"]:
        t = Table(title="年度指标值分布 annual targets by unit", title_justify="left")
        for col in ("单位 unit", "个数 n", "最小 min", "下四分位 q1", "中位数 median", "上四分位 q3", "最大 max"):
            t.add_column(col, justify="left" if col.startswith("单位") else "right")
        for d in e["distributions"]:
            t.add_row(d["unit"] or "（无单位）", str(d["count"]), *(_num(d[k]) for k in ("min", "q1", "median", "q3", "max")))
        out.print(t)
    t = Table(title=f"项目 projects ({e['members_total']})", title_justify="left")
    for col in ("项目 project", "部门 department", "年度 year", "写法 as written", "年度指标值 target"):
        t.add_column(col)
    for m in e["members"]:
        t.add_row(Text(f"P{m['project_id']} {m['project'] or ''}"), Text(m["department"] or ""), str(m["year"] or ""),
                  Text(m["indicator"] or ""), Text(m["annual_value"] or ""))
    out.print(t)


@library_app.command("rebuild")
@reports_errors
def rebuild_command(db: str | None = db_option()) -> None:
    """从全部已存指标重新分组（导入时会自动更新）/ group every stored indicator again (imports keep it current)."""
    from ..library.store import rebuild
    from ..store import open_store

    engine = open_store(db, create=False)
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        n = rebuild(conn)
        groups = conn.exec_driver_sql("SELECT count(*) FROM library_indicators").scalar_one()
    out.print(f"已重建 / rebuilt: {n} 个指标归入 {groups} 个规范指标 / indicators in {groups} canonical indicators",
              highlight=False)


UNIT_COST_COLUMNS = ["project_id", "project", "department", "year", "library_id", "library_name", "yuan", "unit",
                     "display", "basis", "outlier"]
LABELS.update({"project_id": "项目编号", "project": "项目名称", "department": "部门", "year": "年度",
               "library_id": "指标库编号", "library_name": "规范指标", "yuan": "单位成本（元）", "display": "单位成本",
               "basis": "计算依据", "outlier": "是否离群"})


@library_app.command("unit-costs")
@reports_errors
def unit_costs_command(
    ref: str | None = typer.Argument(None, help="只看一个规范指标，如 L12；或一个项目，如 P7 / L12, or a project P7"),
    outliers: bool = typer.Option(False, "--outliers", help="只列离群的 / outliers only"),
    limit: int = typer.Option(50, "--limit", "-n", help="条数 / how many"),
    db: str | None = db_option(),
    fmt: str = _format_option(),
) -> None:
    """单位成本：资金总额 ÷ 项目唯一的计数数量指标（人、所、台 …），与同一规范指标的其他项目比较 / unit costs."""
    from ..library.unit_costs import list_unit_costs, project_unit_cost
    from ..store import open_store

    check_format(fmt, _FORMATS)
    engine = open_store(db, create=False)
    if ref and ref.strip().upper().startswith("P"):
        from ..errors import UsageError

        digits = ref.strip()[1:]
        if not digits.isdigit():
            raise UsageError(f"无法识别的项目编号：{ref}（写作 P7）/ not a project id (P7)")
        with engine.connect() as conn:
            u = project_unit_cost(conn, int(digits))
        if fmt == "json":
            print_json(u)
            return
        _show_project_cost(u)
        return
    with engine.connect() as conn:
        data = list_unit_costs(conn, library_id=_parse_id(ref) if ref else None, outliers_only=outliers, limit=limit)
    if fmt == "json":
        print_json(data)
        return
    if fmt == "csv":
        _csv(data["items"], UNIT_COST_COLUMNS)
        return
    t = Table(title=f"单位成本 unit costs ({data['total']}；有单位成本的项目 projects with one: "
                    f"{data['projects_with_unit_cost']})", title_justify="left")
    for col in ("项目 project", "部门 dept", "年度 year", "规范指标 indicator", "单位成本 unit cost", "计算依据 from",
                "离群 outlier"):
        t.add_column(col, justify="right" if col.startswith("单位成本") else "left")
    for r in data["items"]:
        t.add_row(Text(f"P{r['project_id']} {r['project'] or ''}"), Text(r["department"] or ""), str(r["year"] or ""),
                  Text(f"L{r['library_id']} {r['library_name'] or ''}"), r["display"], Text(r["basis"]),
                  {"high": "偏高 high", "low": "偏低 low"}.get(r["outlier"] or "", ""))
    out.print(t)


def _show_project_cost(u: dict) -> None:
    from ..library.unit_cost import format_cost

    out.print(Text(f"P{u['project_id']} {u['project'] or ''}  [{u['department'] or '—'} {u['year'] or ''}]",
                   style="bold"))
    if u["unit_cost"] is None:
        out.print(f"没有单位成本 / no unit cost: {u['reason']}", highlight=False)
        return
    c = u["unit_cost"]
    out.print(f"单位成本 unit cost: {c['display']}", highlight=False)
    out.print(f"计算依据 computed from: {c['basis']['text']}", highlight=False)
    if not u["n"]:
        out.print(f"同类（L{u['library_id']} {u['library_name'] or ''}，每{c['unit']}）没有其他项目 / no peers",
                  highlight=False)
        return
    f = u["fences"]
    verdict = {"high": "偏高 above the upper fence", "low": "偏低 below the lower fence"}.get(u["outlier"] or "",
                                                                                           "在界限内 within the fences")
    out.print(f"同类 peers: L{u['library_id']} {u['library_name'] or ''}，{u['n']} 个项目 · 中位数 median "
              f"{format_cost(f['median'], c['unit'])} · 界限 fences {format_cost(f['low'], c['unit'])} – "
              f"{format_cost(f['high'], c['unit'])} · 百分位 percentile {u['percentile']:.0f} · {verdict}",
              highlight=False)
    t = Table(title="最接近的同类 nearest peers", title_justify="left")
    for col in ("项目 project", "部门 dept", "年度 year", "单位成本 unit cost", "计算依据 from"):
        t.add_column(col)
    for p in u["peers"][:20]:
        t.add_row(Text(f"P{p['project_id']} {p['project'] or ''}"), Text(p["department"] or ""), str(p["year"] or ""),
                  p["display"], Text(p["basis"]))
    out.print(t)
