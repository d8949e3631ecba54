"""A project's unit cost (单位成本): its amount divided by its one dominant quantity target.

A unit cost is only as good as the pairing of amount and quantity, so it is
computed only where the pairing is plain, and every figure carries what it
was computed from (:class:`UnitCost` ``basis``):

- the quantity is a 产出/数量 target, quantitative, in a *count unit*
  (:data:`COUNT_UNITS`: 人, 人次, 所, 台, 套, 场, 平方米, 公里, 亩 …), at least 1;
  percentages, 项 (a task, of any size) and 批 are not counts of one thing,
  and neither is 次: on the real tables every 次 target was a side activity
  (备份频次, 电梯维护的频次, 资助政策宣传活动次数 of a 助学金 fund), never what
  the money bought; a name that is a frequency (频次, 频率) is left out too;
- it is the project's **only** such target. A project that trains 200 people
  and builds 3 classrooms spends its money on both: dividing the whole amount
  by either would be wrong, so no unit cost is given (``reason`` says why);
- the amount is the project's total (资金总额), in 元 for comparison
  (万元 × 10,000); a project without a total has none.

A target written ``≥200人`` makes the unit cost an upper bound (more people,
lower cost): the basis keeps the comparator so a reader sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["COUNT_UNITS", "Quantity", "UnitCost", "count_unit", "format_cost", "is_frequency", "quantities_of",
           "quantity_text", "unit_cost"]

#: units that count things a project pays for, one by one (as the issue lists them, and their kin)
COUNT_UNITS = frozenset({
    "人", "人次", "名", "户", "户次", "家", "所", "校", "台", "套", "辆", "艘", "架", "场", "场次", "期", "班",
    "个", "间", "座", "处", "栋", "幢", "件", "册", "本", "部", "张", "头", "只", "株", "棵", "吨",
    "平方米", "㎡", "m²", "m2", "公里", "千米", "km", "米", "延米", "亩", "公顷", "立方米", "m³", "m3",
})
# what a count unit may be printed with: 万人 → 人 × 10,000; a trailing 以上/左右 is no part of the unit
_SCALE = {"万": 10_000.0, "千": 1_000.0, "百": 100.0}
_TAIL = re.compile(r"(?:以上|以下|左右|及以上|内)$")
_SYNONYM = {"㎡": "平方米", "m²": "平方米", "m2": "平方米", "km": "公里", "千米": "公里", "m³": "立方米",
            "m3": "立方米", "校": "所", "场次": "场"}


_FREQUENCY = re.compile("频次|频率")


def is_frequency(name: str | None) -> bool:
    """A name that counts how often something is done (备份频次): a schedule, not what the money buys."""
    return bool(name and _FREQUENCY.search(name))


def quantity_text(q: float) -> str:
    """4,000,000 rather than 4e+06; 2.5 as it is."""
    return f"{q:,.0f}" if q == int(q) else f"{q:,g}"


def count_unit(unit: str | None) -> tuple[str, float] | None:
    """(the count unit, its multiplier) of a printed unit, or None when it does not count things:
    ``"人"`` → (人, 1), ``"万人次"`` → (人次, 10,000), ``"%"`` → None."""
    if not unit:
        return None
    u = _TAIL.sub("", unit.strip())
    scale = 1.0
    if len(u) > 1 and u[0] in _SCALE and u[1:] in COUNT_UNITS and u != "千米":
        scale, u = _SCALE[u[0]], u[1:]
    if u not in COUNT_UNITS:
        return None
    return _SYNONYM.get(u, u), scale


@dataclass(frozen=True)
class Quantity:
    """One quantity target of a project, as the unit cost reads it."""

    name: str | None
    level2: str | None  # canonical 二级 (数量 …)
    number: float | None
    unit: str | None
    comparator: str | None = None
    annual_value: str | None = None
    indicator_id: int | None = None
    library_id: int | None = None


@dataclass(frozen=True)
class UnitCost:
    """元 per counted unit, and what it was computed from."""

    yuan: float
    unit: str  # the count unit: 人, 所 …
    basis: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "display": format_cost(self.yuan, self.unit)}


def format_cost(yuan: float, unit: str) -> str:
    """``"1,250 元/人"``, ``"35.6 万元/所"`` (万元 from 100,000 元 on)."""
    if abs(yuan) >= 100_000:
        return f"{yuan / 10_000:,.1f} 万元/{unit}"
    return f"{yuan:,.0f} 元/{unit}" if abs(yuan) >= 100 else f"{yuan:,.2f} 元/{unit}"


_TO_YUAN = {"万元": 10_000.0, "元": 1.0, "千元": 1_000.0, "亿元": 100_000_000.0}


def unit_cost(amount: float | None, amount_unit: str | None,
              quantities: Iterable[Quantity]) -> tuple[UnitCost | None, str]:
    """The unit cost of a project, or None and the reason (Chinese and English) there is none.

    ``quantities`` are the project's quantitative targets (any 二级: those
    outside 数量 are skipped here, so callers need not filter).
    """
    if amount is None or amount <= 0:
        return None, "没有资金总额 / no total amount"
    scale = _TO_YUAN.get((amount_unit or "万元").strip())
    if scale is None:
        return None, f"金额单位「{amount_unit}」无法换算为元 / amount unit {amount_unit!r} not known"
    counted: list[tuple[Quantity, str, float]] = []
    for q in quantities:
        cu = (count_unit(q.unit) if q.level2 == "数量" and q.number is not None and not is_frequency(q.name)
              else None)
        if cu is not None and q.number * cu[1] >= 1:
            counted.append((q, *cu))
    if not counted:
        return None, "没有以计数单位（人、所、台 …）表示的数量指标 / no quantity target in a count unit"
    if len(counted) > 1:
        names = "、".join(q.name or "?" for q, _u, _s in counted[:4])
        return None, (f"有 {len(counted)} 个计数数量指标（{names}），资金无法只归于其中一个 / "
                      f"{len(counted)} quantity targets in count units: the amount cannot be paired with one")
    q, unit, mult = counted[0]
    quantity = q.number * mult
    yuan = amount * scale / quantity
    basis = {"amount": amount, "amount_unit": amount_unit or "万元", "quantity": quantity, "unit": unit,
             "indicator": q.name, "annual_value": q.annual_value, "comparator": q.comparator,
             "indicator_id": q.indicator_id, "library_id": q.library_id,
             "bound": "upper" if q.comparator in (">=", ">") else ("lower" if q.comparator in ("<=", "<") else None),
             "text": _basis_text(amount, amount_unit or "万元", q, quantity, unit)}
    return UnitCost(yuan, unit, basis), ""


def _basis_text(amount: float, amount_unit: str, q: Quantity, quantity: float, unit: str) -> str:
    bound = {">=": "；目标为“不少于”，实际单位成本不高于此 / an upper bound",
             ">": "；目标为“多于”，实际单位成本低于此 / an upper bound"}.get(q.comparator or "", "")
    return (f"资金总额 {amount:g} {amount_unit} ÷ “{q.name or '?'}” {quantity_text(quantity)} {unit}"
            f"（唯一的计数数量指标 / the only quantity target in a count unit）{bound}")


def quantities_of(indicators: Sequence[Any]) -> list[Quantity]:
    """The quantities of a parsed project's indicators (:class:`jixiao.model.Indicator`)."""
    from .normalize import bucket

    out = []
    for i in indicators:
        t = i.annual_target
        if t is None or t.kind != "quantitative" or t.value is None:
            continue
        out.append(Quantity(i.name, bucket(i.level1, i.level2, i.level1_code, i.level2_code)[1], t.value, t.unit,
                            t.comparator, i.annual_value))
    return out
