"""What a form's cells mean: the vocabulary of labels, level names and values.

Everything here is a rule about the words of these tables, never about one
document: a label is known by its words (项目名称, 主管部门及代码, 其中：当年财政拨款)
or by its shape (a short cell ending in 名称 / 单位 / 资金 / 目标 …); a 一级 or
二级 indicator name by its stem (产出, 效益, 数量, 时效 …) and the word 指标,
whatever notes, scores or spaces it carries (``产出指标(40-50)分``,
``数量指标(或建筑规模指标)``, ``产 出 指 标``); a value by its comparator,
number, unit or qualitative word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .labels import match_label
from .values import parse_target
from .vocab import squash

__all__ = [
    "LabelInfo",
    "eval_goal_role",
    "eval_grid_role",
    "eval_money_role",
    "eval_note_role",
    "eval_title",
    "grid_role",
    "grid_words",
    "is_amount_like",
    "is_eval_money_row",
    "is_grid_word",
    "is_title",
    "is_value_like",
    "label_info",
    "level_kind",
    "strip_name_number",
]

# A note in brackets: "(万元)", "(或建筑规模指标)", "(0-20)分", "(50分)"
_NOTE_RE = re.compile(r"[(（][^()（）]{0,14}[)）]分?|\d{1,3}分$")
_LEVEL1_RE = re.compile(r"^(?:项目|预期)?(?:产出|效益|效果|满意度|成本|完成)(?:指标)?$"
                        r"|^社会公众或服务对象满意度指标$|^(?:服务对象|社会公众)?满意度指标$")
_LEVEL2_STEMS = ("数量", "质量", "时效", "成本", "效益", "影响", "满意度", "控制", "进度", "工期")
_LEVEL2_RE = re.compile(r"^[\w、]{0,12}(?:" + "|".join(_LEVEL2_STEMS) + r")(?:指标|目标)$")


_LEVEL_NUMBER_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．](?!\d)|[(（][一二三四五六七八九十\d]{1,2}[)）])")


def _level_key(text: str) -> str:
    s = _LEVEL_NUMBER_RE.sub("", squash(text).strip(":：|"))
    s = re.sub(r"值$", "指标", s) if re.fullmatch(r"(?:产出|效益|满意度|成本|数量|质量|时效)值", s) else s
    s = _NOTE_RE.sub("", s)
    return s.replace("(", "").replace(")", "")


@lru_cache(maxsize=4096)  # a form asks about the same cell texts again and again
def level_kind(text: str) -> str | None:
    """``level1`` for a 一级 name, ``level2`` for a 二级 name, ``both`` for a name that may be
    either (成本指标, 满意度指标, 社会公众或服务对象满意度指标), else None."""
    raw = squash(text)
    if not raw or len(raw) > 30 or "指标" not in raw and not raw.endswith(("目标", "值")):
        return None
    key = _level_key(text)
    l1 = bool(_LEVEL1_RE.match(key))
    l2 = bool(_LEVEL2_RE.match(key)) and key not in ("效益指标", "产出指标", "效果指标")
    if key in ("成本指标", "满意度指标", "社会公众或服务对象满意度指标", "服务对象满意度指标"):
        return "both"
    if l1:
        return "level1"
    if l2:
        return "level2"
    return None


# -- the indicator grid's header ---------------------------------------------------------------

_GRID_ROLE_RE = (
    (re.compile(r"^一级(?:指标)?|^指标(?:类型|类别)$"), "level1"),
    (re.compile(r"^二级(?:指标)?"), "level2"),
    (re.compile(r"^(?:三级(?:指标)?|指标内容|(?:绩效)?指标名称)"), "name"),
    (re.compile(r"^(?:计划|预期|绩效)?(?:年度)?(?:指标值|目标值)"), "value"),
    (re.compile(r"^年度指标值|^绩效指标值|^预期指标值"), "value"),
    (re.compile(r"^(?:实施周期|实施期|全周期|中期|长期)指标值"), "period"),
)
_EXTRA_WORDS = ("分值", "权重", "指标解释", "绩效标准", "指标值类型", "度量单位", "计量单位", "备注", "评分标准",
                "指标方向", "指标性质", "指标值内容", "指标说明", "评(计)分标准", "计分方法")


@lru_cache(maxsize=4096)  # a form asks about the same cell texts again and again
def grid_role(text: str) -> str | None:
    """The role of an indicator grid's header cell: level1 / level2 / name / value / period /
    type / target / unit / extra; None when the cell is no grid header word.

    Paired grids qualify their columns: ``二级指标(长期)``, ``指标值(年度)``; the qualifier
    is kept as a suffix (``value:period``) so the reader can tell the two sets apart."""
    s = squash(text).strip(":：|")
    if not s or len(s) > 24:
        return None
    period = bool(re.search(r"[(（](?:长期|中期|实施期)[)）]", s))
    core = re.sub(r"[(（][^()（）]*[)）]", "", s)
    if core in ("指标值类型", "指标方向", "指标性质"):
        return "type"
    if core in ("度量单位", "计量单位"):
        return "unit"
    if core == "目标值":
        return "value"
    for word in _EXTRA_WORDS:
        if core == word:
            return "extra"
    for pattern, role in _GRID_ROLE_RE:
        if pattern.match(core) and len(core) <= 8:
            if role == "value" and (period or core.startswith(("长期", "中期"))):
                return "period"
            return f"{role}:period" if period and role in ("level2", "name") else role
    return None


_GRID_WORD_LIST = sorted(
    {"一级指标", "二级指标", "三级指标", "指标内容", "指标名称", "年度指标值", "实施周期指标值", "实施期指标值", "中期指标值",
     "长期指标值", "计划指标值", "指标值", "目标值", "指标值类型", "度量单位", "计量单位", "指标值内容", "指标解释",
     "绩效标准", "分值", "权重", "备注", "指标方向", "指标性质", "评分标准"}, key=len, reverse=True)
_NOTE_AT_RE = re.compile(r"[(（][^()（）]{0,16}[)）]")


def is_grid_word(text: str) -> bool:
    """True for exactly one column word of an indicator grid's header (一级指标, 指标解释 …)."""
    return grid_words(text, least=1) == [squash(text).strip("|")]


