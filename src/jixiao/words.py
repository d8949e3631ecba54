"""The words people read for the codes jixiao stores: severities, value kinds, comparators.

The database, the JSON API and Parquet keep the codes (``warning``,
``quantitative``, ``>=``): programs compare them. Everything a person reads —
``jixiao show``, ``jixiao rules``, CSV/XLSX exports, the findings CSV —
writes the Chinese first, so a Chinese table never shows ``warning`` alone.
"""

from __future__ import annotations

__all__ = ["COMPARATOR", "KIND", "SEVERITY", "comparator_zh", "kind_zh", "severity_zh", "zh_cell"]

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
KIND = {"quantitative": "定量", "qualitative": "定性", "placeholder": "占位（未填）", "empty": "空"}
#: the sign as the tables print it, and its reading
COMPARATOR = {">=": "≥ 不低于", ">": "> 高于", "<=": "≤ 不高于", "<": "< 低于", "=": "= 等于", "≈": "≈ 约为"}


def _both(table: dict[str, str], code: str | None, english: bool) -> str:
    if not code:
        return ""
    zh = table.get(code)
    if zh is None:  # a code this table does not know stays as it is rather than vanish
        return code
    return f"{zh} {code}" if english else zh


def severity_zh(code: str | None, *, english: bool = True) -> str:
    """``warning`` → ``警告 warning`` (``警告`` with ``english=False``)."""
    return _both(SEVERITY, code, english)


def kind_zh(code: str | None, *, english: bool = True) -> str:
    """``quantitative`` → ``定量 quantitative``."""
    return _both(KIND, code, english)


def comparator_zh(code: str | None) -> str:
    """``>=`` → ``≥ 不低于``: the sign is already what the table printed, the words say it."""
    return COMPARATOR.get(code, code) if code else ""


#: export columns whose cells are codes, and how a Chinese export writes them
_CELLS = {"severity": lambda v: severity_zh(v, english=False), "annual_kind": lambda v: kind_zh(v, english=False),
          "annual_comparator": comparator_zh, "kind": lambda v: kind_zh(v, english=False),
          "comparator": comparator_zh,
          "total_basis": lambda v: {"table": "表中总计行", "units": "各单位之和", "projects": "各项目之和"}.get(v, v)}


def zh_cell(column: str, value: object) -> object:
    """A cell of a Chinese CSV/XLSX export: codes in the columns above become words, the rest stays."""
    f = _CELLS.get(column)
    return f(value) if f is not None and isinstance(value, str) else value
