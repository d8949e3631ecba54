"""``jixiao suggest``, ``jixiao history`` and ``jixiao league``: the store's projects read against each other
(issue 14)."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from .common import out_wrapped as out
from .common import reports_errors
from .store_common import check_format, db_option, print_json

__all__ = ["suggest_command"]


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
