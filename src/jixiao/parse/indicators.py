"""Numbered indicator text → :class:`Indicator` list.

Both grammars of the published summary tables::

    1、满意度指标：用户满意度，年度指标值：100%。
    1、1-产出指标；12-质量指标；服务质量；实施周期指标值：良好以上；年度指标值：良好以上。

with ASCII or full-width ``；：``, values missing, ``年度指标值>90%`` with no
colon, an indicator whose name is itself ``年度指标值``, and words broken
mid-line (the caller joins the lines first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import Indicator, Span, SpanMap
from .mtext import MText
from .trusted import trusted
from .values import parse_target
from .vocab import LEVEL1_WORDS, LEVEL_WORD_RE, squash

__all__ = ["TRUNCATED", "ParsedIndicators", "find_indicator_start", "parse_indicator", "parse_indicators"]

_SEP = "；;，,：:、。 \t\n\u3000"
# A candidate item number: "1、", "2.", "3．" (not the "2.0" of a version number: a head must follow).
# Written \d\d{0,2}, not \d{1,3}: a pattern that starts with a character class lets the regex
# engine skip to the next digit when searching; one that starts with a repeat is tried at every
# character of the cell (twice as slow).
_SEQ_RE = re.compile(r"(\d\d{0,2})\s*[、.．]\s*")
# the dash between code and word is optional: OCR loses it ("14成本指标")
_HEAD_PART_RE = re.compile(
    # "产出指标-数量指标-名称": a dash or slash after a level word separates too (not before a code)
    rf"\s*(?:(?P<code>\d{{1,3}})\s*[-－—]?\s*)?(?P<word>{LEVEL_WORD_RE})\s*"
    rf"(?P<sep>[；;：:，,]|[-－—/](?!\s*\d)|(?=\d{{1,3}}\s*[-－—]))\s*"
)
# a 一级 word run into the name after it (a CJK character, not 值 of "满意度指标值", not a level word)
_GLUED_HEAD_RE = re.compile(
    rf"\s*(?:(?P<code>(?!)))?(?P<word>{'|'.join(sorted(LEVEL1_WORDS, key=len, reverse=True))})"
    rf"(?=[\u4e00-\u9fff])(?!值|{LEVEL_WORD_RE})"
)
_HEAD_START_RE = re.compile(rf"\s*(?:\d{{1,3}}\s*[-－—]?\s*)?(?:{LEVEL_WORD_RE})")
_LABEL_RE = re.compile(
    r"(?P<label>实施周期指标值|年度指标值|中期指标值|长期指标值|年度目标值|指标值|目标值)"
    r"\s*(?:[：:]\s*|(?=[<>≤≥＜＞=≧≦]))"
    # OCR loses the colon; the two long labels are still labels before a value
    r"|(?P<bare>实施周期指标值|年度指标值)(?=[^\s；;，,。：:])"
)
_TRUNCATED_LABEL_RE = re.compile(r"[；;，,]\s*(?:实施周期指?标?值?|年度指?标?值?|实施周?期?)$")
# what a text that _TRUNCATED_LABEL_RE matches can end with (``$`` also matches before a final newline)
_CUT_LAST = frozenset("施周期指标值度\n")
_COLON_RE = re.compile(r"[：:]")
GLUED_VALUE_RE = re.compile(r"(?:[≥≤＞＜<>≧≦]=?|不低于|不少于|不高于|不超过|不大于|不小于|大于|小于|低于|高于)\s*\d[^；;，,]*$")
#: key in Indicator.extra marking text cut off inside a label (an excerpt ending mid-table)
TRUNCATED = "截断"
# Tables repeat their values (100%, 良好以上, the period value beside an equal annual one);
# a Target is a value object, so equal texts share one.
_target = lru_cache(maxsize=8192)(parse_target)
_LABEL_FIELD = {
    "实施周期指标值": "period_value",
    "年度指标值": "annual_value",
    "年度目标值": "annual_value",
    "指标值": "annual_value",
    "目标值": "annual_value",
}
_ITEM_BOUNDARY = set("。；;.．!！?？ \t\n\u3000)）")
_LEVEL1_SET = {squash(w) for w in LEVEL1_WORDS}
# Tables repeat their level words, codes, values and often names: equal texts of indicators share
# one string (~250 bytes an indicator less on the synthetic tables). A bounded dict of its own, not
# sys.intern, whose strings Python 3.12 never frees.
_TEXTS: dict[str, str] = {}
_TEXTS_KEPT = 8192
# an Indicator's fields in declared order, all defaulting to None but extra and spans
_INDICATOR_FIELDS = dict.fromkeys(Indicator.model_fields)


def _indicator(fields: dict, spans: SpanMap, extra: dict[str, str]) -> Indicator:
    """What ``Indicator(**fields)`` builds, then ``spans`` and ``extra`` assigned (see :mod:`.trusted`)."""
    d = _INDICATOR_FIELDS.copy()
    if len(_TEXTS) > _TEXTS_KEPT:
        _TEXTS.clear()
    shared = _TEXTS.setdefault
    for key, value in fields.items():
        d[key] = shared(value, value) if type(value) is str else value
    d["extra"] = extra
    d["spans"] = spans
    return trusted(Indicator, d, _fields_set(fields, extra))


# fields-set of an indicator, by the keys of its fields (and whether it has extra texts): a few
# dozen shapes per document, so indicators share one frozenset each (Indicator.__setattr__ copies it)
_FIELDS_SETS: dict[tuple, frozenset[str]] = {}


def _fields_set(fields: dict, extra: dict[str, str]) -> frozenset[str]:
    shape = (*fields, bool(extra))
    fs = _FIELDS_SETS.get(shape)
    if fs is None:
        fs = frozenset({*fields, "spans", "extra"} if extra else {*fields, "spans"})
        if len(_FIELDS_SETS) < 4096:  # a bound on what is kept, never reached by real tables
            _FIELDS_SETS[shape] = fs
    return fs


@dataclass
class ParsedIndicators:
    indicators: list[Indicator] = field(default_factory=list)
    #: spans of numbering, separators and labels: structure, not residue
    syntax: list[Span] = field(default_factory=list)


def _item_starts(s: str, *, need_head: bool) -> list[re.Match[str]]:
    """Item numbers in order: each at a boundary, each one more than the last.

    When the next number is not found as written, an OCR'd form of it is taken if a head
    follows: its "、" read as "：" or a space, or lost ("42-效益指标" is item 4, code 2).
    """
    starts: list[re.Match[str]] = []
    pos = 0
    while True:
        m = _next_start(s, pos, starts, need_head)
        if m is None and starts:
            m = _ocr_start(s, pos, int(starts[-1].group(1)) + 1)
        if m is None:
            return starts
        starts.append(m)
        pos = m.end()


def _next_start(s: str, pos: int, starts: list[re.Match[str]], need_head: bool) -> re.Match[str] | None:
    for m in _SEQ_RE.finditer(s, pos):
        i = m.start()
        n = int(m.group(1))
        if starts and n != int(starts[-1].group(1)) + 1:
            continue
        # OCR drops the small "。" before an item number; the next number with a head after it is
        # still an item ("…按照任务书完成5、产出指标：…")
        if i > 0 and s[i - 1] not in _ITEM_BOUNDARY and not (starts and _HEAD_START_RE.match(s, m.end())):
            continue
        if need_head and not _HEAD_START_RE.match(s, m.end()):
            continue
        if not starts and not need_head and n != 1:
            continue
        return m
    return None


@lru_cache(maxsize=256)
def _ocr_number_re(n: int) -> re.Pattern[str]:
    return re.compile(rf"(?<!\d)({n})[：:，, \u3000]?")


def _ocr_start(s: str, pos: int, n: int) -> re.Match[str] | None:
    for m in _ocr_number_re(n).finditer(s, pos):
        if _HEAD_START_RE.match(s, m.end()):
            return m
    return None


def find_indicator_start(s: str) -> int | None:
    """Offset where numbered indicators begin in ``s`` (``1、产出指标…``), or None."""
    for m in _SEQ_RE.finditer(s):
        i = m.start()
        if (i == 0 or s[i - 1] in _ITEM_BOUNDARY) and _HEAD_START_RE.match(s, m.end()):
            return i
    return None


def _bounds(s: str, a: int, b: int) -> tuple[int, int]:
    """``[a, b)`` without the separators at either end."""
    while a < b and s[a] in _SEP:
        a += 1
    while b > a and s[b - 1] in _SEP:
        b -= 1
    return a, b


def parse_indicator(item: MText, seq: int | None = None) -> Indicator:
    """One indicator's text (after its number) → Indicator with spans."""
    fields, ranges, extra = _read_item(item.s, 0, len(item.s))
    fields["seq"] = seq
    return _indicator(fields, _spans_of(item, 0, len(item.s), ranges), extra)


