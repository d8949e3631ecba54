"""Read one printed indicator value (指标值) into a :class:`~jixiao.model.Target`.

``parse_target`` recognises comparators (≥, 不低于, 以上 …), numbers with units
(95%, 2次/天, 1000万(笔)), ranges (90%-95%, 1～2次), template placeholders
(≥**个, XX, /) and qualitative targets (提高, 良好以上, 预算范围内). It never
raises: whatever it cannot read becomes a qualitative target.

Decisions worth knowing:

* the first numeric target wins ("不少于160场讲座，…不少于70万" → >= 160 场);
* magnitudes stay as printed: 万/亿 go into the unit (1000万(笔) → 1000 万笔);
* only a known unit is taken after a number ("500用户" has no unit);
* dates are not targets: "2024年12月前完成" is qualitative (a deadline), and a
  date is skipped when another number follows ("2024年完成3项" → 3 项);
* 以上/以下/以内 include the bound (80%以上 → >= 80); 等于/达到 leave the
  comparator unset, only a printed "=" gives "=";
* a dash before a number is a separator, not a sign (满意度-95% → 95 %);
* a range sets ``low`` <= ``high`` (never ``value``) and keeps a comparator
  only when it is "≈" (约1-2次); the prefix of "控制在90%-95%" adds nothing;
  an interval ("[90%,100%]") and a lower bound followed by an upper one
  ("≥90%且≤100%") are ranges too (whether a bound is included is not kept).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from jixiao.model import Comparator, Target, TargetKind

__all__ = ["parse_target"]

# Applied before NFKC: NFKC would turn ㎡ into "m2" (a private-use stand-in
# survives it), ≧ ≦ ⩾ ⩽ have no compatibility mapping, and circled or
# parenthesised numbers (① ⑴ ⒈) are list numbering that NFKC would turn into digits.
_SQM = "\ue000"
_PRE = {ord("㎡"): _SQM, ord("≧"): "≥", ord("≦"): "≤", ord("⩾"): "≥", ord("⩽"): "≤"}
_PRE.update(dict.fromkeys(range(0x2460, 0x249C)))
_PRE_CHARS = frozenset(map(chr, _PRE))
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x9f\u200b-\u200f\u2060\ufeff]+")

_PRE_WORDS: dict[str, Comparator | None] = {
    "大于或等于": ">=", "大于等于": ">=", "不低于": ">=", "不少于": ">=", "不小于": ">=",
    "不得低于": ">=", "不得少于": ">=", "至少": ">=",
    "大于": ">", "超过": ">", "高于": ">", "多于": ">",
    "小于或等于": "<=", "小于等于": "<=", "不高于": "<=", "不超过": "<=", "不大于": "<=",
    "不多于": "<=", "不得超过": "<=", "不得高于": "<=", "至多": "<=", "最多": "<=", "控制在": "<=",
    "小于": "<", "低于": "<", "少于": "<",
    "大约": "≈", "约为": "≈", "约": "≈",
    "等于": None, "达到": None,
}  # fmt: skip
_SYMBOLS: dict[str, Comparator] = {
    ">=": ">=", "=>": ">=", "≥=": ">=", "≥": ">=", ">": ">",
    "<=": "<=", "=<": "<=", "≤=": "<=", "≤": "<=", "<": "<", "≈": "≈", "==": "=", "=": "=",
}  # fmt: skip
_POST_WORDS: dict[str, Comparator] = {
    "或以上": ">=", "及以上": ">=", "以上": ">=", "之上": ">=", "或更高": ">=", "或更多": ">=",
    "或以下": "<=", "及以下": "<=", "以下": "<=", "以内": "<=", "之内": "<=", "内": "<=",
    "左右": "≈",
}  # fmt: skip
_UNITS = (
    "% ‰ 次 人次 户次 家次 批次 课时 学时 人 名 位 个 家 所学校 所 户 元 天 日 个工作日 工作日 个月 "
    "小时 分钟 秒 毫秒 年 月 周 季度 学期 门 台 套 间 份 篇 场 期 批 项 分 页 册 本 件 条 块 张 支 "
    "座 处 栋 辆 部 种 类 节 班 校 点 倍 笔 例 公里 千米 米 平方米 平方公里 亩 立方米 吨 公斤 千克 克 升 "
    "起 宗 株 棵 头 只 盏 台次 架次 辆次 人日 首 幅 "
    + _SQM
).split()


def _alt(words: Iterable[str]) -> str:
    # Longest first, so 不低于 wins over 低于 and 个工作日 over 个.
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3})++(?![0-9])|[0-9]+)(?:\.[0-9]+)?"
_CORE = rf"(?:{_alt(_UNITS)}|(?i:mbps|gbps|kbps|tb|gb|mb|kb|kwh|kw|km|kg)(?![A-Za-z])|(?:ms|[MGTKmshW])(?![A-Za-z]))"
_PER = rf"(?:/(?:{_CORE}|[\u4e00-\u9fff]))"


def _unit(i: int) -> str:
    return (
        rf"(?P<mul{i}>千万|百万|万|亿|千)?"
        rf"(?:\((?!含)(?P<ub{i}>[\u4e00-\u9fff%‰A-Za-z/{_SQM}]{{1,6}})\)|(?P<u{i}>{_CORE}{_PER}*|{_PER}+))?"
    )


# Dates, clock times and list numbering are masked so that they are not read as targets.
_MASK = "\ue001"
_DATES = re.compile(
    r"(?=[0-9(])(?:(?<![0-9])(?:(?:19|20)[0-9]{2}(?:(?:-|~|至|到)(?:19|20)[0-9]{2}年?|年(?:[0-9]{1,2}月(?:[0-9]{1,2}[日号])?)?"
    r"|[-/](?:0?[1-9]|1[0-2])(?![0-9])(?:[-/][0-9]{1,2}(?![0-9]))?)"
    r"|[0-9]{1,2}月(?:[0-9]{1,2}[日号]|(?=底|前|末|初|中旬|上旬|下旬))|[0-9]{1,2}:[0-9]{2}(?![0-9]))"
    r"|(?:^|(?<=[;,。:]))(?:[0-9]{1,2}、|[0-9]{1,2}\.(?=[\u4e00-\u9fff])|\([0-9]{1,2}\)))"
)
_INCL = r"(?:\(含[^)]{0,6}\))?"  # "(含)" only restates that the bound is included
_TARGET = re.compile(
    # The lookahead lets the engine skip positions that cannot start a target.
    rf"(?=[{re.escape(''.join({w[0] for w in (*_PRE_WORDS, *_SYMBOLS)}))}0-9])"
    rf"(?P<pw>{_alt(_PRE_WORDS)})?(?P<ps>{_alt(_SYMBOLS)})?(?<![A-Za-z0-9.])"
    rf"(?P<n1>{_NUM}){_unit(1)}(?:(?:-|~|〜|—|–|至|到)(?P<n2>{_NUM}){_unit(2)})?"
    rf"{_INCL}(?P<post>{_alt(_POST_WORDS)}(?!容|部|涵))?"
)


@cache
def _interval() -> re.Pattern[str]:
    """An interval written as mathematics: "[90%,100%]", "(90,100]%". Compiled on first use: it
    was a third of this module's import, for the few values that open with a bracket."""
    return re.compile(rf"[\[(【](?P<n1>{_NUM}){_unit(1)}[,、;](?P<n2>{_NUM}){_unit(2)}[\])】](?P<after>%|‰)?")


