"""H. Targets against their peers (R40): what other projects promise for the same measure.

The peers come from a store (:func:`jixiao.library.query.document_peers`),
handed to :func:`jixiao.review.review`; a file reviewed on its own has none,
and the rule says nothing.
"""

from __future__ import annotations

from ...library.peers import MIN_PEERS, outside_peers
from ..registry import hit, rule


def _num(v: float) -> str:
    return f"{v:g}"


@rule(
    "R44", name="below-peers", group="I", scope="indicator",
    title="指标值低于同类项目", title_en="Target below its peers",
    severity="info",
    message="“{name}”的年度指标值 {value} 低于同类指标（{library}，{n} 个，单位 {unit}）的下四分位数 {q1}，"
            "中位数为 {median}",
    message_en="the annual target {value} of “{name}” is below the lower quartile {q1} of its {n} peers "
               "({library}, unit {unit}; median {median})",
    variants={"above": ("info", "“{name}”的年度指标值 {value} 高于同类指标（{library}，{n} 个，单位 {unit}）的上四分位数 {q3}，"
                                "中位数为 {median}；此类指标越低越好",
                        "the annual target {value} of “{name}” is above the upper quartile {q3} of its {n} peers "
                        "({library}, unit {unit}; median {median}); lower is better for it")},
    reasoning="指标值应「参考历史标准、行业标准、计划标准」设定。同一规范指标（指标库中各种写法归为一个）、同一计量单位的"
              "其他项目的年度指标值就是现成的行业参照：低于其中四分之三的目标（成本、≤ 限额、事故和投诉等越低越好的，"
              "则是高于四分之三）多半偏低，值得说明理由。同类太少时不比较（min_peers）；只在对照数据库审核时可用"
              "（jixiao review --db），比较对象是库中各文档的最新版本。",
    source="S10：指标值设定「参考历史标准、行业标准、计划标准」；（推定）四分位数作界限",
    inferred=True,
    settings={"min_peers": MIN_PEERS},
    settings_doc={"min_peers": "同一规范指标、同一单位的其他目标至少这么多个才比较"},
    pure=False,
    needs=lambda v, s: v.annual.quantitative,
    bad="培训人数 50人，而同类 8 个项目为 100–300人（下四分位 120人）",
    good="培训人数 200人，同类下四分位 120人",
)
def r40(v, s):
    peers = v.doc.peers
    if not peers:
        return None
    b = peers.get((v.project.index, v.index))
    side = outside_peers(b, s.min_peers)
    if side is None:
        return None
    common = {"name": v.ind.name or f"第{v.ind.seq}项指标", "value": v.ind.annual_value, "n": b["n"],
              "unit": b.get("unit") or "—", "library": f"L{b['library_id']} {b.get('library_name') or ''}".strip(),
              "median": _num(b["median"]), "q1": _num(b["q1"]), "q3": _num(b["q3"])}
    return hit("annual_value", "above" if side == "high" else "default", **common)
