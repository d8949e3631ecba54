"""``jixiao rules``: the rule registry — id, severity, title, source — or the full reference page."""

from __future__ import annotations

from enum import StrEnum

import typer

from .common import out, reports_errors, write_stdout
from .lazy_rich import Table

__all__ = ["rules_command"]


class Format(StrEnum):
    table = "table"
    markdown = "markdown"


@reports_errors
def rules_command(
    format: Format = typer.Option(Format.table, "--format", "-f", help="table 一览 | markdown 完整参考（即 docs/rules.md）"),
) -> None:
    """列出审核规则 / List the review rules."""
    from ..review import RULES
    from ..review.docs import rules_markdown
    from ..words import severity_zh
    if format is Format.markdown:
        write_stdout(rules_markdown().rstrip("\n"))
        return
    table = Table(title="审核规则 / review rules", show_lines=False)
    for col in ("规则", "严重程度", "内容", "Title", "推定"):
        table.add_column(col, overflow="fold", no_wrap=col in ("规则", "严重程度"))
    for r in RULES.values():
        sev = "/".join(dict.fromkeys(severity_zh(v.severity) for v in r.variants.values()))
        table.add_row(r.id, sev, r.title, r.title_en, "是" if r.inferred else "")
    table.caption = "理由与依据：jixiao rules --format markdown（即 docs/rules.md）"
    out.print(table, highlight=False)