# "≥90%且≤100%": a lower and an upper bound, together a range
_UPPER_AFTER_LOWER = re.compile(r"(?:且|并且|而且|,|、|;|但|同时)?")
_DIGIT = re.compile(r"[0-9]")
_PUNCT_ONLY = re.compile(r"[-—–―‐−/\\|.。·…_~*?、,;:'\"]+")
_TEMPLATE = re.compile(r"\*|(?<![A-Za-z])[xX×]++(?![A-Za-z])|待定|待确定|待填|暂无")
_GRADES = ["优秀", "优良", "良好", "优", "良", "合格", "中等", "较好", "达标", "及格", "基本满意", "满意"]
_GRADE = re.compile(
    rf"(?P<pw>{_alt(_PRE_WORDS)})?(?P<g>{_alt(_GRADES)})(?P<post>{_alt(_POST_WORDS)})?(?:水平|等级|等次)?"
)
# A comparator or unit with its number left blank ("≥%", "≥个") is an unfilled template.
_BARE = re.compile(rf"(?:{_alt(_SYMBOLS)})+(?:{_CORE})?|%")
_QUAL_PREFIX = re.compile(_alt(_PRE_WORDS))
_BUDGET = re.compile(r"不超支|预算(?:范围)?[以之]?内|(?:不超|不突破|控制在)[^,;。]{0,4}预算")
_TRAILING = "。.,;:!?、…~-—"


_VALIDATE = Target.__pydantic_validator__.validate_python  # what Target(**fields) calls, minus overhead


