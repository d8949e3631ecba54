"""The department league table: per department and year, how well its targets are written.

Counted over the latest version of each document (as every listing):

- ``quantified``: the share of its indicators whose annual target is
  quantitative (a number, not 提高/良好);
- ``with_cost`` / ``with_effect`` / ``with_satisfaction``: the share of its
  projects with at least one 成本 / 效益 / 满意度 indicator (by the library's
  canonical 一级/二级, so 产出/成本 counts as a cost indicator);
- ``findings_per_project``: review findings stored for its documents ÷ its projects;
- ``median_percentile``: the median of its targets' peer percentiles
  (:mod:`.query`: ``100 × (below + ½ equal) / n`` among the same canonical
  indicator's figures in the same unit, itself left out), turned round for a
  lower-is-better target so that higher always reads "more ambitious"; only
  targets with at least ``min_peers`` peers count (``percentile_n`` of them).

Percentiles of every target come from one window query (rank and counts per
canonical indicator and unit) instead of one look-up per target, and the
whole table is kept per state of the store and process, as the unit costs.
"""

from __future__ import annotations

from statistics import median
from typing import Any

from sqlalchemy import Connection, text

from ..errors import UsageError
from ..store.per_state import PerStoreState, store_state
from .peers import MIN_PEERS
from .query import direction

__all__ = ["SORTS", "league", "league_targets"]

SORTS = ("department", "year", "projects", "quantified", "with_cost", "with_effect", "with_satisfaction",
         "findings_per_project", "median_percentile")
_COST_L2 = ("成本", "经济成本", "社会成本", "生态环境成本")

_PROJECTS = text(
    "SELECT d.department, d.year, count(*) FROM projects p JOIN documents d ON d.id = p.document_id "
    "WHERE d.is_latest = :t GROUP BY d.department, d.year")
_INDICATORS = text(
    "SELECT d.department, d.year, count(*), sum(CASE WHEN i.annual_kind = 'quantitative' THEN 1 ELSE 0 END) "
    "FROM indicators i JOIN documents d ON d.id = i.document_id WHERE d.is_latest = :t "
    "GROUP BY d.department, d.year")
_KINDS = text(
    "SELECT d.department, d.year, m.project_id, max(CASE WHEN l.level1 = '成本' OR l.level2 IN "
    "('成本', '经济成本', '社会成本', '生态环境成本') THEN 1 ELSE 0 END), "
    "max(CASE WHEN l.level1 = '效益' THEN 1 ELSE 0 END), max(CASE WHEN l.level1 = '满意度' THEN 1 ELSE 0 END) "
    "FROM library_members m JOIN library_indicators l ON l.id = m.library_id "
    "JOIN documents d ON d.id = m.document_id WHERE m.latest = :t GROUP BY d.department, d.year, m.project_id")
_FINDINGS = text(
    "SELECT d.department, d.year, count(*) FROM findings f JOIN documents d ON d.id = f.document_id "
    "WHERE d.is_latest = :t GROUP BY d.department, d.year")
# every latest figure's rank among its canonical indicator's figures in its unit
_RANKS = text(
    "SELECT r.department, r.year, r.indicator_id, r.level2, r.comparator, r.below, r.equal, r.n FROM ("
    " SELECT d.department, d.year, m.indicator_id, l.level2, m.comparator,"
    " rank() OVER (PARTITION BY m.library_id, m.unit ORDER BY m.number) - 1 AS below,"
    " count(*) OVER (PARTITION BY m.library_id, m.unit, m.number) AS equal,"
    " count(*) OVER (PARTITION BY m.library_id, m.unit) AS n"
    " FROM library_members m JOIN library_indicators l ON l.id = m.library_id"
    " JOIN documents d ON d.id = m.document_id WHERE m.latest = :t AND m.number IS NOT NULL) r"
    " WHERE r.n > :min")

_CACHE: PerStoreState[list[dict[str, Any]]] = PerStoreState()


def _signature(conn: Connection) -> tuple:
    """The store's state, and its findings' count (a review of stored documents changes the league)."""
    return store_state(conn) + (conn.execute(text("SELECT count(*) FROM findings")).scalar_one(),)


def _percentile(below: int, equal: int, n: int, lower: bool) -> float:
    """The target's percentile among the others (itself, one of the ``equal``, left out)."""
    p = 100.0 * (below + 0.5 * (equal - 1)) / (n - 1)
    return 100.0 - p if lower else p


