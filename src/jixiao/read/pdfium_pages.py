"""PDF pages through pdfium (pypdfium2): characters with their boxes, and the rules drawn as paths.

Given a PDF's bytes, yield each page's :class:`~jixiao.read.pdfgrid.PageObjects`
— the same data :mod:`jixiao.read.pdfplumber_pages` gives, read by pdfium's C++
instead of pdfminer's Python, about ten times faster. Characters come with
pdfium's *loose* boxes (the font's ascent to descent), so every character of a
printed line has the same height whatever its glyph (一 is as tall as 量).
Rules are the straight segments of path objects, form XObjects included, mapped
to page coordinates through each object's matrix.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator

from jixiao.read.files import read_error
from jixiao.read.pdfgrid import MIN_RULE, Char, PageObjects, add_box

__all__ = ["open_pages"]

_MAX_DEPTH = 8  # form XObjects nested deeper than this are not looked into (nor loops followed)
_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _compose(inner: _Matrix, outer: _Matrix) -> _Matrix:
    """The matrix applying ``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


class _Handle(ctypes.c_void_p):
    """A pdfium handle returned by a fast call: kept as a pointer (a plain ``c_void_p`` result would
    become an int, which an unchecked call passes as a 32-bit C int)."""


class _Fast:
    """pdfium's per-character and per-object functions bound without ctypes' argument types.

    pypdfium2 declares each argument's pointer type, and ctypes checks and converts every argument
    on every call: half the time of a call that reads one character's box. Called with ctypes
    values (handles as :class:`_Handle`, out-parameters by ``byref``) they need no conversion.
    """

    _RESULTS = {
        "FPDFText_GetFontSize": ctypes.c_double,
        "FPDFText_GetTextObject": ctypes.c_void_p,  # only compared: an int is enough
        "FPDFTextObj_GetText": ctypes.c_ulong,
        "FPDFTextObj_GetFont": _Handle,
        "FPDFPage_GetObject": _Handle,
        "FPDFFormObj_GetObject": _Handle,
        "FPDFPageObj_GetClipPath": _Handle,
        "FPDFClipPath_GetPathSegment": _Handle,
        "FPDFPath_GetPathSegment": _Handle,
    }
    _INTS = ("FPDFText_CountChars", "FPDFText_GetText", "FPDFText_GetUnicode", "FPDFText_GetLooseCharBox",
             "FPDFText_GetCharOrigin", "FPDFFont_GetIsEmbedded", "FPDFPage_CountObjects", "FPDFFormObj_CountObjects",
             "FPDFPageObj_GetType", "FPDFPageObj_GetMatrix", "FPDFClipPath_CountPaths",
             "FPDFClipPath_CountPathSegments", "FPDFPathSegment_GetPoint", "FPDFPathSegment_GetType",
             "FPDFPathSegment_GetClose", "FPDFPath_CountSegments")

    def __init__(self, pdfium_c) -> None:
        for name in (*self._RESULTS, *self._INTS):
            fn = ctypes.CFUNCTYPE(self._RESULTS.get(name, ctypes.c_int))(
                ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value)
            fn.argtypes = None
            setattr(self, name, fn)
        for name in ("FPDF_PAGEOBJ_TEXT", "FPDF_PAGEOBJ_PATH", "FPDF_PAGEOBJ_FORM", "FPDF_SEGMENT_MOVETO",
                     "FPDF_SEGMENT_LINETO", "FS_RECTF", "FS_MATRIX"):
            setattr(self, name, getattr(pdfium_c, name))


_FAST: list[_Fast] = []


def _fast() -> _Fast:
    if not _FAST:
        import pypdfium2.raw as pdfium_c

        _FAST.append(_Fast(pdfium_c))
    return _FAST[0]


def _text(api: _Fast, textpage, n: int) -> str | None:
    """All ``n`` characters of a text page in one call, or ``None`` when they do not map one to one
    (a character outside the BMP takes two UTF-16 units)."""
    buf = (ctypes.c_ushort * (n + 1))()
    api.FPDFText_GetText(textpage, 0, n, buf)
    text = bytes(buf)[: 2 * n].decode("utf-16-le", "replace")
    return text if len(text) == n and not _SURROGATE.search(text) else None


def _clip_box(api: _Fast, clip, paths: int, height: float) -> tuple[float, float, float, float] | None:
    """The box a clipping path of ``paths`` paths leaves visible (top-left origin), ``None`` if none.
    Each path of the clip is taken as its bounding box; the clip is where they all overlap."""
    x, y = ctypes.c_float(), ctypes.c_float()
    px, py = ctypes.byref(x), ctypes.byref(y)
    box = None
    for k in range(paths):
        xs, ys = [], []
        for i in range(max(api.FPDFClipPath_CountPathSegments(clip, k), 0)):
            seg = api.FPDFClipPath_GetPathSegment(clip, k, i)
            if seg and api.FPDFPathSegment_GetPoint(seg, px, py):
                xs.append(x.value)
                ys.append(height - y.value)
        if not xs:
            continue
        b = (min(xs), min(ys), max(xs), max(ys))
        box = b if box is None else (max(box[0], b[0]), max(box[1], b[1]), min(box[2], b[2]), min(box[3], b[3]))
    return box