def grid_words(text: str, *, least: int = 2) -> list[str] | None:
    """"二级指标三级指标", "三级指标计划指标值(或计划水平)": header cells that a lost separator ran
    together, each with its note; None unless the words cover the whole text."""
    s = squash(text).strip("|")
    out: list[str] = []
    pos = 0
    while pos < len(s):
        word = next((w for w in _GRID_WORD_LIST if s.startswith(w, pos)), None)
        if word is None:
            return None
        end = pos + len(word)
        if m := _NOTE_AT_RE.match(s, end):
            end = m.end()
        out.append(s[pos:end])
        pos = end
    return out if len(out) >= least else None


# -- labels -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LabelInfo:
    """A label cell: its canonical ``text`` (as printed, without spaces, colon or unit note),
    its ``role`` and whether it is known by name (``strong``) or only by shape."""

    text: str
    role: str
    strong: bool
    unit: str | None = None  # the money unit its note names: 项目资金（万元）


_UNIT_NOTE_RE = re.compile(r"[(（]\s*(?:单位\s*[:：]\s*)?(万元|元|千元|亿元)\s*[)）]")
_LEADING_NUMBER_RE = re.compile(r"^(?:[(（][一二三四五六七八九十]+[)）]|\d{1,2}[、.．]|[一二三四五六七八九十]+、)")
_NAME_RE = re.compile(r"^(?:项目|专项|专项\(项目\)|项目支出|资金)名称$")
_UNIT_LABEL_RE = re.compile(r"^(?:项目)?(?:实施|执行|使用)单位(?:名称)?(?:及代码|及编码)?$|^项目单位$|^资金使用单位$")
_BUDGET_UNIT_RE = re.compile(r"^(?:预算|填报|申报)(?:单位|部门)(?:名称)?$|^(?:部门|单位)(?:\(单位\)|\(部门\))?名称$")
_SUPERVISOR_RE = re.compile(r"^(?:项目|[省市区县]级)?主管部门(?:\(单位\))?(?:名称)?(?:及(?:代码|编码))?$")
_GOAL_ANNUAL_RE = re.compile(r"^(?:本年度|年度|当年|本年)(?:绩效|总体|主要)?目标(?:和成果)?$|^年度主要目标和成果$")
_GOAL_TOTAL_RE = re.compile(r"^(?:项目总目标|总体目标|中期目标|长期目标|中长期目标|实施期(?:绩效)?目标|中期滚动目标.*|项目中期目标)$")
_GOAL_ANY_RE = re.compile(r"^(?:项目)?绩效目标$")
_GROUP_RE = re.compile(r"^.{0,6}绩效指标表?$|^.{0,6}指标表$|^(?:资金情况|项目资金|资金来源|绩效指标|年度绩效指标|项目基本情况|项目概况|年度预算安排|"
                       r"预算执行|年度履职目标|金额|年度资金)$")
