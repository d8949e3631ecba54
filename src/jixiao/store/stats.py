"""Aggregates over the store: the overview's figures, indicator browsing, findings.

Plain functions of a Connection returning dicts and lists, like
:mod:`jixiao.store.query`; the web pages, their JSON twins and the CLI share
them. Only the latest version of each document counts, unless asked.

Money is summed over projects (not 资金使用单位 rows, which repeat them) and
converted to 万元, because one database holds documents printed in 元 and in
万元; a document that names no unit is taken as 万元, the common case, and
counted in ``unknown_unit_documents`` so the page can say so.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, case, false, func, literal_column, or_, select

from ..errors import UsageError
from . import tokens as T
from .schema import DocumentRow, FindingRow, IndicatorRow, ProjectRow

__all__ = ["FindingFilters", "IndicatorFilters", "LEVEL1_ORDER", "browse_findings", "browse_indicators", "browse_projects",
           "facet_counts", "match_facets", "matching_indicator_ids", "overview", "to_wan"]

LEVEL1_ORDER = ("产出", "效益", "满意度", "成本")
_LEVEL1_NAME = {"1": "产出", "2": "效益", "3": "满意度", "4": "成本"}
KINDS = ("quantitative", "qualitative", "placeholder", "empty")
MAX_LIMIT = 500
MAX_OFFSET = 100_000


def to_wan(amount_unit: str | None) -> float:
    """Factor turning an amount in ``amount_unit`` into 万元."""
    if amount_unit and amount_unit.strip() == "元":
        return 1 / 10_000
    if amount_unit and "亿" in amount_unit:
        return 10_000.0
    return 1.0


def _level1_name(level1: str | None, code: str | None) -> str:
    cat = T.level1_category(level1, code)
    return _LEVEL1_NAME.get(cat or "", "未分类")


def _level2_name(level2: str | None) -> str:
    return (level2 or "").strip().removesuffix("指标") or "未分类"


def overview(conn: Connection) -> dict[str, Any]:
    """Documents, departments, money by funding source, indicators by 一级/二级, 定量率 and findings."""
    d, p, i, f = DocumentRow, ProjectRow, IndicatorRow, FindingRow
    latest = d.is_latest.is_(True)
    docs = conn.execute(select(func.count(), func.count(func.distinct(d.department)),
                               func.coalesce(func.sum(d.n_projects), 0),
                               func.coalesce(func.sum(d.n_indicators), 0)).where(latest)).one()
    unknown = conn.execute(select(func.count()).where(latest, d.amount_unit.is_(None))).scalar_one()

    money: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(("total", "fiscal", "special",
                                                                            "other"), 0.0))
    for dept, unit, total, fiscal, special, other in conn.execute(
            select(d.department, d.amount_unit, func.sum(p.total), func.sum(p.fiscal), func.sum(p.special),
                   func.sum(p.other)).join(d, d.id == p.document_id).where(latest)
            .group_by(d.department, d.amount_unit)):
        k = to_wan(unit)
        row = money[dept or "（未注明部门）"]
        for key, v in (("total", total), ("fiscal", fiscal), ("special", special), ("other", other)):
            row[key] += (v or 0.0) * k
    money_rows = sorted(({"department": k, **{c: round(v, 2) for c, v in vals.items()}}
                         for k, vals in money.items()), key=lambda r: -r["total"])
    sources = {c: round(sum(r[c] for r in money_rows), 2) for c in ("total", "fiscal", "special", "other")}

    level1: Counter[str] = Counter()
    level2: dict[str, Counter[str]] = defaultdict(Counter)
    for l1, l1code, l2, n in conn.execute(
            select(i.level1, i.level1_code, i.level2, func.count()).join(d, d.id == i.document_id)
            .where(latest).group_by(i.level1, i.level1_code, i.level2)):
        name = _level1_name(l1, l1code)
        level1[name] += n
        level2[name][_level2_name(l2)] += n

    quantitative = func.sum(case((i.annual_kind == "quantitative", 1), else_=0))
    quant = {dept or "（未注明部门）": (n, q or 0) for dept, n, q in conn.execute(
        select(d.department, func.count(), quantitative).join(d, d.id == i.document_id).where(latest)
        .group_by(d.department))}
    findings: dict[str, Counter[str]] = defaultdict(Counter)
    for dept, sev, n in conn.execute(select(d.department, f.severity, func.count()).join(d, d.id == f.document_id)
                                     .where(latest).group_by(d.department, f.severity)):
        findings[dept or "（未注明部门）"][sev] += n
    depts = sorted(set(quant) | set(findings) | set(money))
    by_department = [{
        "department": k, "indicators": quant.get(k, (0, 0))[0], "measurable": quant.get(k, (0, 0))[1],
        "quant_rate": round(quant[k][1] / quant[k][0], 4) if quant.get(k, (0, 0))[0] else None,
        "findings": {s: findings[k].get(s, 0) for s in ("error", "warning", "info")},
    } for k in depts]
    severity = Counter()
    for c in findings.values():
        severity.update(c)
    return {
        "documents": docs[0], "departments": docs[1], "projects": int(docs[2]), "indicators": int(docs[3]),
        "findings": {s: severity.get(s, 0) for s in ("error", "warning", "info")},
        "amount_unit": "万元", "unknown_unit_documents": unknown,
        "money_by_source": sources, "money_by_department": money_rows,
        "indicators_by_level1": [{"level1": k, "count": level1[k]} for k in (*LEVEL1_ORDER, "未分类") if level1[k]],
        "indicators_by_level2": [{"level1": k, "level2": l2, "count": n}
                                 for k in (*LEVEL1_ORDER, "未分类") for l2, n in level2[k].most_common()],
        "by_department": by_department,
    }


def _given(filters: object) -> dict[str, Any]:
    """The filters that are set, as the listing's JSON echoes them."""
    return {k: v for k, v in filters.__dict__.items() if v not in (None, "")}


