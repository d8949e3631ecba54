"""Indicator cells written in neither standard grammar: the fallback when
:func:`.indicators.parse_indicators` finds no numbered item in a cell.

Three ways tables write them, each recognised by its labels, level words and
separators, never by content::

    一级指标：产出指标；二级指标：数量指标；三级指标：培训人数；指标值：≥100人。   (labelled)
    （1）产出指标 数量指标 完成课题数 2项（2）效益指标 …                        (numbered in brackets)
    ①培训人数≥100人；②学员满意度≥90%                                          (numbered in circles)
    产出指标：数量指标：培训人数：≥100人；质量指标：合格率：≥95%               (nested under level words)
    产出指标-数量指标-培训人数：≥100人↵质量指标-合格率：≥95%                   (the same, joined by dashes)
    产出指标：培训人数≥100人；满意度指标：学员满意度≥90%                       (a level, then name and value)

A level printed once for its group carries on to the items after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Indicator
from .indicators import GLUED_VALUE_RE, ParsedIndicators
from .mtext import MText
from .values import parse_target
from .vocab import LEVEL_WORD_RE, is_level1, is_level2, squash

__all__ = ["parse_loose_indicators"]

_FIELD_LABEL_RE = re.compile(r"(一级指标|二级指标|三级指标|指标名称|实施周期指标值|年度指标值|指标值)\s*[:：]")
_FIELD_OF_LABEL = {"一级指标": "level1", "二级指标": "level2", "三级指标": "name", "指标名称": "name",
                   "实施周期指标值": "period_value", "年度指标值": "annual_value", "指标值": "annual_value"}
_BRACKET_NUMBER_RE = re.compile(r"[（(]\s*(\d{1,3})\s*[)）]|([\u2460-\u2473])")  # (1) （1） ①…⑳
_SEGMENT_RE = re.compile(r"[；;。\n]+")
_PART_RE = re.compile(r"\s*[：:]\s*")
_TOKEN_RE = re.compile(r"[ \t\u3000]+|\s*[-－—/：:]\s*")
_CODE_RE = re.compile(r"^(\d{1,3})\s*[-－—.、]?\s*(?=\D)")
_TRIM = "；;，,。、 \t\n\u3000"
# "产出指标-数量指标-名称：值": level words joined to the name by dashes
_DASHED_LEVEL_RE = re.compile(rf"\s*(?P<level>(?:\d{{1,3}}\s*[-－—]?\s*)?(?:{LEVEL_WORD_RE}))\s*[-－—]\s*")


@dataclass
class _Levels:
    """The 一级/二级 in force: an item that prints none belongs to the group above it."""

    level1: MText | None = None
    level2: MText | None = None


def parse_loose_indicators(block: MText) -> ParsedIndicators:
    """Indicators of a cell in one of the loose grammars, or none when it is in none of them."""
    out = ParsedIndicators()
    if len(_FIELD_LABEL_RE.findall(block.s)) >= 2:
        _labelled(block, out)
    elif _numbered_in_brackets(block):
        _bracket_items(block, out)
    else:
        _nested(block, out)
    return out


def _indicator(seq: int, levels: _Levels, name: MText | None, values: dict[str, MText]) -> Indicator:
    ind = Indicator(seq=seq)
    for key, mt in (("level1", levels.level1), ("level2", levels.level2)):
        if mt is None:
            continue
        code = _CODE_RE.match(mt.s)
        word = mt.slice(code.end()).strip(_TRIM) if code else mt
        setattr(ind, key, word.s)
        ind.spans[key] = word.spans()
        if code:
            setattr(ind, key + "_code", code.group(1))
            ind.spans[key + "_code"] = mt.spans(code.start(1), code.end(1))
    if name is not None and name.s:
        ind.name = name.s
        ind.spans["name"] = name.spans()
    for key, mt in values.items():
        if mt.s:
            setattr(ind, key, mt.s)
            ind.spans[key] = mt.spans()
    ind.annual_target = parse_target(ind.annual_value)
    ind.period_target = parse_target(ind.period_value)
    return ind


def _level_word(mt: MText) -> str | None:
    """"level1" / "level2" when the text is a level word (with or without its code)."""
    code = _CODE_RE.match(mt.s)
    word = squash(mt.s[code.end():] if code else mt.s)
    if is_level1(word):
        return "level1"
    if is_level2(word):
        return "level2"
    return None


# -- 一级指标：…；二级指标：…；三级指标：…；指标值：… ---------------------------------


def _labelled(block: MText, out: ParsedIndicators) -> None:
    s = block.s
    marks = list(_FIELD_LABEL_RE.finditer(s))
    levels = _Levels()
    item: dict[str, MText] = {}
    item_start = marks[0].start()

    def close(end: int) -> None:
        nonlocal item
        if "name" in item or "annual_value" in item:
            name = item.pop("name", None)
            out.indicators.append(_indicator(len(out.indicators) + 1, levels, name, item))
            out.syntax.extend(block.spans(item_start, end))
        item = {}

    for k, m in enumerate(marks):
        key = _FIELD_OF_LABEL[m.group(1)]
        end = marks[k + 1].start() if k + 1 < len(marks) else len(s)
        value = block.slice(m.end(), end).strip(_TRIM)
        # a new item starts at its 一级指标, or at a field the open item already has
        if key == "level1" or key in item or (key == "level2" and ("name" in item or "annual_value" in item)):
            close(m.start())
            item_start = m.start()
        if key == "level1":
            levels.level1, levels.level2 = value, None
        elif key == "level2":
            levels.level2 = value
        else:
            item[key] = value
    close(len(s))


# -- （1）产出指标 数量指标 名称 值 ------------------------------------------------------


def _bracket_number(m: re.Match[str]) -> int:
    return int(m.group(1)) if m.group(1) else ord(m.group(2)) - 0x245F


def _numbered_in_brackets(block: MText) -> bool:
    numbers = [_bracket_number(m) for m in _BRACKET_NUMBER_RE.finditer(block.s)]
    return len(numbers) >= 2 and numbers[:2] == [1, 2]


def _bracket_items(block: MText, out: ParsedIndicators) -> None:
    s = block.s
    starts: list[re.Match[str]] = []
    for m in _BRACKET_NUMBER_RE.finditer(s):
        if _bracket_number(m) == len(starts) + 1:
            starts.append(m)
    levels = _Levels()
    for k, m in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else len(s)
        body = block.slice(m.end(), end).strip(_TRIM)
        name, value = _body_fields(body, levels)
        number = 1 if m.group(1) else 2
        ind = _indicator(_bracket_number(m), levels, name, {"annual_value": value} if value else {})
        ind.spans["seq"] = block.spans(m.start(number), m.end(number))
        out.indicators.append(ind)
        out.syntax.extend(block.spans(m.start(), end))


def _body_fields(body: MText, levels: _Levels) -> tuple[MText | None, MText | None]:
    """An item's level words, name and value: "产出指标 数量指标 完成课题数 2项",
    "产出指标-数量指标-数字化页数：≥10万页"."""
    colon = re.search(r"[:：]", body.s)
    head, value = (body.slice(0, colon.start()), body.slice(colon.end()).strip(_TRIM)) if colon else (body, None)
    tokens = [t for t in head.split_re(_TOKEN_RE) if t.s.strip(_TRIM)]
    # a level word only while a name (and a value) remain after it: "满意度 ≥90%" names its indicator
    while len(tokens) > (1 if value is not None else 2) and (kind := _level_word(tokens[0])):
        if kind == "level1":
            levels.level1, levels.level2 = tokens.pop(0), None
        else:
            levels.level2 = tokens.pop(0)
    if value is None and len(tokens) >= 2:
        value = tokens.pop()
    name = MText.join(tokens, " ") if tokens else None
    if value is None and name is not None:
        name, value = _split_glued_value(name)
    return name, value


def _split_glued_value(text: MText) -> tuple[MText, MText | None]:
    """"培训人数≥100人" → name and value, told apart by the value's comparator; else the text unsplit."""
    m = GLUED_VALUE_RE.search(text.s, 1)
    if m is None:
        return text, None
    return text.slice(0, m.start()).strip(_TRIM), text.slice(m.start()).strip(_TRIM)


