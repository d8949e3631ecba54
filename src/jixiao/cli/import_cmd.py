"""``jixiao import PATH...``: files, folders and globs into the database."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import typer

from .common import err, out, reports_errors
from .lazy_rich import BarColumn, MofNCompleteColumn, Progress, Table, Text, TextColumn, TimeElapsedColumn
from .store_common import check_format, db_option, json_option, print_json

__all__ = ["import_command"]

_STATUS = {"imported": "已导入 imported", "unchanged": "未变化 unchanged", "duplicate": "重复 duplicate",
           "failed": "失败 failed"}
_PER_FILE_ROWS = 30


@reports_errors
def import_command(
    paths: list[str] | None = typer.Argument(None, help="文件、文件夹或通配符 / files, folders, globs",
                                             show_default=False),
    db: str | None = db_option(),
    fmt: str = json_option(),
    config: Path | None = typer.Option(None, "--config", "-c",
                                       help="审核配置 TOML；默认 pyproject.toml 的 [tool.jixiao.review] / review config"),
    no_review: bool = typer.Option(False, "--no-review", help="不审核（不保存审核意见）/ store without reviewing"),
    jobs: int = typer.Option(0, "--jobs", "-j", help="并行解析的进程数；0 为自动 / parsing processes; 0: automatic"),
    year: str | None = typer.Option(None, "--year", "-y",
                                    help="年度（表中没有或写错时给出；记为用户给出，不是解析所得）/ the year, as given"),
    department: str | None = typer.Option(None, "--department", "-d",
                                          help="部门（同上，记为用户给出）/ the department, as given by you"),
    cluster: str | None = typer.Option(None, "--cluster", help="在 Dask 集群上解析（调度器地址）/ parse on the Dask "
                                       "cluster at this scheduler address, e.g. tcp://host:8786", show_default=False),
    workers: int | None = typer.Option(None, "--workers", help="在本机 N 个进程的 Dask 集群上解析 / parse on a local "
                                       "Dask cluster of N processes", show_default=False),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="重试上次批量导入失败的文件（需 --cluster 或 "
                                      "--workers）/ retry the files a batch import failed on"),
) -> None:
    """导入绩效目标表到数据库（每个文件一个事务）/ import tables into the database, one transaction per file."""
    if cluster is not None or workers is not None or retry_failed:
        from ..batch.cli import batch_import

        if year is not None or department is not None:
            from ..errors import UsageError

            raise UsageError("--year/--department 只用于单机导入，不能与 --cluster/--workers/--retry-failed 同用 / "
                             "--year and --department apply to a plain import, not a batch on a cluster")
        batch_import(paths or [], db=db, fmt=fmt, config=config, no_review=no_review, cluster=cluster,
                     workers=workers, retry_failed=retry_failed)
        return
    if not paths:
        from ..errors import UsageError

        raise UsageError("缺少文件 / give files, folders or globs to import")
    from ..store import describe_url, expand_paths, import_files, open_store
    from ..store.db import resolve_url
    check_format(fmt)
    if config is not None:
        from ..review import load_config

        load_config(config)  # a bad configuration is a usage error now, not a failure per file
    from ..store.given import check_year

    given_year = check_year(year)  # a bad year is a usage error before any file is read
    url = resolve_url(db)
    engine = open_store(db)
    files, outcomes = expand_paths(paths)
    if jobs < 0:
        from ..errors import UsageError

        raise UsageError("--jobs 不能为负 / --jobs must be ≥ 0")
    jobs = jobs or (1 if len(files) < 8 else min(4, os.cpu_count() or 1))
    with Progress(TextColumn("[bold]导入 importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.fields[name]}"), console=err.console, transient=True,
                  disable=fmt == "json" or not err.is_terminal) as bar:
        task = bar.add_task("import", total=len(files), name="")
        for outcome in import_files(engine, files, review=not no_review,
                                    config_path=str(config) if config else None, jobs=jobs):
            if outcome.status != "failed":
                from ..workflow.audit import cli_user, record

                who = cli_user()
                given = {}
                if (given_year is not None or department) and outcome.status in ("imported", "unchanged"):
                    from ..store.given import set_given

                    given = set_given(engine, outcome.document_id, year=given_year, department=department,
                                      by=who.name)
                if outcome.status == "imported" or given:
                    record(engine, who, "import", document_id=outcome.document_id, version=outcome.version,
                           path=_shown(outcome.path), status=outcome.status, **given)
            outcomes.append(outcome)
            bar.update(task, advance=1, name=outcome.path[-60:])
    engine.dispose()
    report_import(outcomes, describe_url(url), fmt)


def report_import(outcomes, where: str, fmt: str) -> None:
    """What an import found, as the table or as JSON; exit code 1 when a file failed."""
    if fmt == "json":
        print_json({"database": where, "outcomes": [o.__dict__ for o in outcomes]})
    else:
        print_import_report(outcomes, where)
    if any(o.failed for o in outcomes):
        raise typer.Exit(1)


def _shown(path: str) -> str:
    """A path as people want to read it: relative to here when it is below here, else its name."""
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    return os.path.basename(path) if rel.startswith("..") else rel


def print_import_report(outcomes, where: str) -> None:
    if not outcomes:
        out.print("没有找到文件 / no files found")
        return
    if len(outcomes) <= _PER_FILE_ROWS:
        t = Table(title=f"导入结果 import → {where}", title_justify="left")
        for col in ("文件 file", "结果 status", "文档 doc", "项目 projects", "指标 indicators", "警告 warnings",
                    "审核意见 findings"):
            t.add_column(col, justify="right" if col[0] in "项指警审" else "left")
        for o in outcomes:
            doc = f"D{o.document_id} v{o.version}" if o.document_id else ""
            t.add_row(Text(_shown(o.path)), _STATUS[o.status], doc, str(o.projects or ""), str(o.indicators or ""),
                      str(o.warnings or ""), str(o.findings or ""))
        out.print(t)
    counts = Counter(o.status for o in outcomes)
    imported = [o for o in outcomes if o.status == "imported"]
    s = Table(title="合计 totals", title_justify="left")
    for col in ("已导入 imported", "未变化 unchanged", "重复 duplicate", "失败 failed", "项目 projects",
                "指标 indicators", "警告 warnings", "审核意见 findings"):
        s.add_column(col, justify="right")
    s.add_row(*(str(counts[k]) for k in ("imported", "unchanged", "duplicate", "failed")),
              str(sum(o.projects for o in imported)), str(sum(o.indicators for o in imported)),
              str(sum(o.warnings for o in imported)), str(sum(o.findings for o in imported)))
    out.print(s)
    same = [o for o in outcomes if o.status == "duplicate" and o.reason]
    if same:
        n = Table(title="同一张表 same table, another file", title_justify="left")
        n.add_column("文件 file")
        n.add_column("说明 note")
        for o in same:
            n.add_row(Text(_shown(o.path)), Text(o.reason or ""))
        out.print(n)
    failed = [o for o in outcomes if o.failed]
    if failed:
        f = Table(title="失败 failures", title_justify="left")
        f.add_column("文件 file")
        f.add_column("原因 reason")
        for o in failed:
            f.add_row(Text(o.path), Text(o.reason or ""))
        out.print(f)
