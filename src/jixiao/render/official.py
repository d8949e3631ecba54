"""A document in the official layout, as a grid: rows of cell texts and the merged ranges.

Given the canonical JSON object (``Document.to_canonical()``, or a ``*.json``
file of it), return the table a department publishes: for a summary the title,
the 部门名称/单位 line, the column header, 合计, each 资金使用单位 and its projects
with all their indicators in one cell; for a one-project form (each project's, back
to back) the label/value grid, the goals and the 一级/二级/三级指标 grid with its group
cells merged and a 实施周期指标值 column when there are period values. The year is
printed under the title when the title does not show it.
The XLSX, HTML and PDF writers draw this one grid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..parse.form_money import PART_LABELS, TOTAL_LABELS

__all__ = ["Grid", "official_grid"]

HEADER = ("项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标")
AMOUNTS = ("total", "fiscal", "special", "other")
_GOALS = ("项目总目标", "年度绩效目标")
# a form's money rows, printed when no field of the form carries that amount (a 部门整体 form's do not)
_MONEY_ROWS = (("年度资金总额", "total"), ("财政拨款", "fiscal"), ("财政专户拨款", "special"), ("其他资金", "other"))
_NUMBER_RE = re.compile(r"\s*(-?[\d,]+(?:\.\d+)?)")
_MONEY_FIELD_KEYS = {**dict.fromkeys(TOTAL_LABELS, "total"), **PART_LABELS}


@dataclass
class Grid:
    """Rows of cell texts, all as wide; ``merges`` as (row0, col0, row1, col1), inclusive, 0-based.
    ``header_row`` is the column header (repeated on each page); ``numeric`` holds the (row, col) of amounts, ``widths`` relative column widths."""

    rows: list[list[str]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    numeric: set[tuple[int, int]] = field(default_factory=set)
    widths: list[float] = field(default_factory=list)
    header_row: int | None = None
    landscape: bool = True
    #: rows above this one (title, 部门名称 line) are printed above the table, not in it
    table_from: int = 2

    def add(self, cells: list[str], merges: list[tuple[int, int]] = ()) -> int:
        """Append a row; ``merges`` are (col0, col1) spans within it. Returns the row index."""
        r = len(self.rows)
        self.rows.append(list(cells))
        self.merges += [(r, a, r, b) for a, b in merges if b > a]
        return r


def _first_number(text: str) -> float | None:
    """The first amount a field states: "45.00万元" → 45.0, "200.00 200.00" → 200.0."""
    m = _NUMBER_RE.match(text)
    return float(m.group(1).replace(",", "")) if m else None


def money(v: float | None) -> str:
    return "" if v is None else f"{v:,.2f}"


def _indicator_text(inds: list[dict[str, Any]]) -> str:
    """All indicators of a project in one cell, in the grammar their fields call for."""
    out = []
    for k, i in enumerate(inds, 1):
        coded = i.get("level1_code") or i.get("level2") or i.get("period_value") is not None
        if coded:
            heads = [f"{i['level1_code']}-{i['level1']}" if i.get("level1_code") else i.get("level1") or "",
                     f"{i['level2_code']}-{i['level2']}" if i.get("level2_code") else i.get("level2") or ""]
            parts = [h for h in heads if h] + [i.get("name") or ""]
            if i.get("period_value") is not None:
                parts.append(f"实施周期指标值：{i['period_value']}")
            parts.append(f"年度指标值：{i.get('annual_value') or ''}")
            out.append(f"{k}、" + "；".join(parts) + "。")
        else:
            out.append(f"{k}、{i.get('level1') or ''}：{i.get('name') or ''}，年度指标值：{i.get('annual_value') or ''}。")
    return "".join(out)


def _coded(i: dict[str, Any], key: str) -> str:
    """A grid's 一级/二级 cell with its printed code: "1-产出指标"."""
    word = i.get(key) or ""
    return f"{i[key + '_code']}-{word}" if word and i.get(key + "_code") else word


def _year_line(doc: dict[str, Any]) -> str | None:
    """"（2024年度）" under the title, when the document has a year its title does not show."""
    year = doc.get("year")
    return f"（{year}年度）" if year and str(year) not in (doc.get("title") or "") else None


def _summary(doc: dict[str, Any]) -> Grid:
    g = Grid(widths=[18, 8, 8, 8, 8, 28, 40])
    g.add([doc.get("title") or "项目支出绩效目标表", *[""] * 6], [(0, 6)])
    if year := _year_line(doc):
        g.add([year, *[""] * 6], [(0, 6)])
        g.table_from += 1
    g.add([f"部门名称：{doc.get('department') or ''}", "", "", "", "", "", f"单位：{doc.get('amount_unit') or '万元'}"],
          [(0, 4)])
    g.header_row = g.add(list(HEADER))

    def amount_row(name: str, amounts: dict[str, Any] | None, goal: str = "", inds: str = "") -> None:
        r = g.add([name, *(money((amounts or {}).get(k)) for k in AMOUNTS), goal, inds])
        g.numeric.update((r, c) for c in range(1, 5))

    if doc.get("total"):
        amount_row("合计", doc["total"])
    projects = list(doc.get("projects") or [])
    for u in doc.get("units") or []:
        amount_row(u.get("name") or "", u.get("amounts"))
        for p in [p for p in projects if p.get("unit") == u.get("name")]:
            amount_row(p.get("name") or "", p.get("amounts"), p.get("goal") or "",
                       _indicator_text(p.get("indicators") or []))
            projects.remove(p)
    for p in projects:  # projects of no listed unit
        amount_row(p.get("name") or "", p.get("amounts"), p.get("goal") or "",
                   _indicator_text(p.get("indicators") or []))
    return g


