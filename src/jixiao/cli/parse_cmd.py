"""``jixiao parse FILE``: print one table as canonical JSON or as a tree."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from ..errors import ReadError
from .common import out, read_progress, reports_errors, write_stdout

__all__ = ["parse_command"]


class Format(StrEnum):
    json = "json"
    table = "table"


@reports_errors
def parse_command(
    file: Path = typer.Argument(..., help="表格文件：文本、PDF、DOCX、XLSX、HTML（按内容识别格式） / the table file: "
                                          "text, PDF, DOCX, XLSX or HTML (format told by content)", show_default=False),
    format: Format = typer.Option(Format.table, "--format", "-f", help="json: 规范 JSON; table: 树形视图 / canonical JSON or a tree"),
    residue: bool = typer.Option(False, "--residue", help="列出未归入任何字段的文本 / list text that fed no field"),
    spans: bool = typer.Option(False, "--spans", help="JSON 中包含每个字段的来源位置和原文 / include source spans and text in the JSON"),
    explain: bool = typer.Option(False, "--explain", help="逐个单元格列出其被读作的角色 / list every cell with the role it was read as"),
) -> None:
    """解析一张绩效目标表 / Parse one performance-target table."""
    from ..parse.document import parse_source
    from ..read import read
    if not file.exists():
        raise ReadError(f"文件不存在：{file} / no such file", code="not-found")
    with read_progress("读取中 reading…") as progress:
        source = read(file, progress=progress)
    doc = parse_source(source)
    # each output's modules are imported when it is asked for: the tree view imports rich, the JSON does not
    if explain:
        from ..parse.explain import explain as explain_cells
        from ..render.tree import explain_table

        out.print(explain_table(explain_cells(doc)), highlight=False)
        return
    if format is Format.json:
        from ..render.json import document_json

        write_stdout(document_json(doc, spans=spans))
        if residue:
            from ..render.tree import residue_table

            out.print(residue_table(doc), highlight=False)
        return
    from ..render.tree import document_tree, residue_table

    out.print(document_tree(doc), highlight=False)
    if residue:
        out.print(residue_table(doc), highlight=False)