def _build(conn: Connection, min_peers: int) -> dict[tuple, dict[str, Any]]:
    t = {"t": True}
    rows: dict[tuple, dict[str, Any]] = {}

    def row(dep: str | None, year: int | None) -> dict[str, Any]:
        return rows.setdefault((dep, year), {
            "department": dep, "year": year, "projects": 0, "indicators": 0, "quantitative": 0, "cost": 0,
            "effect": 0, "satisfaction": 0, "findings": 0, "percentiles": []})

    for dep, year, n in conn.execute(_PROJECTS, t):
        row(dep, year)["projects"] = n
    for dep, year, n, q in conn.execute(_INDICATORS, t):
        r = row(dep, year)
        r["indicators"], r["quantitative"] = n, q or 0
    for dep, year, _pid, cost, effect, sat in conn.execute(_KINDS, t):
        r = row(dep, year)
        r["cost"] += cost
        r["effect"] += effect
        r["satisfaction"] += sat
    for dep, year, n in conn.execute(_FINDINGS, t):
        row(dep, year)["findings"] = n
    for dep, year, _iid, level2, cmp, below, equal, n in conn.execute(_RANKS, {**t, "min": min_peers}):
        lower = direction(level2, cmp) == "lower"
        row(dep, year)["percentiles"].append(_percentile(below, equal, n, lower))
    return rows


def _figures(r: dict[str, Any]) -> dict[str, Any]:
    p = r["projects"] or 0

    def share(k: int, of: int) -> float | None:
        return round(k / of, 4) if of else None

    return {"department": r["department"], "year": r["year"], "projects": p, "indicators": r["indicators"],
            "quantified": share(r["quantitative"], r["indicators"]), "with_cost": share(r["cost"], p),
            "with_effect": share(r["effect"], p), "with_satisfaction": share(r["satisfaction"], p),
            "findings": r["findings"], "findings_per_project": round(r["findings"] / p, 3) if p else None,
            "median_percentile": round(median(r["percentiles"]), 1) if r["percentiles"] else None,
            "percentile_n": len(r["percentiles"])}


def league(conn: Connection, *, sort: str = "quantified", descending: bool = True, year: int | None = None,
           department: str | None = None, min_peers: int = MIN_PEERS) -> dict[str, Any]:
    """The league table: ``{"items": [...], "sort": …}``, one item per department and year.

    A missing figure (no indicators, no targets with enough peers) sorts last
    whatever the direction.
    """
    if sort not in SORTS:
        raise UsageError(f"未知的排序：{sort}（可用 {'、'.join(SORTS)}）/ unknown sort: {sort}")
    # the figures (medians included) once per state, not per request
    items = list(_CACHE.get(conn, (min_peers, *_signature(conn)),
                            lambda: [_figures(r) for r in _build(conn, min_peers).values() if r["projects"]]))
    if year is not None:
        items = [i for i in items if i["year"] == year]
    if department:
        items = [i for i in items if department in (i["department"] or "")]
    present = [i for i in items if i[sort] is not None]
    missing = [i for i in items if i[sort] is None]
    present.sort(key=lambda i: (i[sort], i["department"] or "", i["year"] or 0), reverse=descending)
    missing.sort(key=lambda i: (i["department"] or "", i["year"] or 0))
    return {"sort": sort, "descending": descending, "min_peers": min_peers, "total": len(items),
            "items": present + missing}


def league_targets(conn: Connection, department: str | None, year: int | None, *,
                   min_peers: int = MIN_PEERS, limit: int = 500) -> list[dict[str, Any]]:
    """The evidence behind a row's median percentile: each counted target with its percentile and peers."""
    out = []
    for dep, yr, iid, level2, cmp, below, equal, n in conn.execute(_RANKS, {"t": True, "min": min_peers}):
        if dep != department or yr != year:
            continue
        lower = direction(level2, cmp) == "lower"
        out.append({"indicator_id": iid, "percentile": round(_percentile(below, equal, n, lower), 1),
                    "peers": n - 1, "direction": "lower" if lower else "higher"})
    out.sort(key=lambda x: x["percentile"])
    out = out[:limit]
    if out:
        by_id = {x["indicator_id"]: x for x in out}
        ids = list(by_id)
        for k in range(0, len(ids), 500):
            part = ids[k:k + 500]
            marks = ", ".join(f":i{j}" for j in range(len(part)))
            for iid, pid, name, value, lid in conn.execute(text(
                    "SELECT i.id, i.project_id, i.name, i.annual_value, m.library_id FROM indicators i "
                    f"JOIN library_members m ON m.indicator_id = i.id WHERE i.id IN ({marks})"),
                    {f"i{j}": v for j, v in enumerate(part)}):
                by_id[iid].update({"project_id": pid, "indicator": name, "annual_value": value, "library_id": lid})
    return out
