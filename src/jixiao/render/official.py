"""A document in the official layout, as a grid: rows of cell texts and the merged ranges.

Given the canonical JSON object (``Document.to_canonical()``, or a ``*.json``
file of it), return the table a department publishes: for a summary the title,
the 部门名称/单位 line, the column header, 合计, each 资金使用单位 and its projects
with all their indicators in one cell; for a one-project form the label/value
grid, the goals and the 一级/二级/三级指标 grid with its group cells merged.
The XLSX, HTML and PDF writers draw this one grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Grid", "official_grid"]

HEADER = ("项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标")
AMOUNTS = ("total", "fiscal", "special", "other")
_GOALS = ("项目总目标", "年度绩效目标")


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


def _summary(doc: dict[str, Any]) -> Grid:
    g = Grid(widths=[18, 8, 8, 8, 8, 28, 40])
    g.add([doc.get("title") or "项目支出绩效目标表", *[""] * 6], [(0, 6)])
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
    """One project's form (the first project: a form holds one)."""
    g = Grid(widths=[8, 14, 24, 18, 14, 24], landscape=False)
    p = (doc.get("projects") or [{}])[0]
    g.add([doc.get("title") or "项目支出绩效目标表", *[""] * 5], [(0, 5)])
    g.add([f"填报单位(盖章):{doc.get('department') or ''}", *[""] * 5], [(0, 5)])
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
    goals = {k: v for k, v in (p.get("fields") or {}).items() if k in _GOALS}
    if p.get("goal") and "年度绩效目标" not in goals:
        goals["年度绩效目标"] = p["goal"]
    for k in _GOALS:
        if k in goals:
            g.add([k, "", goals[k], "", "", ""], [(0, 1), (2, 5)])
    inds = p.get("indicators") or []
    if inds:
        g.header_row = g.add(["一级指标", "", "二级指标", "三级指标", "", "年度指标值"], [(0, 1), (3, 4)])
        start = len(g.rows)
        for k, i in enumerate(inds):
            new1 = k == 0 or inds[k - 1].get("level1") != i.get("level1")
            new2 = new1 or inds[k - 1].get("level2") != i.get("level2")
            g.add([(i.get("level1") or "") if new1 else "", "", (i.get("level2") or "") if new2 else "",
                   i.get("name") or "", "", i.get("annual_value") or ""], [(3, 4)])
        for col, key in ((0, "level1"), (2, "level2")):
            k = 0
            while k < len(inds):
                j = k
                while j + 1 < len(inds) and inds[j + 1].get(key) == inds[k].get(key) and \
                        inds[j + 1].get("level1") == inds[k].get("level1"):
                    j += 1
                g.merges.append((start + k, col, start + j, col + 1 if col == 0 else col))
                k = j + 1
    return g


def official_grid(doc: dict[str, Any]) -> Grid:
    """Given a canonical document object, return its table in the official layout."""
    return _form(doc) if doc.get("form") in ("project", "department") else _summary(doc)
