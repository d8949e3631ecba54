"""K. An evaluation against the target table it reports on (R51): the target it was held to.

The links come from a store (:func:`jixiao.link.store.document_links`),
handed to :func:`jixiao.review.review`; a file reviewed on its own has none,
and the rule says nothing. The store keeps R51's findings current whenever
the links change (an import, ``jixiao link``, the API).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ...model import EVAL_FORMS
from ..registry import hit, rule

__all__ = ["same_target"]

_SPACE = re.compile(r"\s+")
# the ways one comparator is printed: ≥ >= ≧ 不低于 …
_COMPARATORS = (("≥", (">=", "≧", "不低于", "不少于")), ("≤", ("<=", "≦", "不高于", "不超过", "不多于")))
_TARGET_KEYS = ("kind", "comparator", "value", "low", "high", "unit", "qualitative")


def _text_key(value: str) -> str:
    s = _SPACE.sub("", unicodedata.normalize("NFKC", value))
    for sign, spellings in _COMPARATORS:
        for spelling in spellings:
            s = s.replace(spelling, sign)
    return s.rstrip("。.;；")


def same_target(value: str | None, target: Any, published: str | None, published_target: Any) -> bool | None:
    """Whether an evaluation's 年度指标值 is the one published; None when either is not printed.

    The same text (spaces, full-width forms and the spelling of a comparator aside) is the same; so are
    two readings as the same target (comparator, number or range, unit: ``≥ 50 个`` and ``≥50个``).
    """
    if not value or not value.strip() or not published or not published.strip():
        return None
    if _text_key(value) == _text_key(published):
        return True
    mine = target.model_dump(exclude_none=True) if hasattr(target, "model_dump") else target
    theirs = published_target.model_dump(exclude_none=True) if hasattr(published_target, "model_dump") \
        else published_target
    if mine and theirs and mine.get("kind") == "quantitative" == theirs.get("kind"):
        return all(mine.get(k) == theirs.get(k) for k in _TARGET_KEYS)
    return False


@rule(
    "R51", name="target-changed", group="K", scope="indicator",
    title="自评表的年度指标值与目标表不一致", title_en="The evaluation's target differs from the published one",
    severity="warning",
    message="“{name}”的年度指标值在自评/监控表中为「{value}」，而目标表（{document}）公布的是「{published}」",
    message_en="the annual target of “{name}” reads “{value}” in the evaluation but “{published}” in the published "
               "target table ({document})",
    reasoning="自评和监控是对照年初批复的绩效目标进行的：目标表「作为项目绩效目标审核、预算资金确定和绩效评价的主要依据」。"
              "自评表里的年度指标值若不是目标表公布的那个（常见的是把目标改低，使实际完成值显得达标），"
              "得分就不是对照原目标得出的；确有调整的，应有调整的批复并在表中说明。只在对照数据库审核时可用："
              "自评表的指标须已链接到目标表的指标（jixiao link）。",
    source="S6：目标表「作为项目绩效目标审核、预算资金确定和绩效评价的主要依据」；财预〔2020〕10号（项目支出绩效评价管理办法）"
           "以年初设定的绩效目标为评价对照（比较口径为推定）",
    inferred=True,
    pure=False,
    bad="目标表：特色产业带动增加受益农户收入 ≥12万元；自评表：同一指标的年度指标值 ≥11.376万元，实际完成 12万元，满分",
    good="目标表与自评表的年度指标值都是 ≥12万元（写作 ≥ 12 万元 或 不低于12万元 也算相同）",
)
def r51(v, s):
    links = v.doc.links
    if not links or v.doc.doc.form not in EVAL_FORMS:
        return None
    link = links.get((v.project.index, v.index))
    if link is None:
        return None
    same = same_target(v.ind.annual_value, v.ind.annual_target, link.get("annual_value"), link.get("annual_target"))
    if same is None or same:
        return None
    return hit("annual_value", name=v.ind.name or f"第{v.index + 1}项指标", value=v.ind.annual_value.strip(),
               published=link["annual_value"].strip(),
               document=link.get("target_document") or f"D{link.get('target_document_id')}")