# -- 产出指标：数量指标：名称：值；… --------------------------------------------------


def _part_bounds(s: str) -> list[tuple[int, int]]:
    """``[a, b)`` of the parts of ``s`` between colons."""
    bounds, pos = [], 0
    for m in _PART_RE.finditer(s):
        bounds.append((pos, m.start()))
        pos = m.end()
    bounds.append((pos, len(s)))
    return bounds


def _split_dashed_levels(s: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The first part's leading level words, each a part of its own: "产出指标-数量指标-名称"."""
    if not bounds:
        return bounds
    a, b = bounds[0]
    levels = []
    while (m := _DASHED_LEVEL_RE.match(s, a, b)) is not None and m.end() < b:
        levels.append(m.span("level"))
        a = m.end()
    return [*levels, (a, b), *bounds[1:]] if levels else bounds


def _nested(block: MText, out: ParsedIndicators) -> None:
    found: list[tuple[Indicator, int, int]] = []
    levels = _Levels()
    saw_level = False
    pos = 0
    for seg in [*_SEGMENT_RE.finditer(block.s), None]:
        end = seg.start() if seg else len(block.s)
        piece = block.slice(pos, end)
        start = pos
        pos = seg.end() if seg else end
        bounds = _split_dashed_levels(piece.s, [(a, b) for a, b in _part_bounds(piece.s) if piece.s[a:b].strip(_TRIM)])
        if len(bounds) == 2 and (kind := _level_word(piece.slice(*bounds[0]))):
            name, value = _split_glued_value(piece.slice(*bounds[1]).strip(_TRIM))
            if value is not None:
                # "产出指标：培训人数≥100人": a level word, then a name with its value run into it
                saw_level = True
                level = piece.slice(*bounds[0])
                if kind == "level1":
                    levels.level1, levels.level2 = level, None
                else:
                    levels.level2 = level
                found.append((_indicator(len(found) + 1, levels, name, {"annual_value": value}), start, end))
                continue
        while len(bounds) > 2 and (kind := _level_word(piece.slice(*bounds[0]))):
            saw_level = True
            level = piece.slice(*bounds.pop(0))
            if kind == "level1":
                levels.level1, levels.level2 = level, None
            else:
                levels.level2 = level
        if len(bounds) < 2:
            if bounds:
                return  # a piece that is no "名称：值": not this grammar
            continue
        # "名称：细目：值": the name keeps its inner colon as printed
        name = piece.slice(bounds[0][0], bounds[-2][1]).strip(_TRIM)
        value = piece.slice(*bounds[-1]).strip(_TRIM)
        found.append((_indicator(len(found) + 1, levels, name, {"annual_value": value}), start, end))
    if not saw_level:
        return  # "名称：值" alone is any labelled text, not indicators
    for ind, a, b in found:
        out.indicators.append(ind)
        out.syntax.extend(block.spans(a, b))
