"""``jixiao render DOC --to xlsx|html|pdf``: write a document back in the official layout."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from ..errors import ReadError, UsageError
from .common import err, read_progress, reports_errors

__all__ = ["render_command"]


class To(StrEnum):
    xlsx = "xlsx"
    html = "html"
    pdf = "pdf"


def _load(path: Path) -> dict:
    """A canonical JSON file (``jixiao parse --format json``) as it is; any other table file parsed."""
    head = path.read_bytes()[:4096] if path.is_file() else b""
    if head.lstrip().startswith(b"{") and b"jixiao.document/" in head:
        import json  # here, not at import: `jixiao --help` need not load it

        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ReadError(f"无法读取 {path}：JSON 格式错误（{exc}） / cannot read {path}: invalid JSON",
                            code="bad-json") from None
    from ..parse.document import parse_source
    from ..read import read

    with read_progress("读取中 reading…") as progress:
        return parse_source(read(path, progress=progress)).to_canonical()


@reports_errors
def render_command(
    doc: Path = typer.Argument(..., help="文档：jixiao 的 JSON，或任何表格文件 / a jixiao JSON document or any table file",
                               show_default=False),
    to: To = typer.Option(..., "--to", "-t", help="输出格式 / output format"),
    output: Path = typer.Option(None, "--output", "-o", help="输出文件（默认：同名，换扩展名） / output file"),
) -> None:
    """按官方版式输出一张绩效目标表 / Write a table in the official layout (XLSX, HTML, PDF)."""
    if not doc.exists():
        raise ReadError(f"文件不存在：{doc} / no such file", code="not-found")
    obj = _load(doc)
    target = output or Path(doc.stem + "." + to.value)
    if target.resolve() == doc.resolve():
        raise UsageError(f"输出会覆盖输入：{target} / the output would overwrite the input")
    if to is To.xlsx:
        from ..render.xlsx import render_xlsx

        target.write_bytes(render_xlsx(obj))
    elif to is To.html:
        from ..render.html import render_html

        target.write_text(render_html(obj), encoding="utf-8")
    else:
        from ..render.pdf import render_pdf

        target.write_bytes(render_pdf(obj))
    err.print(f"已写出 wrote {target}", highlight=False)
