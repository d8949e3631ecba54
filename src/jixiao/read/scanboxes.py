"""OCR boxes against a scanned table's vertical rules: where a rule runs through a box, and how its
text parts there.

The detector draws one box round text that runs on across a rule (two cells' lines side by side)
and pads its boxes, so that one may reach over a rule with no text of its own there. Given the
page's ink, :func:`split_on_rules` cuts a box only where text lies on both sides of a rule, each
part getting the characters the length of its text holds at its column's pitch; :func:`cells_of`
gives the spans of a box that lie in one cell each, for the recogniser to read again.
"""

from __future__ import annotations

import bisect
import unicodedata

from jixiao.read.pdfgrid import TOL, cluster

__all__ = ["RULE_REACH", "cells_of", "split_on_rules"]

Word = tuple[str, float, float, float, float]  # text, x0, top, x1, bottom in pixels

RULE_REACH = 4  # pixels either side of a rule's middle that may be the rule's own ink
_PITCH_CHARS = 8  # characters in a box long enough to measure its column's pitch by
_MIN_TEXT = 0.3  # the narrowest text beside a rule, in box heights (a CJK character is about one)
_OVERHANG = 0.4  # how far, in characters, a box may reach over a rule before it is read again without it


def _char_width(ch: str) -> float:
    """How wide a character prints, in CJK character widths: Latin letters and digits are about half."""
    return 1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5


def _text_ends(ink, word: Word, x: float) -> tuple[float, float] | None:
    """Given the page's ink and a box a rule at ``x`` runs through, return where its text stops left of
    the rule and starts right of it, or None when one side holds no text (the box only overhangs).

    The columns the rule itself inks (all the box's height, next to ``x``) are not text.
    """
    import numpy as np

    _, x0, top, x1, bottom = word
    h, w = ink.shape
    r0, r1 = max(int(top) + 2, 0), min(int(bottom) - 1, h)
    c0, c1, at = max(int(x0) - 1, 0), min(int(x1) + 2, w), int(round(x))
    if r1 - r0 < 3 or not c0 < at < c1 - 1:
        return None
    cols = (ink[r0:r1, c0:c1] > 0).mean(axis=0)
    inked = cols > 0
    # the rule: the strongest column next to x and its shoulders
    near = range(max(at - RULE_REACH - c0, 0), min(at + RULE_REACH - c0 + 1, len(cols)))
    peak = max(near, key=lambda i: cols[i])
    if cols[peak] >= 0.7:
        lo, hi = peak, peak
        while lo > 0 and cols[lo - 1] >= 0.4:
            lo -= 1
        while hi + 1 < len(cols) and cols[hi + 1] >= 0.4:
            hi += 1
        inked[lo:hi + 1] = False
        at = c0 + (lo + hi) // 2
    # ink running out of the box is a glyph it clips: the next cell's (its padding reaches into it) or its
    # own end one; neither tells text beside the rule from a box that only overhangs it
    for edge, step in ((0, 1), (len(inked) - 1, -1)):
        while 0 <= edge < len(inked) and inked[edge]:
            inked[edge] = False
            edge += step
    text = np.nonzero(inked)[0] + c0
    left, right = text[text < at], text[text > at]
    # a speck, a rule's fringe: less than a third of a character is not text
    least = _MIN_TEXT * (bottom - top)
    if len(left) < 2 or len(right) < 2 or left[-1] - left[0] < least or right[-1] - right[0] < least:
        return None
    return float(left[-1] + 1), float(right[0])


def _width(text: str) -> float:
    return sum(_char_width(ch) for ch in text)


def _share(text: str, fits: list[float]) -> list[str]:
    """Cut ``text`` into as many parts as ``fits``, the characters each part's room holds (in CJK
    character widths). Each cut is placed between where the parts before it end and where the parts
    after it begin, counted from either end: an error in one room does not move every cut."""
    widths = [_char_width(ch) for ch in text]
    total = sum(widths)
    parts, start, done = [], 0, 0.0
    for k in range(len(fits) - 1):
        want = (sum(fits[: k + 1]) + total - sum(fits[k + 1:])) / 2
        end = start
        while end < len(text) and abs(done + widths[end] - want) <= abs(done - want):
            done += widths[end]
            end += 1
        parts.append(text[start:end])
        start = end
    parts.append(text[start:])
    return parts


