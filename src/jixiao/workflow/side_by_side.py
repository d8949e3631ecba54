"""The revised version beside the old one: every project's amounts, goal and indicators in two columns.

The diff (jixiao.workflow.diff) lists only what changed; a reviewer checking a
revision also wants to read the changed cells among the unchanged ones, the
way the two tables would lie side by side on a desk. Rows are aligned the
same way as the diff's: projects by name, indicators by 一级／二级／三级 name;
a row present on one side only is ``added`` or ``removed``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from .diff import _AMOUNTS, _projects

__all__ = ["side_by_side"]


def _value(x: dict[str, Any] | None) -> str | None:
    """An indicator's target as one cell: the period's value, and the year's where it differs."""
    if x is None:
        return None
    period, annual = x.get("period"), x.get("annual")
    if annual and period and annual != period:
        return f"{period}｜年度 {annual}"
    return annual or period or ""


def _row(kind: str, label: str, old: Any, new: Any, *, on_old: bool = True, on_new: bool = True) -> dict[str, Any]:
    status = "added" if not on_old else "removed" if not on_new else "changed" if old != new else "same"
    return {"kind": kind, "label": label, "old": old, "new": new, "status": status}


def side_by_side(conn: Connection, old_id: int, new_id: int) -> dict[str, Any]:
    """``{"projects": [{name, status, old_id, new_id, changed, rows: [{kind, label, old, new, status}]}]}``:
    this version's projects in its order, then the ones it dropped."""
    old, new = _projects(conn, old_id), _projects(conn, new_id)
    out = []
    for name in [*new, *(n for n in old if n not in new)]:
        a, b = old.get(name), new.get(name)
        rows = []
        for key, label in _AMOUNTS:
            x, y = (a or {}).get(key), (b or {}).get(key)
            if x is not None or y is not None:
                rows.append(_row("amount", label, x, y, on_old=a is not None, on_new=b is not None))
        if (a or {}).get("goal") or (b or {}).get("goal"):
            rows.append(_row("goal", "绩效目标", (a or {}).get("goal"), (b or {}).get("goal"),
                             on_old=a is not None, on_new=b is not None))
        ai, bi = (a or {}).get("indicators", {}), (b or {}).get("indicators", {})
        for key in [*bi, *(k for k in ai if k not in bi)]:
            label = "／".join(x for x in key.split("／") if x)  # an empty 二级 shows no empty place
            rows.append(_row("indicator", label, _value(ai.get(key)), _value(bi.get(key)),
                             on_old=key in ai, on_new=key in bi))
        status = "added" if a is None else "removed" if b is None else \
            "changed" if any(r["status"] != "same" for r in rows) else "same"
        out.append({"name": name, "status": status, "old_id": a and a["id"], "new_id": b and b["id"],
                    "changed": sum(r["status"] != "same" for r in rows), "rows": rows})
    return {"projects": out, "changed": sum(p["status"] != "same" for p in out)}
