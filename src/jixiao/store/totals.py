"""A document's 总计 when the table prints no total row: the sum of its units, else of its projects.

Left empty, the documents list hid what the table does say; summed
silently, it would pass off our arithmetic as the table's. So the sum is
shown with what it is the sum of (``total_basis``): ``table`` (the printed
total row), ``units`` (各单位之和) or ``projects`` (各项目之和).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from .schema import ProjectRow, UnitRow

__all__ = ["BASIS_LABELS", "fill_totals"]

BASIS_LABELS = {"units": ("（各单位之和）", "(sum of units)"), "projects": ("（各项目之和）", "(sum of projects)")}


def _sums(conn: Connection, table, ids: list[int]) -> dict[int, float]:
    stmt = (select(table.document_id, func.sum(table.total)).where(table.document_id.in_(ids),
                                                                   table.total.is_not(None))
            .group_by(table.document_id))
    return {d: s for d, s in conn.execute(stmt) if s is not None}


def fill_totals(conn: Connection, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Set ``total`` and ``total_basis`` on each document dict (which has ``id`` and ``total``)."""
    missing = [d["id"] for d in docs if d.get("total") is None]
    units = _sums(conn, UnitRow, missing) if missing else {}
    projects = _sums(conn, ProjectRow, [i for i in missing if i not in units]) if missing else {}
    for d in docs:
        if d.get("total") is not None:
            d["total_basis"] = "table"
        elif d["id"] in units:
            d["total"], d["total_basis"] = round(units[d["id"]], 6), "units"
        elif d["id"] in projects:
            d["total"], d["total_basis"] = round(projects[d["id"]], 6), "projects"
        else:
            d["total_basis"] = None
    return docs
