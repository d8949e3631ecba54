"""Export writers: indicator rows as CSV, XLSX or Parquet; documents as canonical JSON.

A writer takes rows (dicts keyed by ``jixiao.store.query.EXPORT_COLUMNS``)
and a destination; it knows nothing of where the rows came from. Rows are
streamed, so an export of a whole database never holds it in memory (XLSX in
openpyxl's write-only mode, Parquet in row groups).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any

__all__ = ["COLUMN_LABELS", "FORMATS", "header", "person_cell", "write_csv", "write_json_rows", "write_parquet",
           "write_xlsx"]

FORMATS = ("json", "csv", "xlsx", "parquet")

#: Chinese column titles for people (CSV/XLSX); JSON and Parquet keep the English keys.
COLUMN_LABELS = {
    "document_id": "文档编号", "document": "文件", "department": "部门", "year": "年度",
    "amount_unit": "金额单位", "unit": "资金使用单位", "project_id": "项目编号", "project": "项目名称",
    "total": "总计", "fiscal": "财政拨款", "special": "财政专户拨款", "other": "其他资金", "goal": "绩效目标",
    "indicator_id": "指标编号", "seq": "序号", "level1": "一级指标", "level1_code": "一级指标代码",
    "level2": "二级指标", "level2_code": "二级指标代码", "indicator": "三级指标",
    "period_value": "实施周期指标值", "annual_value": "年度指标值", "annual_kind": "指标值类型",
    "annual_comparator": "比较符", "annual_number": "指标值数值", "annual_unit": "计量单位",
    # document and finding listings (the web UI's downloads)
    "id": "编号", "name": "文件", "form": "表式", "title": "标题", "version": "版本", "is_latest": "最新版本",
    "format": "格式", "n_units": "单位数", "n_projects": "项目数", "n_indicators": "指标数",
    "n_warnings": "解析警告数", "n_findings": "审核发现数", "imported_at": "导入时间", "sha256": "SHA-256",
    "source_path": "来源", "rule": "规则", "severity": "严重程度", "message": "问题", "message_en": "问题（英文）",
    "field": "字段", "line": "行号", "total_basis": "总计来源",
    # the overview (/api/v1/summary?format=csv)
    "measurable": "定量指标数", "quant_rate": "定量率", "errors": "错误", "warnings": "警告", "infos": "提示",
    # the indicator library (jixiao library, /library)
    "library_id": "指标库编号", "library_name": "规范指标", "projects": "项目数", "departments": "部门数",
    "years": "年度数", "indicators": "指标数", "count": "个数", "min": "最小值", "q1": "下四分位数",
    "median": "中位数", "q3": "上四分位数", "max": "最大值",
    # unit costs, suggestions, history, the league table (issue 14)
    "unit_cost_yuan": "单位成本（元）", "cost_unit": "计数单位", "display": "单位成本", "amount": "资金总额",
    "quantity": "数量", "basis": "计算依据", "outlier": "是否离群",
    "quantified": "定量指标占比", "with_cost": "有成本指标的项目占比", "with_effect": "有效益指标的项目占比",
    "with_satisfaction": "有满意度指标的项目占比", "findings": "审核发现数", "findings_per_project": "每项目审核发现",
    "median_percentile": "指标值同类百分位中位数", "percentile_n": "参与比较的指标数",
    # evaluations with both scores (jixiao export --evaluations, /api/v1/evaluations?format=)
    "item": "项", "target_project_id": "目标表项目编号", "link_confidence": "链接置信度",
    "target_annual_value": "目标表年度指标值", "actual_value": "实际完成值", "weight": "分值",
    "reported_score": "填报得分", "recomputed_score": "重算得分", "score_difference": "差额（填报−重算）",
    "score_method": "计分方法", "score_reason": "说明",
}

_BATCH = 2000


def person_cell(column: str, value: Any, language: str = "zh") -> Any:
    """A cell as a person reads it in CSV/XLSX: document 1 as D1 and project 3 as P3 (the form the UI,
    the CLI and the API all take), and in a Chinese file the codes in words (警告, 定量, ≥ 不低于)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if column == "document_id":
            return f"D{value}"
        if column == "project_id":
            return f"P{value}"
    if language == "zh":
        from ..words import zh_cell

        return zh_cell(column, value)
    return value


def header(columns: Iterable[str], language: str = "zh") -> list[str]:
    return [COLUMN_LABELS.get(c, c) if language == "zh" else c for c in columns]


def write_csv(rows: Iterable[dict[str, Any]], columns: list[str], out: IO[bytes], *, language: str = "zh") -> int:
    """UTF-8 with a BOM (Excel then reads the Chinese right), one row per indicator; returns the row count."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    w = csv.writer(text)
    w.writerow(header(columns, language))
    n = 0
    for r in rows:
        w.writerow(["" if r.get(c) is None else person_cell(c, r.get(c), language) for c in columns])
        n += 1
    text.flush()
    text.detach()
    return n


def _safe_cell(v: Any) -> Any:
    if isinstance(v, datetime) and v.tzinfo is not None:
        return v.isoformat(timespec="seconds")  # Excel has no time zones; the text keeps the offset
    # A value printed as "=…" in a published table must stay text, not become a formula in Excel.
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") and len(v) > 1 and not _is_number(v):
        return "'" + v
    return v


def _is_number(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return True


def write_xlsx(rows: Iterable[dict[str, Any]], columns: list[str], path: str, *, language: str = "zh",
               sheet: str = "指标") -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for title in header(columns, language):
        c = WriteOnlyCell(ws, value=title)
        c.font = bold
        cells.append(c)
    ws.append(cells)
    n = 0
    for r in rows:
        ws.append([_safe_cell(person_cell(c, r.get(c), language)) for c in columns])
        n += 1
    wb.save(path)
    return n


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for r in rows:
        batch.append(r)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


_PARQUET_TYPES = {"document_id": "int64", "project_id": "int64", "indicator_id": "int64", "year": "int32",
                  "seq": "int32", "total": "float64", "fiscal": "float64", "special": "float64",
                  "other": "float64", "annual_number": "float64"}


def write_parquet(rows: Iterable[dict[str, Any]], columns: list[str], path: str) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, getattr(pa, _PARQUET_TYPES.get(c, "string"))()) for c in columns])
    n = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in _batches(rows, _BATCH):
            table = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in batch], schema=schema)
            writer.write_table(table)
            n += len(batch)
        if n == 0:
            writer.write_table(schema.empty_table())
    return n


def write_json_rows(rows: Iterable[dict[str, Any]], columns: list[str], out: IO[bytes]) -> int:
    """A JSON array of row objects, written as it streams."""
    out.write(b"[")
    n = 0
    for r in rows:
        out.write(b",\n" if n else b"\n")
        out.write(json.dumps({c: r.get(c) for c in columns}, ensure_ascii=False, default=str).encode())
        n += 1
    out.write(b"\n]\n")
    return n
