"""Reading the library: canonical indicators with their use, their figures, and a target's peers.

Only the latest version of each document counts (as in search and
listings): an older version is history, not a peer. Figures are per unit:
``≥90%`` and ``≥90人`` are not compared, and a target without a unit is
kept apart from one with a unit.

Quartiles interpolate linearly between the sorted figures (numpy's default,
``statistics.quantiles(method="inclusive")``); a target's percentile among
its peers counts half of the ties: ``100 × (below + ½ × equal) / n``, so a
target equal to every peer stands at 50.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, distinct, func, or_, select, text

from ..errors import UsageError
from ..store.schema import (
    DocumentRow,
    IndicatorRow,
    LibraryIndicatorRow,
    LibraryKeyRow,
    LibraryMemberRow,
    ProjectRow,
)
from .group import measure_key
from .normalize import name_key
from .peers import MIN_PEERS, outside_peers

__all__ = ["LOWER_IS_BETTER_L2", "direction", "document_peers", "library_entry", "list_library", "outside_peers",
           "percentile",
           "project_benchmarks", "quartiles"]

L, M, Ind, D, P = LibraryIndicatorRow, LibraryMemberRow, IndicatorRow, DocumentRow, ProjectRow

#: 二级 whose figures are limits: a lower target is the stricter one
LOWER_IS_BETTER_L2 = frozenset({"成本", "经济成本", "社会成本", "生态环境成本"})

SORTS = {"projects": "projects", "indicators": "indicators", "departments": "departments", "name": "name"}
MAX_LIMIT = 1000


def quartiles(values: Sequence[float]) -> dict[str, float] | None:
    """count, min, q1, median, q3, max of ``values`` (None when empty)."""
    v = sorted(values)
    n = len(v)
    if not n:
        return None

    def at(q: float) -> float:
        pos = q * (n - 1)
        lo = int(pos)
        hi = min(lo + 1, n - 1)
        return v[lo] + (v[hi] - v[lo]) * (pos - lo)

    return {"count": n, "min": v[0], "q1": at(0.25), "median": at(0.5), "q3": at(0.75), "max": v[-1]}


def percentile(value: float, peers: Sequence[float]) -> float | None:
    """Where ``value`` stands among ``peers`` (0–100, ties counted half); None without peers."""
    if not peers:
        return None
    below = sum(1 for p in peers if p < value)
    equal = sum(1 for p in peers if p == value)
    return 100.0 * (below + 0.5 * equal) / len(peers)


#: words of a name whose figure is a count or rate of something bad (事故, 投诉 …), unless it is its fall
_BAD_THINGS = re.compile("事故|故障率|故障次数|投诉|差错|误差|退学|超时|响应时间|处理时间|单价|单位成本|费用")
_FALL = re.compile("下降|降低|减少")


def direction(level2: str | None, comparator: str | None, name: str | None = None) -> str:
    """``"lower"`` when a lower figure is the more ambitious target, else ``"higher"``.

    Lower is better for a cost (成本 二级), a limit written with ≤ or <, and a
    count or rate of something bad (安全事故发生次数, 故障率, 投诉次数) that is not
    its fall (故障次数下降率 is a rise in good).
    """
    if level2 in LOWER_IS_BETTER_L2 or comparator in ("<=", "<"):
        return "lower"
    if name and _BAD_THINGS.search(name) and not _FALL.search(name):
        return "lower"
    return "higher"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matching_ids(query: str):
    """Canonical indicators whose name, or any spelling's key, contains the query."""
    key = measure_key(query) or name_key(query) or query.strip()
    raw = query.strip()
    by_key = select(LibraryKeyRow.library_id).where(
        or_(LibraryKeyRow.key.like(f"%{_escape_like(key)}%", escape="\\"),
            LibraryKeyRow.key.like(f"%{_escape_like(name_key(raw) or raw)}%", escape="\\")))
    by_name = select(L.id).where(L.name.like(f"%{_escape_like(raw)}%", escape="\\"))
    return by_key.union(by_name)