def _pitches(words: list[Word], xs: list[float]) -> dict[int, float]:
    """Given a page's words and its column rules, return each column's character pitch (pixels per CJK
    character width) read off the long boxes that lie in one column: a justified column prints wider."""
    seen: dict[int, list[float]] = {}
    for text, x0, top, x1, bottom in words:
        column = bisect.bisect_left(xs, (x0 + x1) / 2) - 1
        inside = 0 <= column < len(xs) - 1 and not any(x0 + (bottom - top) < x < x1 - (bottom - top) for x in xs)
        if inside and len(text) >= _PITCH_CHARS:
            seen.setdefault(column, []).append((x1 - x0) / _width(text))
    return {c: sorted(v)[len(v) // 2] for c, v in seen.items()}


def _cuts(word: Word, vrules: list, tol: float, ink) -> list[tuple[float, float, float]]:
    """Where the rules reaching a word's line cut it: ``(rule, text stops, text starts)`` each."""
    text, x0, top, x1, bottom = word
    mid = (top + bottom) / 2
    cuts = []
    for x in cluster([x for x, a, b in vrules if a <= mid <= b and b - a > 20], tol=tol):
        if x0 + 4 * TOL < x < x1 - 4 * TOL and len(text) >= 2:
            ends = (x, x) if ink is None else _text_ends(ink, word, x)
            if ends is not None:
                cuts.append((x, *ends))
    return cuts


def split_on_rules(words: list[Word], vrules: list, tol: float, ink=None) -> list[Word]:
    """Cut a word where a vertical rule runs through it (OCR reads two cells side by side as one box).

    Only rules that reach the word's line count. Where the page's ``ink`` is known, a cut needs text on
    both sides of the rule (the detector pads its boxes over it), and each part gets the characters the
    length of its text holds at its column's pitch; else the parts share them by the box's width.
    """
    cut = [_cuts(w, vrules, tol, ink) for w in words]
    xs = cluster([x for x, a, b in vrules if b - a > 20], tol=tol)
    pitch = _pitches([w for w, c in zip(words, cut, strict=True) if not c], xs)
    out = []
    for word, cuts in zip(words, cut, strict=True):
        text, x0, top, x1, bottom = word
        if not cuts:
            out.append(word)
            continue
        edges = [x0, *(e for _, stop, start in cuts for e in (stop, start)), x1]
        spans = list(zip(edges[::2], edges[1::2], strict=True))
        columns = [bisect.bisect_left(xs, (a + b) / 2) - 1 for a, b in spans]
        if all(c in pitch for c in columns):
            fits = [max(b - a, 1.0) / pitch[c] for (a, b), c in zip(spans, columns, strict=True)]
        else:  # no column to measure: the box's own pitch
            room = sum(max(b - a, 1.0) for a, b in spans)
            fits = [_width(text) * max(b - a, 1.0) / room for a, b in spans]
        bounds = [x0, *(x for x, _, _ in cuts), x1]
        for part, a, b in zip(_share(text, fits), bounds, bounds[1:], strict=False):
            if part.strip():
                out.append((part.strip(), a, top, b, bottom))
    return out


def cells_of(word: Word, vrules: list, tol: float, ink) -> list[tuple[float, float]]:
    """The spans of a box that lie in one cell each, rules left out, when a rule runs through it or
    the box reaches over one; else none."""
    _, x0, top, x1, bottom = word
    cuts = [x for x, _, _ in _cuts(word, vrules, tol, ink)]
    if cuts:
        edges = [x0, *(e for x in cuts for e in (x - RULE_REACH, x + RULE_REACH)), x1]
        return list(zip(edges[::2], edges[1::2], strict=True))
    size, mid = bottom - top, (top + bottom) / 2
    reach = [x for x in cluster([x for x, a, b in vrules if a <= mid <= b and b - a > 20], tol=tol)
             if x0 + _OVERHANG * size < x < x0 + 2 * size or x1 - 2 * size < x < x1 - _OVERHANG * size]
    if not reach:
        return []
    a = max([x for x in reach if x < (x0 + x1) / 2], default=x0 - RULE_REACH) + RULE_REACH
    b = min([x for x in reach if x > (x0 + x1) / 2], default=x1 + RULE_REACH) - RULE_REACH
    return [(a, b)]
