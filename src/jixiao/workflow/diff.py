"""What changed between two versions of a table: amounts, goals and indicators, project by project.

Projects are matched by name (a renamed project is one removed and one
added); indicators within a project by 一级/二级/三级 name.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from ..store.schema import DocumentRow, IndicatorRow, ProjectRow

__all__ = ["diff_documents"]

_AMOUNTS = (("total", "总计"), ("fiscal", "财政拨款"), ("special", "财政专户拨款"), ("other", "其他资金"))


def _projects(conn: Connection, doc_id: int) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in conn.execute(select(ProjectRow.id, ProjectRow.name, ProjectRow.goal, ProjectRow.total,
                                 ProjectRow.fiscal, ProjectRow.special, ProjectRow.other)
                          .where(ProjectRow.document_id == doc_id).order_by(ProjectRow.position)):
        out.setdefault(r.name or "", {**r._mapping, "indicators": {}})
    ids = {p["id"]: p for p in out.values()}
    for i in conn.execute(select(IndicatorRow.project_id, IndicatorRow.level1, IndicatorRow.level2,
                                 IndicatorRow.name, IndicatorRow.period_value, IndicatorRow.annual_value)
                          .where(IndicatorRow.document_id == doc_id).order_by(IndicatorRow.id)):
        if i.project_id in ids:
            key = "／".join(x or "" for x in (i.level1, i.level2, i.name))
            ids[i.project_id]["indicators"].setdefault(key, {"period": i.period_value, "annual": i.annual_value})
    return out


def diff_documents(conn: Connection, old_id: int, new_id: int) -> dict[str, Any]:
    """``{"documents": {...}, "projects": [{name, status, amounts, goal, indicators}]}``, changed ones only."""
    old, new = _projects(conn, old_id), _projects(conn, new_id)
    projects = []
    for name in [*new, *(n for n in old if n not in new)]:
        a, b = old.get(name), new.get(name)
        if a is None or b is None:
            projects.append({"name": name, "status": "added" if a is None else "removed",
                             "project_id": (b or a)["id"], "amounts": [], "goal": None, "indicators": []})
            continue
        amounts = [{"field": label, "old": a[k], "new": b[k]} for k, label in _AMOUNTS if a[k] != b[k]]
        goal = {"old": a["goal"], "new": b["goal"]} if (a["goal"] or "") != (b["goal"] or "") else None
        indicators = []
        for key in [*b["indicators"], *(k for k in a["indicators"] if k not in b["indicators"])]:
            x, y = a["indicators"].get(key), b["indicators"].get(key)
            if x != y:
                indicators.append({"indicator": key, "status": "added" if x is None else "removed" if y is None
                                   else "changed", "old": x, "new": y})
        if amounts or goal or indicators:
            projects.append({"name": name, "status": "changed", "project_id": b["id"], "amounts": amounts,
                             "goal": goal, "indicators": indicators})
    docs = {r.id: dict(r._mapping) for r in conn.execute(
        select(DocumentRow.id, DocumentRow.version, DocumentRow.total).where(DocumentRow.id.in_((old_id, new_id))))}
    return {"old": docs.get(old_id), "new": docs.get(new_id), "projects": projects,
            "unchanged": len([n for n in new if n in old]) - len([p for p in projects if p["status"] == "changed"])}