def list_library(conn: Connection, *, query: str | None = None, level1: str | None = None,
                 level2: str | None = None, sort: str = "projects", limit: int = 50,
                 offset: int = 0) -> dict[str, Any]:
    """Canonical indicators in use, most used first: ``{"total": n, "items": [...]}``."""
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise UsageError(f"limit 应在 1–{MAX_LIMIT}，offset ≥ 0 / limit must be 1–{MAX_LIMIT}, offset ≥ 0")
    if sort not in SORTS:
        raise UsageError(f"未知的排序：{sort}（可用 {'、'.join(SORTS)}）/ unknown sort: {sort}")
    n_ind = func.count().label("indicators")
    n_proj = func.count(distinct(M.project_id)).label("projects")
    n_dep = func.count(distinct(D.department)).label("departments")
    n_year = func.count(distinct(D.year)).label("years")
    stmt = (select(L.id, L.level1, L.level2, L.name, n_ind, n_proj, n_dep, n_year)
            .join(M, M.library_id == L.id).join(D, D.id == M.document_id)
            .where(D.is_latest).group_by(L.id, L.level1, L.level2, L.name))
    if level1:
        stmt = stmt.where(L.level1 == level1)
    if level2:
        stmt = stmt.where(L.level2 == level2)
    if query and query.strip():
        stmt = stmt.where(L.id.in_(_matching_ids(query)))
    total = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    order = {"projects": (n_proj.desc(), n_ind.desc()), "indicators": (n_ind.desc(), n_proj.desc()),
             "departments": (n_dep.desc(), n_proj.desc()), "name": (L.name,)}[sort]
    rows = conn.execute(stmt.order_by(*order, L.id).limit(limit).offset(offset))
    return {"total": total, "items": [dict(r._mapping) for r in rows]}


def _header(conn: Connection, library_id: int) -> dict[str, Any]:
    row = conn.execute(select(L.id, L.level1, L.level2, L.name).where(L.id == library_id)).first()
    if row is None:
        raise UsageError(f"指标库中没有 L{library_id} / no library indicator L{library_id}", code="not_found")
    return dict(row._mapping)


def library_entry(conn: Connection, library_id: int, *, max_projects: int = 500) -> dict[str, Any]:
    """One canonical indicator: its spellings, use, comparators, units, figures per unit and projects."""
    out = _header(conn, library_id)
    rows = conn.execute(
        select(Ind.id.label("indicator_id"), Ind.project_id, Ind.document_id, Ind.name.label("indicator"), Ind.annual_value,
               Ind.annual_kind, Ind.annual_comparator, Ind.annual_number, Ind.annual_unit, P.name.label("project"),
               P.total.label("amount"), D.department, D.year, D.amount_unit)
        .join(M, M.indicator_id == Ind.id).join(D, D.id == M.document_id).join(P, P.id == Ind.project_id)
        .where(M.library_id == library_id, D.is_latest).order_by(D.year.desc(), D.department, Ind.project_id, Ind.id)
    ).all()
    spellings = Counter(" ".join((r.indicator or "").split()) for r in rows)
    numbers: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        if r.annual_kind == "quantitative" and r.annual_number is not None:
            numbers[r.annual_unit or ""].append(r.annual_number)
    out.update({
        "indicators": len(rows),
        "projects": len({r.project_id for r in rows}),
        "departments": len({r.department for r in rows if r.department}),
        "years": sorted({r.year for r in rows if r.year}),
        "spellings": [{"name": n, "count": c} for n, c in spellings.most_common()],
        "comparators": [{"comparator": k, "count": c} for k, c in
                        Counter(r.annual_comparator or "" for r in rows if r.annual_kind == "quantitative")
                        .most_common()],
        "units": [{"unit": k, "count": c} for k, c in
                  Counter(r.annual_unit or "" for r in rows if r.annual_kind == "quantitative").most_common()],
        "kinds": [{"kind": k, "count": c} for k, c in Counter(r.annual_kind or "empty" for r in rows).most_common()],
        "distributions": [{"unit": u, **quartiles(v)} for u, v in
                          sorted(numbers.items(), key=lambda kv: (-len(kv[1]), kv[0]))],
        "members": [{k: getattr(r, k) for k in ("indicator_id", "project_id", "document_id", "project", "department",
                                                "year", "indicator", "annual_value", "annual_number", "annual_unit",
                                                "amount", "amount_unit")} for r in rows[:max_projects]],
        "members_total": len(rows),
    })
    return out


# Peers are read from ix_library_members_figures (library_id, unit, latest, number) alone, in number
# order: a count, then the few figures the quartiles need, each found by its rank (OFFSET), so a target
# with 100,000 peers costs a handful of index walks instead of 100,000 rows sent to Python.
_COUNTS = text("SELECT count(*), coalesce(sum(CASE WHEN number < :x THEN 1 ELSE 0 END), 0), "
               "coalesce(sum(CASE WHEN number = :x THEN 1 ELSE 0 END), 0) FROM library_members "
               "WHERE library_id = :l AND unit = :u AND latest = :t AND number IS NOT NULL")
