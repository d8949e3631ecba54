"""``jixiao suggest``, ``jixiao history`` and ``jixiao league``: the store's projects read against each other
(issue 14)."""

from __future__ import annotations

import typer

from .common import out_wrapped as out
from .common import reports_errors
from .lazy_rich import Table, Text
from .store_common import check_format, db_option, print_json

__all__ = ["history_command", "league_command", "suggest_command"]


def _num(v) -> str:
    return "" if v is None else f"{v:g}"


def _project_ref(ref: str) -> int | None:
    """P12 → 12; anything else is not a project reference (None)."""
    s = ref.strip()
    return int(s[1:]) if len(s) > 1 and s[0] in "Pp" and s[1:].isdigit() else None


@reports_errors
def suggest_command(
    text: str = typer.Argument(..., help="项目名称和绩效目标，或已导入的项目 P12 / a name and goal, or a stored project P12"),
    limit: int = typer.Option(20, "--limit", "-n", help="建议条数 / how many suggestions"),
    db: str | None = db_option(),
    fmt: str = typer.Option("table", "--format", "-f", help="输出格式 / output: table|json"),
) -> None:
    """类似项目设了哪些指标、取什么值 / the indicators similar projects set, ranked, with typical values."""
    from ..errors import UsageError
    from ..library.suggest import suggest, suggest_for_project
    from ..store import open_store

    check_format(fmt, ("table", "json"))
    if not 1 <= limit <= 200:
        raise UsageError("--limit 应在 1–200 / --limit must be 1–200")
    engine = open_store(db, create=False)
    pid = _project_ref(text)
    with engine.connect() as conn:
        data = suggest_for_project(conn, pid, limit=limit) if pid is not None else suggest(conn, text, limit=limit)
    if fmt == "json":
        print_json(data)
        return
    if not data["similar"]:
        out.print("没有找到类似的项目 / no similar project found", highlight=False)
        return
    out.print("类似项目 similar projects: " + "；".join(
        f"P{s['project_id']} {s['project'] or ''}（{s['department'] or '—'} {s['year'] or ''}，{s['similarity']:.2f}）"
        for s in data["similar"][:8]), highlight=False)
    t = Table(title=f"类似项目设的指标 what {len(data['similar'])} similar projects set", title_justify="left")
    for col in ("规范指标 indicator", "一级/二级", "用了它的 used by", "典型值 typical", "常见写法 written as", "已有 have"):
        t.add_column(col)
    for s in data["suggestions"]:
        ty = s["typical"]
        typical = (f"中位数 {_num(ty['median'])}{ty['unit']}（{_num(ty['min'])}–{_num(ty['max'])}，n={ty['n']}）"
                   if ty else "；".join(s["common_values"]))
        t.add_row(Text(f"L{s['library_id']} {s['name']}"), f"{s['level1'] or '—'}/{s['level2'] or '—'}",
                  f"{s['projects']}/{s['of']}", Text(typical), Text("；".join(s["spellings"])),
                  "✓" if s["present"] else "")
    out.print(t)


_CHANGE = {"copied": "照抄 copied", "rose": "提高 rose", "fell": "降低 fell", "changed": "改写 changed",
           "added": "新增 added", "dropped": "删去 dropped"}
_STATUS = {"proposed": "待确认 proposed", "confirmed": "已确认 confirmed", "rejected": "已否定 rejected"}


