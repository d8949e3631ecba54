"""Full-text search: substring-exact for Chinese, ranked, filtered, highlighted.

How it stays fast at millions of indicators: entries are numbered so that
the index's own order is the rank tier (project names, then indicators,
then goals; see tokens.py), so the database stops after the first few
hundred matches instead of ranking all of them (on PostgreSQL, whose GIN
index has no order, search_pg.py walks or looks up one tier at a time). Within those, results are
ordered by tier, then by the length of the matched text: every candidate
holds every query word, so the shorter text is the one the query describes
best (BM25's length normalisation, without its document frequencies: FTS5
and ts_rank compute those over *all* matches, 40 ms for 满意度 at a million
indicators, which is the whole budget).
Filters by name or category are index tags, ANDed in the same lookup;
amount and finding filters are checked on the rows as they stream by.

Counts are exact at any size (issue 15): past the first CANDIDATES matches, the total and the
facets are counted in the database over every match (stats.match_facets), cached per query and
store generation, and the matches past the ranked first CANDIDATES follow them in index order, so
every match is on exactly one page.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ARRAY, Connection, Integer, and_, any_, bindparam, exists, func, or_, select, text
from sqlalchemy.sql import column as sql_column
from sqlalchemy.sql import table as sql_table

from ..errors import UsageError
from . import tokens as T
from .schema import DocumentRow, FindingRow, IndicatorRow, ProjectRow
from .search_pg import first_matches

__all__ = ["Filters", "Hit", "SearchPage", "matching_entries", "search"]

#: Matches looked at for ranking; a query with more gets the first CANDIDATES in index order.
CANDIDATES = 200
MAX_LIMIT = 500
MAX_OFFSET = 10_000
MAX_QUERY_CHARS = 200


@dataclass
class Filters:
    department: str | None = None
    unit: str | None = None
    year: int | None = None
    level1: str | None = None
    level2: str | None = None
    min_amount: float | None = None
    max_amount: float | None = None
    has_finding: bool | None = None
    all_versions: bool = False

    def __post_init__(self) -> None:
        for name in ("min_amount", "max_amount"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):  # nan compares false with everything
                raise UsageError(f"金额筛选须是有限的数：{name}={value} / {name} must be a finite number, not {value}")

    def describe(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, False)}


@dataclass
class Hit:
    """One match: a project name, a goal, or an indicator, with its context and highlighted text."""

    kind: str
    entry_id: int
    rank: float
    document_id: int
    document: str | None
    department: str | None
    year: int | None
    project_id: int
    project: str | None
    unit: str | None
    total: float | None
    indicator_id: int | None = None
    seq: int | None = None
    level1: str | None = None
    level2: str | None = None
    indicator: str | None = None
    annual_value: str | None = None
    period_value: str | None = None
    goal: str | None = None
    #: field name -> [[text, is_match], ...] pieces of the fields that matched
    highlights: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)


@dataclass
class SearchPage:
    query: str
    terms: list[str]
    filters: dict[str, Any]
    hits: list[Hit]
    total: int
    #: always True now (every match is counted, issue 15); kept for the JSON's readers
    total_exact: bool
    offset: int
    limit: int
    #: with ``facets=True``: how the ranked matches spread over kind, department, year and 一级
    facets: dict[str, Any] | None = None


def _tag_groups(conn: Connection, f: Filters) -> list[list[str]]:
    """Filters that are index tags: names matched by substring, categories by their normal form."""
    groups: list[list[str]] = []
    if f.department:
        names = conn.execute(select(DocumentRow.department).distinct()
                             .where(DocumentRow.department.contains(f.department, autoescape=True))).scalars()
        groups.append(sorted({T.tag("d", n) for n in names if n}) or ["tnone"])
    if f.unit:
        names = conn.execute(select(ProjectRow.unit).distinct()
                             .where(ProjectRow.unit.contains(f.unit, autoescape=True))).scalars()
        groups.append(sorted({T.tag("u", n) for n in names if n}) or ["tnone"])
    if f.year:
        groups.append([T.tag("y", f.year)])
    if f.level1:
        cat = T.level1_category(f.level1, f.level1 if f.level1.isdigit() else None)
        if cat is None:
            raise UsageError(f"一级指标只能是 产出/效益/满意度/成本：{f.level1} / "
                             "level 1 is one of 产出, 效益, 满意度, 成本")
        groups.append([T.tag("l", int(cat))])
    if f.level2:
        groups.append([T.tag("m", T.level2_key(f.level2))])
    return groups


def _has_old_versions(conn: Connection) -> bool:
    return conn.execute(select(DocumentRow.id).where(DocumentRow.is_latest.is_(False)).limit(1)).first() is not None


def _row_conditions(conn: Connection, f: Filters, entry_doc, entry_project, entry_indicator, *,
                    old_versions: bool | None = None) -> list:
    cond = []
    # Checking every match for being the latest version is wasted while no document has two.
    if not f.all_versions and (_has_old_versions(conn) if old_versions is None else old_versions):
        cond.append(exists().where(DocumentRow.id == entry_doc, DocumentRow.is_latest))
    if f.min_amount is not None or f.max_amount is not None:
        amount = select(ProjectRow.total).where(ProjectRow.id == entry_project).scalar_subquery()
        if f.min_amount is not None:
            cond.append(amount >= f.min_amount)
        if f.max_amount is not None:
            cond.append(amount <= f.max_amount)
    if f.has_finding is not None:
        on_indicator = exists().where(FindingRow.indicator_id == entry_indicator)
        on_project = exists().where(FindingRow.project_id == entry_project)
        found = or_(and_(entry_indicator.is_not(None), on_indicator), and_(entry_indicator.is_(None), on_project))
        cond.append(found if f.has_finding else ~found)
    return cond


def _parse(conn: Connection, query: str, f: Filters) -> T.Query:
    """The query as terms and filter tags, or a usage error for an empty or over-long one."""
    if len(query) > MAX_QUERY_CHARS:
        raise UsageError(f"搜索词太长（最多 {MAX_QUERY_CHARS} 字）/ query too long (at most {MAX_QUERY_CHARS} characters)")
    q = T.parse_query(query, _tag_groups(conn, f))
    if not q.terms:
        raise UsageError("搜索词为空 / empty search query")
    return q


def _candidates(conn: Connection, q: T.Query, f: Filters, n: int | None) -> list[int]:
    """Entry ids of up to ``n`` (None: all) matches in index order; :func:`_score` ranks them."""
    from .schema import SearchEntryRow as E

    if conn.dialect.name == "postgresql" and n is not None:
        old = _has_old_versions(conn)
        return first_matches(conn, T.tsquery(q), lambda doc, project, indicator: _row_conditions(
            conn, f, doc, project, indicator, old_versions=old), n)
    if conn.dialect.name == "postgresql":
        tsq = text("CAST(:tsq AS tsquery)").bindparams(tsq=T.tsquery(q))
        stmt = (select(E.id).where(E.tsv.op("@@")(tsq), *_row_conditions(conn, f, E.document_id,
                                                                         E.project_id, E.indicator_id))
                .order_by(E.id).limit(n))
        return list(conn.execute(stmt).scalars())
    # SQLite: the FTS5 table is the outer loop, in rowid order, so LIMIT stops the scan early.
    # Every value is a bound parameter: inlined as text, a float such as nan or inf is not SQL.
    fts = sql_table("search_fts", sql_column("rowid"))
    stmt = (select(fts.c.rowid).where(text("search_fts MATCH :match").bindparams(match=T.fts5_match(q)))
            .order_by(fts.c.rowid).limit(-1 if n is None else n))
    conds = _row_conditions(conn, f, E.document_id, E.project_id, E.indicator_id)
    if conds:
        stmt = stmt.where(select(E.id).where(E.id == fts.c.rowid, *conds).exists())
    return list(conn.execute(stmt).scalars())


def search(conn: Connection, query: str, filters: Filters | None = None, *, limit: int = 20,
           offset: int = 0, facets: bool = False) -> SearchPage:
    """Entries containing every term of ``query`` (white-space separated), best first; with
    ``facets``, also their counts by kind, department, year and 一级 over the ranked matches."""
    f = filters or Filters()
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= MAX_OFFSET:
        raise UsageError(f"每页 1–{MAX_LIMIT} 条，最多翻到第 {MAX_OFFSET} 条 / "
                         f"limit must be 1–{MAX_LIMIT} and offset 0–{MAX_OFFSET}")
    q = _parse(conn, query, f)
    window = max(CANDIDATES, offset + limit)
    ids = _candidates(conn, q, f, window + 1)
    # The first CANDIDATES matches (in index order) are ranked; the rest follow in index order, which
    # keeps the tiers in order and puts each match on one page whatever the page asked for.
    found = _score(conn, ids[:CANDIDATES])
    found.sort(key=lambda c: (c[0] >> T.TIER_SHIFT, c[1], c[0]))
    found += [(eid, 0.0) for eid in ids[CANDIDATES:window]]
    page = found[offset:offset + limit]
    if offset + limit > CANDIDATES:
        page = _score(conn, [eid for eid, _ in page])
    hits = _hydrate(conn, page, q.terms)
    counts = None
    if len(ids) <= window:
        total = len(ids)
        if facets:
            from .stats import facet_counts

            counts = facet_counts(conn, ids)
    else:  # more matches than were fetched: count them all where they are
        total, every = _counted(conn, q, f)
        counts = every if facets else None
    return SearchPage(query=query, terms=q.terms, filters=f.describe(), hits=hits, total=total,
                      total_exact=True, offset=offset, limit=limit, facets=counts)


#: (database, query, filters, store generation) → (total, facets); small: one entry is a few facet lists
_COUNTS: OrderedDict[tuple, tuple[int, dict[str, Any]]] = OrderedDict()
_COUNTS_MAX = 256
_COUNTS_LOCK = threading.Lock()


def _generation(conn: Connection) -> tuple:
    """What changes whenever a search's matches may: documents are only added (a new id, a new
    version's is_latest) or deleted (one fewer); projects and indicators are written with them."""
    return tuple(conn.execute(select(func.count(), func.max(DocumentRow.id),
                                     func.count().filter(DocumentRow.is_latest.is_(True)))).one())


