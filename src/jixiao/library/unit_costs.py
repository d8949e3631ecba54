"""Unit costs across the store: every latest project's, grouped by canonical indicator and count unit.

A project's unit cost (:mod:`.unit_cost`) is compared with the unit costs of
projects whose one quantity target is the *same canonical indicator* in the
*same count unit*: 培训人数 in 人 with 培训人数 in 人, never with 受益人数.

Every project's unit cost needs every project's quantity targets (to know a
quantity is its only one), so the whole store's are worked out in one pass
over the members of 数量 canonical indicators, and kept per process until the
store changes (:func:`jixiao.store.per_state.store_state`: the latest
documents' count and largest id, two index look-ups). At a million indicators the pass takes seconds (see
``benchmarks/library_bench.py``); every query after it is a dictionary look-up.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from ..errors import UsageError
from ..store.per_state import PerStoreState, store_state
from .cost_outlier import MIN_PEERS, cost_fences, outlier_side
from .unit_cost import Quantity, count_unit, format_cost, is_frequency, quantity_text, unit_cost

__all__ = ["UnitCosts", "document_unit_costs", "indicator_unit_costs", "list_unit_costs", "project_unit_cost",
           "store_unit_costs"]

_QUANTITIES = text(
    "SELECT m.project_id, m.indicator_id, m.library_id, m.number, m.unit, l.name "
    "FROM library_members m JOIN library_indicators l ON l.id = m.library_id "
    "WHERE m.latest = :t AND m.number IS NOT NULL AND l.level2 = '数量'")
_AMOUNTS = text("SELECT p.id, p.total, d.amount_unit FROM projects p JOIN documents d ON d.id = p.document_id "
                "WHERE d.is_latest = :t AND p.total > 0")


@dataclass
class UnitCosts:
    """The store's unit costs: per project, and per (canonical indicator, count unit) sorted by cost."""

    #: project id → (yuan, count unit, library id, indicator id, quantity)
    by_project: dict[int, tuple[float, str, int, int, float]] = field(default_factory=dict)
    #: (library id, count unit) → [(yuan, project id)], cheapest first
    by_indicator: dict[tuple[int, str], list[tuple[float, int]]] = field(default_factory=dict)


_CACHE: PerStoreState[UnitCosts] = PerStoreState()


def store_unit_costs(conn: Connection) -> UnitCosts:
    """Every latest project's unit cost, worked out once per state of the store (per process)."""
    return _CACHE.get(conn, store_state(conn), lambda: _build(conn))


def _build(conn: Connection) -> UnitCosts:
    units: dict[str, tuple[str, float] | None] = {}
    counted: dict[int, list[tuple[int, int, float, str]]] = defaultdict(list)
    frequency: dict[int, bool] = {}
    for pid, iid, lid, number, unit, lname in conn.execute(_QUANTITIES, {"t": True}):
        cu = units.get(unit)
        if cu is None and unit not in units:
            cu = units[unit] = count_unit(unit)
        if lid not in frequency:  # by the canonical name: its spellings measure one thing
            frequency[lid] = is_frequency(lname)
        if cu is not None and number * cu[1] >= 1 and not frequency[lid]:
            counted[pid].append((iid, lid, number * cu[1], cu[0]))
    out = UnitCosts()
    single = {pid: qs[0] for pid, qs in counted.items() if len(qs) == 1}
    to_yuan = {"万元": 10_000.0, "元": 1.0, "千元": 1_000.0, "亿元": 100_000_000.0, None: 10_000.0}
    for pid, total, amount_unit in conn.execute(_AMOUNTS, {"t": True}):
        q = single.get(pid)
        scale = to_yuan.get(amount_unit)
        if q is None or scale is None:
            continue
        iid, lid, quantity, unit = q
        yuan = total * scale / quantity
        out.by_project[pid] = (yuan, unit, lid, iid, quantity)
        out.by_indicator.setdefault((lid, unit), []).append((yuan, pid))
    for costs in out.by_indicator.values():
        costs.sort()
    return out


