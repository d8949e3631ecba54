"""Labels of the one-project and department forms, and how to recognise
them in cells that OCR or a PDF broke: split over two cells (``合 | 计``),
sprinkled with noise (``预算[内专项``), a character misread (``東报单位``).
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

from .vocab import MONEY_UNIT, squash

__all__ = ["FIELD_LABELS", "GLUED_LABEL_RE", "GROUP_LABELS", "GRID_WORDS", "LABEL_UNIT_RE", "UNIT_NOTE", "LabelMatch", "match_label", "strip_noise"]

# label → role; "field" labels go to Project.fields, others feed a model field.
FIELD_LABELS: dict[str, str] = {
    "项目名称": "name", "项目名": "name",
    "实施单位": "unit", "项目实施单位": "unit", "项目单位": "unit", "资金使用单位": "unit",
    "填报单位": "department", "部门名称": "department", "单位名称": "department",
    "申报单位": "department", "预算单位": "department", "部门": "department",
    "部门(单位)名称": "department", "单位(部门)名称": "department",
    "主管部门": "field", "主管部门及代码": "field", "主管部门名称": "field", "项目主管部门": "field",
    "实施单位及代码": "unit", "预算部门": "department", "预算部门名称": "department",
    "项目负责人": "field", "联系人": "field", "联系电话": "field",
    "项目属性": "field", "项目类型": "field", "项目类别": "field", "资金用途": "field",
    "起始时间": "field", "项目起始时间": "field", "开始时间": "field", "项目开始时间": "field",
    "项目结束时间": "field", "结束时间": "field", "完成时间": "field",
    "项目期限": "field", "项目期": "field", "实施期限": "field", "项目周期": "field", "实施周期": "field",
    "总金额": "field", "项目总金额": "field", "项目资金总额": "field", "资金总额": "field",
    "本年度预算金额": "field", "年度预算金额": "field", "年度资金总额": "field",
    "本年度资金": "field", "中期资金总额": "field", "预算金额": "field",
    "合计": "field", "预算内专项": "field", "市筹基建": "field", "行政事业性收费收入": "field",
    "国有资源(资产)有偿使用收入": "field", "其他纳入预算管理的非税收入": "field",
    "专项收入": "field", "上级转移支付(一般公共预算)": "field", "政府性基金收入": "field",
    "上级转移支付(政府性基金预算)": "field", "国有资本经营收入": "field",
    "财政专户管理的非税收入": "field", "事业单位经营收入": "field", "上年结转": "field",
    "其他收入": "field", "财政拨款": "field", "一般公共预算": "field", "其他资金": "field",
    "财政专户拨款": "field", "政府性基金": "field", "其中:财政拨款": "field", "其中：财政拨款": "field",
    "项目内容": "field", "项目规模": "field", "项目范围": "field", "项目历史绩效": "field",
    "项目组织架构及分工": "field", "项目概述": "field", "项目简介": "field", "立项依据": "field",
    "政策依据": "field", "法律依据": "field", "项目立项必要性": "field", "立项必要性": "field",
    "人力条件": "field", "财力条件": "field", "物力条件": "field", "其他": "field",
    "项目可行性": "field", "项目实施计划": "field", "保障措施": "field",
    "第一季度": "field", "第二季度": "field", "第三季度": "field", "第四季度": "field",
    "项目总目标": "goal_total", "总体目标": "goal_total", "长期目标": "goal_total",
    "中长期目标": "goal_total", "实施期目标": "goal_total", "实施期绩效目标": "goal_total",
    "年度绩效目标": "goal_annual", "年度目标": "goal_annual", "年度总体目标": "goal_annual",
    "本年度绩效目标": "goal_annual",
    "部门职能": "field", "年度目标任务": "field", "支出项目名称": "field",
    "部门职责": "field", "职能职责": "field", "任务名称": "field", "主要内容": "field",
}
# Labels of a group of rows, or of a grid's columns: structure, never a field.
GROUP_LABELS = {
    "项目概况", "项目立项情况", "资金支出进度计划", "项目绩效目标", "绩效目标", "绩效指标",
    "年度绩效指标", "资金来源", "金额", "项目资金", "项目基本情况", "资金支出时间", "预算执行进度",
    "基本信息", "立项依据及必要性", "项目资金来源", "项目支出明细", "绩效指标表",
    "部门整体支出绩效目标", "年度任务", "长期绩效目标", "任务", "年度预算申请", "年度预算", "预算申请",
    "年度主要任务", "部门整体绩效目标", "年度部门整体支出预算", "部门整体支出预算",
    # the columns of a form's money rows
    "按收入性质分", "按支出性质分", "按资金来源分",
    "年初预算数", "全年预算数", "全年执行数", "预算数", "执行数", "调整后预算数",
}
# Column words of the indicator grid.
GRID_WORDS = {
    "一级指标": "level1", "二级指标": "level2", "三级指标": "name", "指标名称": "name", "绩效指标": "name",
    "指标内容": "name",
    "年度指标值": "annual", "年度目标值": "annual", "指标值": "annual", "目标值": "annual",
    "预期指标值": "annual", "年度目标": "annual", "绩效指标值": "annual",
    "实施周期指标值": "period", "长期指标值": "long", "中期指标值": "mid", "全周期指标值": "period",
    "实施期指标值": "period", "实施期目标值": "period",
    "分值": "extra", "指标解释": "extra", "绩效标准": "extra", "指标值类型": "extra", "度量单位": "extra",
    "计量单位": "extra", "备注": "extra", "评分标准": "extra", "指标方向": "extra", "指标性质": "extra",
}

# "年度资金总额（万元）": the label with the unit its amounts are in
UNIT_NOTE = rf"[(（]\s*(?:单位\s*[:：]\s*)?(?P<unit>{MONEY_UNIT})\s*[)）]"
LABEL_UNIT_RE = re.compile(UNIT_NOTE + r"\s*$")


def _glued_label_re() -> re.Pattern[str]:
    # labels long enough not to begin an ordinary value ("合计", "其他", "部门" are left out)
    words = sorted({k for k in FIELD_LABELS if len(k) >= 4} | {"项目资金"}, key=len, reverse=True)
    return re.compile(r"^\s*(?:" + "|".join(map(re.escape, words)) + r")(?:\s*" + UNIT_NOTE + ")?")


#: a label written with its value and no separator at all: "项目名称城市道路养护"
GLUED_LABEL_RE = _glued_label_re()
_NOISE_RE = re.compile(r"[\[\]|!！·•。._\-—~～:：;；,，'\"`*#]")
_PAREN_NOTE_RE = re.compile(r"[(（]\s*(?:盖章|公章|签章|签字)\s*[)）]")


def strip_noise(s: str) -> str:
    """A cell's text as a label candidate: no white space, no OCR specks."""
    return _NOISE_RE.sub("", _PAREN_NOTE_RE.sub("", squash(s)))


