"""The vocabulary of performance-target tables.

Structure is recognised by these words (labels, level names, codes, value
patterns), never by a sample's own content: a new department's table uses
the same vocabulary with different projects.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "AMOUNT_RE",
    "LEVEL1_WORDS",
    "LEVEL2_WORDS",
    "canonical_level",
    "is_level1",
    "is_level2",
    "nfkc",
    "parse_amount",
]


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def squash(s: str) -> str:
    """NFKC without any white space: the form in which labels are compared."""
    # labels and level words repeat endlessly and are worth caching; long text is not
    return _squash_short(s) if len(s) <= 40 else "".join(nfkc(s).split())


@lru_cache(maxsize=8192)
def _squash_short(s: str) -> str:
    return "".join(nfkc(s).split())


# 一级 categories as printed (with and without 指标) and older synonyms.
LEVEL1_WORDS = (
    "产出指标", "效益指标", "满意度指标", "成本指标", "效果指标",
    "预期产出指标", "项目完成指标", "社会公众或服务对象满意度指标",
)
# 二级 categories as printed.
LEVEL2_WORDS = (
    "数量指标", "质量指标", "时效指标", "成本指标",
    "经济效益指标", "社会效益指标", "生态效益指标", "环境效益指标", "可持续影响指标",
    "经济效益", "社会效益", "生态效益", "环境效益", "可持续影响",
    "服务对象满意度指标", "服务对象满意度", "社会公众满意度指标", "满意度指标",
    "经济成本指标", "社会成本指标", "生态环境成本指标", "经济成本", "社会成本", "生态环境成本",
)

_LEVEL1_STEMS = ("产出", "效益", "满意度", "成本", "效果")
_LEVEL1_SET = {squash(w) for w in LEVEL1_WORDS} | {s for s in _LEVEL1_STEMS}
_LEVEL2_SET = {squash(w) for w in LEVEL2_WORDS}


def is_level1(s: str) -> bool:
    return squash(s) in _LEVEL1_SET


def is_level2(s: str) -> bool:
    return squash(s) in _LEVEL2_SET


def canonical_level(s: str) -> str:
    return squash(s)


# One alternation of every level word, longest first, for scanning text.
LEVEL_WORD_RE = "|".join(
    sorted({re.escape(w) for w in LEVEL1_WORDS + LEVEL2_WORDS}, key=len, reverse=True)
)

# An amount as printed: 1,234.56 / 1234.56 / 1234 (a sign for corrections).
AMOUNT_TOKEN = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# An amount in a summary row's cells: no sign, at most four decimals.
ROW_AMOUNT = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,4})?"
# The units money is printed in (单位：万元, 项目资金（元）, 2680万元).
MONEY_UNIT = r"万元|元|千元|亿元"
AMOUNT_RE = re.compile(rf"^\s*({AMOUNT_TOKEN})\s*(万元|元)?\s*$")


def parse_amount(s: str) -> float | None:
    """The number of an amount cell (thousands separators dropped), or None."""
    m = AMOUNT_RE.match(nfkc(s))
    if not m:
        return None
    try:
        return float(m.group(1).replace(",", ""))
    except ValueError:
        return None


# Labels of the summary table's column header, mapped to the column's role.
HEADER_ROLES = {
    "项目名称": "name", "项目名称(资金使用单位)": "name", "项目名称（资金使用单位）": "name",
    "资金使用单位": "name", "单位名称": "name", "项目": "name",
    "总计": "total", "合计": "total", "资金总额": "total", "金额合计": "total", "预算金额": "total",
    "项目金额": "total", "预算数": "total", "本年预算数": "total", "年度预算数": "total", "金额": "total",
    "资金合计": "total", "资金总计": "total", "预算总额": "total", "项目资金": "total",
    "年度资金总额": "total", "项目总金额": "total",
    "财政拨款": "fiscal", "一般公共预算": "fiscal", "财政拨款资金": "fiscal", "其中:财政拨款": "fiscal",
    "财政资金": "fiscal", "本级财政拨款": "fiscal", "财政拨款收入": "fiscal",
    "财政专户拨款": "special", "财政专户": "special", "财政专户管理资金": "special", "财政专户资金": "special",
    "其中:财政专户拨款": "special",
    "其他资金": "other", "其他": "other", "其中:其他资金": "other", "单位资金": "other", "自有资金": "other",
    "单位自筹": "other", "自筹资金": "other",
    "绩效目标": "goal", "年度绩效目标": "goal", "项目绩效目标": "goal",
    "绩效指标": "indicators", "年度绩效指标": "indicators",
    "序号": "seq", "编号": "seq",
}

TOTAL_ROW_NAMES = {"合计", "总计", "合计数", "总合计"}