def _project_rows(conn: Connection, project_id: int) -> tuple[Any, list[Quantity]]:
    head = conn.execute(text(
        "SELECT p.id, p.name, p.total, d.amount_unit, d.department, d.year, d.is_latest, p.document_id "
        "FROM projects p JOIN documents d ON d.id = p.document_id WHERE p.id = :p"), {"p": project_id}).first()
    if head is None:
        raise UsageError(f"没有项目 P{project_id} / no project P{project_id}", code="not_found")
    rows = conn.execute(text(
        "SELECT i.id, i.name, l.level2, i.annual_number, i.annual_unit, i.annual_comparator, i.annual_value, "
        "m.library_id FROM indicators i LEFT JOIN library_members m ON m.indicator_id = i.id "
        "LEFT JOIN library_indicators l ON l.id = m.library_id "
        "WHERE i.project_id = :p AND i.annual_kind = 'quantitative' AND i.annual_number IS NOT NULL "
        "ORDER BY i.position"), {"p": project_id}).all()
    return head, [Quantity(r[1], r[2], r[3], r[4], r[5], r[6], r[0], r[7]) for r in rows]


def _library_name(conn: Connection, library_id: int | None) -> str | None:
    if library_id is None:
        return None
    return conn.execute(text("SELECT name FROM library_indicators WHERE id = :l"), {"l": library_id}).scalar()


def project_unit_cost(conn: Connection, project_id: int, *, min_peers: int = MIN_PEERS,
                      max_peers: int = 50) -> dict[str, Any]:
    """A project's unit cost with what it was computed from, its peers' and whether it is an outlier.

    ``unit_cost`` is None with a ``reason`` when the project has none. Peers
    are the latest projects whose one quantity is the same canonical
    indicator in the same count unit, other than this project; ``peers``
    lists up to ``max_peers`` of them nearest in cost (the evidence).
    """
    head, quantities = _project_rows(conn, project_id)
    uc, reason = unit_cost(head.total, head.amount_unit, quantities)
    out: dict[str, Any] = {"project_id": project_id, "project": head.name, "department": head.department,
                           "year": head.year, "unit_cost": None, "reason": reason or None, "library_id": None,
                           "library_name": None, "n": 0, "fences": None, "outlier": None, "percentile": None,
                           "peers": []}
    if uc is None:
        return out
    lid = uc.basis["library_id"]
    out.update({"unit_cost": uc.as_dict(), "library_id": lid, "library_name": _library_name(conn, lid)})
    if lid is None:
        return out
    costs = [(y, pid) for y, pid in store_unit_costs(conn).by_indicator.get((lid, uc.unit), []) if pid != project_id]
    fences = cost_fences([y for y, _p in costs])
    below = sum(1 for y, _p in costs if y < uc.yuan)
    equal = sum(1 for y, _p in costs if y == uc.yuan)
    out.update({"n": len(costs), "fences": fences, "outlier": outlier_side(uc.yuan, fences, min_peers),
                "percentile": 100.0 * (below + 0.5 * equal) / len(costs) if costs else None})
    nearest = sorted(costs, key=lambda yp: abs(yp[0] - uc.yuan))[:max_peers]
    out["peers"] = _described(conn, sorted(nearest))
    return out


def _described(conn: Connection, costs: list[tuple[float, int]]) -> list[dict[str, Any]]:
    """(yuan, project id) pairs with each project's name, department, year and the pairing behind the figure."""
    if not costs:
        return []
    uc = store_unit_costs(conn).by_project
    ids = [pid for _y, pid in costs]
    info: dict[int, Any] = {}
    for k in range(0, len(ids), 500):
        part = ids[k:k + 500]
        marks = ", ".join(f":p{j}" for j in range(len(part)))
        for r in conn.execute(text(
                "SELECT p.id, p.name, p.total, d.department, d.year, d.amount_unit, p.document_id "
                f"FROM projects p JOIN documents d ON d.id = p.document_id WHERE p.id IN ({marks})"),
                {f"p{j}": pid for j, pid in enumerate(part)}):
            info[r[0]] = r
        iids = [uc[pid][3] for pid in part if pid in uc]
        if iids:
            marks = ", ".join(f":i{j}" for j in range(len(iids)))
            for iid, name, value in conn.execute(text(
                    f"SELECT id, name, annual_value FROM indicators WHERE id IN ({marks})"),
                    {f"i{j}": i for j, i in enumerate(iids)}):
                info[("i", iid)] = (name, value)
    out = []
    for yuan, pid in costs:
        r = info.get(pid)
        if r is None:
            continue
        _y, unit, lid, iid, quantity = uc.get(pid, (yuan, "", None, None, None))
        name, value = info.get(("i", iid), (None, None))
        out.append({"project_id": pid, "project": r[1], "department": r[3], "year": r[4], "document_id": r[6],
                    "yuan": round(yuan, 2), "unit": unit, "display": format_cost(yuan, unit), "amount": r[2],
                    "amount_unit": r[5] or "万元", "quantity": quantity, "indicator": name, "annual_value": value,
                    "library_id": lid,
                    "basis": f"资金总额 {r[2]:g} {r[5] or '万元'} ÷ “{name or '?'}” "
                             f"{quantity_text(quantity) if quantity is not None else '?'} {unit}"})
    return out