_TOTAL_RE = re.compile(r"^.*?(?:资金|预算|申请)?总额$|^.*?(?:预算|资金)金额$|^资金规模$|^(?:项目)?总预算$|预算金额$|^(?:当年)?年度预算$|^部门预算$|^总金额$|^项目金额$"
                       r"|^(?:本年度|年度|当年)?申请.*财政预算资金$|^中期.*财政预算$")
_FISCAL_RE = re.compile(r"^(?:其中[:：])?(?:当年|本年)?财政(?:拨款|资金|投款)(?:小计)?$")
_OTHER_RE = re.compile(r"^(?:其中[:：])?(?:当年|本年)?其[他它](?:资金|收入)$")
_SPECIAL_RE = re.compile(r"^(?:其中[:：])?财政专户(?:拨款|资金)?$")
_MONEY_UNIT_LABEL_RE = re.compile(r"^(?:金额|资金)?单位$")
# a web page's own labels (发布时间：…): never a field of the form
_CHROME_RE = re.compile(r"^(?:发布(?:时间|日期|机构|单位)|信息来源|来源|作者|编辑|浏览量|浏览次数|点击数|字号|字体|索引号|"
                        r"文号|归档时间|时间|分类|主题分类|发文机关|发文日期|有效性|名称|标题|公开方式|生成日期)$")
_FOOTER_RE = re.compile(r"^(?:填表人|填报人|填报日期|单位负责人(?:签字)?|联系电话|联系人|.{0,10}审核意见|.{0,10}初审意见)$")
_NOTE_LABEL_RE = re.compile(r"^(?:注|备注|说明|填表说明)$")
_SHAPE_SUFFIXES = ("名称", "单位", "部门", "金额", "总额", "资金", "预算", "时间", "周期", "属性", "类型", "类别", "分类",
                   "来源", "负责人", "电话", "代码", "编码", "概况", "依据", "审批", "内容", "规模", "执行率", "起止时间",
                   "实施期", "项目期", "期限", "目标", "拨款", "收入", "小计", "联系人", "完成情况", "计划", "措施", "必要性", "可行性")


def _label_key(text: str) -> tuple[str, str | None]:
    s = squash(text)
    unit = None
    if m := _UNIT_NOTE_RE.search(s):
        unit = m.group(1)
        s = s[: m.start()] + s[m.end():]
    s = re.sub(r"[(（](?:盖章|公章|签章|签字)[)）]", "", s)
    s = re.sub(r"[(（]\d{1,3}(?:-\d{1,3})?分[)）]|[(（]\d{1,3}-\d{1,3}[)）]分", "", s)  # a score: (90分), (0-20)分
    s = _LEADING_NUMBER_RE.sub("", s)
    return s.rstrip(":：").strip("|*★"), unit


