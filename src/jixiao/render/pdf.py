"""The official layout as a PDF (reportlab): a ruled table on A4, cells wrapped to their column,
the column header repeated at the top of every page, a row too tall for what is left of a page
cut between two of its lines and carried on under the header of the next.

The text is set in STSong-Light, one of the CJK fonts every PDF viewer supplies (reportlab
does not embed CID fonts), so the file stays small and its text layer is plain Unicode.
"""

from __future__ import annotations

import io
from typing import Any

from .official import Grid, official_grid

__all__ = ["render_pdf"]

FONT = "STSong-Light"
SIZE, LEAD, PAD, MARGIN = 8.0, 10.5, 3.0, 28.0


def _wrap(text: str, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for ch in text:
        if line and stringWidth(line + ch, FONT, SIZE) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else []


def _layout(g: Grid, xs: list[float]) -> dict[tuple[int, int], tuple[int, int, list[str]]]:
    """Each anchor cell → (last row it spans, last column, its wrapped lines)."""
    spans = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in g.merges}
    covered = {(r, c) for r0, c0, r1, c1 in g.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
               if (r, c) != (r0, c0)}
    out = {}
    for r in range(g.table_from, len(g.rows)):
        for c, text in enumerate(g.rows[r]):
            if (r, c) in covered:
                continue
            r1, c1 = spans.get((r, c), (r, c))
            out[(r, c)] = (r1, c1, _wrap(text, xs[c1 + 1] - xs[c] - 2 * PAD))
    return out


def render_pdf(doc: dict[str, Any], grid: Grid | None = None) -> bytes:
    """Given a canonical document object, return the bytes of a PDF of it."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    g = grid if grid is not None else official_grid(doc)  # a grid of its own: the synthetic evaluation tables
    page_w, page_h = landscape(A4) if g.landscape else A4
    total = sum(g.widths)
    xs = [MARGIN]
    for w in g.widths:
        xs.append(xs[-1] + w * (page_w - 2 * MARGIN) / total)
    cells = _layout(g, xs)
    # a row is as tall as the most lines among the cells that start and end in it
    need = {r: max([len(v[2]) for (rr, _), v in cells.items() if rr == r and v[0] == r] + [1])
            for r in range(g.table_from, len(g.rows))}
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(page_w, page_h), invariant=1)
    c.setLineWidth(0.5)
    page = [1]
    done: dict[tuple[int, int], int] = {}  # lines of each cell already printed (a cut row goes on)

    def footer() -> None:
        c.setFont(FONT, SIZE)
        c.drawCentredString(page_w / 2, 14, f"第 {page[0]} 页")

    def draw_row(r: int, top: float, nlines: int, closed: bool, first_on_page: bool) -> float:
        bottom = top - nlines * LEAD - 2 * PAD
        c.setFont(FONT, SIZE)
        for (rr, col), (r1, c1, lines) in cells.items():
            if not rr <= r <= r1:
                continue
            x0, x1 = xs[col], xs[c1 + 1]
            if rr == r or first_on_page:
                c.line(x0, top, x1, top)
            if r == r1 and closed:
                c.line(x0, bottom, x1, bottom)
            c.line(x0, top, x0, bottom)
            c.line(x1, top, x1, bottom)
            start = done.get((rr, col), 0)
            if r == rr or (first_on_page and start < len(lines)):
                shown = lines[start:start + nlines]
                for k, ln in enumerate(shown):
                    c.drawString(x0 + PAD, top - PAD - (k + 1) * LEAD + 2, ln)
                done[(rr, col)] = start + len(shown)
        return bottom

    def new_page(first: bool) -> float:
        if not first:
            footer()
            c.showPage()
            page[0] += 1
        top = page_h - MARGIN
        if first:
            c.setFont(FONT, 14)
            c.drawCentredString(page_w / 2, top - 10, g.rows[0][0])
            top -= 28
            for row in g.rows[1:g.table_from]:
                c.setFont(FONT, SIZE + 1)
                texts = [t for t in row if t]
                if texts:
                    c.drawString(xs[0], top, texts[0])
                if len(texts) > 1:
                    c.drawRightString(xs[-1], top, texts[-1])
                top -= 16
        elif g.header_row is not None and g.header_row < g.table_from + 1:
            for key in [k for k in done if k[0] == g.header_row]:
                done[key] = 0  # the header is printed whole again
            top = draw_row(g.header_row, top, need[g.header_row], True, True)
        return top

    top = new_page(True)
    for r in range(g.table_from, len(g.rows)):
        left, first_on_page = need[r], False
        while True:
            room = int((top - MARGIN - 2 * PAD) // LEAD)
            if left <= room:
                top = draw_row(r, top, left, True, first_on_page)
                break
            if room >= 1:
                draw_row(r, top, room, False, first_on_page)  # cut: no rule under it
                left -= room
            top = new_page(False)
            first_on_page = True
    footer()
    c.showPage()
    c.save()
    return out.getvalue()