#: Characters left out: spaces and line ends (often generated by pdfium) are rebuilt from the gaps.
_BLANK = frozenset((0xA0, 0x3000, 0xFFFD, 0xFFFF))
_SKIPPED = frozenset(chr(code) for code in (*range(33), *_BLANK) if code != 2)
#: pdfium marks a hyphen at a line's end as a possible soft hyphen; it was printed
_HYPHEN = str.maketrans({"\x02": "-", "\ufffe": "-"})


def _printed(api: _Fast, textpage, n: int) -> list[tuple[int, str]]:
    """The index and character of each of a text page's ``n`` characters that is printed (no blank)."""
    text = _text(api, textpage, n) if n > 0 else ""
    if text is not None:  # no surrogates in it: _text made sure
        return [(i, ch) for i, ch in enumerate(text.translate(_HYPHEN)) if ch not in _SKIPPED]
    out = []
    for i in range(n):
        code = api.FPDFText_GetUnicode(textpage, i)
        if code in (2, 0xFFFE):
            code = 0x2D
        if not (code <= 32 or code in _BLANK or 0xD800 <= code <= 0xDFFF):
            out.append((i, chr(code)))
    return out


def _chars(api: _Fast, textpage, height: float, clips: dict | None = None) -> list[Char]:
    """The characters of a text page; a character its object's clipping path hides is left out (a
    spreadsheet prints a merged cell's text once on each page it spans, hidden outside the part there)."""
    rect = api.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    prect, pox, poy = ctypes.byref(rect), ctypes.byref(ox), ctypes.byref(oy)
    loose_box, font_size, origin = api.FPDFText_GetLooseCharBox, api.FPDFText_GetFontSize, api.FPDFText_GetCharOrigin
    text_object = api.FPDFText_GetTextObject
    out = []
    append = out.append
    for i, ch in _printed(api, textpage, api.FPDFText_CountChars(textpage)):
        if not loose_box(textpage, i, prect):
            continue
        left, right = rect.left, rect.right
        # Height from the baseline and the font size, not from the font's ascent and descent: text in
        # a fallback font (brackets, digits) then sits on the same line as the hanzi around it.
        size = font_size(textpage, i) or (rect.top - rect.bottom)
        base = height - oy.value if origin(textpage, i, pox, poy) else height - rect.bottom
        if clips:
            box = clips.get(text_object(textpage, i))
            if box is not None:
                x, y = (left + right) / 2, height - (rect.top + rect.bottom) / 2
                if not (box[0] - 1 <= x <= box[2] + 1 and box[1] - 1 <= y <= box[3] + 1):
                    continue
        append(Char(ch, left, base - 0.8 * size, right, base + 0.2 * size))
    return out


