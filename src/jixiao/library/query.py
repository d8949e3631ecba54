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
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, distinct, func, or_, select, text, true

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
                 level2: str | None = None, sort: str = "projects", limit: int | None = 50,
                 offset: int = 0) -> dict[str, Any]:
    """Canonical indicators in use, most used first: ``{"total": n, "items": [...]}`` (``limit=None``: all,
    for a download).

    One pass over the members counts uses and projects of every canonical
    indicator; departments and years (which need each member's document) are
    counted for the page shown only, unless the order is by departments.
    """
    if (limit is not None and not 1 <= limit <= MAX_LIMIT) or offset < 0:
        raise UsageError(f"limit 应在 1–{MAX_LIMIT}，offset ≥ 0 / limit must be 1–{MAX_LIMIT}, offset ≥ 0")
    if sort not in SORTS:
        raise UsageError(f"未知的排序：{sort}（可用 {'、'.join(SORTS)}）/ unknown sort: {sort}")
    chosen = select(L.id)
    if level1:
        chosen = chosen.where(L.level1 == level1)
    if level2:
        chosen = chosen.where(L.level2 == level2)
    if query and query.strip():
        chosen = chosen.where(L.id.in_(_matching_ids(query)))
    stmt = (select(M.library_id, func.count(), func.count(distinct(M.project_id))).where(M.latest == true())
            .group_by(M.library_id))
    if level1 or level2 or (query and query.strip()):
        stmt = stmt.where(M.library_id.in_(chosen))
    used = {lid: (n, projects) for lid, n, projects in conn.execute(stmt)}
    heads = {}
    for part in _chunks(sorted(used)):
        heads.update({r.id: r for r in conn.execute(select(L.id, L.level1, L.level2, L.name).where(L.id.in_(part)))})
    items = [{"id": lid, "level1": heads[lid].level1, "level2": heads[lid].level2, "name": heads[lid].name,
              "indicators": n, "projects": projects} for lid, (n, projects) in used.items()]
    if sort == "departments":
        _add_places(conn, items)
    key = {"projects": lambda i: (-i["projects"], -i["indicators"], i["id"]),
           "indicators": lambda i: (-i["indicators"], -i["projects"], i["id"]),
           "departments": lambda i: (-i["departments"], -i["projects"], i["id"]),
           "name": lambda i: (i["name"], i["id"])}[sort]
    items.sort(key=key)
    page = items[offset:None if limit is None else offset + limit]
    if sort != "departments":
        _add_places(conn, page)
    return {"total": len(items), "items": page}


def _chunks(items: Sequence, n: int = 500):
    for k in range(0, len(items), n):
        yield items[k:k + n]


def _add_places(conn: Connection, items: list[dict[str, Any]]) -> None:
    """``departments`` and ``years``: how many distinct ones the latest documents using each item give."""
    places: dict[int, tuple[int, int]] = {}
    for part in _chunks([i["id"] for i in items]):
        docs = (select(M.library_id, M.document_id).where(M.latest == true(), M.library_id.in_(part))
                .distinct().subquery())
        places.update({lid: (deps, years) for lid, deps, years in conn.execute(
            select(docs.c.library_id, func.count(distinct(D.department)), func.count(distinct(D.year)))
            .join(D, D.id == docs.c.document_id).group_by(docs.c.library_id))})
    for i in items:
        i["departments"], i["years"] = places.get(i["id"], (0, 0))


def _header(conn: Connection, library_id: int) -> dict[str, Any]:
    row = conn.execute(select(L.id, L.level1, L.level2, L.name).where(L.id == library_id)).first()
    if row is None:
        raise UsageError(f"指标库中没有 L{library_id} / no library indicator L{library_id}", code="not_found")
    return dict(row._mapping)


