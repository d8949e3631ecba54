"""``jixiao export``: documents or a search's matches as JSON, CSV, XLSX or Parquet."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import typer

from ..errors import UsageError
from .common import err, reports_errors
from .search_cmd import _F, filters_from
from .store_common import db_option

__all__ = ["export_command"]


@contextmanager
def _atomic_path(path: str) -> Iterator[str]:
    """A temporary name beside ``path`` that becomes ``path`` only when writing succeeded."""
    tmp = path + ".part"
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


@contextmanager
def _binary_out(path: str | None) -> Iterator[IO[bytes]]:
    if path is None or path == "-":
        yield sys.stdout.buffer
        sys.stdout.flush()
        return
    with _atomic_path(path) as tmp, open(tmp, "wb") as fh:
        yield fh


@reports_errors
def export_command(
    query: str | None = typer.Argument(None, help="搜索词（省略则导出文档）/ a search; omit to export documents"),
    db: str | None = db_option(),
    doc: list[str] = typer.Option([], "--doc", help="导出的文档或项目（可多次）D12 / P345, repeatable"),
    output: str | None = typer.Option(None, "--output", "-o", help="输出文件；省略为标准输出 / output file"),
    fmt: str | None = typer.Option(None, "--format", "-f", help="json|csv|xlsx|parquet（默认按文件扩展名）"),
    header_lang: str = typer.Option("zh", "--header", help="CSV/XLSX 表头语言 zh|en / header language"),
    department: str | None = _F["department"],
    unit: str | None = _F["unit"],
    year: int | None = _F["year"],
    level1: str | None = _F["level1"],
    level2: str | None = _F["level2"],
    min_amount: float | None = _F["min_amount"],
    max_amount: float | None = _F["max_amount"],
    has_finding: bool | None = _F["has_finding"],
    all_versions: bool = _F["all_versions"],
    evaluations: bool = typer.Option(False, "--evaluations", help="导出自评表：每个指标、预算和总分的填报分与重算分 / "
                                     "self-evaluations with reported and recomputed scores"),
    profile: str = typer.Option("national", "--profile", help="重算用的评分配置（与 --evaluations 同用）/ scoring "
                                "profile for --evaluations"),
) -> None:
    """导出：JSON（文档为规范 JSON）、CSV（UTF-8 BOM，每个指标一行）、XLSX、Parquet。

    Export whole documents (--doc, or every latest document) or the matches of a search.
    """
    from ..export import FORMATS
    from ..store import open_store
    from ..store.query import EXPORT_COLUMNS, export_rows, find_documents, list_documents, search_export_rows
    fmt = fmt or (Path(output).suffix.lstrip(".").lower() if output else "json")
    if fmt not in FORMATS:
        raise UsageError(f"不支持的导出格式：{fmt}（json/csv/xlsx/parquet）/ unsupported export format")
    if fmt in ("xlsx", "parquet") and (output is None or output == "-"):
        raise UsageError(f"{fmt} 须写入文件：加 -o FILE / {fmt} needs an output file (-o FILE)")
    if header_lang not in ("zh", "en"):
        raise UsageError("--header 只能是 zh 或 en / --header must be zh or en")
    if evaluations:
        return _export_evaluations(db, fmt, output, header_lang, department, year, profile)
    filters = filters_from(department, unit, year, level1, level2, min_amount, max_amount, has_finding,
                           all_versions)
    engine = open_store(db, create=False)
    columns = list(EXPORT_COLUMNS)
    with engine.connect() as conn:
        doc_ids: list[int] = []
        if not query:
            doc_ids = (find_documents(conn, doc) if doc else
                       [d["id"] for d in list_documents(conn, all_versions=all_versions, department=department,
                                                        year=year)])
        if fmt == "json" and not query:
            n = _write_documents(conn, doc_ids, output)
        else:
            rows = search_export_rows(conn, query, filters) if query else export_rows(conn, document_ids=doc_ids)
            n = _write_rows(fmt, rows, columns, output, header_lang)
    what = "文档 documents" if fmt == "json" and not query else "行 rows"
    err.print(f"已导出 exported {n} {what}" + (f" → {output}" if output and output != "-" else ""), highlight=False)


def _export_evaluations(db: str | None, fmt: str, output: str | None, lang: str, department: str | None,
                        year: int | None, profile: str) -> None:
    """``--evaluations``: one row per evaluation indicator, budget row and total, with both scores."""
    from ..evaluate import ProfileError, load_profile
    from ..store import open_store
    from ..store.eval_query import EVALUATION_EXPORT_COLUMNS, evaluation_rows

    try:
        load_profile(profile)
    except ProfileError as e:
        raise UsageError(str(e), code="profile") from None
    engine = open_store(db, create=False)
    with engine.connect() as conn:
        rows = evaluation_rows(conn, department=department, year=year, profile=profile)
    engine.dispose()
    if fmt == "json":  # rows, not canonical documents: the scores are the point
        with _binary_out(output) as fh:
            from ..export import write_json_rows

            n = write_json_rows(rows, list(EVALUATION_EXPORT_COLUMNS), fh)
    else:
        n = _write_rows(fmt, rows, list(EVALUATION_EXPORT_COLUMNS), output, lang)
    err.print(f"已导出 exported {n} 行 rows" + (f" → {output}" if output and output != "-" else ""), highlight=False)


def _write_rows(fmt: str, rows, columns: list[str], output: str | None, lang: str) -> int:
    from ..export import write_csv, write_json_rows, write_parquet, write_xlsx

    if fmt == "xlsx":
        with _atomic_path(output) as tmp:
            return write_xlsx(rows, columns, tmp, language=lang)
    if fmt == "parquet":
        with _atomic_path(output) as tmp:
            return write_parquet(rows, columns, tmp)
    with _binary_out(output) as fh:
        if fmt == "csv":
            return write_csv(rows, columns, fh, language=lang)
        return write_json_rows(rows, columns, fh)


def _write_documents(conn, doc_ids: list[int], output: str | None) -> int:
    """Whole documents as a JSON array of canonical ``jixiao.document/1`` objects."""
    import json

    from ..store.query import load_document

    with _binary_out(output) as fh:
        fh.write(b"[")
        for k, doc_id in enumerate(doc_ids):
            fh.write(b",\n" if k else b"\n")
            fh.write(json.dumps(load_document(conn, doc_id).to_canonical(), ensure_ascii=False).encode())
        fh.write(b"\n]\n")
    return len(doc_ids)
