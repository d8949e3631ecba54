"""Charts as inline SVG, drawn on the server: no script, no external asset, readable without JS.

Colours come from classes styled in ``static/app.css`` (the page's content
security policy forbids inline styles).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

__all__ = ["bar_chart", "cost_strip_chart", "diverging_bar_chart", "stacked_bar_chart"]

LABEL_W = 170
ROW_H = 22
BAR_H = 15


def _width(text: str) -> float:
    """Rough width at 12 px: a Han character is twice a Latin one."""
    return sum(12.5 if ord(ch) > 0x2E80 else 6.8 for ch in text)


def _label(text: str, budget: float = LABEL_W - 12) -> str:
    if _width(text) <= budget:
        return text
    out = ""
    for ch in text:
        if _width(out + ch + "…") > budget:
            break
        out += ch
    return out + "…"


def _number(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 or v == int(v) else f"{v:,.2f}"


def _svg(width: int, height: int, title: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-label="{escape(title)}"><title>{escape(title)}</title>')


def _row_label(label: str, y: float) -> str:
    return (f'<text class="lbl" x="{LABEL_W - 6}" y="{y + 12}" text-anchor="end">{escape(_label(label))}'
            f'<title>{escape(label)}</title></text>')


def bar_chart(items: Sequence[tuple[str, float]], *, title: str, fmt: Callable[[float], str] = _number,
              width: int = 620, max_value: float | None = None, css: str = "s0",
              links: Sequence[str | None] | None = None) -> Markup:
    """Horizontal bars, one per (label, value), longest first as given."""
    if not items:
        return Markup("")
    top = max_value or max((v for _, v in items), default=0) or 1
    span = width - LABEL_W - 80
    h = ROW_H * len(items) + 6
    out = [_svg(width, h, title)]
    for k, (label, value) in enumerate(items):
        y = k * ROW_H + 3
        w = max(value / top * span, 0 if value == 0 else 1)
        bar = (_row_label(label, y) + f'<rect class="{css}" x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR_H}" rx="2"/>'
               f'<text class="val" x="{LABEL_W + w + 5:.1f}" y="{y + 12}">{escape(fmt(value))}</text>')
        href = links[k] if links else None
        out.append(f'<a href="{escape(href)}">{bar}</a>' if href else bar)
    out.append("</svg>")
    return Markup("".join(out))


def stacked_bar_chart(rows: Sequence[tuple[str, Sequence[float]]], series: Sequence[tuple[str, str]], *,
                      title: str, fmt: Callable[[float], str] = _number, width: int = 620) -> Markup:
    """One horizontal bar per row, split into ``series`` ((name, css class) each), with a legend."""
    if not rows:
        return Markup("")
    top = max((sum(vs) for _, vs in rows), default=0) or 1
    span = width - LABEL_W - 80
    legend_h = 22
    h = ROW_H * len(rows) + legend_h + 6
    out = [_svg(width, h, title)]
    x = 4.0
    for name, css in series:
        out.append(f'<rect class="{css}" x="{x:.0f}" y="4" width="12" height="12" rx="2"/>'
                   f'<text class="lbl" x="{x + 16:.0f}" y="14">{escape(name)}</text>')
        x += 28 + _width(name)
    for k, (label, values) in enumerate(rows):
        y = legend_h + k * ROW_H + 3
        out.append(_row_label(label, y))
        x = float(LABEL_W)
        for (name, css), v in zip(series, values, strict=True):
            w = v / top * span
            if w > 0:
                out.append(f'<rect class="{css}" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_H}">'
                           f'<title>{escape(name)}：{escape(fmt(v))}</title></rect>')
            x += w
        out.append(f'<text class="val" x="{x + 5:.1f}" y="{y + 12}">{escape(fmt(sum(values)))}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def cost_strip_chart(points: Sequence[tuple[str, float, str | None, str | None]], *, title: str,
                     fences: dict | None, fmt: Callable[[float], str], width: int = 620) -> Markup:
    """Unit costs as dots on a logarithmic axis (they span orders of magnitude), with the peers' median
    and the outlier fences as lines: ``points`` are (label, value, link, css class) each."""
    import math

    values = [v for _l, v, _h, _c in points if v > 0]
    if not values:
        return Markup("")
    marks = [fences[k] for k in ("low", "median", "high")] if fences else []
    lo, hi = math.log10(min(values + marks)), math.log10(max(values + marks))
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    left, right, h = 70, width - 70, 92  # room for the fence labels centred on the ends

    def x(v: float) -> float:
        return left + (math.log10(v) - lo) / (hi - lo) * (right - left)

    out = [_svg(width, h, title), f'<line class="axis" x1="{left}" y1="50" x2="{right}" y2="50"/>']
    if fences:
        for key, label in (("low", "下限 low"), ("median", "中位数 median"), ("high", "上限 high")):
            xv = x(fences[key])
            out.append(f'<line class="fence f-{key}" x1="{xv:.1f}" y1="14" x2="{xv:.1f}" y2="62"/>'
                       f'<text class="lbl" x="{xv:.1f}" y="10" text-anchor="middle">{escape(label)}</text>'
                       f'<text class="val" x="{xv:.1f}" y="78" text-anchor="middle">{escape(fmt(fences[key]))}</text>')
    for k, (label, v, href, css) in enumerate(points):
        if v <= 0:
            continue
        dot = (f'<circle class="{css or "s2"}" cx="{x(v):.1f}" cy="{42 + (k % 3) * 8}" r="4">'
               f'<title>{escape(label)}：{escape(fmt(v))}</title></circle>')
        out.append(f'<a href="{escape(href)}">{dot}</a>' if href else dot)
    out.append("</svg>")
    return Markup("".join(out))


def diverging_bar_chart(items: Sequence[tuple[str, float | None]], *, title: str,
                        fmt: Callable[[float], str] = _number, width: int = 620, pos: str = "s2", neg: str = "s1",
                        links: Sequence[str | None] | None = None) -> Markup:
    """Horizontal bars either side of a zero line, one per (label, value): above zero to the right in
    ``pos``, below to the left in ``neg`` (score inflation: reported − recomputed). None: no bar, "—"."""
    if not items:
        return Markup("")
    top = max((abs(v) for _, v in items if v is not None), default=0) or 1
    half = (width - LABEL_W - 90) / 2
    zero = LABEL_W + 40 + half
    h = ROW_H * len(items) + 6
    out = [_svg(width, h, title), f'<line class="axis" x1="{zero:.1f}" y1="0" x2="{zero:.1f}" y2="{h}" '
                                  'stroke="currentColor" stroke-width="1"/>']
    for k, (label, value) in enumerate(items):
        y = k * ROW_H + 3
        if value is None:
            bar = _row_label(label, y) + f'<text class="val" x="{zero + 5:.1f}" y="{y + 12}">—</text>'
        else:
            w = max(abs(value) / top * half, 0 if value == 0 else 1)
            x = zero if value >= 0 else zero - w
            tx = zero + w + 5 if value >= 0 else zero - w - 5
            anchor = "start" if value >= 0 else "end"
            bar = (_row_label(label, y) + f'<rect class="{pos if value >= 0 else neg}" x="{x:.1f}" y="{y}" '
                   f'width="{w:.1f}" height="{BAR_H}" rx="2"/><text class="val" x="{tx:.1f}" y="{y + 12}" '
                   f'text-anchor="{anchor}">{escape(fmt(value))}</text>')
        href = links[k] if links else None
        out.append(f'<a href="{escape(href)}">{bar}</a>' if href else bar)
    out.append("</svg>")
    return Markup("".join(out))
