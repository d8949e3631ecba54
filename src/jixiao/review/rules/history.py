"""I. A project against its own earlier year or version (R53, R54): targets that did not follow the money.

The diff comes from a store (:func:`jixiao.library.history.document_history`),
handed to :func:`jixiao.review.review` among its ``peers`` under
``("history", project index)``: money then and now, and the targets matched
by canonical indicator. A file reviewed on its own has none.
"""

from __future__ import annotations

from ..registry import hit, rule


def _pct(x: float) -> str:
    return f"{x * 100:+.0f}%"


def _diff(p):
    peers = p.doc.peers
    return peers.get(("history", p.index)) if peers else None


def _then(h) -> str:
    e = h["earlier"]
    when = f"{e['year']} 年" if e.get("year") else f"第 {e.get('version')} 版"
    return f"{when}，P{e['project_id']}"


@rule(
    "R53", name="targets-copied-money-rose", group="I", scope="project",
    title="资金增加而数量目标照抄上年", title_en="Money rose, quantity targets copied",
    severity="warning",
    message="资金总额比上年（{then}）增加 {share}，但 {n} 个数量指标与上年一字不差：{names}",
    message_en="the total rose {share} over the earlier one ({then}), but {n} quantity target(s) are copied "
               "word for word: {names}",
    reasoning="绩效目标应与预算相匹配：资金增加了，产出数量却照抄上年，要么目标偏低，要么资金没有说明用途。只比较"
              "同一项目的上一年度或上一版本（同一部门、名称相似，或同一文件的旧版本，链接可在 jixiao history 中确认或"
              "否定），只看数量指标（质量、时效、满意度照抄是常事）。增幅阈值 rise 可配置。",
    source="S4：绩效目标要与预算确定的投入相匹配；（推定）增幅阈值",
    inferred=True,
    settings={"rise": 0.2, "levels2": ["数量"]},
    settings_doc={"rise": "资金总额增幅超过这个比例才检查（0.2 即 20%）",
                  "levels2": "检查哪些二级指标的照抄"},
    variants={"tenfold": ("info",
                          "资金总额是上年（{then}）的 {times} 倍，而 {n} 个数量指标与上年一字不差：{names}；"
                          "上年金额可能只是结转余额或识读有误，请核对",
                          "the total is {times}× the earlier one ({then}) while {n} quantity target(s) are copied "
                          "word for word: {names}; the earlier amount may be a carried-over remainder or misread")},
    bad="2023 年 100 万元、培训人数 500人；2024 年 150 万元、培训人数 500人",
    good="2024 年 150 万元、培训人数 750人",
)
def r53(p, s):
    h = _diff(p)
    if not h or h.get("money_share") is None or h["money_share"] <= s.rise:
        return None
    copied = [r for r in h["targets"] if r["change"] == "copied" and r.get("level2") in s.levels2
              and r.get("kind", "quantitative") == "quantitative"]
    if not copied:
        return None
    names = "；".join(f"{r['later_name']} {r['later_value'] or ''}".strip() for r in copied[:6])
    if h["money_share"] >= 9:  # ten times or more: found on the real tables, where the earlier year was 0.17 万元
        return hit("amounts.total", "tenfold", times=f"{1 + h['money_share']:,.0f}", then=_then(h), n=len(copied),
                   names=names)
    return hit("amounts.total", share=_pct(h["money_share"]), then=_then(h), n=len(copied), names=names)


@rule(
    "R54", name="target-fell-money-did-not", group="I", scope="project",
    title="资金未减而指标值降低", title_en="Target lowered while money did not fall",
    severity="warning",
    message="“{name}”由上年（{then}）的 {before} 降为 {after}，而资金总额{money}",
    message_en="“{name}” went from {before} ({then}) to {after}, while the total {money_en}",
    reasoning="资金没有减少，同一指标的目标却放松了（越高越好的降低、越低越好的升高），需要说明理由。指标按指标库的规范"
              "指标配对、单位相同才比较；上一年度或版本的链接可在 jixiao history 中确认或否定。",
    source="S4：绩效目标要与预算确定的投入相匹配；S10：指标值「参考历史标准」",
    inferred=True,
    settings={"tolerance": 0.0},
    settings_doc={"tolerance": "资金降幅不超过这个比例也算“未减少”（0.0：不减即是）"},
    bad="2023 年 100 万元、培训人数 500人；2024 年 100 万元、培训人数 300人",
    good="2024 年 60 万元、培训人数 300人（资金减少，目标随之降低）",
)
def r54(p, s):
    h = _diff(p)
    if not h or h.get("money_share") is None or h["money_share"] < -s.tolerance:
        return None
    share = h["money_share"]
    money = "未变" if share == 0 else f"增加 {_pct(share)}"
    money_en = "did not change" if share == 0 else f"rose {_pct(share)}"
    out = []
    for r in h["targets"]:
        if r["change"] in ("rose", "fell") and r.get("direction") == "looser" and r.get("later_index") is not None:
            out.append(hit("annual_value", indicator=r["later_index"], name=r["later_name"] or "?",
                           before=r["earlier_value"], after=r["later_value"], then=_then(h), money=money,
                           money_en=money_en))
    return out or None
