"""Scans — image-only PDF pages, PNG, JPEG — through OCR, into the same geometry as a PDF's text layer.

A chain of small stages (numpy and OpenCV; the OCR engine is rapidocr, whose
wheel carries its ONNX models, so nothing is downloaded at run time):

1. :func:`deskew` — given a grey page, return it turned straight: the angle is
   read off the table's long horizontal rules;
2. :func:`find_rules` — given the straight page, return its horizontal and
   vertical rules (morphological opening with long thin kernels);
3. :func:`ocr_words` — given the straight page, return the recognised text
   boxes; :func:`~jixiao.read.scanmissed.missed_lines` then finds lines of ink
   no box covers, and :func:`read_lines` reads them with the recogniser alone;
4. :func:`reread_at_rules` — given the words, return them with each box a
   vertical rule runs through read again a cell at a time (see
   :mod:`jixiao.read.scanboxes`);
5. :func:`page_objects` — given rules and words, return
   :class:`~jixiao.read.pdfgrid.PageObjects` in points, a word that still
   runs over a vertical rule cut in two where it crosses it, by character
   widths.

From there :mod:`jixiao.read.pdfgrid` rebuilds the table exactly as for a PDF
with a text layer. The OCR itself takes nearly all of the time; the rest is
a few hundredths of a second per page.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from jixiao.read.base import MAX_TEXT_BYTES, Source
from jixiao.read.files import read_error, read_limited
from jixiao.read.pdfgrid import TOL, Char, PageObjects
from jixiao.read.scanboxes import cells_of, split_on_rules
from jixiao.read.scanmissed import missed_lines

__all__ = ["MAX_PIXELS", "OCR_MISSING", "Word", "deskew", "find_rules", "ink_of", "ocr_available", "ocr_words",
           "page_objects", "read_image", "read_lines", "reread_at_rules", "scan_page"]

#: Pixels in one page image; a 600-dpi A3 page is 70 M, a table scan at 150-300 dpi a few M.
MAX_PIXELS = 50_000_000
_DEFAULT_DPI = 150.0  # an image that does not say its resolution is taken as a 150-dpi scan
_MAX_SKEW = 5.0  # degrees: a page turned further than this is not straightened from its rules
_SAME_LINE = 0.8  # how alike (difflib ratio) a second reading must be to the first to replace it
_MIN_SCORE = 0.5  # the recogniser's confidence below which a line it reads alone is noise
OCR_MISSING = ("未安装 OCR 组件（pip install 'jixiao[ocr]'）", "OCR is not installed (pip install 'jixiao[ocr]')")

#: (text, x0, top, x1, bottom) of a recognised text box, in pixels.
Word = tuple[str, float, float, float, float]
Ocr = Callable[[object], list[Word]]


def ocr_available() -> bool:
    """True when the OCR engine (the ``ocr`` extra) is installed."""
    try:
        import cv2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def deskew(gray):
    """Given a grey page (numpy, uint8), return (the page turned straight, the angle in degrees).

    The angle is the median slope of the long horizontal strokes — the table's
    rules; a page without them is left as it is.
    """
    import cv2
    import numpy as np

    h, w = gray.shape
    ink = ink_of(gray)
    # short enough that a rule turned by a degree or two still shows as runs of this length
    runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (40, 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(runs)
    angles = []
    for i in range(1, n):
        x, y, ww, hh = stats[i][:4]
        if ww > w / 4:
            ys, xs = np.nonzero(labels[y:y + hh, x:x + ww] == i)
            angles.append(float(np.degrees(np.arctan(np.polyfit(xs, ys, 1)[0]))))
    if not angles:
        return gray, 0.0
    angle = float(np.median(angles))
    if abs(angle) < 0.02 or abs(angle) > _MAX_SKEW:
        return gray, 0.0
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=255), angle


def find_rules(gray) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Given a straight grey page, return its rules in pixels: horizontal ``(y, x0, x1)`` and
    vertical ``(x, top, bottom)``. Text strokes are far shorter than the kernels; dust is smaller still."""
    import cv2

    h, w = gray.shape
    ink = ink_of(gray)
    out: list[list[tuple[float, float, float]]] = []
    for size, horizontal in (((max(40, w // 40), 1), True), ((1, max(40, h // 60)), False)):
        lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size))
        # bridge the gaps noise and faint printing leave in a rule
        bridge = (15, 1) if horizontal else (1, 15)
        lines = cv2.morphologyEx(lines, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, bridge))
        n, _, stats, _ = cv2.connectedComponentsWithStats(lines)
        found = []
        for x, y, ww, hh, _area in stats[1:]:
            if horizontal and ww >= 3 * hh:
                found.append((y + hh / 2, float(x), float(x + ww)))
            elif not horizontal and hh >= 3 * ww:
                found.append((x + ww / 2, float(y), float(y + hh)))
        out.append(found)
    return out[0], out[1]


def ocr_words(image) -> list[Word]:
    """Given a page image (numpy, grey or RGB), return its recognised text boxes (pixels)."""
    from jixiao.read.scanengine import detect

    words = []
    for box, text, _score in detect(image):
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        if text.strip():
            words.append((text.strip(), min(xs), min(ys), max(xs), max(ys)))
    return words


def _crop(image, top: float, bottom: float, x0: float, x1: float):
    return image[max(int(top), 0):int(bottom) + 1, max(int(x0), 0):int(x1) + 1]


def read_lines(image, boxes: list) -> list[Word]:
    """Given a page image and boxes of single text lines on it (pixels), return what the recogniser
    reads in each, without the detector: for the lines it passed over. All the lines go to the
    recogniser in one call."""
    boxes = [b for b in boxes if _crop(image, b[1], b[3], b[0], b[2]).size]
    reads = _recognise([_crop(image, top, bottom, x0, x1) for x0, top, x1, bottom in boxes])
    return [(text.strip(), x0, top, x1, bottom) for (x0, top, x1, bottom), (text, score) in zip(boxes, reads, strict=True)
            if text.strip() and score >= _MIN_SCORE]


def _recognise(crops: list) -> list[tuple[str, float]]:
    """``(text, score)`` of each single-line crop, by the recogniser alone, in one call."""
    from jixiao.read.scanengine import recognise

    return recognise(crops)


def reread_at_rules(image, words: list[Word], vrules: list, tol: float, ink) -> list[Word]:
    """Given a page image, its words, rules and ink, return the words with each box that a rule runs
    through read again by the recogniser, a cell at a time:

    * a box holding text of two cells side by side: each cell's part read alone, so the text is
      parted where it was printed, not where character widths would put it;
    * a box reaching over a rule into the next cell (by more than a part of a character,
      no text there): read from the rule on — the first read may have taken the rule and the edge of
      the next cell's text for a character, or lost a mark at the start of the line beside them.

    The new reading is kept when it is nearly the old one (the same line read better), else the old
    one, which :func:`page_objects` then parts by character widths. All the page's parts go to the
    recogniser in one call."""
    from difflib import SequenceMatcher

    parts_of = [cells_of(word, vrules, tol, ink) if len(word[0]) >= 2 else [] for word in words]
    crops = [_crop(image, top, bottom, a, b) for (_, _, top, _, bottom), parts in zip(words, parts_of, strict=True)
             for a, b in parts]
    reads = iter(_recognise(crops))
    out: list[Word] = []
    for word, parts in zip(words, parts_of, strict=True):
        text, x0, top, x1, bottom = word
        if not parts:
            out.append(word)
            continue
        again = [next(reads)[0].strip() for _ in parts]
        if all(again) and SequenceMatcher(None, text, "".join(again)).ratio() >= _SAME_LINE:
            out.extend((t, a, top, b, bottom) for t, (a, b) in zip(again, parts, strict=True))
        else:
            out.append(word)
    return out


def ink_of(gray):
    """Given a grey page, return its ink as a 0/255 image (dark on light, whatever the paper's shade)."""
    import cv2

    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def page_objects(words: list[Word], hrules: list, vrules: list, number: int, scale: float,
                 ink=None) -> PageObjects:
    """Given one page's words and rules in pixels, points per pixel and (if known) the page's ink,
    return its PageObjects."""
    chars = [Char(t, x0 * scale, top * scale, x1 * scale, bottom * scale)
             for t, x0, top, x1, bottom in split_on_rules(words, vrules, TOL / scale, ink)]
    return PageObjects(number, chars,
                       [(y * scale, a * scale, b * scale) for y, a, b in hrules],
                       [(x * scale, a * scale, b * scale) for x, a, b in vrules])


def scan_page(gray, number: int, scale: float, ocr: Ocr | None = None) -> PageObjects:
    """Given a grey page image, its page number and points per pixel, return its PageObjects."""
    straight, _ = deskew(gray)
    hrules, vrules = find_rules(straight)
    ink = ink_of(straight)
    words = (ocr or ocr_words)(straight)
    words += read_lines(straight, missed_lines(ink, words, hrules, vrules))
    words = reread_at_rules(straight, words, vrules, TOL / scale, ink)
    return page_objects(words, hrules, vrules, number, scale, ink)


def read_image(path: str | os.PathLike[str], *, max_bytes: int = MAX_TEXT_BYTES, progress=None) -> Source:
    """Read a PNG or JPEG scan of a table into a :class:`Source` (OCR, one page)."""
    shown = os.fsdecode(path)
    data = read_limited(path, max_bytes=max_bytes)
    if not ocr_available():
        raise read_error("ocr-missing", f"图片需要 OCR 识别，但{OCR_MISSING[0]}", f"an image needs OCR, but {OCR_MISSING[1]}",
                         shown)
    import io

    import numpy as np
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise read_error("too-large", f"图片太大（{img.width}×{img.height} 像素）",
                                 f"image too large ({img.width}x{img.height} pixels)", shown)
            dpi = float((img.info.get("dpi") or (_DEFAULT_DPI,))[0] or _DEFAULT_DPI)
            gray = np.asarray(img.convert("L"))
    except Image.DecompressionBombError:  # Pillow's own guard, for sizes far past ours
        raise read_error("too-large", "图片像素过多，疑似解压炸弹", "image has too many pixels (a bomb?)", shown) from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise read_error("image-corrupt", f"图片已损坏或无法识别（{type(exc).__name__}）",
                         f"damaged or unreadable image ({type(exc).__name__})", shown) from None
    from jixiao.read.layout import render
    from jixiao.read.pdf import SCAN_TOL, rows_from_pages

    if progress is not None:
        progress(0, 1)  # OCR takes seconds
    page = scan_page(gray, 1, 72.0 / max(dpi, 50.0))
    if progress is not None:
        progress(1, 1)
    if not page.chars:
        raise read_error("no-text", "图片中没有识别出文字", "no text was recognised in the image", shown)
    text, cells = render(rows_from_pages([page], SCAN_TOL))
    return Source(text, name=Path(shown).name, encoding=None, format="image",
                  sha256=Source.digest(data), size=len(data), cells=cells, pages=1,
                  warnings=("扫描件经 OCR 识别，请核对 / read from a scan by OCR; check it",))
