"""The official layout as a standalone HTML page: title, the 部门名称 line, one table with
rowspan/colspan for merged cells. Every text is escaped; the page has no script."""

from __future__ import annotations

import html
from typing import Any

from .official import Grid, official_grid

__all__ = ["render_html"]

_STYLE = """body { font-family: "宋体", SimSun, "Noto Serif CJK SC", serif; font-size: 12px; margin: 24px; }
h1 { font-family: "黑体", SimHei, "Noto Sans CJK SC", sans-serif; font-size: 22px; text-align: center; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #000; padding: 3px 4px; vertical-align: middle; word-break: break-all; }
td.num { text-align: right; white-space: nowrap; }
thead { display: table-header-group; }"""


def render_html(doc: dict[str, Any], grid: Grid | None = None) -> str:
    """Given a canonical document object, return an HTML page of it."""
    g = grid if grid is not None else official_grid(doc)  # a grid of its own: the synthetic evaluation tables
    esc = html.escape
    anchor = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in g.merges}
    covered = {(r, c) for r0, c0, r1, c1 in g.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
               if (r, c) != (r0, c0)}
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           f"<title>{esc(g.rows[0][0])}</title>", f"<style>\n{_STYLE}\n</style>", "</head>", "<body>",
           f"<h1>{esc(g.rows[0][0])}</h1>"]
    for row in g.rows[1:g.table_from]:
        out.append("<p>" + " ".join(f"<span>{esc(t)}</span>" for t in row if t) + "</p>")
    out.append("<table>")
    total = sum(g.widths)
    out.append("<colgroup>" + "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in g.widths) + "</colgroup>")
    for r in range(g.table_from, len(g.rows)):
        tag = "th" if r == g.header_row else "td"
        cells = []
        for c, text in enumerate(g.rows[r]):
            if (r, c) in covered:
                continue
            rs, cs = anchor.get((r, c), (1, 1))
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            attrs += ' class="num"' if (r, c) in g.numeric else ""
            cells.append(f"<{tag}{attrs}>{esc(text)}</{tag}>")
        row = "<tr>" + "".join(cells) + "</tr>"
        out.append(f"<thead>{row}</thead>" if r == g.header_row and r == g.table_from else row)
    out += ["</table>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