def _make(text: str, kind: TargetKind, **fields: object) -> Target:
    fields["text"] = text
    fields["kind"] = kind
    try:
        return _VALIDATE(fields)
    except ValueError:  # pydantic rejects lone surrogates; the fields are valid as built
        return Target.model_construct(**fields)


def _qualitative(text: str, norm: str, s: str) -> Target:
    word = norm.rstrip(_TRAILING + " ").replace(_SQM, "㎡") or norm
    s = s.rstrip(_TRAILING)
    comparator: Comparator | None = None
    grade = _GRADE.fullmatch(s)
    if grade and (grade["pw"] or grade["post"]):
        comparator = _PRE_WORDS.get(grade["pw"] or "") or _POST_WORDS.get(grade["post"] or "")
        word = grade["g"]
    elif m := _QUAL_PREFIX.match(s):
        comparator = _PRE_WORDS[m[0]]
    elif _BUDGET.search(s):
        comparator = "<="
    return _make(text, "qualitative", comparator=comparator, qualitative=word)


def _parse(text: str) -> Target:
    norm = unicodedata.normalize("NFKC", text if _PRE_CHARS.isdisjoint(text) else text.translate(_PRE))
    if not norm.isprintable():
        norm = _INVISIBLE.sub("", norm)
    norm = " ".join(norm.split())
    # Spaces carry no meaning between a comparator, a number and its unit.
    s = norm.replace(" ", "").replace("百分之百", "100%")
    if not s:
        return _make(text, "empty")
    if s[0] in "[(【" and (iv := _interval().fullmatch(s.rstrip(_TRAILING))):
        unit = (iv["mul2"] or "") + (iv["u2"] or iv["ub2"] or iv["after"] or "") or None
        low, high = sorted((float(iv["n1"].replace(",", "")), float(iv["n2"].replace(",", ""))))
        return _make(text, "quantitative", low=low, high=high, unit=unit)
    masked = _DATES.sub(_MASK, s) if _DIGIT.search(s) else None
    m = _TARGET.search(masked) if masked is not None else None
    if m is None:
        if _PUNCT_ONLY.fullmatch(s) or _BARE.fullmatch(s) or _TEMPLATE.search(s):
            return _make(text, "placeholder")
        return _qualitative(text, norm, s)

    pw, ps, n1, mul1, ub1, u1, n2, mul2, ub2, u2, post = m.groups()
    comparator = _SYMBOLS[ps] if ps else _PRE_WORDS[pw] if pw else None
    if comparator in (None, "=") and post:
        comparator = _POST_WORDS[post]
    # A range prints its unit once, usually after the second number.
    unit = (mul2 or "") + (u2 or ub2 or "") or (mul1 or "") + (u1 or ub1 or "") or None
    if unit and _SQM in unit:
        unit = unit.replace(_SQM, "㎡")
    first = float(n1.replace(",", ""))
    if n2 is None:
        if math.isinf(first):  # hundreds of digits: not a target anyone printed
            return _qualitative(text, norm, s)
        if comparator in (">=", ">") and (upper := _upper_bound(masked, m.end())) is not None:
            high, upper_unit = upper
            if first <= high:
                return _make(text, "quantitative", low=first, high=high, unit=unit or upper_unit)
        return _make(text, "quantitative", comparator=comparator, value=first, unit=unit)
    low, high = sorted((first, float(n2.replace(",", ""))))
    if math.isinf(low) or math.isinf(high):
        return _qualitative(text, norm, s)
    return _make(
        text, "quantitative", comparator="≈" if comparator == "≈" else None, low=low, high=high, unit=unit
    )


def _upper_bound(s: str, pos: int) -> tuple[float, str | None] | None:
    """The upper bound printed right after a lower one ("≥90%且≤100%"), with its unit."""
    pos = _UPPER_AFTER_LOWER.match(s, pos).end()
    m = _TARGET.match(s, pos)
    if m is None or m["n2"] is not None:
        return None
    comparator = _SYMBOLS[m["ps"]] if m["ps"] else _PRE_WORDS[m["pw"]] if m["pw"] else None
    if comparator not in ("<=", "<"):
        return None
    high = float(m["n1"].replace(",", ""))
    if math.isinf(high):
        return None
    return high, (m["mul1"] or "") + (m["u1"] or m["ub1"] or "") or None


def parse_target(text: str | None) -> Target | None:
    """Read a printed 指标值; ``None`` for no cell, kind ``"empty"`` for a blank one."""
    if text is None:
        return None
    try:
        return _parse(text)
    except Exception:  # a value we cannot read must not stop a whole document
        return _make(text, "qualitative", qualitative=str(text).strip() or None)
