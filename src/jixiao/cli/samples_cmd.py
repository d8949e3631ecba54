"""``jixiao samples``: parse the bundled sample tables and summarise what was found."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import JixiaoError
from .common import out, reports_errors
from .lazy_rich import Progress, Table

__all__ = ["sample_paths", "samples_command"]


def sample_paths() -> list[Path]:
    """The public sample tables shipped inside the package."""
    from importlib import resources  # here, not at import: `jixiao --help` need not load it

    root = resources.files("jixiao") / "samples"
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".txt"))


@reports_errors
def samples_command(
    db: str | None = typer.Option(None, "--db", help="同时导入到此数据库（默认 ./jixiao.db）/ also import into this database"),
    no_import: bool = typer.Option(False, "--no-import", help="只解析，不导入 / parse only"),
) -> None:
    """解析随包附带的样例表并汇总，再导入数据库 / Parse the bundled sample tables, summarise, import them."""
    from ..parse.document import parse_source
    from ..read import read
    table = Table(title="样例表解析结果 / bundled sample tables",
                  caption="文件 file · 形式 form · 部门 department · 项目 projects · 指标 indicators · "
                          "定量 quantitative targets · 警告 warnings · 残留 residue", show_lines=False)
    table.add_column("文件", no_wrap=True)
    table.add_column("形式", no_wrap=True)
    table.add_column("部门", overflow="fold")
    for col in ("项目", "指标", "定量", "警告", "残留"):
        table.add_column(col, justify="right", no_wrap=True)
    totals = [0, 0, 0, 0, 0]
    paths = sample_paths()
    with Progress(transient=True) as progress:
        task = progress.add_task("解析中 parsing…", total=len(paths))
        for path in paths:
            try:
                doc = parse_source(read(path))
            except JixiaoError as e:
                table.add_row(path.stem[:12], "—", f"[red]{e.message}[/]", "0", "0", "0", "—", "—")
                progress.advance(task)
                continue
            inds = [i for p in doc.projects for i in p.indicators]
            quant = sum(1 for i in inds if i.annual_target and i.annual_target.kind == "quantitative")
            row = [len(doc.projects), len(inds), quant, len(doc.all_warnings()), len(doc.residue)]
            totals = [a + b for a, b in zip(totals, row, strict=True)]
            table.add_row(path.stem[:12], doc.form, doc.department or "—", *map(str, row))
            progress.advance(task)
    table.add_section()
    table.add_row("合计 total", "", "", *map(str, totals))
    out.print(table)
    if no_import:
        return
    from ..store import describe_url, import_files, open_store
    from ..store.db import resolve_url
    from .import_cmd import print_import_report

    engine = open_store(db)
    outcomes = list(import_files(engine, [str(p) for p in paths]))
    engine.dispose()
    print_import_report(outcomes, describe_url(resolve_url(db)))
    where = f" --db {db}" if db else ""
    out.print(f"试试 try: jixiao search 满意度{where} · jixiao ls{where} · jixiao show D1{where} · "
              f"jixiao export{where} -o 指标.xlsx", highlight=False)
    if any(o.failed for o in outcomes):
        raise typer.Exit(1)