_AT_RANK = text("SELECT number FROM library_members WHERE library_id = :l AND unit = :u AND latest = :t "
                "AND number IS NOT NULL ORDER BY number LIMIT 1 OFFSET :k")


def _peer_figures(conn: Connection, library_id: int, unit: str, x: float, counted: bool) -> dict[str, Any]:
    """n, percentile, median and quartiles of a target's peers; ``counted``: the target is among the
    figures (its document is the latest version), so one figure equal to ``x`` is taken out."""
    where = {"l": library_id, "u": unit, "t": True}
    n_all, below, equal = conn.execute(_COUNTS, {**where, "x": x}).one()
    n = n_all - counted
    if n <= 0:
        return {"n": 0, "percentile": None, "median": None, "q1": None, "q3": None}
    skip = below if counted else None  # the rank the target itself holds among all the figures
    ranks: dict[int, float] = {}

    def peer_at(k: int) -> float:
        rank = k if skip is None or k < skip else k + 1
        if rank not in ranks:
            ranks[rank] = conn.execute(_AT_RANK, {**where, "k": rank}).scalar_one()
        return ranks[rank]

    def at(q: float) -> float:
        pos = q * (n - 1)
        lo = int(pos)
        v = peer_at(lo)
        return v if pos == lo else v + (peer_at(min(lo + 1, n - 1)) - v) * (pos - lo)

    return {"n": n, "percentile": 100.0 * (below + 0.5 * (equal - counted)) / n, "median": at(0.5),
            "q1": at(0.25), "q3": at(0.75)}


def project_benchmarks(conn: Connection, project_id: int, *, min_peers: int = MIN_PEERS) -> list[dict[str, Any]]:
    """For each indicator of the project: its canonical indicator, and for a numeric target its peers.

    Peers are the same canonical indicator's numeric targets in the same unit,
    in the latest versions of documents, other than the target itself.
    ``outside`` says what rule R40 would, with ``min_peers``.
    """
    mine = conn.execute(
        select(Ind.id, Ind.position, Ind.seq, Ind.name, Ind.level2, Ind.annual_kind, Ind.annual_comparator, Ind.annual_number,
               Ind.annual_unit, M.library_id, L.name.label("library_name"), L.level1.label("library_level1"),
               L.level2.label("library_level2"),
               M.latest.label("member_latest")
        ).join(M, M.indicator_id == Ind.id, isouter=True).join(L, L.id == M.library_id, isouter=True)
        .where(Ind.project_id == project_id).order_by(Ind.position)).all()
    numeric = [r for r in mine if r.library_id is not None and r.annual_kind == "quantitative"
               and r.annual_number is not None]
    out = []
    for r in mine:
        item: dict[str, Any] = {"indicator_id": r.id, "seq": r.seq, "name": r.name, "library_id": r.library_id,
                                "library_name": r.library_name, "level1": r.library_level1,
                                "level2": r.library_level2, "number": None, "unit": None, "n": 0,
                                "percentile": None, "median": None, "q1": None, "q3": None, "direction": None,
                                "outside": None}
        if r in numeric:
            stats = _peer_figures(conn, r.library_id, r.annual_unit or "", r.annual_number, bool(r.member_latest))
            item.update({"number": r.annual_number, "unit": r.annual_unit, "comparator": r.annual_comparator,
                         **stats, "direction": direction(r.library_level2, r.annual_comparator, r.name)})
            item["outside"] = outside_peers(item, min_peers)
        out.append(item)
    return out


def document_peers(conn: Connection, document_id: int) -> dict[tuple[int, int], dict[str, Any]]:
    """Every numeric target's benchmark in a stored document, by (project index, indicator index):
    what :func:`jixiao.review.review` takes as ``peers`` (rule R40)."""
    out: dict[tuple[int, int], dict[str, Any]] = {}
    projects = conn.execute(select(P.id).where(P.document_id == document_id).order_by(P.position)).scalars()
    for pi, pid in enumerate(projects):
        for ii, b in enumerate(project_benchmarks(conn, pid)):
            if b["n"]:
                out[(pi, ii)] = b
    return out