def indicator_unit_costs(conn: Connection, library_id: int, *, min_peers: int = MIN_PEERS,
                         limit: int | None = 200) -> list[dict[str, Any]]:
    """One canonical indicator's unit costs, per count unit (most projects first): the fences, the
    projects (cheapest first, up to ``limit``) with each one's outlier side."""
    groups = [(unit, costs) for (lid, unit), costs in store_unit_costs(conn).by_indicator.items() if lid == library_id]
    out = []
    for unit, costs in sorted(groups, key=lambda g: (-len(g[1]), g[0])):
        fences = cost_fences([y for y, _p in costs])
        shown = costs if limit is None else costs[:limit]
        side_of = dict(zip((pid for _y, pid in costs), _sides(costs, min_peers), strict=True))
        projects = _described(conn, shown)
        for p in projects:
            p["outlier"] = side_of.get(p["project_id"])
        out.append({"library_id": library_id, "unit": unit, "n": len(costs), "fences": fences,
                    "projects": projects})
    return out


def _sides(costs: list[tuple[float, int]], min_peers: int) -> list[str | None]:
    """Each unit cost's outlier side against the others (as on its own page). Leaving each one out
    moves the fences of a large group by next to nothing, so from 200 on the whole group's are used:
    one pass instead of one per project."""
    values = [y for y, _p in costs]
    if len(values) > 200:
        fences = cost_fences(values)
        return [outlier_side(y, fences, min_peers) for y in values]
    return [outlier_side(y, cost_fences(values[:k] + values[k + 1:]), min_peers) for k, y in enumerate(values)]


def list_unit_costs(conn: Connection, *, library_id: int | None = None, outliers_only: bool = False,
                    min_peers: int = MIN_PEERS, limit: int | None = 200) -> dict[str, Any]:
    """Every latest project's unit cost (``library_id``: one canonical indicator's), by canonical
    indicator and unit, most projects first; ``outliers_only``: only those outside their peers' fences."""
    uc = store_unit_costs(conn)
    groups = sorted(((lid, unit), costs) for (lid, unit), costs in uc.by_indicator.items()
                    if library_id is None or lid == library_id)
    groups.sort(key=lambda g: -len(g[1]))
    rows: list[tuple[float, int, str | None]] = []
    for (_lid, _unit), costs in groups:
        sides = _sides(costs, min_peers)
        rows.extend((yuan, pid, side) for (yuan, pid), side in zip(costs, sides, strict=True)
                    if side or not outliers_only)
    total = len(rows)
    shown = rows if limit is None else rows[:limit]
    sides = {pid: side for _y, pid, side in shown}
    items = _described(conn, [(y, pid) for y, pid, _s in shown])
    names: dict[int, str | None] = {}
    for it in items:
        it["outlier"] = sides.get(it["project_id"])
        lid = it["library_id"]
        if lid not in names:
            names[lid] = _library_name(conn, lid)
        it["library_name"] = names[lid]
    return {"total": total, "projects_with_unit_cost": len(uc.by_project), "items": items}


def document_unit_costs(conn: Connection, document_id: int, *, min_peers: int = MIN_PEERS) -> dict[tuple, Any]:
    """The unit cost of each project of a stored document, keyed ``("unit_cost", project index)``: what
    :func:`jixiao.review.review` takes among its ``peers`` for rule R52 (only those with peers)."""
    out: dict[tuple, Any] = {}
    pids = conn.execute(text("SELECT id FROM projects WHERE document_id = :d ORDER BY position"),
                        {"d": document_id}).scalars().all()
    for pi, pid in enumerate(pids):
        u = project_unit_cost(conn, pid, min_peers=min_peers, max_peers=8)
        if u["unit_cost"] is not None and u["n"]:
            key = (u["library_id"], u["unit_cost"]["unit"])
            u["peer_costs"] = [y for y, q in store_unit_costs(conn).by_indicator.get(key, []) if q != pid]
            out[("unit_cost", pi)] = u
    return out
