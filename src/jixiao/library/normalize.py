"""Indicator names and categories reduced to what they measure.

Tables spell one indicator many ways: numbered (``指标1：``, ``①``, ``(1)``,
``1、``), starred as core indicators (``★``), with the template's placeholder
left in (``游客满意度(≥**%)``, ``受益人口数≥**人``), a unit or an aside in
brackets (``验收合格率（%）``, ``受益脱贫(监测)人口数``), with or without
``的``. :func:`name_key` takes all of that out, so that spellings of one
measure meet on one key; :mod:`jixiao.library.group` then joins keys that
are merely similar.

The 一级/二级 come from the review's reading of printed labels and codes
(``review.text.category``), so the library and the rules agree on what a
产出/数量 indicator is.
"""

from __future__ import annotations

import re
import unicodedata

from ..review.text import L2_PARENT, category

__all__ = ["Bucket", "bucket", "name_key"]

#: (canonical 一级, canonical 二级): where an indicator is grouped; either may be None
Bucket = tuple[str | None, str | None]

_SPACE = re.compile(r"\s+")
# Numbering in front: 指标1:  ①  (1)  1、  1.  一、  and catalogue codes such as 222064102-
_NUMBERING = re.compile(
    r"^(?:指标\s*\d+\s*[:：]?|[(（]\s*[\d一二三四五六七八九十]+\s*[)）]"
    r"|\d{1,2}\s*[、.．:：](?!\d)|[一二三四五六七八九十]+\s*[、.．]|\d{5,}\s*[-－—])"
)
_CIRCLED = re.compile(r"^[\u2460-\u2473\u2776-\u277f\u3251-\u325f]")
_MARKS = re.compile(r"[★☆*＊※◆●▲■]")
_BRACKETED = re.compile(r"[(（\[【〔][^()（）\[\]【】〔〕]{0,24}[)）\]】〕]")
# What a template left for the writer to fill, or the writer's value repeated after the name:
# 受益人口数≥**人 (the stars are gone by now: ≥人), 质量达标率100%, 满意度≥90%
_TRAILING_VALUE = re.compile(r"(?:[≥≤<>=≧≦]+\s*\d*(?:\.\d+)?\s*\S{0,3}|\d+(?:\.\d+)?\s*[%％﹪])$")
_PUNCT = re.compile(r"[\W_]+")
# 的 joins words without changing the measure: 服务对象的满意度, 系统的用户数
_DE = re.compile("的")
_SUFFIX = re.compile("(?:指标|情况)$")


def name_key(name: str | None) -> str:
    """The key of an indicator name: what is left when spelling is taken out (``""`` for no name)."""
    if not name:
        return ""
    # circled numbers first: NFKC would turn ① into a plain 1, which could be part of the name
    s = _SPACE.sub("", unicodedata.normalize("NFKC", _CIRCLED.sub("", name.lstrip())))
    for _ in range(2):  # 指标1：①… numbering can come twice
        s = _NUMBERING.sub("", s)
    s = _MARKS.sub("", s)
    while True:  # nested brackets go from the inside out
        t = _BRACKETED.sub("", s)
        if t == s:
            break
        s = t
    s = _TRAILING_VALUE.sub("", s)
    s = _PUNCT.sub("", s)
    s = _DE.sub("", s)
    stripped = _SUFFIX.sub("", s)
    return (stripped or s).lower()


_LABEL_NOISE = re.compile(r"[(（]?\d+\s*[-－~～]\s*\d+\s*[)）]?\s*分|[(（][^()（）]*[)）]|[\s\W_]+")
_LABEL_SUFFIX = re.compile("(?:指标|目标)$")


def _label(text: str | None) -> str | None:
    """A printed 一级/二级 label without score ranges, asides and the 指标/目标 suffix."""
    if not text:
        return None
    s = _LABEL_NOISE.sub("", unicodedata.normalize("NFKC", text))
    s = _LABEL_SUFFIX.sub("", s)
    return s or None


_L1_EXTRA = {"项目效益": "效益", "预期效果": "效益", "项目产出": "产出"}
_L2_EXTRA = {"社会经济生态效益": "社会效益", "预算控制": "成本", "工期": "时效", "形象进度": "时效",
             "建筑规模": "数量", "社会公众满意度": "服务对象满意度"}


def bucket(level1: str | None, level2: str | None, code1: str | None = None, code2: str | None = None) -> Bucket:
    """The canonical (一级, 二级) an indicator is grouped within.

    Known labels and codes read as the review reads them; other labels are
    cleaned (score ranges, ``(或…)`` asides, the 指标 suffix out) and kept
    as printed, so that an odd template still groups with itself. A
    满意度 indicator with no 二级 is a 服务对象满意度 one: the only kind there is.
    """
    cat = category[(level1, code1, level2, code2)]
    l2 = cat.l2
    if l2 is None and level2:
        cleaned = _label(level2)
        l2 = category[(None, None, cleaned, None)].l2 or _L2_EXTRA.get(cleaned or "", cleaned)
    # a known 二级 says its 一级: 社会公众或服务对象满意度 printed under 效益 is still 满意度
    l1 = L2_PARENT.get(l2 or "") or cat.l1
    if l1 is None and level1:
        cleaned = _label(level1)
        l1 = category[(cleaned, None, None, None)].l1 or _L1_EXTRA.get(cleaned or "", cleaned)
    if l1 == "满意度" and l2 is None:
        l2 = "服务对象满意度"
    return l1, l2
