"""What the rules read from a text, computed once per distinct text.

Given the printed 一级/二级 labels and codes, a 三级 name or a value, return a
small frozen record of facts the rules test (its category, whether it has a
digit, its comparator …). Value texts and names repeat a lot within and
across tables ("100%", "≥90%", "用户满意度"), so each record is memoised per
text in a bounded cache: a rule then costs a dictionary look-up and a few
attribute reads per indicator, not a regular expression.

Value facts start from the parsed :class:`~jixiao.model.Target` that the
parser stores on each indicator; a document without targets (built by hand or
loaded from plain JSON) still gets the digit-based facts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from ..model import Target

__all__ = [
    "COST_L2", "COST_NAMES", "L1_CANON", "L2_CANON", "L2_CODES", "L2_PARENT", "Category", "Memo", "NameFacts",
    "ValueFacts", "category", "counts_as_cost", "infer_level2", "inferred_level2", "is_cost", "label", "name_facts",
    "norm", "value_facts",
]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(dict, Generic[K, V]):  # type: ignore[type-arg]
    """A dict that computes a missing key with ``fn`` and keeps at most ``cap`` entries.

    A hit is one C-level dict look-up. When full it stops storing instead of
    evicting: the texts seen first are the common ones, and memory stays bounded.
    """

    def __init__(self, fn: Callable[[K], V], cap: int = 50_000) -> None:
        super().__init__()
        self.fn = fn
        self.cap = cap

    def __missing__(self, key: K) -> V:
        value = self.fn(key)
        if len(self) < self.cap:
            self[key] = value
        return value


_SPACE = re.compile(r"\s+")
_TRAIL = "。.,，;；:：、!！?？ "
_PCT_SUFFIX = re.compile(r"[(（]\s*[%％﹪]\s*[)）]$")
_BRACKET_UNIT = re.compile(r"[(（][^()（）]{1,12}[)）]$")
_DIGIT = re.compile(r"\d")
_PUNCT = re.compile(r"[\W_]+")


def label(ind: Any) -> str:
    """How a message names an indicator: its name, else its number."""
    if ind.name:
        return ind.name
    return f"第{ind.seq}项指标" if ind.seq is not None else "（无名称的指标）"


def norm(text: str | None) -> str:
    """NFKC, no white space, no trailing punctuation: the form every comparison uses."""
    if not text:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).rstrip(_TRAIL)


# -- categories (spec §2) -------------------------------------------------------------------

#: 一级 labels as printed (after NFKC, without 「指标」) → canonical 一级
L1_CANON = {
    "产出": "产出", "效益": "效益", "满意度": "满意度", "成本": "成本",
    "效果": "效益", "预期产出": "产出", "项目完成": "产出",
    "社会公众或服务对象满意度": "满意度", "服务对象满意度": "满意度",
}  # fmt: skip
#: 二级 labels as printed (after NFKC, without 「指标」) → canonical 二级
L2_CANON = {
    "数量": "数量", "质量": "质量", "时效": "时效", "成本": "成本",
    "经济效益": "经济效益", "社会效益": "社会效益", "生态效益": "生态效益", "环境效益": "生态效益",
    "可持续影响": "可持续影响", "服务对象满意度": "服务对象满意度",
    "社会公众或服务对象满意度": "服务对象满意度", "满意度": "服务对象满意度",
    "经济成本": "经济成本", "社会成本": "社会成本", "生态环境成本": "生态环境成本",
}  # fmt: skip
#: canonical 二级 → the 一级 it belongs to
L2_PARENT = {
    "数量": "产出", "质量": "产出", "时效": "产出", "成本": "产出",
    "经济效益": "效益", "社会效益": "效益", "生态效益": "效益", "可持续影响": "效益",
    "服务对象满意度": "满意度",
    "经济成本": "成本", "社会成本": "成本", "生态环境成本": "成本",
}  # fmt: skip
L1_CODES = {"1": "产出", "2": "效益", "3": "满意度"}
#: Guangzhou codes as printed in the samples (spec §2)
L2_CODES = {
    "11": "数量", "12": "质量", "13": "时效", "14": "成本",
    "21": "经济效益", "22": "社会效益", "23": "生态效益", "24": "可持续影响",
    "31": "服务对象满意度",
}  # fmt: skip


#: the points an evaluation table prints beside a category (产出指标(50分), 效益指标（权重30%）): not its name
_POINTS = re.compile(r"\((?:\d+(?:\.\d+)?分|(?:权重|分值)[^()]*)\)$")


def _strip_label(text: str | None) -> str:
    s = _POINTS.sub("", norm(text))
    if s.endswith("指标"):
        s = s[:-2]
    return s


class Category:
    """The 一级/二级 of one indicator, as printed and as understood.

    ``l1``/``l2`` are canonical (``None`` when nothing usable is printed):
    taken from the label when it is known, else from the code.
    """

    __slots__ = ("code1", "code2", "l1", "l1_known", "l1_label", "l1_suffixed", "l2", "l2_known",
                 "l2_label", "l2_suffixed", "printed1", "printed2")

    def __init__(self, level1: str | None, code1: str | None, level2: str | None, code2: str | None) -> None:
        self.l1_label = _strip_label(level1)
        self.l2_label = _strip_label(level2)
        self.printed1 = bool(self.l1_label)
        self.printed2 = bool(self.l2_label)
        self.l1_suffixed = norm(level1).endswith("指标")
        self.l2_suffixed = norm(level2).endswith("指标")
        self.code1 = norm(code1) or None
        self.code2 = norm(code2) or None
        c1 = L1_CANON.get(self.l1_label)
        c2 = L2_CANON.get(self.l2_label)
        self.l1_known = c1 is not None
        self.l2_known = c2 is not None
        self.l1 = c1 or (None if self.printed1 else L1_CODES.get(self.code1 or ""))
        self.l2 = c2 or (None if self.printed2 else L2_CODES.get(self.code2 or ""))


#: 二级 that are cost categories (二级 14 成本指标; 101号's 经济/社会/生态环境成本 under 一级 成本)
COST_L2 = frozenset(["成本", "经济成本", "社会成本", "生态环境成本"])
#: on a table that prints no 二级, an indicator whose name holds one of these is a cost indicator
#: (one list for R09, R22 and R23, so that R09 never says "no cost indicator" where R22 reports one)
COST_NAMES = ["成本", "造价", "单价", "补助标准", "预算控制", "费用控制"]


def counts_as_cost(cat: Category, name_norm: str, named: Callable[[str], bool] | None) -> bool:
    """Whether a project that has this indicator has a cost indicator (R09): a cost 一级 or 二级,
    or, where no 二级 is printed, a cost name (``named(name_norm)``: the rule's memoised word test)."""
    if cat.l1 == "成本" or cat.l2 in COST_L2:
        return True
    return not cat.printed2 and named is not None and named(name_norm)


def is_cost(cat: Category, name_norm: str, named: Callable[[str], bool] | None) -> bool:
    """Whether an indicator is checked as a cost indicator (R22, R23): as :func:`counts_as_cost`,
    but an indicator whose printed 二级 is a known non-cost category (一级 成本 over 二级 经济效益,
    R02's mismatch) is not taken for one. Every indicator this accepts, ``counts_as_cost`` accepts."""
    if cat.l2 is not None and cat.l2 not in COST_L2:
        return False
    return counts_as_cost(cat, name_norm, named)


def _category(key: tuple[str | None, str | None, str | None, str | None]) -> Category:
    return Category(*key)


category: Memo[tuple[str | None, str | None, str | None, str | None], Category] = Memo(_category)


# -- names ----------------------------------------------------------------------------------

class NameFacts:
    """A 三级 name: ``norm`` for comparisons, ``core`` without a trailing ``(%)`` or bracketed unit."""

    __slots__ = ("bracket_unit", "core", "empty", "norm", "satisfaction")

    def __init__(self, name: str | None) -> None:
        self.norm = norm(name)
        self.empty = not self.norm
        core = _PCT_SUFFIX.sub("", self.norm)
        m = _BRACKET_UNIT.search(core)
        #: a unit printed in the name: 「补助标准(元/人/年)」, 「新增实训室（间）」
        self.bracket_unit = m[0][1:-1] if m and not _DIGIT.search(m[0]) else None
        if m:
            core = core[: m.start()]
        self.core = core.rstrip(_TRAIL)
        self.satisfaction = "满意" in self.norm


name_facts: Memo[str | None, NameFacts] = Memo(NameFacts)


# -- values ---------------------------------------------------------------------------------

_BARE_NUMBER = re.compile(r"(?:[<>=≥≤≈]|不低于|不少于|不超过|不高于|大于|小于|约)*\d[\d,]*(?:\.\d+)?(?:以上|以下|以内|或以上|及以上)?")


class ValueFacts:
    """One printed value (年度/实施周期指标值) and what the parser made of it."""

    __slots__ = ("bare", "comparator", "empty", "has_digit", "high", "kind", "low", "norm", "number",
                 "percent", "plain_len", "quantitative", "text", "unit")

    def __init__(self, text: str | None, target: Target | None) -> None:
        self.text = text or ""
        self.norm = n = norm(text)
        self.empty = not n
        self.has_digit = bool(_DIGIT.search(n))
        #: length without punctuation: what R15 counts
        self.plain_len = len(_PUNCT.sub("", n))
        if target is not None:
            self.kind = target.kind
            self.comparator = target.comparator
            self.number = target.value
            self.low, self.high = target.low, target.high
            self.unit = target.unit
        else:
            self.kind = "empty" if self.empty else ("quantitative" if self.has_digit else "qualitative")
            self.comparator = self.number = self.low = self.high = self.unit = None
        #: an attribute, not a property: several rules test it for every indicator
        self.quantitative = self.kind == "quantitative"
        self.percent = self.quantitative and self.unit == "%"
        #: a number and nothing else (a comparator allowed): no unit at all
        self.bare = self.quantitative and self.unit is None and bool(_BARE_NUMBER.fullmatch(n))

    def top(self) -> float | None:
        """The largest number the target names (``high`` of a range)."""
        return self.high if self.high is not None else self.number


def value_facts(text: str | None, target: Target | None, memo: dict[Any, ValueFacts]) -> ValueFacts:
    """Facts of ``text``, memoised in ``memo``.

    The parser gives equal texts equal targets, so a text is a good key; a
    text without a target (a hand-built document) is kept apart.
    """
    key = text if target is not None else (text,)
    f = memo.get(key)
    if f is None:
        f = ValueFacts(text, target)
        if len(memo) < 100_000:
            memo[key] = f
    return f


# -- 二级 inferred where the table prints none ------------------------------------------------

#: words of a 产出 name, in the order they are tried: the first group that matches gives the 二级
_INFER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("成本", tuple(COST_NAMES)),
    ("时效", ("及时", "时效", "时限", "进度", "期限", "按时", "按期", "工期", "完成时间", "上线时间")),
    ("质量", ("质量", "合格", "达标", "完好", "准确", "正常运行", "运行正常", "正常运作", "正常运转", "稳定", "可用",
              "故障", "匹配", "通畅", "性能", "响应", "验收", "完整", "并发", "安全", "覆盖率", "联网率", "优良")),
    ("数量", ("数量", "个数", "人数", "次数", "人次", "件数", "场次", "面积", "规模", "频率", "频次")),
)
#: the first character of a unit that counts things (个, 次, 人 …): a value in it is a quantity
_COUNT_UNIT = frozenset("个次人名台套场门项篇间份所户件册讲辆条部处")
_MEASURE_UNITS = ("平方米", "㎡", "米", "公里", "亩", "GB", "TB", "M")
_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月|\d{1,2}\s*月底?\s*(?:前|之前)|年底前|\d{4}[.\-/]\d{1,2}")


