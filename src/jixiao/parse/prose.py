"""Targets written as running text: a notice that sets a project's targets in
sentences under 一、产出指标 / 二、效益指标 / 三、满意度指标 instead of a table.

``数量指标：名称(≥**株)>=17600株；名称>=85；时效指标：完成及时率>=100%。``
A level name followed by ``：`` or ``，`` opens a 二级 group; items end at
``；`` or ``。``, or at a comma that follows a value; each item is a name and
the value its shape marks (a comparator and number after the name's own
``(≥**个)`` placeholder, or a qualitative word at its end). The paragraph
before the headings names the project, its money, its goal and its
responsible person in the vocabulary of such notices (实施…项目, 资金50万元,
项目总体绩效目标是：…, 项目负责人…); the signature after them names the
issuing body.
"""

from __future__ import annotations

import re

from ..model import Indicator, Issue, Project
from .form_vocab import is_value_like, level_kind
from .grid import value_start
from .lines import Line, clean_cell, is_chrome
from .mtext import MText
from .reading import FormReading
from .values import parse_target

__all__ = ["read_prose", "sentence_indicators"]

_HEADING_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十]+[)）])\s*"
                         r"(?P<word>\S{2,12}?)\s*[:：]?\s*$")
# "1.维修工程数量：50处": items numbered one per line; the number is structure
_ITEM_NUMBER_RE = re.compile(r"(?<![\d.])\d{1,2}\s*[.、．)）](?=\s*[\u4e00-\u9fff])")
_LEVEL_LABEL_RE = re.compile(r"(?P<word>[\u4e00-\u9fff、]{2,14}?(?:指标|目标)|(?<![\u4e00-\u9fff])(?:产出|效益|满意度))\s*[:：,，]")
_BARE_LEVEL1 = {"产出", "效益", "满意度"}  # "满意度：群众满意度≥85%": a 一级 written as its stem
_ITEM_END_RE = re.compile(r"[;；。]")
# a comma after a value ends an item: "≥80万元,促使…"
_VALUE_COMMA_RE = re.compile(r"(?:[<>≤≥≧≦]=?|=)\s*\d[\d.]*\s*[^\s,，;；。()（）]{0,4}(?P<comma>[,，])")
_PLACEHOLDER_END_RE = re.compile(r"[)）](?=[^()（）]*$)")
_TITLE_LABEL_RE = re.compile(r"^\s*标\s*题\s*[:：]?\s*\|?\s*(?P<title>[^|]+?)\s*\|?\s*$")
_DATE_LINE_RE = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_ISSUER_RE = re.compile(r"^\s*\S{2,30}(?:人民政府|政府|局|委员会|委|办公室|中心|厅|部|处|站|所|院)\s*$")
_FACTS = (
    ("name", re.compile(r"实施(?P<v>[^,，。;；]{4,60}?项目)[,，。]")),
    ("goal", re.compile(r"(?:项目)?(?:总体)?绩效目标(?:是|为)\s*[:：]\s*(?P<v>[^。]+。)")),
    ("项目负责人", re.compile(r"项目负责人\s*[:：]?\s*(?P<v>[\u4e00-\u9fff]{2,4})(?=[,，。;；])")),
    ("项目建设内容", re.compile(r"项目建设内容\s*[:：]\s*(?P<v>[^。]+。)")),
    ("项目内容", re.compile(r"项目内容\s*[:：]\s*(?P<v>[^。]+。)")),
)
_MONEY_RE = re.compile(r"资金(?:规模|金额|总额)?\s*[:：]?\s*(?P<v>\d+(?:\.\d+)?)\s*(?P<unit>万元|元|亿元)")
# "一、项目名称：…", "三、绩效目标：…": a notice's own numbered labels
_LABELLED_FACTS = (
    ("name", re.compile(r"项目名称\s*[:：]\s*(?P<v>[^,，;；。]{2,60})\s*$")),
    ("goal", re.compile(r"(?:年度)?绩效目标\s*[:：]\s*(?P<v>.{4,})$")),
)


def _headings(lines: list[Line]) -> list[int]:
    out = []
    for k, ln in enumerate(lines):
        m = _HEADING_RE.match(ln.text)
        if m and level_kind(m.group("word")) in ("level1", "both"):
            out.append(k)
    return out


def _value_at(s: str) -> int:
    """Where an item's value begins: after the name's own bracketed placeholder ("(≥**株)")."""
    floor = 0
    m = _PLACEHOLDER_END_RE.search(s)
    if m and ("*" in s[: m.end()] or re.search(r"[≥≤<>]", s[: m.end()])):
        floor = m.end()
    at = value_start(s, max(floor - 1, 0)) if floor else value_start(s, 0)
    return at if at >= floor else len(s)


def _items(body: MText, syntax: list) -> list[tuple[str | None, MText]]:
    """(the level name in force, the item's text) for each item of a group's sentences; the
    level names themselves go to ``syntax``."""
    out: list[tuple[str | None, MText]] = []
    level: str | None = None
    pos = 0
    s = body.s
    marks = [(m.start(), m.end(), m.group("word")) for m in _LEVEL_LABEL_RE.finditer(s)
             if level_kind(m.group("word")) or m.group("word") in _BARE_LEVEL1]
    marks.append((len(s), len(s), None))
    for start, end, word in marks:
        chunk = body.slice(pos, start)
        for piece in _split_items(chunk, syntax):
            out.append((level, piece))
        if word is not None:
            syntax.extend(body.spans(start, end))
            level = word
            out.append((word, MText.plain("")))  # a level name opens its group
        pos = end
    return out


