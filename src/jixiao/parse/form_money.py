"""A one-project or 部门整体 form's money: its labelled amounts → :class:`~jixiao.model.Amounts`.

A form prints its money as labelled fields (项目资金 / 资金总额 / 其中：财政拨款 / 其他资金),
sometimes in several columns (年初预算数 | 全年预算数 | 全年执行数, or 实施期资金总额 |
年度资金总额). :mod:`.form` reads the fields; this module reads the numbers in them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Amounts, Issue, Project
from .labels import LABEL_UNIT_RE
from .mtext import MText
from .vocab import AMOUNT_TOKEN, MONEY_UNIT, nfkc, squash

__all__ = ["MONEY_PAIR_RE", "PART_LABELS", "TOTAL_LABELS", "amount", "annual_column", "form_amounts"]

TOTAL_LABELS = ("本年度预算金额", "年度预算金额", "年度资金总额", "本年度资金", "资金总额",
                "总金额", "项目总金额", "项目资金总额", "预算金额", "合计", "项目资金")
PART_LABELS = {"财政拨款": "fiscal", "其中:财政拨款": "fiscal", "其中：财政拨款": "fiscal",
               "一般公共预算": "fiscal", "财政专户拨款": "special", "其他资金": "other"}

_AMOUNT_VALUE_RE = re.compile(rf"^\s*({AMOUNT_TOKEN})\s*({MONEY_UNIT})?\s*$")
# "年度资金总额 300  其中：财政拨款 300  其他资金 0": money labels and amounts by white space in one cell
MONEY_PAIR_RE = re.compile(
    r"(?P<label>(?:其中\s*[:：]\s*)?(?:" + "|".join(sorted(
        {re.escape(k) for k in (*TOTAL_LABELS, *PART_LABELS) if not k.startswith("其中")}, key=len, reverse=True))
    + rf"))\s*[:：]?\s*(?P<amount>{AMOUNT_TOKEN}(?:\s*(?:{MONEY_UNIT}))?)(?P<gap>[\s,，;；、]*)")
_WORD_RE = re.compile(r"\S+")
_MONEY_HEADING_RE = re.compile(r"资金|预算|金额|执行数")
_ANNUAL_HEADING_RE = re.compile(r"^(?:本?年度|本年)")


def amount(text: str, column: int = 0) -> tuple[float, str | None, bool, tuple[int, int] | None] | None:
    """The amount a money field states, its unit, whether the field held several columns of
    amounts (``column`` is the one the year's targets go with, see :func:`annual_column`), and
    where in ``text`` the number is (None when folding the text changed its length)."""
    folded = nfkc(text)
    m = _AMOUNT_VALUE_RE.match(folded)
    columns = False
    offset = 0
    if not m:
        cells = list(_WORD_RE.finditer(folded))
        if len(cells) < 2 or not all(_AMOUNT_VALUE_RE.match(c.group()) for c in cells):
            return None
        cell = cells[column if column < len(cells) else 0]
        m, columns, offset = _AMOUNT_VALUE_RE.match(cell.group()), True, cell.start()
    where = (offset + m.start(1), offset + m.end(1)) if len(folded) == len(text) else None
    return float(m.group(1).replace(",", "")), m.group(2), columns, where


def annual_column(rows_of_texts: Iterable[list[str]]) -> int:
    """Which of several money columns holds the year's amounts, given the form's rows as cell
    texts: the one headed 年度… beside 实施期… (实施期资金总额 | 年度资金总额); else the first
    (年初预算数 | 全年预算数 | 全年执行数: the budget)."""
    for texts in rows_of_texts:
        heads = [squash(LABEL_UNIT_RE.sub("", t)) for t in texts if t]
        heads = [h for h in heads if _MONEY_HEADING_RE.search(h) and not any(ch.isdigit() for ch in h)]
        if len(heads) >= 2:
            annual = [k for k, h in enumerate(heads) if _ANNUAL_HEADING_RE.match(h)]
            first_money = next((k for k, h in enumerate(heads) if not h.startswith("项目资金")), 0)
            if annual and annual[0] > first_money:
                return annual[0] - first_money
    return 0


def form_amounts(project: Project, column: int, by_label: dict[str, MText]) -> tuple[Amounts, str | None]:
    """The amounts the project's money fields state, and the unit written with the total (2680万元).

    Each amount records the span of the number it was read from; several columns of amounts
    are a warning on the project saying which column was taken.
    """
    a = Amounts()
    columns = False
    unit = None

    def take(key: str, label: str, got: tuple) -> None:
        nonlocal columns
        setattr(a, key, got[0])
        columns |= got[2]
        if got[3] is not None and (mt := by_label.get(label)) is not None and len(spans := mt.spans(*got[3])) == 1:
            a.spans[key] = spans[0]

    for label in TOTAL_LABELS:
        if label in project.fields and (got := amount(project.fields[label], column)):
            take("total", label, got)
            unit = got[1]
            break
    for label, key in PART_LABELS.items():
        if label in project.fields and (got := amount(project.fields[label], column)) and getattr(a, key) is None:
            take(key, label, got)
    if columns and column:
        project.warnings.append(Issue(
            code="amount-columns",
            message="资金有多列（实施期、年度），取年度列 / several amount columns; the annual one is taken"))
    elif columns:
        project.warnings.append(Issue(
            code="amount-columns",
            message="资金有多列（如年初预算数、全年预算数），取第一列 / several amount columns; the first is taken"))
    return a, unit