def _counted(conn: Connection, q: T.Query, f: Filters) -> tuple[int, dict[str, Any]]:
    """Every match counted and spread over the facets in the database, cached per store generation
    (``率`` at a million indicators is ~400,000 matches: counting them is worth keeping)."""
    from .stats import match_facets

    key = (str(conn.engine.url), tuple(q.terms), tuple(map(tuple, q.groups)), tuple(sorted(f.describe().items())),
           _generation(conn))
    with _COUNTS_LOCK:
        if key in _COUNTS:
            _COUNTS.move_to_end(key)
            return _COUNTS[key]
    counted = match_facets(conn, _every_match(conn, q, f))
    with _COUNTS_LOCK:
        _COUNTS[key] = counted
        while len(_COUNTS) > _COUNTS_MAX:
            _COUNTS.popitem(last=False)
    return counted


def _every_match(conn: Connection, q: T.Query, f: Filters):
    """Every matching entry as a subquery (id, document_id, indicator_id), unordered, for counting."""
    from .schema import SearchEntryRow as E

    conds = _row_conditions(conn, f, E.document_id, E.project_id, E.indicator_id)
    if conn.dialect.name == "postgresql":
        tsq = text("CAST(:tsq AS tsquery)").bindparams(tsq=T.tsquery(q))
        where = [E.tsv.op("@@")(tsq)]
    else:
        fts = sql_table("search_fts", sql_column("rowid"))
        where = [E.id.in_(select(fts.c.rowid).where(text("search_fts MATCH :match")
                                                    .bindparams(match=T.fts5_match(q))))]
    return select(E.id, E.document_id, E.indicator_id).where(*where, *conds).subquery("matches")