def library_entry(conn: Connection, library_id: int, *, max_projects: int = 500,
                  max_spellings: int = 200) -> dict[str, Any]:
    """One canonical indicator: its spellings, use, comparators, units, figures per unit and projects.

    Counted from its members (which carry their figures, kind and comparator),
    so a canonical indicator used 100,000 times is a few index scans and rank
    look-ups; only the spellings and the listed projects read indicator rows.
    ``values`` counts each distinct figure of the most used unit (the chart).
    """
    out = _header(conn, library_id)
    mine = (M.library_id == library_id, M.latest == true())
    n, projects = conn.execute(select(func.count(), func.count(distinct(M.project_id))).where(*mine)).one()
    docs = select(M.document_id).where(*mine).distinct().subquery()
    places = conn.execute(select(D.department, D.year).join(docs, docs.c.document_id == D.id)).all()
    spellings = conn.execute(select(Ind.name, func.count()).join(M, M.indicator_id == Ind.id)
                             .where(*mine).group_by(Ind.name).order_by(func.count().desc(), Ind.name)
                             .limit(max_spellings)).all()
    kinds = conn.execute(select(M.kind, func.count()).where(*mine).group_by(M.kind)).all()
    figures = (*mine, M.number.is_not(None))
    comparators = conn.execute(select(M.comparator, func.count()).where(*figures).group_by(M.comparator)).all()
    units = conn.execute(select(M.unit, func.count(), func.min(M.number), func.max(M.number)).where(*figures)
                         .group_by(M.unit)).all()
    distributions = []
    for unit, count, low, high in sorted(units, key=lambda u: (-u[1], u[0])):
        def at_rank(k: int, unit=unit) -> float:
            return conn.execute(_AT_RANK, {"l": library_id, "u": unit, "t": True, "k": k}).scalar_one()

        q1, median, q3 = _quantiles(count, at_rank)
        distributions.append({"unit": unit, "count": count, "min": low, "q1": q1, "median": median, "q3": q3,
                              "max": high})
    main = distributions[0]["unit"] if distributions else None
    values = [] if main is None else conn.execute(
        select(M.number, func.count()).where(*figures, M.unit == main).group_by(M.number).order_by(M.number)).all()
    members = conn.execute(
        select(Ind.id.label("indicator_id"), Ind.project_id, Ind.document_id, P.name.label("project"), D.department,
               D.year, Ind.name.label("indicator"), Ind.annual_value, Ind.annual_number, Ind.annual_unit,
               P.total.label("amount"), D.amount_unit)
        .select_from(M).join(Ind, Ind.id == M.indicator_id).join(P, P.id == Ind.project_id)
        .join(D, D.id == M.document_id).where(*mine)
        .order_by(M.document_id.desc(), M.indicator_id).limit(max_projects)).all()
    out.update({
        "indicators": n,
        "projects": projects,
        "departments": len({d for d, _y in places if d}),
        "years": sorted({y for _d, y in places if y}),
        "spellings": [{"name": name, "count": c} for name, c in spellings],
        "comparators": [{"comparator": k or "", "count": c}
                        for k, c in sorted(comparators, key=lambda x: (-x[1], x[0] or ""))],
        "units": [{"unit": d["unit"], "count": d["count"]} for d in distributions],
        "kinds": [{"kind": k or "empty", "count": c} for k, c in sorted(kinds, key=lambda x: (-x[1], x[0] or ""))],
        "distributions": distributions,
        "values": {"unit": main, "counts": [{"value": v, "count": c} for v, c in values]},
        "members": [dict(r._mapping) for r in members],
        "members_total": n,
    })
    return out


def _quantiles(n: int, at: Callable[[int], float]) -> tuple[float, float, float]:
    """q1, median, q3 of ``n`` figures, ``at(k)`` the k-th smallest: as :func:`quartiles`, by rank."""
    def q(p: float) -> float:
        pos = p * (n - 1)
        lo = int(pos)
        v = at(lo)
        return v if pos == lo else v + (at(min(lo + 1, n - 1)) - v) * (pos - lo)

    return q(0.25), q(0.5), q(0.75)


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

    q1, median, q3 = _quantiles(n, peer_at)
    return {"n": n, "percentile": 100.0 * (below + 0.5 * (equal - counted)) / n, "median": median, "q1": q1,
            "q3": q3}


def project_benchmarks(conn: Connection, project_id: int, *, min_peers: int = MIN_PEERS) -> list[dict[str, Any]]:
    """For each indicator of the project: its canonical indicator, and for a numeric target its peers.

    Peers are the same canonical indicator's numeric targets in the same unit,
    in the latest versions of documents, other than the target itself.
    ``outside`` says what rule R44 would, with ``min_peers``.
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
    what :func:`jixiao.review.review` takes as ``peers`` (rule R44)."""
    out: dict[tuple[int, int], dict[str, Any]] = {}
    projects = conn.execute(select(P.id).where(P.document_id == document_id).order_by(P.position)).scalars()
    for pi, pid in enumerate(projects):
        for ii, b in enumerate(project_benchmarks(conn, pid)):
            if b["n"]:
                out[(pi, ii)] = b
    from .unit_costs import document_unit_costs  # rule R52: ("unit_cost", project index)

    out.update(document_unit_costs(conn, document_id))  # type: ignore[arg-type]
    from .history import document_history  # rules R53, R54: ("history", project index)

    out.update(document_history(conn, document_id))  # type: ignore[arg-type]
    return out
