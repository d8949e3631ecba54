"""What scoring finds: plain dataclasses, JSON-able with :func:`as_json`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["BudgetScore", "DocumentScore", "IndicatorScore", "Progress", "ProjectScore", "TotalScore", "as_json"]


@dataclass
class IndicatorScore:
    index: int
    name: str | None
    level1: str | None
    weight: float | None
    reported: float | None
    #: the score the rules give (for a 定性 band, its top); None when not computable
    recomputed: float | None
    #: the range the rules allow (equal to ``recomputed`` for 正向/反向)
    low: float | None = None
    high: float | None = None
    #: reported minus what the rules allow (0 inside a 定性 band); None when either is missing
    difference: float | None = None
    #: 正向, 反向, 定性, 评分标准 (rubric)
    method: str | None = None
    #: 实际/目标 (正向) or 目标/实际 (反向), before the cap
    ratio: float | None = None
    band: str | None = None
    #: why it was not computable, or what was assumed ("中文 English")
    reason: str | None = None
    #: a row the table does not score (其中 sub-rows: no 分值, no 得分)
    unscored: bool = False


@dataclass
class BudgetScore:
    label: str | None
    weight: float | None
    rate: float | None
    reported: float | None
    recomputed: float | None
    difference: float | None = None
    reason: str | None = None


@dataclass
class TotalScore:
    #: 总分 as printed
    reported: float | None
    #: budget + indicators as reported
    reported_sum: float | None
    #: budget + indicators as recomputed (items not computable counted at their reported score)
    recomputed: float | None
    #: reported_sum − recomputed: how much the parts were scored above (+) or below (−) the rules
    difference: float | None
    #: reported − reported_sum: a 总分 that is not the sum of its parts (when the table is read whole)
    sum_gap: float | None
    #: every part was recomputed
    complete: bool
    grade_reported: str | None = None
    grade_recomputed: str | None = None
    reason: str | None = None


@dataclass
class ProjectScore:
    index: int
    name: str | None
    budget: BudgetScore | None
    indicators: list[IndicatorScore]
    total: TotalScore


@dataclass
class Progress:
    """A monitoring table's spending against time: 1–N月执行数 / 预算 against N/12."""

    index: int
    name: str | None
    label: str
    months: int
    base: float
    executed_to_date: float
    #: executed_to_date / base
    rate: float
    #: months / 12
    elapsed: float
    #: rate / elapsed (1 = on pace); R50 colours it 红/黄/绿
    pace: float


@dataclass
class DocumentScore:
    source: str | None
    form: str
    profile: str
    projects: list[ProjectScore] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: monitoring tables: each project's spending against time
    progress: list[Progress] = field(default_factory=list)


def as_json(x: Any) -> Any:
    """A result as plain dicts and lists (``json.dumps``-able)."""
    return asdict(x)
