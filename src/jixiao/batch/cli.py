"""``jixiao import --cluster/--workers/--retry-failed``: progress across the cluster, then today's report."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from ..cli.common import err
from ..cli.import_cmd import report_import
from ..cli.store_common import check_format
from ..errors import UsageError
from ..store.importer import ImportOutcome

__all__ = ["batch_import"]


def _left(s: float | None) -> str:
    if s is None:
        return "—"
    s = int(s)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def batch_import(paths: list[str], *, db: str | None, fmt: str, config: Path | None, no_review: bool,
                 cluster: str | None, workers: int | None, retry_failed: bool) -> None:
    from ..store import describe_url, expand_paths, open_store
    from ..store.db import resolve_url
    from .connect import cluster_client
    from .failures import GONE, take_retries
    from .run import run_batch

    check_format(fmt)
    if cluster is None and workers is None:
        raise UsageError("--retry-failed 需要 --cluster 或 --workers / --retry-failed needs --cluster or --workers")
    if config is not None:
        from ..review import load_config

        load_config(config)
    url = resolve_url(db)
    engine = open_store(db)
    gone: list[ImportOutcome] = []
    if retry_failed:
        there, vanished = take_retries(engine)
        gone = [ImportOutcome(p, "failed", reason=f"{GONE}（上次的原因 last reason: {r}）") for p, r in vanished]
        paths = [*paths, *there]
        if not paths and not gone:
            err.print("没有失败的文件可重试 / no failed files to retry")
    elif not paths:
        raise UsageError("缺少文件 / give files, folders or globs to import")
    files, outcomes = expand_paths(paths)
    outcomes.extend(gone)
    if not files:  # nothing to hand out: no cluster to start or reach
        report_import(outcomes, describe_url(url), fmt)
        raise typer.Exit(0)
    with Progress(TextColumn("[bold]集群导入 cluster import"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("失败 failed {task.fields[failed]}"), TextColumn("{task.fields[rate]:.1f} 份/s docs/s"),
                  TextColumn("剩余 left {task.fields[left]}"), console=err.console, transient=True,
                  disable=fmt == "json" or not err.is_terminal) as bar:
        task = bar.add_task("import", total=len(files), failed=0, rate=0.0, left="—")

        def shown(outcome: ImportOutcome, stats) -> None:
            bar.update(task, completed=stats.done, failed=stats.failed, rate=stats.rate, left=_left(stats.left_s))

        with cluster_client(cluster, workers) as client:
            outcomes.extend(run_batch(engine, client, files, review=not no_review,
                                      config_path=str(config) if config else None, on_outcome=shown))
    engine.dispose()
    report_import(outcomes, describe_url(url), fmt)
