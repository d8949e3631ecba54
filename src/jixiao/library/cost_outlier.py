"""Whether a unit cost stands far outside its peers': one test for rule R52 and the listings.

Unit costs spread over orders of magnitude (a 10-person workshop and a
10,000-person campaign both count 人), so the fences are Tukey's on the
logarithm: a unit cost is an outlier below ``q1 / r`` or above ``q3 × r``,
where ``r = (q3 / q1) ** k`` (k = 1.5, Tukey's usual). That is 1.5 × the
interquartile range of the log costs, i.e. the same test on a ratio scale.
Importing nothing, like :mod:`.peers`: the review rules import it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

__all__ = ["FENCE", "MIN_PEERS", "cost_fences", "outlier_side"]

#: fewer peers than this say too little to judge a unit cost by (R52's default ``min_peers``)
MIN_PEERS = 5
#: Tukey's k, applied to log unit costs
FENCE = 1.5


def _quantile(v: Sequence[float], q: float) -> float:
    pos = q * (len(v) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def cost_fences(peers: Sequence[float], k: float = FENCE) -> dict[str, Any] | None:
    """n, q1, median, q3 and the low/high fences of positive peer unit costs (None without any)."""
    v = sorted(x for x in peers if x > 0)
    if not v:
        return None
    logs = [math.log(x) for x in v]
    lq1, lq3 = _quantile(logs, 0.25), _quantile(logs, 0.75)
    spread = k * (lq3 - lq1)
    return {"n": len(v), "q1": math.exp(lq1), "median": math.exp(_quantile(logs, 0.5)), "q3": math.exp(lq3),
            "low": math.exp(lq1 - spread), "high": math.exp(lq3 + spread)}


def outlier_side(value: float, fences: dict[str, Any] | None, min_peers: int = MIN_PEERS) -> str | None:
    """``"high"`` above the high fence, ``"low"`` below the low one, with at least ``min_peers`` peers."""
    if not fences or fences["n"] < min_peers or value <= 0:
        return None
    if value > fences["high"]:
        return "high"
    if value < fences["low"]:
        return "low"
    return None
