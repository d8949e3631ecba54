"""I. A project's unit cost against its peers' (R52): what others pay for one of the same thing.

The unit cost and its peers come from a store
(:func:`jixiao.library.unit_costs.document_unit_costs`), handed to
:func:`jixiao.review.review` among its ``peers`` under ``("unit_cost",
project index)``; a file reviewed on its own has none, and the rule says
nothing. The store computes the figure and its fences; the rule only judges
them with its own settings, so a configuration can change them.
"""

from __future__ import annotations

from ...library.cost_outlier import FENCE, MIN_PEERS, cost_fences, outlier_side
from ..registry import hit, rule


def _cost(yuan: float, unit: str) -> str:
    if abs(yuan) >= 100_000:
        return f"{yuan / 10_000:,.1f}万元/{unit}"
    return f"{yuan:,.0f}元/{unit}" if abs(yuan) >= 100 else f"{yuan:,.2f}元/{unit}"


@rule(
    "R52", name="unit-cost-outlier", group="I", scope="project",
    title="单位成本远离同类项目", title_en="Unit cost far from its peers",
    severity="info",
    message="单位成本 {cost}（{basis}）高于同类 {n} 个项目（{library}）的上限 {high}：中位数 {median}，"
            "约为中位数的 {ratio} 倍；请核对资金与数量是否对应（例：{examples}）",
    message_en="the unit cost {cost} ({basis}) is above the upper fence {high} of its {n} peers ({library}; "
               "median {median}, {ratio}× it): check that the amount pays for this quantity (e.g. {examples})",
    variants={"low": ("info",
                      "单位成本 {cost}（{basis}）低于同类 {n} 个项目（{library}）的下限 {low}：中位数 {median}，"
                      "约为中位数的 {ratio} 倍；数量目标是否偏高、或资金只是其中一部分（例：{examples}）",
                      "the unit cost {cost} ({basis}) is below the lower fence {low} of its {n} peers ({library}; "
                      "median {median}, {ratio}× it): is the quantity inflated, or the amount only a part? "
                      "(e.g. {examples})")},
    reasoning="成本指标要「参考历史标准、行业标准、计划标准」，单位成本是最直接的比较：同一规范指标、同一计数单位"
              "（人、所、台、平方米 …）的其他项目花多少钱办一个单位的事。只在项目恰有一个计数数量指标时计算（资金"
              "总额 ÷ 该数量），否则资金无法归于一个数量。单位成本跨越数量级，故在对数尺度上用 Tukey 界限（四分位距的 "
              "fence 倍）；同类太少（min_peers）不比较。只在对照数据库审核时可用（jixiao review --db）。",
    source="S10：指标值设定「参考历史标准、行业标准、计划标准」；（推定）对数尺度的 Tukey 界限",
    inferred=True,
    settings={"min_peers": MIN_PEERS, "fence": FENCE},
    settings_doc={"min_peers": "同一规范指标、同一计数单位的其他项目至少这么多个才比较",
                  "fence": "界限为对数单位成本四分位距的这么多倍（Tukey 的 1.5）"},
    bad="培训人数 50人，资金 100 万元：2.0万元/人，同类 8 个项目中位数 1,500元/人、上限 6,000元/人",
    good="培训人数 500人，资金 100 万元：2,000元/人，在同类界限内",
)
def r52(p, s):
    peers = p.doc.peers
    u = peers.get(("unit_cost", p.index)) if peers else None
    if not u or not u.get("unit_cost") or not u.get("peer_costs"):
        return None
    uc = u["unit_cost"]
    fences = cost_fences(u["peer_costs"], s.fence)
    side = outlier_side(uc["yuan"], fences, s.min_peers)
    if side is None:
        return None
    unit = uc["unit"]
    near = sorted(u.get("peers") or [], key=lambda x: abs(x["yuan"] - fences["median"]))[:3]
    examples = "；".join(f"{x['project']}（{x.get('department') or '—'}，{x.get('year') or '—'}）{_cost(x['yuan'], unit)}"
                        for x in near) or "—"
    return hit("amounts.total", "low" if side == "low" else "default", cost=_cost(uc["yuan"], unit),
               basis=uc["basis"]["text"], n=fences["n"],
               library=f"L{u['library_id']} {u.get('library_name') or ''}".strip(),
               high=_cost(fences["high"], unit), low=_cost(fences["low"], unit), median=_cost(fences["median"], unit),
               ratio=f"{uc['yuan'] / fences['median']:.1f}", examples=examples)
