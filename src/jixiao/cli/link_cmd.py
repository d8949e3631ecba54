"""``jixiao link``: show and correct the links of self-evaluation and monitoring forms to target tables."""

from __future__ import annotations

import typer

from ..errors import UsageError
from .common import out_wrapped as out
from .common import reports_errors
from .lazy_rich import Table, Text
from .store_common import check_format, db_option, json_option, print_json

__all__ = ["link_command"]


def _evaluation_projects(conn, ref: str) -> list[int]:
    """The evaluation projects a reference names: P345 itself, or every project of D12."""
    from sqlalchemy import select

    from ..store.query import find_documents, parse_ref
    from ..store.schema import ProjectRow

    r = parse_ref(ref)
    if r.kind == "project":
        return [r.id]
    (doc_id,) = find_documents(conn, [ref])
    return list(conn.execute(select(ProjectRow.id).where(ProjectRow.document_id == doc_id)
                             .order_by(ProjectRow.position)).scalars())


@reports_errors
def link_command(
    ref: str = typer.Argument(..., help="自评表或监控表：文档 D12 或项目 P345 / an evaluation: D12 or P345"),
    to: str | None = typer.Option(None, "--to", help="链接到目标表的项目 P345 / link to this target project"),
    unlink: bool = typer.Option(False, "--unlink", help="没有对应的目标表 / it has no target table"),
    auto: bool = typer.Option(False, "--auto", help="撤销人工链接，交回自动匹配 / back to the matcher"),
    db: str | None = db_option(),
    fmt: str = json_option(),
) -> None:
    """显示或更正自评表、监控表与目标表的链接 / show or correct an evaluation's link to its target table.

    Without an option the links are shown. A link set here (--to, --unlink) is kept by every later import.
    """
    from ..link.store import project_links, set_link
    from ..store import open_store
    from ..store.query import parse_ref

    check_format(fmt)
    if sum((to is not None, unlink, auto)) > 1:
        raise UsageError("--to、--unlink、--auto 只能选一个 / choose one of --to, --unlink, --auto")
    target = None
    if to is not None:
        t = parse_ref(to)
        if t.kind != "project":
            raise UsageError(f"--to 须是项目编号（P345）：{to} / --to takes a project id (P345)")
        target = t.id
    engine = open_store(db, create=False)
    with engine.connect() as conn:
        pids = _evaluation_projects(conn, ref)
        if not (to is not None or unlink or auto):
            shown = [project_links(conn, p) for p in pids]
    if to is not None or unlink or auto:
        if len(pids) != 1:
            raise UsageError(f"{ref} 有 {len(pids)} 个项目：请用项目编号 P… / {ref} has {len(pids)} projects: "
                             "name one (P…)")
        shown = [set_link(engine, pids[0], target, auto=auto)]
    engine.dispose()
    if fmt == "json":
        print_json(shown)
        return
    for s in shown:
        _print(s)


def _print(s: dict) -> None:
    if s["target_project_id"] is None:
        why = "人工确认无目标表 / no target table (set by hand)" if s["method"] == "manual" else \
            "未找到目标表 / no target table found"
        out.print(Text(f"P{s['project_id']} → {why}"))
        return
    out.print(Text(f"P{s['project_id']} → P{s['target_project_id']} {s['target_project'] or ''}"
                   f"（D{s['target_document_id']} {s['target_document'] or ''}）"
                   f" 置信度 confidence {s['confidence']:.2f} · {'人工 manual' if s['method'] == 'manual' else '自动 auto'}"))
    t = Table(title_justify="left")
    for col in ("指标 indicator", "年度指标值 annual", "目标表指标 target", "目标表年度指标值 published", "相似度"):
        t.add_column(col)
    for i in s["indicators"]:
        t.add_row(Text(i["name"] or ""), Text(i["annual_value"] or ""), Text(i["target_name"] or ""),
                  Text(i["target_annual_value"] or ""), f"{i['confidence']:.2f}")
    out.print(t)
