"""The official layout as an Excel sheet: merged cells, amounts as numbers formatted ``#,##0.00``,
wrapped text, the header row repeated on every printed page."""

from __future__ import annotations

import io
from typing import Any

from .official import Grid, official_grid

__all__ = ["render_xlsx"]


def render_xlsx(doc: dict[str, Any], grid: Grid | None = None) -> bytes:
    """Given a canonical document object, return the bytes of an XLSX workbook of it."""
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    g = grid if grid is not None else official_grid(doc)  # a grid of its own: the synthetic evaluation tables
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效目标表"
    thin = Side(style="thin")
    for r, row in enumerate(g.rows):
        for c, text in enumerate(row):
            cell = ws.cell(row=r + 1, column=c + 1)
            if (r, c) in g.numeric and text:
                cell.value = float(text.replace(",", ""))
                cell.number_format = "#,##0.00"
            else:
                cell.value = text or None
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if r >= g.table_from:
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.cell(row=1, column=1).font = Font(bold=True, size=16)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    for r0, c0, r1, c1 in g.merges:
        if (r0, c0) != (r1, c1):
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    for c, w in enumerate(g.widths):
        ws.column_dimensions[get_column_letter(c + 1)].width = w * 1.6
    ws.page_setup.orientation = "landscape" if g.landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if g.header_row is not None and g.header_row < 5:
        ws.print_title_rows = f"{g.header_row + 1}:{g.header_row + 1}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