def _among(conn: Connection, column, ids):
    """``column IN ids``; on PostgreSQL one array parameter (``= ANY``) instead of one per id."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    return column.in_(ids)


def _score(conn: Connection, ids: list[int]) -> list[tuple[int, float]]:
    """Each candidate with the length of its text (shorter ranks higher within a tier)."""
    by_kind: dict[str, list[int]] = {"project": [], "indicator": [], "goal": []}
    for eid in ids:
        kind, rid = T.split_entry_id(eid)
        by_kind[kind].append(rid)
    length: dict[int, float] = {}
    p, i = ProjectRow, IndicatorRow
    for kind, column, model in (("project", func.length(p.name), p), ("goal", func.length(p.goal), p),
                                ("indicator", func.coalesce(func.length(i.name), 0)
                                 + func.coalesce(func.length(i.annual_value), 0), i)):
        if by_kind[kind]:
            for rid, n in conn.execute(select(model.id, column).where(_among(conn, model.id, by_kind[kind]))):
                length[T.entry_id(kind, rid)] = float(n or 0)
    return [(eid, length.get(eid, 0.0)) for eid in ids]


def matching_entries(conn: Connection, query: str, filters: Filters | None = None) -> list[tuple[str, int]]:
    """Every match of ``query`` as (kind, row id), in rank-tier order: what an export of a search holds."""
    f = filters or Filters()
    return [T.split_entry_id(eid) for eid in _candidates(conn, _parse(conn, query, f), f, None)]


def _hydrate(conn: Connection, page: list[tuple[int, float]], terms: list[str]) -> list[Hit]:
    if not page:
        return []
    kinds = {eid: T.split_entry_id(eid) for eid, _ in page}
    ind_ids = [rid for kind, rid in kinds.values() if kind == "indicator"]
    indicators = {r.id: r for r in conn.execute(
        select(IndicatorRow.id, IndicatorRow.project_id, IndicatorRow.seq, IndicatorRow.level1,
               IndicatorRow.level2, IndicatorRow.name, IndicatorRow.annual_value, IndicatorRow.period_value)
        .where(_among(conn, IndicatorRow.id, ind_ids)))} if ind_ids else {}
    project_ids = {rid for kind, rid in kinds.values() if kind != "indicator"}
    project_ids |= {r.project_id for r in indicators.values()}
    projects = {r.id: r for r in conn.execute(
        select(ProjectRow.id, ProjectRow.document_id, ProjectRow.name, ProjectRow.unit, ProjectRow.total,
               ProjectRow.goal, DocumentRow.name.label("document"), DocumentRow.department, DocumentRow.year)
        .join(DocumentRow, DocumentRow.id == ProjectRow.document_id).where(_among(conn, ProjectRow.id, project_ids)))}
    hits = []
    for eid, score in page:
        kind, rid = kinds[eid]
        ind = indicators.get(rid) if kind == "indicator" else None
        p = projects[ind.project_id if ind else rid]
        hit = Hit(kind=kind, entry_id=eid, rank=score, document_id=p.document_id, document=p.document,
                  department=p.department, year=p.year, project_id=p.id, project=p.name, unit=p.unit,
                  total=p.total)
        if ind is not None:
            hit.indicator_id, hit.seq, hit.level1, hit.level2 = ind.id, ind.seq, ind.level1, ind.level2
            hit.indicator, hit.annual_value, hit.period_value = ind.name, ind.annual_value, ind.period_value
            texts = {"indicator": ind.name, "annual_value": ind.annual_value, "period_value": ind.period_value}
        elif kind == "goal":
            hit.goal = p.goal
            texts = {"goal": p.goal}
        else:
            texts = {"project": p.name}
        for k, v in texts.items():
            pieces = highlight(v, terms) if v else []
            if any(m for _, m in pieces):
                hit.highlights[k] = pieces
        hits.append(hit)
    return hits


def highlight(text_: str, terms: list[str]) -> list[tuple[str, bool]]:
    """``text_`` cut into (piece, is_match) for every occurrence of any term, as the index compares them."""
    norm, where = T.normalize_with_map(text_)
    marked = [False] * len(text_)
    for t in terms:
        start = norm.find(t)
        while start != -1:
            for k in range(start, start + len(t)):
                marked[where[k]] = True
            start = norm.find(t, start + 1)
    pieces: list[tuple[str, bool]] = []
    for ch, m in zip(text_, marked, strict=True):
        if pieces and pieces[-1][1] == m:
            pieces[-1] = (pieces[-1][0] + ch, m)
        else:
            pieces.append((ch, m))
    return pieces