def _split_items(chunk: MText, syntax: list) -> list[MText]:
    pieces = []
    numbered = []
    last = 0
    for m in _ITEM_NUMBER_RE.finditer(chunk.s):
        numbered.append(chunk.slice(last, m.start()))
        syntax.extend(chunk.spans(m.start(), m.end()))
        last = m.end()
    numbered.append(chunk.slice(last))
    for part in (p for piece in numbered for p in piece.split_re(_ITEM_END_RE)):
        last = 0
        for m in _VALUE_COMMA_RE.finditer(part.s):
            pieces.append(part.slice(last, m.start("comma")))
            last = m.end("comma")
        pieces.append(part.slice(last))
    return [p.strip() for p in pieces if p.strip().s]


def sentence_indicators(body: MText, level1: str | None, syntax: list, first_seq: int = 1) -> list[Indicator]:
    """The indicators of sentences such as ``数量指标：名称≥17600株；时效指标：完成及时率≥100%。``
    under the 一级 ``level1`` (a level name in the text changes it)."""
    out: list[Indicator] = []
    level2: str | None = None
    for word, item in _items(body, syntax):
        if not item.s:
            if level_kind(word) == "level1" or word in _BARE_LEVEL1:
                level1, level2 = word, None
            else:
                level2 = word
            continue
        at = _value_at(item.s)
        if at >= len(item.s) and is_value_like(item.s):
            at = 0  # "可持续影响指标，持续发展": a value with no name
        name, value = item.slice(0, at).strip().strip(":："), item.slice(at).strip()
        ind = Indicator(seq=first_seq + len(out), level1=level1, level2=level2)
        if name.s:
            ind.name = name.s
            ind.spans["name"] = name.spans()
        if value.s:
            ind.annual_value = value.s
            ind.annual_target = parse_target(value.s)
            ind.spans["annual_value"] = value.spans()
        out.append(ind)
    return out


def read_prose(lines: list[Line]) -> FormReading | None:
    """Targets written as sentences under level headings; None when the text has no such headings."""
    heads = _headings(lines)
    if len(heads) < 2:
        return None
    out = FormReading()
    proj = Project()
    level1: str | None = None
    end = len(lines)
    for k in range(heads[-1] + 1, len(lines)):
        t = lines[k].text.strip()
        if t.startswith("附件") or is_chrome(t) or _ISSUER_RE.match(t) or _DATE_LINE_RE.match(t):
            end = k
            break
    bounds = [*heads, end]
    for h, nxt in zip(bounds, bounds[1:], strict=False):
        head = clean_cell(lines[h].mtext, out.syntax).strip()
        out.syntax.extend(head.spans())
        level1 = _HEADING_RE.match(lines[h].text).group("word")
        body = MText.join_lines([clean_cell(ln.mtext, out.syntax).strip() for ln in lines[h + 1: nxt]])
        proj.indicators.extend(sentence_indicators(body, level1, out.syntax, first_seq=len(proj.indicators) + 1))
    _preamble(lines[: heads[0]], proj, out)
    if out.title is not None:
        out.syntax.extend(out.title.spans())
    _signature(lines[end:], out)
    proj.warnings.append(Issue(
        code="prose-targets",
        message="绩效指标以文字叙述写成，按句读取，请核对 / targets written as prose, read sentence by sentence",
        line=lines[heads[0]].no))
    out.projects.append(proj)
    return out


def _preamble(lines: list[Line], proj: Project, out: FormReading) -> None:
    for ln in lines:
        if m := _TITLE_LABEL_RE.match(ln.text):
            if out.title is None:
                out.title = ln.mtext.slice(m.start("title"), m.end("title"))
            continue
        mt = ln.mtext
        for key, pattern in (*_FACTS, *_LABELLED_FACTS):
            m = pattern.search(mt.s)
            if m is None:
                continue
            v = mt.slice(m.start("v"), m.end("v")).strip()
            out.syntax.extend(mt.spans(m.start(), m.start("v")))  # "项目负责人", "绩效目标是："
            if key == "name" and proj.name is None:
                proj.name, proj.spans["name"] = v.s, v.spans()
            elif key == "goal" and proj.goal is None:
                proj.goal, proj.spans["goal"] = v.s, v.spans()
            elif key not in ("name", "goal") and key not in proj.fields:
                proj.fields[key], proj.field_spans[key] = v.s, v.spans()
        if proj.amounts.total is None and (m := _MONEY_RE.search(mt.s)):
            proj.amounts.total = float(m.group("v"))
            spans = mt.spans(m.start("v"), m.end("v"))
            if spans:
                proj.amounts.spans["total"] = spans[0]
            out.amount_unit = m.group("unit")


def _signature(lines: list[Line], out: FormReading) -> None:
    """The issuing body: the line before the notice's date."""
    for k, ln in enumerate(lines):
        if _DATE_LINE_RE.match(ln.text) and k and _ISSUER_RE.match(lines[k - 1].text):
            out.department = lines[k - 1].mtext.strip()
            return