@dataclass
class IndicatorFilters:
    """What the indicator browser narrows by; every field optional."""

    level1: str | None = None
    level2: str | None = None
    kind: str | None = None
    comparator: str | None = None
    unit: str | None = None
    department: str | None = None
    year: int | None = None
    document_id: int | None = None

    def describe(self) -> dict[str, Any]:
        return _given(self)


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= MAX_OFFSET:
        raise UsageError(f"每页 1–{MAX_LIMIT} 条，最多翻到第 {MAX_OFFSET} 条 / "
                         f"limit must be 1–{MAX_LIMIT} and offset 0–{MAX_OFFSET}")


def _level1_values(conn: Connection, category: str) -> list[tuple[str | None, str | None]]:
    """The printed (一级, code) pairs that mean ``category`` (产出, 效益 …): tables spell them many ways."""
    i = IndicatorRow
    wanted = category.strip().removesuffix("指标")
    if wanted not in (*LEVEL1_ORDER, "未分类"):
        raise UsageError(f"一级指标只能是 产出/效益/满意度/成本：{category} / level 1 is one of 产出, 效益, 满意度, 成本")
    pairs = conn.execute(select(i.level1, i.level1_code).distinct()).all()
    return [(a, b) for a, b in pairs if _level1_name(a, b) == wanted]


def _indicator_conditions(conn: Connection, f: IndicatorFilters) -> dict[str, Any]:
    """Each filter's condition under its name (a facet leaves out its own); built once per request,
    since naming a 一级 category means reading which spellings of it the indicators use."""
    i, d = IndicatorRow, DocumentRow
    cond: dict[str, Any] = {"scope": d.is_latest.is_(True) if f.document_id is None
                            else i.document_id == f.document_id}
    if f.level1:
        pairs = _level1_values(conn, f.level1)
        ors = [((i.level1 == a) if a is not None else i.level1.is_(None))
               & ((i.level1_code == b) if b is not None else i.level1_code.is_(None)) for a, b in pairs]
        cond["level1"] = or_(*ors) if ors else false()
    if f.level2:
        key = f.level2.strip().removesuffix("指标")
        cond["level2"] = i.level2.in_([key, key + "指标"]) if key != "未分类" else i.level2.is_(None)
    if f.kind:
        if f.kind not in KINDS:
            raise UsageError(f"指标值类型只能是 {'/'.join(KINDS)} / kind is one of {', '.join(KINDS)}")
        cond["kind"] = i.annual_kind == f.kind
    if f.comparator:
        cond["comparator"] = i.annual_comparator == f.comparator
    if f.unit:
        cond["unit"] = i.annual_unit == f.unit
    if f.department:
        cond["department"] = d.department.contains(f.department, autoescape=True)
    if f.year:
        cond["year"] = d.year == f.year
    return cond