def _path_rules(api: _Fast, obj, m: _Matrix, height: float, h: list, v: list) -> None:
    """Add the straight, axis-parallel segments of one path object (boxes as boxes) to the rules."""
    a, b, c, d, e, f = m
    points: list[list[tuple[float, float]]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    px, py = ctypes.byref(x), ctypes.byref(y)
    moveto, lineto = api.FPDF_SEGMENT_MOVETO, api.FPDF_SEGMENT_LINETO
    for k in range(api.FPDFPath_CountSegments(obj)):
        seg = api.FPDFPath_GetPathSegment(obj, k)
        kind = api.FPDFPathSegment_GetType(seg)
        api.FPDFPathSegment_GetPoint(seg, px, py)
        pt = (a * x.value + c * y.value + e, height - (b * x.value + d * y.value + f))
        if kind == moveto or not points:
            points.append([pt])
        elif kind == lineto:
            points[-1].append(pt)
        else:  # a curve: round corners or a drawing, never a table rule; start afresh after it
            points.append([pt])
        if api.FPDFPathSegment_GetClose(seg) and len(points[-1]) > 1:
            points[-1].append(points[-1][0])
    for sub in points:
        xs, ys = [p[0] for p in sub], [p[1] for p in sub]
        if len(sub) in (4, 5) and len({round(p, 1) for p in xs}) == 2 and len({round(p, 1) for p in ys}) == 2:
            add_box(min(xs), min(ys), max(xs), max(ys), h, v)  # a rectangle: a border, a thin box, a cell
            continue
        for (x0, y0), (x1, y1) in zip(sub, sub[1:], strict=False):
            if abs(y1 - y0) < 0.5 and abs(x1 - x0) >= MIN_RULE:
                h.append((y0, min(x0, x1), max(x0, x1)))
            elif abs(x1 - x0) < 0.5 and abs(y1 - y0) >= MIN_RULE:
                v.append((x0, min(y0, y1), max(y0, y1)))


class _Walk:
    """Rules, the clip of each text object on the page itself, and unreadable text objects, gathered
    from a page's objects, form XObjects included (a form's objects are clipped in the form's own
    space: their clips are not looked at)."""

    def __init__(self, api: _Fast, textpage, height: float) -> None:
        self.c, self.textpage, self.height = api, textpage, height
        self.h: list[tuple[float, float, float]] = []
        self.v: list[tuple[float, float, float]] = []
        self.clips: dict[int, tuple[float, float, float, float]] = {}
        self.fonts: dict[int | None, bool] = {}
        self.lost = 0

    def objects(self, objects, m: _Matrix, depth: int = 0) -> None:
        c, fonts = self.c, self.fonts
        fm = c.FS_MATRIX()
        pfm = ctypes.byref(fm)
        for obj in objects:
            kind = c.FPDFPageObj_GetType(obj)
            if kind == c.FPDF_PAGEOBJ_TEXT:
                if depth == 0:
                    # most text objects carry a clip handle with no path (CountPaths -1): not clipped
                    clip = c.FPDFPageObj_GetClipPath(obj)
                    paths = c.FPDFClipPath_CountPaths(clip) if clip else 0
                    box = _clip_box(c, clip, paths, self.height) if paths > 0 else None
                    if box is not None:
                        self.clips[obj.value] = box
                # pdfium maps no text for some strings in a font the file does not embed (a one-character
                # string in a predefined CJK CMap, for one); pdfminer does: the caller rereads with it.
                # The font first (asked once per font): asking for an object's text searches all of
                # the page's characters.
                font = c.FPDFTextObj_GetFont(obj)
                embedded = fonts.get(font.value)
                if embedded is None:
                    embedded = fonts[font.value] = bool(c.FPDFFont_GetIsEmbedded(font))
                if not embedded and c.FPDFTextObj_GetText(obj, self.textpage, None, 0) <= 2:
                    self.lost += 1
                continue
            if kind not in (c.FPDF_PAGEOBJ_PATH, c.FPDF_PAGEOBJ_FORM):
                continue
            own = (fm.a, fm.b, fm.c, fm.d, fm.e, fm.f) if c.FPDFPageObj_GetMatrix(obj, pfm) else _IDENTITY
            if kind == c.FPDF_PAGEOBJ_PATH:
                _path_rules(c, obj, _compose(own, m), self.height, self.h, self.v)
            elif depth < _MAX_DEPTH:
                n = c.FPDFFormObj_CountObjects(obj)
                self.objects((c.FPDFFormObj_GetObject(obj, i) for i in range(n)), _compose(own, m), depth + 1)


def page_objects(pdf, index: int) -> PageObjects:
    """Given an open pdfium document and a page index, return the page's characters and rules."""
    api = _fast()
    page = pdf[index]
    try:
        height = page.get_height()
        textpage = page.get_textpage()
        try:
            tp, raw = _Handle(ctypes.cast(textpage.raw, ctypes.c_void_p).value), _Handle(
                ctypes.cast(page.raw, ctypes.c_void_p).value)
            walk = _Walk(api, tp, height)
            n = api.FPDFPage_CountObjects(raw)
            walk.objects((api.FPDFPage_GetObject(raw, i) for i in range(n)), _IDENTITY)
            chars = _chars(api, tp, height, walk.clips)
        finally:
            textpage.close()
        return PageObjects(index + 1, chars, walk.h, walk.v, walk.lost)
    finally:
        page.close()


class Pages:
    """An open PDF: its page count, and its pages read one at a time (each closed once read)."""

    def __init__(self, pdf) -> None:
        self._pdf = pdf
        self.count = len(pdf)

    def __iter__(self) -> Iterator[tuple[int, PageObjects | Exception]]:
        for i in range(self.count):
            try:
                yield i + 1, page_objects(self._pdf, i)
            except Exception as exc:  # pdfium could not load the page: the caller skips it
                yield i + 1, exc

    def close(self) -> None:
        self._pdf.close()


def open_pages(data: bytes, name: str | None) -> Pages:
    """Given a PDF's bytes, return its :class:`Pages`, or raise ``ReadError`` (encrypted, damaged)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        return Pages(pdfium.PdfDocument(data))
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise read_error("pdf-encrypted", "PDF 已加密，需要密码才能打开",
                             "the PDF is encrypted (password needed)", name) from None
        raise read_error("pdf-corrupt", "PDF 文件已损坏或不完整，无法打开",
                         "damaged or truncated PDF (cannot be opened)", name) from None