@lru_cache(maxsize=4096)  # a form asks about the same cell texts again and again
def label_info(text: str) -> LabelInfo | None:
    """The label a cell is, or None for a value."""
    raw = squash(text)
    if not raw or len(raw) > 26 or raw[-1] in "。;；,，":
        return None
    key, unit = _label_key(text)
    bare = re.sub(r"[(（][^()（）]*[)）]", "", key)  # "中期滚动目标(2019年--2021年)": years in a note
    if not key or len(bare) > 20 or re.search(r"\d{3,}|\d+(?:\.\d+)?(?:万|元|%)", bare):
        return None
    role = _role(key)
    if role is not None:
        return LabelInfo(key, role, True, unit)
    if grid_role(key) not in (None, "extra", "type", "unit"):
        return None
    known = match_label(key, fuzzy=False)
    if known is not None:
        role = _role(squash(known.label)) or ("group" if known.kind == "group" else "field")
        return LabelInfo(key, role, True, unit)
    if len(key) <= 12 and key.endswith(_SHAPE_SUFFIXES) and not is_value_like(key):
        return LabelInfo(key, _role_by_shape(key), False, unit)
    return None


def _role(key: str) -> str | None:
    for pattern, role in ((_NAME_RE, "name"), (_UNIT_LABEL_RE, "unit"), (_BUDGET_UNIT_RE, "department"),
                          (_SUPERVISOR_RE, "supervisor"), (_GOAL_ANNUAL_RE, "goal_annual"),
                          (_GOAL_TOTAL_RE, "goal_total"), (_GOAL_ANY_RE, "goal_any"), (_GROUP_RE, "group"),
                          (_FISCAL_RE, "fiscal"), (_OTHER_RE, "other"), (_SPECIAL_RE, "special"),
                          (_TOTAL_RE, "total"), (_MONEY_UNIT_LABEL_RE, "money_unit"), (_CHROME_RE, "chrome"),
                          (_FOOTER_RE, "footer"), (_NOTE_LABEL_RE, "note")):
        if pattern.match(key):
            return role
    return None


def _role_by_shape(key: str) -> str:
    if "目标" in key:
        return "goal_total"
    return "field"


# -- values -------------------------------------------------------------------------------------

_DATE_START_RE = re.compile(r"^\s*(?:19|20)\d{2}\s*(?:[.\-/]\s*(?:0?[1-9]|1[0-2])(?!\d)|年)")
_AMOUNT_LIKE_RE = re.compile(r"^\s*-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?:万元|万|元|千元|亿元)?")
_VALUE_START_RE = re.compile(r"^(?:[<>≤≥＜＞=≧≦±]|不低于|不少于|不高于|不超过|大于|小于|约|达到|控制在|\d)")
# a qualitative value: a word of change or grade, perhaps after a short qualifier ("持续改善", "巩固提高",
# "良好以上"); a name that merely holds such a word ends in a measure (合格率, 满意度, 完成情况)
_QUALITATIVE_WORDS = re.compile(
    r"^\w{0,4}(?:提高|提升|改善|稳定|及时|按时|按期|建立|完善|合格|达标|良好|优秀|优良|有效|健全|完成|下降|降低|减少|"
    r"满足|符合|正常|显著|明显|增强|增加|促进|保障|规范|较好|全覆盖|持续|发展|无|是|否|满意|到位|落实)(?:以上|以下|水平|等级)?$")
_MEASURE_END = ("率", "度", "数", "量", "性", "情况", "时间", "面积", "长度", "人数", "金额", "成本", "标准")


def is_amount_like(text: str) -> bool:
    """True for a money cell: a number, perhaps with 万元 or a note after it ("854万(…)")."""
    return bool(_AMOUNT_LIKE_RE.match(text)) and not _DATE_START_RE.match(text)


