"""``jixiao review FILE...``: check every target against the rules R01–R54 and report.

Exit codes: 0 reviewed (findings or not), 1 an input could not be read or
parsed, 2 a usage or configuration error; with ``--fail-on error|warning``
also 1 when a finding of that severity (or worse) was found.
``--min-severity warning`` leaves the hints (info) out of the report and its
counts (``error``: errors only); ``--fail-on`` still sees only what is reported.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from ..errors import ReadError, UsageError
from .common import err, out, reports_errors, write_stdout

__all__ = ["review_command"]


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"


class MinSeverity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


@reports_errors
def review_command(
    files: list[Path] = typer.Argument(None, help="表格文件 / table files", show_default=False),
    db: str | None = typer.Option(None, "--db", help="审核数据库中的文档（文件路径或 postgresql://…）/ review stored documents"),
    doc: list[str] = typer.Option([], "--doc", help="与 --db 一起：文档 D12 或项目所在文档 P345，可多次 / with --db"),
    department: str | None = typer.Option(None, "--department", "-d", help="与 --db 一起：部门名称包含 / with --db"),
    year: int | None = typer.Option(None, "--year", "-y", help="与 --db 一起：年度 / with --db"),
    format: Format = typer.Option(Format.text, "--format", "-f",
                                  help="text 终端 | json 审核意见列表 | markdown 审核意见 | html 单文件报告"),
    fail_on: FailOn | None = typer.Option(None, "--fail-on",
                                          help="有此级别（或更严重）的意见时退出码为 1 / exit 1 on findings of this severity"),
    min_severity: MinSeverity | None = typer.Option(
        None, "--min-severity",
        help="只报告此级别（或更严重）的意见，如 warning 不含提示 / report only findings of this severity or worse"),
    config: Path | None = typer.Option(None, "--config", "-c",
                                       help="TOML 配置（[review] 表）；默认读当前目录 pyproject.toml 的 [tool.jixiao.review]"),
    output: Path | None = typer.Option(None, "--output", "-o", help="写入文件而不是标准输出 / write to a file"),
) -> None:
    """按规则 R01–R54 审核绩效目标表 / Review performance targets against the rules R01–R54."""
    from ..parse.document import parse_source
    from ..read import read
    from ..review import build_report, load_config
    from ..review.reports import RENDERERS
    cfg = load_config(config)
    if not files and db is None:
        raise UsageError("请给出表格文件，或用 --db 审核数据库中的文档 / give table files, or --db", code="usage")
    if files and db is not None:
        raise UsageError("文件与 --db 只能二选一 / give files or --db, not both", code="usage")
    docs, peers, links = _stored_documents(db, doc, department, year) if db is not None else ([], None, None)
    for f in files or []:
        if not f.exists():
            raise ReadError(f"文件不存在：{f} / no such file", code="not-found")
        if f.is_dir():
            raise UsageError(f"这是目录，不是文件：{f} / a directory, not a file", code="usage")
        docs.append(parse_source(read(f)))
    report = build_report(docs, cfg, min_severity.value if min_severity else None, peers=peers, links=links)
    rendered = RENDERERS[format.value](report)
    if output is not None:
        _write(output, report, format, rendered)
    elif format is Format.text:
        out.print(rendered, highlight=False)
    else:
        write_stdout(str(rendered))
    if report.fails(fail_on.value if fail_on else None):
        c = report.counts
        err.print(f"审核未通过：错误 {c['error']}，警告 {c['warning']} / review failed (--fail-on {fail_on.value})",
                  highlight=False)
        raise typer.Exit(1)


def _stored_documents(db: str, refs: list[str], department: str | None, year: int | None):
    """The stored documents, each one's peer benchmarks from the store's indicator library (R44) and its
    links to target tables (R51)."""
    from ..library.query import document_peers
    from ..link.store import document_links
    from ..store import open_store
    from ..store.query import find_documents, list_documents, load_document

    engine = open_store(db, create=False)
    with engine.connect() as conn:
        ids = (find_documents(conn, refs) if refs else
               [d["id"] for d in list_documents(conn, department=department, year=year)])
        docs = [load_document(conn, i) for i in ids]
        peers = [document_peers(conn, i) for i in ids]
        links = [document_links(conn, i) for i in ids]
    engine.dispose()
    if not docs:
        raise UsageError("数据库中没有符合条件的文档 / no stored document matches", code="usage")
    return docs, peers, links


def _write(path: Path, report, format: Format, rendered) -> None:
    if format is Format.text:
        from rich.console import Console

        with path.open("w", encoding="utf-8") as fh:
            Console(file=fh, width=120, soft_wrap=True, color_system=None).print(rendered, highlight=False)
    else:
        try:
            path.write_text(str(rendered), encoding="utf-8")
        except OSError as e:
            raise UsageError(f"无法写入 {path}：{e.strerror} / cannot write the output", code="output") from None
    c = report.counts
    err.print(f"已写入 {path}：错误 {c['error']}，警告 {c['warning']}，提示 {c['info']} / written", highlight=False)
