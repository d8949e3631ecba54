"""Text lines the OCR engine's detector left out of a scanned page.

The detector now and then passes over a whole printed line (a faint one, one between two
it did find); its text is then missing from the cell though the ink is plainly there.
:func:`missed_lines` — given the page's ink, the boxes found and the rules, return boxes
of text lines that no found box covers, for the recogniser to read on their own.
"""

from __future__ import annotations

__all__ = ["missed_lines"]

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in pixels

_RULE_BAND = 4  # pixels either side of a rule's middle that are the rule's ink
_PAD = 3  # pixels round a found box that are its own (the detector's box is tight at times)
# a line of text as the found boxes print it: between half and 1.6 times their height, at least
# one and a half characters long, and more ink than not once its characters are run together
_LINE_HEIGHT = (0.5, 1.6)
_LINE_CHARS = 1.5
_FILLED = 0.5


def missed_lines(ink, words: list, hrules: list, vrules: list) -> list[Box]:
    """Given a page's ink (0/255), the boxes OCR found ``(text, x0, top, x1, bottom)`` and the rules
    (horizontal ``(y, x0, x1)``, vertical ``(x, top, bottom)``), all in pixels, return the boxes of the
    text lines no found box covers: one per line of a cell, a little padded for the recogniser."""
    import cv2

    if not words:
        return []
    heights = sorted(b - t for _, _, t, _, b in words)
    size = heights[len(heights) // 2]
    left = ink.copy()
    for y, a, b in hrules:
        left[max(int(y) - _RULE_BAND, 0):int(y) + _RULE_BAND + 1, max(int(a), 0):int(b) + 1] = 0
    for x, a, b in vrules:
        left[max(int(a), 0):int(b) + 1, max(int(x) - _RULE_BAND, 0):int(x) + _RULE_BAND + 1] = 0
    for _, x0, top, x1, bottom in words:
        left[max(int(top) - _PAD, 0):int(bottom) + _PAD + 1, max(int(x0) - _PAD, 0):int(x1) + _PAD + 1] = 0
    # characters of a line run together; the lines above and below stay apart
    joined = cv2.morphologyEx(left, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (int(size), 1)))
    _, _, stats, _ = cv2.connectedComponentsWithStats(joined)
    pieces = [(float(x), float(y), float(x + w), float(y + h)) for x, y, w, h, area in stats[1:]
              if _LINE_HEIGHT[0] * size <= h <= _LINE_HEIGHT[1] * size and w >= _LINE_CHARS * size
              and area >= _FILLED * w * h]
    pad = size / 4
    return [(x0 - pad, top - pad / 2, x1 + pad, bottom + pad / 2) for x0, top, x1, bottom in _join(pieces, vrules)]


def _join(pieces: list[Box], vrules: list) -> list[Box]:
    """Given pieces of lines, return the lines: pieces side by side on one line, no rule between them
    (a wide gap in the line — after a comma, before a number — cuts it into pieces)."""
    lines: list[Box] = []
    for p in sorted(pieces, key=lambda p: (p[1], p[0])):
        for k, q in enumerate(lines):
            overlap = min(p[3], q[3]) - max(p[1], q[1])
            mid = (max(p[1], q[1]) + min(p[3], q[3])) / 2
            between = any(a <= mid <= b and min(p[2], q[2]) <= x <= max(p[0], q[0]) for x, a, b in vrules)
            if overlap > 0.5 * min(p[3] - p[1], q[3] - q[1]) and not between:
                lines[k] = (min(p[0], q[0]), min(p[1], q[1]), max(p[2], q[2]), max(p[3], q[3]))
                break
        else:
            lines.append(p)
    return lines