def _shift(text: MText, a: int, b: int) -> int | None:
    """``source offset - text offset`` when ``text.s[a:b]`` comes from one run of the source, else None.

    Within one run a field's spans are one span moved by this much; most items lie in one run
    (every item of a tab-separated cell), so their fields skip the run look-up of :meth:`MText.spans`.
    """
    runs = text.runs
    if not runs or a >= b:
        return None
    t0, s0, m = runs[text._run_at(a)]
    return s0 - t0 if t0 <= a and b <= t0 + m else None


def _spans_of(text: MText, a: int, b: int, ranges: list[tuple[str, int, int]]) -> SpanMap:
    """Field → its spans, for fields at ``ranges`` of ``text`` inside ``[a, b)``."""
    keys = tuple([r[0] for r in ranges])
    flat: list[int] = []
    shift = _shift(text, a, b)
    if shift is not None:
        for _, x, y in ranges:
            flat += (1, x + shift, y + shift)
        return SpanMap.of_flat(keys, flat)
    # An item of a wrapped cell crosses a line or two: its few runs are looked up once, and a field
    # inside one of them (most are) is moved by that run's shift.
    runs = text.runs[text._run_at(a):text._run_at(b) + 1]
    for _, x, y in ranges:
        for t0, s0, m in runs:
            if t0 <= x and y <= t0 + m:
                flat += (1, x + s0 - t0, y + s0 - t0)
                break
        else:
            spans = text.spans(x, y)
            flat.append(len(spans))
            for span in spans:
                flat += span
    return SpanMap.of_flat(keys, flat)


