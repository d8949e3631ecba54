"""F. The goal text (R31–R33): present, naming an output, not boilerplate."""

from __future__ import annotations

import re
from types import SimpleNamespace

from ..registry import hit, rule

_DIGIT = re.compile(r"\d")
_CLAUSES = re.compile(r"[，,。；;！!？?、：:\s]+")


@rule(
    "R31", name="goal-present", group="F", scope="project",
    title="有绩效目标", title_en="Goal present",
    severity="error",
    message="项目没有绩效目标", message_en="the project has no goal (绩效目标)",
    reasoning="项目支出绩效目标是预算安排的前置条件，表中每个项目都要写明。",
    source="S3；S1（101号对项目支出绩效目标的定义）",
    bad="绩效目标：（空）", good="绩效目标：完成 40 间智慧教室建设……",
)
def r31(p, s):
    if not p.goal:
        return hit("goal")
    return None


def _prepare_r32(s: SimpleNamespace) -> SimpleNamespace:
    s.re = re.compile("|".join(map(re.escape, s.output_words)))
    return s


@rule(
    "R32", name="goal-names-output", group="F", scope="project",
    title="目标说明要产出什么", title_en="Goal says what will be produced",
    severity="info",
    message="绩效目标没有数字，也没有说明要完成的产出（建设、购置、培训……）",
    message_en="the goal has no number and names no output (建设, 购置, 培训 …)",
    reasoning="数字由指标承载，但目标本身仍应说出产出是什么；只有愿景和“保障”“提升”的目标无从对应指标。",
    source="S1：「绩效目标通过具体绩效指[标]…」；（推定）", inferred=True,
    settings={"output_words": ["建设", "建成", "完成", "购置", "购买", "采购", "培训", "开展", "举办", "组织",
                               "维护", "运维", "维修", "升级", "改造", "发放", "编制", "开发", "租赁", "聘请",
                               "聘用", "拍摄", "配送", "补助", "资助", "搭建", "招标", "安装", "部署", "印制"]},
    settings_doc={"output_words": "目标含这些词即算说明了产出"},
    prepare=_prepare_r32,
    bad="提升校园环境，保障师生安全", good="完成 11 号楼宿舍加固改造，保障师生安全",
)
def r32(p, s):
    g = p.goal
    if g and not _DIGIT.search(g) and not s.re.search(g):
        return hit("goal")
    return None


def _prepare_r33(s: SimpleNamespace) -> SimpleNamespace:
    s.re = re.compile("|".join(f"(?:{x})" for x in s.boilerplate))
    return s


@rule(
    "R33", name="goal-boilerplate", group="F", scope="document",
    title="套话式目标", title_en="Boilerplate goal",
    severity="warning",
    message="绩效目标与项目“{other}”的完全相同", message_en="the goal is word for word that of project “{other}”",
    variants={"phrases": ("warning", "绩效目标只有“保障……正常运转”一类套话", "the goal is only stock phrases (保障…正常运转)")},
    reasoning="不同项目用同一段目标，或目标只有“保障正常运转”，说明目标与实际工作内容没有相关性。",
    source="（推定）依据 S5：「项目绩效目标与实际工作内容是否具有相关性」", inferred=True,
    settings={"boilerplate": [r"通过(?:实施|开展)?(?:本|该)?项目(?:的)?(?:实施)?",
                              r"(?:保障|确保|保证|维持|维护).{0,12}(?:正常|顺利|有序|稳定)(?:地)?(?:运转|运行|开展|进行|运作)",
                              r"(?:保障|确保|保证).{0,10}(?:工作|业务)(?:的)?(?:开展|运转)",
                              r"(?:提高|提升)(?:工作|办公|服务)?(?:效率|水平|质量)"],
              "max_len": 80},
    settings_doc={"boilerplate": "正则表达式：目标的每个分句都整句命中其中之一即为套话",
                  "max_len": "更长的目标不做套话检查"},
    prepare=_prepare_r33,
    bad="保障单位正常运转", good="完成 2 间无纸化考场更新，保障考试正常进行",
)
def r33(d, s):
    out = []
    first: dict[str, int] = {}
    for pv in d.projects:
        g = pv.goal
        if not g:
            continue
        if g in first:
            other = d.doc.projects[first[g]]
            out.append(hit("goal", project=pv.index, other=other.name or f"第{first[g] + 1}个项目"))
            continue
        first[g] = pv.index
        if len(g) > s.max_len:
            continue  # stock phrases are short; a long goal says more than them
        clauses = [c for c in _CLAUSES.split(g) if c]
        if clauses and all(s.re.fullmatch(c) for c in clauses):
            out.append(hit("goal", "phrases", project=pv.index))
    return out or None