def _but(cond: dict[str, Any], skip: str | None = None) -> list:
    return [c for k, c in cond.items() if k != skip]


def browse_indicators(conn: Connection, f: IndicatorFilters | None = None, *, limit: int = 50,
                      offset: int = 0, facets: bool = True) -> dict[str, Any]:
    """Indicators matching ``f``, a page of them, and how they spread over category, kind, comparator, unit.

    Each facet is counted with every filter but its own, so choosing 数量
    still shows how many 质量 there would be.
    """
    f = f or IndicatorFilters()
    _check_page(limit, offset)
    i, d, p = IndicatorRow, DocumentRow, ProjectRow
    cond = _indicator_conditions(conn, f)
    base = select(func.count()).select_from(i).join(d, d.id == i.document_id)
    total = conn.execute(base.where(*_but(cond))).scalar_one()
    rows = conn.execute(
        select(i.id, i.seq, i.level1, i.level2, i.name, i.period_value, i.annual_value, i.annual_kind,
               i.annual_comparator, i.annual_number, i.annual_unit, p.id.label("project_id"),
               p.name.label("project"), d.id.label("document_id"), d.department, d.year)
        .select_from(i).join(d, d.id == i.document_id).join(p, p.id == i.project_id)
        .where(*_but(cond)).order_by(i.id).limit(limit).offset(offset)).all()
    out: dict[str, Any] = {"filters": f.describe(), "total": total, "offset": offset, "limit": limit,
                           "items": [dict(r._mapping) for r in rows]}
    if facets:
        out["facets"] = _indicator_facets(conn, cond)
    return out


