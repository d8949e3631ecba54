"""``jixiao ls`` and ``jixiao show``: what is in the database."""

from __future__ import annotations

import typer

from ..words import comparator_zh, kind_zh, severity_zh
from .common import out_wrapped as out
from .common import reports_errors
from .lazy_rich import Panel, Table, Text
from .store_common import check_format, db_option, fmt_amount, json_option, print_json

__all__ = ["ls_command", "show_command"]


@reports_errors
def ls_command(
    db: str | None = db_option(),
    department: str | None = typer.Option(None, "--department", "-d", help="部门名称包含 / department contains"),
    year: int | None = typer.Option(None, "--year", "-y", help="年度 / year"),
    all_versions: bool = typer.Option(False, "--all-versions", help="也列出旧版本 / include older versions"),
    fmt: str = json_option(),
) -> None:
    """列出已导入的文档 / list imported documents."""
    from ..store import open_store
    from ..store.query import list_documents
    check_format(fmt)
    engine = open_store(db)
    with engine.connect() as conn:
        docs = list_documents(conn, all_versions=all_versions, department=department, year=year)
    if fmt == "json":
        print_json(docs)
        return
    t = Table(title=f"文档 documents ({len(docs)})", title_justify="left")
    for col in ("编号 id", "文件 file", "部门 department", "年度 year", "版本 ver", "项目", "指标", "警告",
                "审核发现", "导入时间 imported"):
        t.add_column(col, justify="right" if col in ("项目", "指标", "警告", "审核发现") else "left")
    for d in docs:
        t.add_row(f"D{d['id']}", Text(d["name"] or ""), Text(d["department"] or ""), str(d["year"] or ""),
                  f"v{d['version']}" + ("" if d["is_latest"] else " (旧 old)"), str(d["n_projects"]),
                  str(d["n_indicators"]), str(d["n_warnings"]), str(d["n_findings"]),
                  d["imported_at"].strftime("%Y-%m-%d %H:%M") if d["imported_at"] else "")
    out.print(t)


@reports_errors
def show_command(
    ref: str = typer.Argument(..., help="文档 D12 或项目 P345 / a document D12 or a project P345"),
    db: str | None = db_option(),
    fmt: str = json_option(),
) -> None:
    """显示一个文档或项目 / show a document or a project."""
    from ..store import open_store
    from ..store.query import document_summary, parse_ref, project_detail
    check_format(fmt)
    r = parse_ref(ref)
    engine = open_store(db)
    with engine.connect() as conn:
        data = document_summary(conn, r.id) if r.kind == "document" else project_detail(conn, r.id)
    if fmt == "json":
        print_json(data)
    elif r.kind == "document":
        _show_document(data)
    else:
        _show_project(data)


def _findings_table(findings: list[dict]) -> Table:
    t = Table(title="审核发现 findings", title_justify="left")
    for col in ("规则 rule", "级别 severity", "字段 field", "行 line", "说明 message"):
        t.add_column(col)
    for f in findings:
        t.add_row(f["rule"], severity_zh(f["severity"]), f["field"] or "", str(f["line"] or ""), Text(f["message"]))
    return t


def _show_document(d: dict) -> None:
    head = Text()
    for label, key in (("标题 title", "title"), ("部门 department", "department"), ("年度 year", "year"),
                       ("金额单位 unit", "amount_unit"), ("文件 file", "source_path"), ("格式 format", "format"),
                       ("SHA-256", "sha256"), ("解析器 parser", "parser_version")):
        head.append(f"{label}: ", style="bold")
        head.append(f"{d[key] if d[key] is not None else ''}\n")
    versions = ", ".join(f"v{v['version']}=D{v['id']}" + ("*" if v["is_latest"] else "") for v in d["versions"])
    head.append("版本 versions: ", style="bold")
    head.append(versions)
    out.print(Panel(head, title=f"D{d['id']} v{d['version']}", title_align="left"))
    if d["units"]:
        u = Table(title="资金使用单位 units", title_justify="left")
        for col in ("单位", "总计", "财政拨款", "财政专户拨款", "其他资金"):
            u.add_column(col, justify="left" if col == "单位" else "right")
        for row in d["units"]:
            u.add_row(Text(row["name"]), *(fmt_amount(row[k]) for k in ("total", "fiscal", "special", "other")))
        out.print(u)
    t = Table(title=f"项目 projects ({len(d['projects'])})", title_justify="left")
    for col in ("编号 id", "项目名称 project", "单位 unit", "总计", "财政拨款", "财政专户拨款", "其他资金", "指标"):
        t.add_column(col, justify="right" if col in ("总计", "财政拨款", "财政专户拨款", "其他资金", "指标") else "left")
    for p in d["projects"]:
        t.add_row(f"P{p['id']}", Text(p["name"] or ""), Text(p["unit"] or ""),
                  *(fmt_amount(p[k]) for k in ("total", "fiscal", "special", "other")), str(p["n_indicators"]))
    out.print(t)
    if d["warnings"]:
        w = Table(title="解析警告 warnings", title_justify="left")
        for col in ("项目 project", "代码 code", "行 line", "说明 message"):
            w.add_column(col)
        for row in d["warnings"]:
            w.add_row(f"P{row['project_id']}" if row["project_id"] else "", row["code"], str(row["line"] or ""),
                      Text(row["message"]))
        out.print(w)
    if d["findings"]:
        out.print(_findings_table(d["findings"]))


def _show_project(p: dict) -> None:
    doc = p["document"]
    head = Text()
    head.append("文档 document: ", style="bold")
    head.append(f"D{doc['id']} {doc['name'] or ''} v{doc['version']}\n")
    for label, value in (("部门 department", doc["department"]), ("年度 year", doc["year"]),
                         ("资金使用单位 unit", p["unit"])):
        head.append(f"{label}: ", style="bold")
        head.append(f"{value if value is not None else ''}\n")
    unit = doc["amount_unit"] or ""
    head.append(f"金额 amounts ({unit}): ", style="bold")
    head.append("  ".join(f"{label} {fmt_amount(p[k])}" for label, k in
                          (("总计", "total"), ("财政拨款", "fiscal"), ("财政专户拨款", "special"), ("其他资金", "other"))
                          if p[k] is not None) + "\n")
    head.append("绩效目标 goal: ", style="bold")
    head.append(p["goal"] or "")
    for label, value in (p["fields"] or {}).items():
        head.append(f"\n{label}: ", style="bold")
        head.append(value)
    out.print(Panel(head, title=Text(f"P{p['id']} {p['name'] or ''}"), title_align="left"))
    t = Table(title=f"绩效指标 indicators ({len(p['indicators'])})", title_justify="left")
    for col in ("序号", "一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值", "类型 kind", "比较 comparator"):
        t.add_column(col)
    for i in p["indicators"]:
        t.add_row(str(i["seq"] or ""), Text(i["level1"] or ""), Text(i["level2"] or ""), Text(i["name"] or ""),
                  Text(i["period_value"] or ""), Text(i["annual_value"] or ""), kind_zh(i["annual_kind"]),
                  comparator_zh(i["annual_comparator"]))
    out.print(t)
    if p["warnings"]:
        w = Table(title="解析警告 warnings", title_justify="left")
        for col in ("代码 code", "行 line", "说明 message"):
            w.add_column(col)
        for row in p["warnings"]:
            w.add_row(row["code"], str(row["line"] or ""), Text(row["message"]))
        out.print(w)
    if p["findings"]:
        out.print(_findings_table(p["findings"]))