_ALL: dict[str, str] = {}
for _k, _v in FIELD_LABELS.items():
    _ALL[strip_noise(_k)] = _k
for _k in GROUP_LABELS:
    _ALL[strip_noise(_k)] = _k
for _k in GRID_WORDS:
    _ALL.setdefault(strip_noise(_k), _k)


class LabelMatch(tuple):
    """(canonical label, kind) with kind in field / group / grid."""

    @property
    def label(self) -> str:
        return self[0]

    @property
    def kind(self) -> str:
        return self[1]


def _kind(label: str) -> str:
    if label in FIELD_LABELS:
        return "field"
    if label in GROUP_LABELS:
        return "group"
    return "grid"


@lru_cache(maxsize=4096)
def match_label(text: str, *, fuzzy: bool = True) -> LabelMatch | None:
    """The known label ``text`` is (exactly, or misread by OCR), else None."""
    key = strip_noise(LABEL_UNIT_RE.sub("", text))
    if not key or len(key) > 16:
        return None
    exact = _ALL.get(key)
    if exact is not None:
        return LabelMatch((exact, _kind(exact)))
    if not fuzzy or len(key) < 3:
        return None
    least = 0.74 if len(key) >= 4 else 0.85
    key_chars = Counter(key)
    best, best_r = None, 0.0
    for k, label, k_chars in _fuzzy_candidates(len(key)):
        # SequenceMatcher's ratio is 2·matches/(len a + len b), and its matches are at most the
        # characters both share; a label that cannot beat the best so far, or reach the threshold,
        # is skipped without it: the same label is found, ~20× fewer ratios are worked out
        shared = sum(min(n, k_chars[c]) for c, n in key_chars.items() if c in k_chars)
        bound = 2.0 * shared / (len(key) + len(k))
        if bound <= best_r or bound < least:
            continue
        r = SequenceMatcher(None, key, k).ratio()
        if r > best_r:
            best, best_r = label, r
    if best is not None and best_r >= least:
        return LabelMatch((best, _kind(best)))
    return None


@lru_cache(maxsize=32)
def _fuzzy_candidates(length: int) -> list[tuple[str, str, Counter[str]]]:
    """(key, label, the key's characters) of each label a misread cell of ``length`` characters may
    be (at least 3 characters, 2 or fewer more or less than it), in ``_ALL``'s order."""
    return [(k, label, Counter(k)) for k, label in _ALL.items() if len(k) >= 3 and abs(len(k) - length) <= 2]