def inferred_level2(l1: str | None, name: NameFacts, value: ValueFacts) -> str | None:
    """The 二级 an indicator most likely belongs to, from its canonical 一级, name and annual value;
    ``None`` when the name and value do not tell. Only 产出 (数量/质量/时效/成本) and 满意度 are
    inferred: 效益's 经济/社会/生态 cannot be told from a name reliably."""
    if l1 == "满意度":
        return "服务对象满意度"
    if l1 != "产出":
        return None
    n = name.norm
    for l2, words in _INFER_WORDS:
        if any(w in n for w in words):
            return l2
    if _DATE.search(value.norm):
        return "时效"
    if name.core.endswith("数") and not name.core.endswith(("率", "系数", "指数")):
        return "数量"
    unit = (value.unit or "").lstrip("万")
    if value.quantitative and not value.percent and unit and (unit[0] in _COUNT_UNIT or unit.startswith(_MEASURE_UNITS)):
        return "数量"
    return None


def infer_level2(level1: str | None, name: str | None, value: str | None = None,
                 target: Target | None = None) -> str | None:
    """:func:`inferred_level2` from printed texts: ``level1`` as printed (产出指标, 效果指标 …), the
    三级 ``name``, the annual ``value`` and its parsed ``target`` if there is one."""
    l1 = Category(level1, None, None, None).l1
    return inferred_level2(l1, NameFacts(name), ValueFacts(value, target))