@reports_errors
def history_command(
    ref: str = typer.Argument(..., help="项目编号，如 P12 / a project such as P12"),
    earlier: str | None = typer.Option(None, "--with", help="与哪个早先项目对比（默认最可信的链接）/ compare with P3"),
    confirm: str | None = typer.Option(None, "--confirm", help="确认 P3 是它的早先年度或版本 / confirm a link"),
    reject: str | None = typer.Option(None, "--reject", help="否定一个链接（之后不再提出）/ reject a link"),
    db: str | None = db_option(),
    fmt: str = typer.Option("table", "--format", "-f", help="输出格式 / output: table|json"),
) -> None:
    """同一项目的往年与各版本：链接及其可信度、资金与指标对比 / a project across years and versions."""
    from ..errors import UsageError
    from ..library.history import history, set_link
    from ..store import open_store

    check_format(fmt, ("table", "json"))
    ids = {}
    for label, value in (("项目", ref), ("--with", earlier), ("--confirm", confirm), ("--reject", reject)):
        if value is not None:
            pid = _project_ref(value)
            if pid is None:
                raise UsageError(f"{label}：无法识别的项目编号 {value}（写作 P12）/ not a project id (P12)")
            ids[label] = pid
    pid = ids["项目"]
    engine = open_store(db, create=False)
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        for label, status in (("--confirm", "confirmed"), ("--reject", "rejected")):
            if label in ids:
                set_link(conn, pid, ids[label], status)
        data = history(conn, pid, earlier_id=ids.get("--with"))
    if fmt == "json":
        print_json(data)
        return
    out.print(Text(f"P{pid} {data['project'] or ''}  [{data['department'] or '—'} {data['year'] or ''} "
                   f"v{data['version']}]", style="bold"))
    if not data["links"]:
        out.print("没有找到往年或早先版本 / no earlier year or version found", highlight=False)
        return
    t = Table(title="往年与早先版本 earlier years and versions", title_justify="left")
    for col in ("项目 project", "年度 year", "可信度 confidence", "状态 status", "依据 why"):
        t.add_column(col)
    for k in data["links"]:
        t.add_row(Text(f"P{k['earlier_id']} {k['project'] or ''}"), str(k["year"] or ""), f"{k['confidence']:.2f}",
                  _STATUS.get(k["status"], k["status"]) + ("（人工 manual）" if k["method"] == "manual" else ""),
                  Text(k["reason"] or ""))
    out.print(t)
    c = data["compare"]
    if c is None:
        return
    e, la = c["earlier"], c["later"]
    m = Table(title=f"资金 money：P{e['project_id']}（{e['year'] or '—'}）→ P{la['project_id']}（{la['year'] or '—'}）",
              title_justify="left")
    for col in ("", "早先 earlier", "本项目 this", "变化 change"):
        m.add_column(col, justify="right" if col else "left")
    names = {"total": "资金总额 total", "fiscal": "财政拨款 fiscal", "special": "财政专户 special", "other": "其他 other"}
    for r in c["money"]:
        if r["earlier"] is None and r["later"] is None:
            continue
        m.add_row(names[r["field"]], _amount(r["earlier"], e["amount_unit"]), _amount(r["later"], la["amount_unit"]),
                  "" if r["share"] is None else f"{r['share'] * 100:+.0f}%")
    out.print(m)
    t = Table(title="指标对比 targets side by side", title_justify="left")
    for col in ("早先 earlier", "本项目 this", "变化 change"):
        t.add_column(col)
    for r in c["targets"]:
        change = _CHANGE.get(r["change"], r["change"])
        if r["direction"]:
            change += "（更严 stricter）" if r["direction"] == "stricter" else "（放松 looser）"
        t.add_row(Text(f"{r['earlier_name'] or ''} {r['earlier_value'] or ''}".strip() or "—"),
                  Text(f"{r['later_name'] or ''} {r['later_value'] or ''}".strip() or "—"), change)
    out.print(t)
    out.print(f"纠正链接 / correct a link: jixiao history P{pid} --confirm P… 或 --reject P…", highlight=False)


LEAGUE_COLUMNS = ["department", "year", "projects", "indicators", "quantified", "with_cost", "with_effect",
                  "with_satisfaction", "findings", "findings_per_project", "median_percentile", "percentile_n"]
LEAGUE_LABELS = {"department": "部门", "year": "年度", "projects": "项目数", "indicators": "指标数",
                 "quantified": "定量指标占比", "with_cost": "有成本指标的项目占比", "with_effect": "有效益指标的项目占比",
                 "with_satisfaction": "有满意度指标的项目占比", "findings": "审核发现数",
                 "findings_per_project": "每项目审核发现", "median_percentile": "指标值同类百分位中位数",
                 "percentile_n": "参与比较的指标数"}


def _amount(v, unit: str) -> str:
    return "—" if v is None else f"{v:g} {unit}"


def _share(v) -> str:
    return "—" if v is None else f"{v * 100:.0f}%"


@reports_errors
def league_command(
    sort: str = typer.Option("quantified", "--sort", help="排序列 / order by: " + "|".join(
        ("department", "year", "projects", "quantified", "with_cost", "with_effect", "with_satisfaction",
         "findings_per_project", "median_percentile"))),
    ascending: bool = typer.Option(False, "--asc", help="升序 / ascending"),
    year: int | None = typer.Option(None, "--year", help="年度 / year"),
    department: str | None = typer.Option(None, "--department", help="部门名称包含 / department contains"),
    db: str | None = db_option(),
    fmt: str = typer.Option("table", "--format", "-f", help="输出格式 / output: table|json|csv"),
) -> None:
    """部门排名：定量指标占比、有成本/效益/满意度指标的项目占比、每项目审核发现、同类百分位中位数 / department league."""
    from ..library.league import league
    from ..store import open_store

    check_format(fmt, ("table", "json", "csv"))
    engine = open_store(db, create=False)
    with engine.connect() as conn:
        data = league(conn, sort=sort, descending=not ascending, year=year, department=department)
    if fmt == "json":
        print_json(data)
        return
    if fmt == "csv":
        import csv
        import io
        import sys

        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8-sig", newline="", write_through=True)
        w = csv.writer(stream)
        w.writerow([LEAGUE_LABELS[c] for c in LEAGUE_COLUMNS])
        for r in data["items"]:
            w.writerow(["" if r[c] is None else r[c] for c in LEAGUE_COLUMNS])
        stream.flush()
        stream.detach()
        return
    t = Table(title=f"部门排名 department league ({data['total']})，按 by {sort}", title_justify="left")
    for col in ("部门 department", "年度 year", "项目 projects", "定量 quantified", "成本 cost", "效益 effect",
                "满意度 satisf.", "发现/项目 findings", "百分位中位 pctl"):
        t.add_column(col, justify="left" if col.startswith("部门") else "right")
    for r in data["items"]:
        t.add_row(Text(r["department"] or "（未填）"), str(r["year"] or "—"), str(r["projects"]), _share(r["quantified"]),
                  _share(r["with_cost"]), _share(r["with_effect"]), _share(r["with_satisfaction"]),
                  _num(r["findings_per_project"]),
                  "—" if r["median_percentile"] is None else f"{r['median_percentile']:.0f}（n={r['percentile_n']}）")
    out.print(t)