def is_value_like(text: str) -> bool:
    """True for a cell that reads as an indicator value: a comparator or number, a unit or
    percentage, a qualitative word; also a placeholder (``≧ %``)."""
    s = squash(text)
    if not s:
        return False
    if _VALUE_START_RE.match(s) or s.endswith(("%", "％", "‰")):
        return True
    if len(s) <= 10 and _QUALITATIVE_WORDS.match(s) and not s.endswith(_MEASURE_END):
        return True
    target = parse_target(s)
    return target is not None and target.kind in ("quantitative", "placeholder") and len(s) <= 12


_TITLE_RE = re.compile(r"绩效目标(?:申报|批复|审批|设定|公开|自评)?表(?:\d{0,2}|[(（][^()（）]{1,16}[)）])?$")


def is_title(text: str) -> bool:
    """True for a cell that is a form's title and nothing else."""
    s = squash(text).strip("|")
    return (bool(_TITLE_RE.search(s)) and len(s) <= 60 and not re.search(r"[:：]|附件|\.xlsx?$", s)
            and not re.match(r"^\d{1,2}[.、．]", s))


_NAME_NUMBER_RE = re.compile(r"^\s*指标\s*\d{1,3}\s*[:：]\s*")


def strip_name_number(text: str) -> int:
    """Length of the "指标1：" numbering in front of a 三级 name (0 when none)."""
    m = _NAME_NUMBER_RE.match(text)
    return m.end() if m else 0


# -- self-evaluation and monitoring forms (绩效自评表, 绩效监控表) ----------------------------------
# Their grids add the year's outcome to a target table's columns; the words are kept apart from
# ``grid_role`` so that a target table is read exactly as before (得分 or 完成值 never appear there).

_EVAL_TITLE_RE = re.compile(r"(?:自评|监控)表(?:[(（][^()（）]{1,12}[)）])?$")
_EVAL_GRID_ROLES = (
    (re.compile(r"^序号$"), "seq"),
    (re.compile(r"^一级指标$"), "level1"),
    (re.compile(r"^二级指标$"), "level2"),
    (re.compile(r"^(?:三级指标|指标名称|指标内容)$"), "name"),
    (re.compile(r"^(?:年度指标值|指标值|年初目标值|年初指标值|目标值|年度目标值)$"), "value"),
    (re.compile(r"^(?:实际完成值|全年实际值|完成值|全年完成值|年成值全完值|实际值|半年度指标执行情况)$"), "actual"),
    (re.compile(r"^(?:分值|权重|指标分值|指标权重)$"), "weight"),
    (re.compile(r"^(?:得分|自评得分|指标得分)$"), "score"),
    (re.compile(r"^(?:指标性质|指标方向)$"), "direction"),
    (re.compile(r"^(?:度量单位|计量单位)$"), "unit"),
    (re.compile(r"^(?:偏差原因分析及改进措施|未完成原因分析|未完成原因及拟采取的改进措施|偏差原因|备注)$"), "deviation"),
    (re.compile(r"^完成目标可能性$"), "likelihood"),
    (re.compile(r"^是否核心指标$"), "core"),
    (re.compile(r"^(?:指标解释|指标说明及评分标准|评分标准|得分系数|调整指标值)$"), "extra"),
)
_EVAL_MONEY_ROLES = (
    (re.compile(r"^年初预算数?$"), "initial"),
    (re.compile(r"^(?:全年预算数|全年调整预算数|调整后预算数|预算数)$"), "budget"),
    (re.compile(r"^(?:全年执行数|预算执行数|执行数)$"), "executed"),
    (re.compile(r"^1[-—~至](\d{1,2})月执行数$"), "executed_to_date"),
    (re.compile(r"^全年预计执行数$"), "expected"),
    (re.compile(r"^(?:预算)?执行率$"), "rate"),
    (re.compile(r"^(?:分值|权重|执行率权重)$"), "weight"),
    (re.compile(r"^(?:执行率)?得分$"), "score"),
)
_EVAL_MONEY_ROW_RE = re.compile(r"^(?:其中[:：])?(?:年度(?:财政)?资金总额|总额|(?:当年|本年)?(?:财政拨款|财政资金|一般公共预算拨款)"
                                r"|上年结转(?:资金)?|其他资金|财政专户管理资金|单位资金)[:：]?$")