def _coded_head(s: str, pos: int, stop: int) -> bool:
    """A level word with its code starts at ``pos`` ("12-质量指标；"): no name is written so, so a colon
    before it stood for a semicolon (OCR reads one as the other)."""
    m = _HEAD_PART_RE.match(s, pos, stop)
    return m is not None and m.group("code") is not None


def _read_item(s: str, start: int, stop: int) -> tuple[dict, list[tuple[str, int, int]], dict[str, str]]:
    """The indicator written in ``s[start:stop]`` → its fields, their ranges in ``s``, its extra texts.

    Works on offsets into ``s`` (the patterns take ``pos``/``endpos``; none looks behind
    ``pos``), and the caller maps the ranges back to the source all at once: this runs once
    per indicator, thousands of times a second, and a cell's items are not sliced out of it.
    """
    kw: dict = {}
    ranges: list[tuple[str, int, int]] = []
    extra: dict[str, str] = {}
    pos = start
    parts: list[re.Match[str]] = []
    while len(parts) < 2:
        m = _HEAD_PART_RE.match(s, pos, stop)
        if not m:
            break
        # "满意度指标：用户满意度" has one head part; so does "产出指标：服务质量".
        if parts and not s[m.end():stop].strip(_SEP):
            break
        parts.append(m)
        pos = m.end()
        if m.group("sep") in ("：", ":") and not _coded_head(s, pos, stop):
            break  # "产出指标：<name>" — what follows a colon is the name
    if not parts and (m := _GLUED_HEAD_RE.match(s, pos, stop)) and _LABEL_RE.search(s, m.end(), stop):
        # "产出指标项目覆盖教师数，年度指标值：…": OCR lost the colon after the 一级 word
        parts.append(m)
        pos = m.end()
    for k, m in enumerate(parts):
        code, word = m.group("code", "word")
        as_level2 = k == 1 or (code is not None and len(code) >= 2) or (
            k == 0 and len(parts) == 1 and squash(word) not in _LEVEL1_SET and code is None
        )
        key = "level2" if as_level2 else "level1"
        kw[key] = word
        ranges.append((key, *m.span("word")))
        if code is not None:
            kw[key + "_code"] = code
            ranges.append((key + "_code", *m.span("code")))
    end = stop
    # an excerpt cut inside a label ("…；实施周期指标"): the fragment is not part of the name
    cut = _TRUNCATED_LABEL_RE.search(s, pos, stop) if stop > pos and s[stop - 1] in _CUT_LAST else None
    if cut:
        end = cut.start()
        extra[TRUNCATED] = "指标文字在标签处截断 / text cut inside a label"
    labels = list(_LABEL_RE.finditer(s, pos, end))
    na, nb = _bounds(s, pos, labels[0].start() if labels else end)
    if not labels:
        # "培训人数：不少于300人" — name and value split by the first colon
        m = _COLON_RE.search(s, na, nb)
        if m:
            va, vb = _bounds(s, m.end(), nb)
            if va < vb:
                kw["annual_value"] = s[va:vb]
                ranges.append(("annual_value", va, vb))
            na, nb = _bounds(s, na, m.start())
    if not labels and "annual_value" not in kw and (glued := GLUED_VALUE_RE.search(s, na + 1, nb)):
        # "培训人数≥100人": a value run into its name, told by its comparator
        kw["annual_value"] = s[glued.start():nb]
        ranges.append(("annual_value", glued.start(), nb))
        na, nb = _bounds(s, na, glued.start())
    if na < nb:
        kw["name"] = s[na:nb]
        ranges.append(("name", na, nb))
    for k, lab in enumerate(labels):
        va, vb = _bounds(s, lab.end(), labels[k + 1].start() if k + 1 < len(labels) else end)
        label = lab.group("label") or lab.group("bare")
        key = _LABEL_FIELD.get(label)
        if key is None or key in kw:
            if va < vb:
                extra[label] = s[va:vb]
            continue
        if va < vb:
            kw[key] = s[va:vb]
            ranges.append((key, va, vb))
    kw["annual_target"] = _target(kw.get("annual_value"))
    kw["period_target"] = _target(kw.get("period_value"))
    return kw, ranges, extra


def parse_indicators(block: MText) -> ParsedIndicators:
    """A cell of numbered indicators → indicators in printed order."""
    out = ParsedIndicators()
    s = block.s
    starts = _item_starts(s, need_head=True)
    if not starts:
        starts = _item_starts(s, need_head=False)
    if not starts:
        return out
    for k, m in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else len(s)
        fields, ranges, extra = _read_item(s, m.end(), end)
        fields["seq"] = int(m.group(1))
        ranges.append(("seq", *m.span(1)))
        out.indicators.append(_indicator(fields, _spans_of(block, m.start(), end, ranges), extra))
        out.syntax.extend(block.spans(m.start(), end))
    return out