def _indicator_facets(conn: Connection, cond: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    i, d = IndicatorRow, DocumentRow

    def grouped(skip: str, *cols):
        stmt = (select(*cols, func.count()).select_from(i).join(d, d.id == i.document_id)
                .where(*_but(cond, skip)).group_by(*cols))
        return conn.execute(stmt).all()

    level1: Counter[str] = Counter()
    for a, b, n in grouped("level1", i.level1, i.level1_code):
        level1[_level1_name(a, b)] += n
    level2: Counter[str] = Counter()
    for a, n in grouped("level2", i.level2):
        level2[_level2_name(a)] += n
    kind = {k or "empty": n for k, n in grouped("kind", i.annual_kind)}
    comparator = Counter({k or "": n for k, n in grouped("comparator", i.annual_comparator)})
    unit = Counter({k or "": n for k, n in grouped("unit", i.annual_unit)})
    return {
        "level1": [{"value": k, "count": level1[k]} for k in (*LEVEL1_ORDER, "未分类") if level1[k]],
        "level2": [{"value": k, "count": n} for k, n in level2.most_common(30)],
        "kind": [{"value": k, "count": kind[k]} for k in KINDS if kind.get(k)],
        "comparator": [{"value": k, "count": n} for k, n in comparator.most_common() if k],
        "unit": [{"value": k, "count": n} for k, n in unit.most_common(30) if k],
    }


@dataclass
class FindingFilters:
    rule: str | None = None
    severity: str | None = None
    #: this severity or worse (``warning``: errors and warnings, no hints)
    min_severity: str | None = None
    department: str | None = None
    document_id: int | None = None
    project_id: int | None = None

    def describe(self) -> dict[str, Any]:
        return _given(self)


def browse_findings(conn: Connection, f: FindingFilters | None = None, *, limit: int | None = 50,
                    offset: int = 0) -> dict[str, Any]:
    """Review findings matching ``f`` (latest versions), a page of them (``limit`` None: all, for a
    download), and counts by rule and severity."""
    f = f or FindingFilters()
    if limit is not None:
        _check_page(limit, offset)
    fr, d, p, i = FindingRow, DocumentRow, ProjectRow, IndicatorRow
    cond: list = []
    if f.document_id is None and f.project_id is None:
        cond.append(d.is_latest.is_(True))
    if f.document_id is not None:
        cond.append(fr.document_id == f.document_id)
    if f.project_id is not None:
        cond.append(fr.project_id == f.project_id)
    if f.department:
        cond.append(d.department.contains(f.department, autoescape=True))
    if f.min_severity:
        order = ("error", "warning", "info")
        cond.append(fr.severity.in_(order[: order.index(f.min_severity) + 1]))
    # one count per (rule, severity) gives the counts by rule, by severity and the filtered total
    counts = conn.execute(select(fr.rule, fr.severity, func.count()).join(d, d.id == fr.document_id)
                          .where(*cond).group_by(fr.rule, fr.severity)).all()
    by_rule: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    for r, sev, n in counts:
        by_rule[r] += n
        by_severity[sev] += n
    rule = f.rule.upper() if f.rule else None
    total = sum(n for r, sev, n in counts if rule in (None, r) and f.severity in (None, sev))
    if rule:
        cond.append(fr.rule == rule)
    if f.severity:
        cond.append(fr.severity == f.severity)
    rows = conn.execute(
        select(fr.id, fr.rule, fr.severity, fr.message, fr.message_en, fr.field, fr.line,
               fr.span_start, fr.span_end, fr.document_id, d.name.label("document"), d.department,
               fr.project_id, p.name.label("project"), fr.indicator_id, i.seq, i.name.label("indicator"))
        .select_from(fr).join(d, d.id == fr.document_id).outerjoin(p, p.id == fr.project_id)
        .outerjoin(i, i.id == fr.indicator_id).where(*cond).order_by(fr.id).limit(limit).offset(offset)).all()
    return {"filters": f.describe(), "total": total, "offset": offset, "limit": limit,
            "by_rule": [{"rule": r, "count": by_rule[r]} for r in sorted(by_rule)],
            "by_severity": {s: by_severity.get(s, 0) for s in ("error", "warning", "info")},
            "items": [dict(r._mapping) for r in rows]}


def facet_counts(conn: Connection, entry_ids: list[int]) -> dict[str, Any]:
    """How search entries (a search's ranked window) spread over kind, department, year and 一级."""
    kinds: Counter[str] = Counter()
    project_ids: list[int] = []
    indicator_ids: list[int] = []
    for eid in entry_ids:
        kind, rid = T.split_entry_id(eid)
        kinds[kind] += 1
        (indicator_ids if kind == "indicator" else project_ids).append(rid)
    level1: Counter[str] = Counter()
    departments: Counter[str] = Counter()
    years: Counter[str] = Counter()
    i, p, d = IndicatorRow, ProjectRow, DocumentRow
    if indicator_ids:
        for l1, code, dept, year in conn.execute(
                select(i.level1, i.level1_code, d.department, d.year).join(d, d.id == i.document_id)
                .where(i.id.in_(indicator_ids))):
            level1[_level1_name(l1, code)] += 1
            departments[dept or ""] += 1
            years[str(year or "")] += 1
    if project_ids:
        weight = Counter(project_ids)  # a project can match by name and by goal
        for pid, dept, year in conn.execute(select(p.id, d.department, d.year).join(d, d.id == p.document_id)
                                            .where(p.id.in_(set(project_ids)))):
            departments[dept or ""] += weight[pid]
            years[str(year or "")] += weight[pid]
    return {
        "kind": [{"value": k, "count": kinds[k]} for k in ("project", "indicator", "goal") if kinds[k]],
        "level1": [{"value": k, "count": level1[k]} for k in (*LEVEL1_ORDER, "未分类") if level1[k]],
        "department": _top_departments(departments),
        "year": [{"value": k, "count": n} for k, n in sorted(years.items(), reverse=True) if k],
    }


def browse_projects(conn: Connection, *, document_id: int | None = None, department: str | None = None,
                    name: str | None = None, limit: int | None = 50, offset: int = 0) -> dict[str, Any]:
    """Projects of the latest documents (or of one document), optionally by department or name: a page,
    or (``limit`` None) all of them."""
    if limit is not None:
        _check_page(limit, offset)
    p, d = ProjectRow, DocumentRow
    cond: list = [p.document_id == document_id] if document_id is not None else [d.is_latest.is_(True)]
    if department:
        cond.append(d.department.contains(department, autoescape=True))
    if name:
        cond.append(p.name.contains(name, autoescape=True))
    total = conn.execute(select(func.count()).select_from(p).join(d, d.id == p.document_id)
                         .where(*cond)).scalar_one()
    rows = conn.execute(select(p.id, p.name, p.unit, p.total, p.fiscal, p.special, p.other, p.n_indicators,
                               p.n_warnings, d.id.label("document_id"), d.name.label("document"), d.department,
                               d.year, d.amount_unit)
                        .select_from(p).join(d, d.id == p.document_id).where(*cond)
                        .order_by(p.document_id, p.position).limit(limit).offset(offset)).all()
    return {"total": total, "offset": offset, "limit": limit, "items": [dict(r._mapping) for r in rows]}


def matching_indicator_ids(conn: Connection, f: IndicatorFilters) -> list[int]:
    """Every indicator ``f`` selects, in id order: what a download of the indicator browser holds."""
    i, d = IndicatorRow, DocumentRow
    return list(conn.execute(select(i.id).select_from(i).join(d, d.id == i.document_id)
                             .where(*_but(_indicator_conditions(conn, f))).order_by(i.id)).scalars())


def _top_departments(departments: Counter[str], n: int = 15) -> list[dict[str, Any]]:
    """The ``n`` departments with most matches; ties by name, so every way of counting lists them alike."""
    top = sorted(((k, c) for k, c in departments.items() if k), key=lambda kc: (-kc[1], kc[0]))[:n]
    return [{"value": k, "count": c} for k, c in top]


def match_facets(conn: Connection, matches) -> tuple[int, dict[str, Any]]:
    """(how many, how they spread) for *every* entry of ``matches`` — a subquery of search entries
    with columns id, document_id and indicator_id — counted in the database: a search's exact total
    and facets at any number of matches (issue 15; :func:`facet_counts` counts a list of ids)."""
    m, d, i = matches, DocumentRow, IndicatorRow
    kinds: Counter[str] = Counter()
    # the shift is a constant in the SQL: PostgreSQL has no bigint >> bigint for a bound parameter
    tier = (m.c.id.op(">>")(literal_column(str(int(T.TIER_SHIFT))))).label("tier")
    for t, n in conn.execute(select(tier, func.count()).group_by(tier)):
        kinds[T.KIND_OF_TIER[int(t)]] += n
    departments: Counter[str] = Counter()
    years: Counter[str] = Counter()
    for dept, year, n in conn.execute(select(d.department, d.year, func.count()).select_from(m)
                                      .join(d, d.id == m.c.document_id).group_by(d.department, d.year)):
        departments[dept or ""] += n
        years[str(year or "")] += n
    level1: Counter[str] = Counter()
    for l1, code, n in conn.execute(select(i.level1, i.level1_code, func.count()).select_from(m)
                                    .join(i, i.id == m.c.indicator_id).group_by(i.level1, i.level1_code)):
        level1[_level1_name(l1, code)] += n
    return sum(kinds.values()), {
        "kind": [{"value": k, "count": kinds[k]} for k in ("project", "indicator", "goal") if kinds[k]],
        "level1": [{"value": k, "count": level1[k]} for k in (*LEVEL1_ORDER, "未分类") if level1[k]],
        "department": _top_departments(departments),
        "year": [{"value": k, "count": n} for k, n in sorted(years.items(), reverse=True) if k],
    }