_EVAL_GOAL_RE = (
    (re.compile(r"^(?:预期目标|年初设定目标|项目年度目标|年初绩效目标)$"), "goal_expected"),
    (re.compile(r"^(?:实际完成情况|年度总体目标完成情况综述|年度目标完成情况|全年目标实际完成情况)$"), "goal_actual"),
)
_EVAL_NOTE_RE = (
    (re.compile(r"^(?:总分|自评总分)$"), "total_score"),
    (re.compile(r"^(?:偏差大或目标未完成原因分析|偏差或不能完成目标原因分析|存在问题)$"), "deviation"),
    (re.compile(r"^(?:改进措施(?:及结果应用方案)?|相关建议或举措)$"), "measures"),
    (re.compile(r"^(?:评价结论|合计)$"), "field"),
)
_PAREN_RE = re.compile(r"[(（][^()（）]*[)）]")


def _eval_key(text: str) -> str:
    """A cell as the evaluation vocabulary compares it: no spaces, colon, ★ or notes in brackets
    (年初目标值(A), 得分(20分*执行率), 完成目标可能性(确定能、有可能、不可能))."""
    return _PAREN_RE.sub("", squash(text)).strip(":：|★*")


def eval_title(text: str) -> str | None:
    """The form a title names: ``monitor`` (…绩效监控表), ``dept_selfeval`` (部门整体…自评表),
    ``selfeval`` (…绩效自评表, …项目自评表); None for any other cell."""
    s = squash(text)
    if len(s) > 48 or not _EVAL_TITLE_RE.search(s):
        return None
    if "监控" in s:
        return "monitor"
    return "dept_selfeval" if "部门整体" in s else "selfeval"


def eval_grid_role(text: str) -> str | None:
    """The column an evaluation grid's header cell names (seq, level1, level2, name, value, actual,
    weight, score, direction, unit, deviation, likelihood, core, extra), or None."""
    key = _eval_key(text)
    if not key or len(key) > 14:
        return None
    return next((role for pattern, role in _EVAL_GRID_ROLES if pattern.match(key)), None)


def eval_money_role(text: str) -> tuple[str, int | None] | None:
    """The column a money header cell names, with the N of 1–N月执行数; None for any other cell."""
    key = _eval_key(text)
    for pattern, role in _EVAL_MONEY_ROLES:
        if m := pattern.match(key):
            return role, int(m.group(1)) if m.groups() else None
    return None


def is_eval_money_row(text: str) -> bool:
    """A money row's label: 年度资金总额, 其中：当年财政拨款, 上年结转资金, 其他资金 …"""
    return bool(_EVAL_MONEY_ROW_RE.match(squash(text)))


def eval_goal_role(text: str) -> str | None:
    """``goal_expected`` (预期目标, 年初设定目标) or ``goal_actual`` (实际完成情况 …), or None."""
    key = _eval_key(_LEADING_NUMBER_RE.sub("", squash(text)))
    return next((role for pattern, role in _EVAL_GOAL_RE if pattern.match(key)), None)


def eval_note_role(text: str) -> str | None:
    """A label below the grid: total_score (总分), deviation (偏差…原因分析), measures (改进措施,
    相关建议或举措), field (评价结论, 合计); None for any other cell."""
    key = _eval_key(text)
    return next((role for pattern, role in _EVAL_NOTE_RE if pattern.match(key)), None)
