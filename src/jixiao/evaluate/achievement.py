"""How far an indicator got: its direction, and 实际/目标 or the 定性 band of its actual value."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Indicator, Target
from ..parse.values import parse_target
from .profile import Band, Profile

__all__ = ["Achievement", "achievement", "direction", "number"]

_NUM = re.compile(r"[-+]?\d+(?:\.\d+)?")
#: scale of money and count units, so 6.47亿元 compares with 5亿元 and 1000万元 with 0.1亿元
_SCALE = {"元": 1.0, "万元": 1e4, "亿元": 1e8, "千元": 1e3}


def number(text: str | None) -> float | None:
    """The number a weight, score or rate cell prints (``"20分"`` → 20, ``"86%"`` → 86); None if none."""
    if not text:
        return None
    m = _NUM.search(text.replace(",", "").replace("，", ""))
    return float(m.group()) if m else None


@dataclass
class Achievement:
    method: str | None  # 正向 / 反向 / 定性; None when not computable
    ratio: float | None = None  # before any cap
    band: Band | None = None
    reason: str | None = None  # why not computable, or what was assumed


def direction(ind: Indicator) -> str | None:
    """正向, 反向 or 定性 from 指标性质 (when printed), else the target's comparator and kind."""
    d = (ind.direction or "").strip()
    if d:
        if "反向" in d or d[0] in "≤<" or "小于" in d or "不超过" in d or "不高于" in d:
            return "反向"
        if "定性" in d:
            return "定性"
        if "正向" in d or d[0] in "≥>=" or "大于" in d or "等于" in d or "不低于" in d or "定量" in d:
            return "正向"
    t = ind.annual_target
    if t is None or t.kind in ("empty", "placeholder"):
        return None
    if t.kind == "qualitative":
        return "定性"
    if t.comparator in ("<=", "<"):
        return "反向"
    return "正向"


def _band(text: str, bands: tuple[Band, ...]) -> Band | None:
    """The band of the longest word the text uses; on a tie the lower band (基本完成: 基本 over 完成).

    Longest first, so 未完成 beats 完成 and 无超支 beats 超支 whichever band lists them.
    """
    best: tuple[int, float] | None = None
    found: Band | None = None
    for b in bands:
        for w in b.words:
            if w and w in text:
                key = (len(w), -b.high)
                if best is None or key > best:
                    best, found = key, b
    return found


def _band_of_ratio(r: float, bands: tuple[Band, ...]) -> Band | None:
    for b in sorted(bands, key=lambda b: -b.high):
        if r >= b.low:
            return b
    return None


def _value(t: Target | None) -> float | None:
    if t is None or t.kind != "quantitative":
        return None
    return t.value if t.value is not None else t.high if t.high is not None else t.low


def _scale(target: Target, actual: Target) -> float | None:
    """The factor that puts the actual in the target's unit; None when the units differ beyond money."""
    tu, au = target.unit, actual.unit
    if not tu or not au or tu == au:
        return 1.0
    if tu in _SCALE and au in _SCALE:
        return _SCALE[au] / _SCALE[tu]
    return None


def achievement(ind: Indicator, profile: Profile) -> Achievement:
    """The indicator's achievement under the profile's rules."""
    method = direction(ind)
    if method is None:
        return Achievement(None, reason="没有可比的年度指标值 no target to compare with")
    actual_text = (ind.actual_value or "").strip()
    if not actual_text:
        return Achievement(None, reason="没有实际完成值 no actual value")
    actual = ind.actual_target or parse_target(actual_text)
    target = ind.annual_target
    if method == "定性" or target is None or target.kind != "quantitative":
        if target is not None and actual_text == target.text.strip():
            return Achievement("定性", band=_band_of_ratio(1.0, profile.bands))
        if actual is not None and actual.kind == "quantitative" and actual.unit == "%" and actual.value is not None:
            return Achievement("定性", ratio=actual.value / 100, band=_band_of_ratio(actual.value / 100, profile.bands),
                               reason="实际值为百分比，按其比例定档 actual is a percentage, banded by it")
        b = _band(actual_text, profile.bands)
        if b is None:
            return Achievement(None, reason=f"实际值“{actual_text}”定不了档 cannot grade the actual value")
        return Achievement("定性", band=b)
    tv, av = _value(target), _value(actual)
    if av is None:
        # a number target met in words (完成, 达到): graded as 定性
        b = _band(actual_text, profile.bands)
        if b is None:
            return Achievement(None, reason=f"实际值“{actual_text}”不是数值 the actual value is not a number")
        return Achievement("定性", band=b, reason="数值指标的实际值为文字，按定性定档 actual in words, graded as 定性")
    scale = _scale(target, actual) if actual is not None else 1.0
    if scale is None:
        return Achievement(None, reason=f"单位不同（{target.unit} / {actual.unit}） units differ")
    av *= scale
    if tv is None:
        return Achievement(None, reason="年度指标值不是数值 the target is not a number")
    lo, hi = target.low, target.high
    if lo is not None and hi is not None and target.value is None:  # a range: inside it is met
        if lo <= av <= hi:
            return Achievement(method, ratio=1.0)
        tv = lo if av < lo else hi
        method = "正向" if av < lo else "反向"
    if method == "反向":
        if av <= 0:
            return Achievement(method, ratio=1.0 if tv >= 0 else None)
        return Achievement(method, ratio=tv / av)
    if tv == 0:
        return Achievement(method, ratio=1.0 if av >= 0 else 0.0,
                           reason="目标为 0，完成即满分 target 0: met is full marks")
    return Achievement(method, ratio=av / tv)