def _form(doc: dict[str, Any]) -> Grid:
    """Each project's form, back to back, under the title, the year and the 填报单位/单位 line."""
    g = Grid(widths=[8, 14, 24, 18, 14, 24], landscape=False)
    title = doc.get("title") or "项目支出绩效目标表"
    g.add([title, *[""] * 5], [(0, 5)])
    if year := _year_line(doc):
        g.add([year, *[""] * 5], [(0, 5)])
        g.table_from += 1
    g.add([f"填报单位(盖章):{doc.get('department') or ''}", "", "", "", f"单位：{doc.get('amount_unit') or '万元'}",
           ""], [(0, 3), (4, 5)])
    for n, p in enumerate(doc.get("projects") or [{}]):
        if n:
            g.add([title, *[""] * 5], [(0, 5)])  # the next form starts with its title, as printed
        _project_form(g, p)
    return g


def _project_form(g: Grid, p: dict[str, Any]) -> None:
    g.add(["项目名称", "", p.get("name") or "", "", "", ""], [(0, 1), (2, 5)])
    g.add(["实施单位", "", p.get("unit") or "", "", "", ""], [(0, 1), (2, 5)])
    fields = {k: v for k, v in (p.get("fields") or {}).items() if k not in _GOALS}
    short = [(k, v) for k, v in fields.items() if len(str(v)) <= 16]
    for a, b in zip(short[0::2], [*short[1::2], None], strict=False):
        if b is None:
            g.add([a[0], "", str(a[1]), "", "", ""], [(0, 1), (2, 5)])
        else:
            g.add([a[0], "", str(a[1]), b[0], str(b[1]), ""], [(0, 1), (4, 5)])
    for k, v in fields.items():
        if len(str(v)) > 16:
            g.add([k, "", str(v), "", "", ""], [(0, 1), (2, 5)])
    amounts = p.get("amounts") or {}
    # a field whose (first) amount is the project's carries it: the parser reads it back from there
    carried = {_MONEY_FIELD_KEYS[k] for k, v in fields.items()
               if k in _MONEY_FIELD_KEYS and _first_number(str(v)) == amounts.get(_MONEY_FIELD_KEYS[k])}
    money_rows = [(label, money(amounts[key])) for label, key in _MONEY_ROWS
                  if amounts.get(key) is not None and key not in carried]
    for a, b in zip(money_rows[0::2], [*money_rows[1::2], None], strict=False):
        g.add([a[0], "", a[1], *(b or ("", "")), ""], [(0, 1), (4, 5)] if b else [(0, 1), (2, 5)])
    goals = {k: v for k, v in (p.get("fields") or {}).items() if k in _GOALS}
    if p.get("goal") and p["goal"] not in (p.get("fields") or {}).values():
        goals["年度绩效目标"] = p["goal"]
    for k in _GOALS:
        if k in goals:
            g.add([k, "", goals[k], "", "", ""], [(0, 1), (2, 5)])
    inds = p.get("indicators") or []
    if not inds:
        return
    # the 实施周期 column only when some indicator has a period value; else 三级指标 takes its place
    period = any(i.get("period_value") is not None for i in inds)
    header = ["一级指标", "", "二级指标", "三级指标", "实施周期指标值" if period else "", "年度指标值"]
    row = g.add(header, [(0, 1)] if period else [(0, 1), (3, 4)])
    if g.header_row is None:
        g.header_row = row
    start = len(g.rows)
    for k, i in enumerate(inds):
        new1 = k == 0 or inds[k - 1].get("level1") != i.get("level1")
        new2 = new1 or inds[k - 1].get("level2") != i.get("level2")
        g.add([_coded(i, "level1") if new1 else "", "", _coded(i, "level2") if new2 else "",
               i.get("name") or "", (i.get("period_value") or "") if period else "", i.get("annual_value") or ""],
              [] if period else [(3, 4)])
    for col, key in ((0, "level1"), (2, "level2")):
        k = 0
        while k < len(inds):
            j = k
            while j + 1 < len(inds) and inds[j + 1].get(key) == inds[k].get(key) and \
                    inds[j + 1].get("level1") == inds[k].get("level1"):
                j += 1
            g.merges.append((start + k, col, start + j, col + 1 if col == 0 else col))
            k = j + 1


def official_grid(doc: dict[str, Any]) -> Grid:
    """Given a canonical document object, return its table in the official layout."""
    return _form(doc) if doc.get("form") in ("project", "department") else _summary(doc)
