"""What each page shows, as plain data: the page renders it, its JSON twin returns it.

Each function takes a Connection and validated parameters and returns a
dict; nothing here knows HTML.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, func, select

from ..library.query import library_entry, list_library, project_benchmarks
from ..model import Target
from ..review import review as _load_rules  # noqa: F401  (registers R01–R54)
from ..review.registry import RULES
from ..store import query as Q
from ..store import stats as S
from ..store.schema import DocumentRow, IndicatorRow, ProjectRow, ResidueRow
from ..store.search import search
from .params import DocumentListParams, FindingParams, IndicatorParams, SearchParams

__all__ = ["document_view", "documents_view", "findings_view", "indicators_view", "library_entry_view", "library_view",
           "overview_view", "project_view", "search_view", "shown_source", "unit_groups"]

#: lines of source shown around a project's own text
CONTEXT_LINES = 2
#: the source pane never holds more than this many characters
MAX_EXCERPT = 200_000

PROJECT_FIELDS = (("name", "项目名称", "Project"), ("unit", "资金使用单位", "Funded unit"),
                  ("goal", "绩效目标", "Performance goal"))
AMOUNT_FIELDS = (("total", "总计", "Total"), ("fiscal", "财政拨款", "Fiscal appropriation"),
                 ("special", "财政专户拨款", "Special account"), ("other", "其他资金", "Other funds"))


def _pages(total: int, page: int, per_page: int) -> dict[str, int]:
    return {"page": page, "per_page": per_page, "pages": max(1, -(-total // per_page)), "total": total}


def shown_source(path: str | None) -> str | None:
    """Where a document came from, as the web shows it: an upload's name, an imported file's name;
    never the server's directories (they tell an attacker where things are)."""
    if not path or path.startswith("upload:"):
        return path
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def _without_directories(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for d in docs:
        d["source_path"] = shown_source(d.get("source_path"))
    return docs


def overview_view(conn: Connection) -> dict[str, Any]:
    out = S.overview(conn)
    out["recent"] = _without_directories(Q.list_documents(conn, limit=10, newest_first=True))
    return out


def overview_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The overview as rows: each department (money in 万元, indicators, 定量率, findings), then 合计."""
    money = {r["department"]: r for r in data["money_by_department"]}
    rows = []
    for d in data["by_department"]:
        m = money.get(d["department"], {})
        rows.append({"department": d["department"], **{k: m.get(k) for k in ("total", "fiscal", "special", "other")},
                     "indicators": d["indicators"], "measurable": d["measurable"], "quant_rate": d["quant_rate"],
                     "errors": d["findings"]["error"], "warnings": d["findings"]["warning"],
                     "infos": d["findings"]["info"]})
    n = sum(r["indicators"] for r in rows)
    q = sum(r["measurable"] for r in rows)
    rows.append({"department": "合计 total", **data["money_by_source"], "indicators": n, "measurable": q,
                 "quant_rate": round(q / n, 4) if n else None, "errors": data["findings"]["error"],
                 "warnings": data["findings"]["warning"], "infos": data["findings"]["info"]})
    return rows


def documents_view(conn: Connection, p: DocumentListParams) -> dict[str, Any]:
    from ..store.totals import fill_totals

    items = fill_totals(conn, _without_directories(Q.list_documents(conn, all_versions=p.all_versions,
                                                                    department=p.department, year=p.year)))
    return {"filters": p.model_dump(exclude_none=True, exclude={"format"}), "total": len(items), "items": items}


def document_view(conn: Connection, doc_id: int) -> dict[str, Any]:
    """The document as published: header, units, projects with their indicators, findings on each."""
    doc = _without_directories([Q.document_summary(conn, doc_id)])[0]
    indicators: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in conn.execute(select(IndicatorRow.id, IndicatorRow.project_id, IndicatorRow.seq, IndicatorRow.level1,
                                 IndicatorRow.level2, IndicatorRow.name, IndicatorRow.period_value,
                                 IndicatorRow.annual_value, IndicatorRow.annual_kind)
                          .where(IndicatorRow.document_id == doc_id).order_by(IndicatorRow.id)):
        indicators[r.project_id].append(dict(r._mapping))
    by_project: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for f in doc["findings"]:
        by_project[f["project_id"]].append(f)
    for p in doc["projects"]:
        p["indicators"] = indicators.get(p["id"], [])
        p["findings"] = by_project.get(p["id"], [])
        by_indicator: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for f in p["findings"]:
            if f["indicator_id"] is not None:
                by_indicator[f["indicator_id"]].append(f)
        for i in p["indicators"]:
            i["findings"] = by_indicator.get(i["id"], [])
    doc["document_findings"] = by_project.get(None, [])
    from ..store.given import given_values

    doc["given"] = given_values(conn, doc_id)  # the year/department the user gave, not the parser
    doc["severity_counts"] = _severity_counts(doc["findings"])
    goals = dict(conn.execute(select(ProjectRow.id, ProjectRow.goal).where(ProjectRow.document_id == doc_id)).all())
    for p in doc["projects"]:
        p["goal"] = goals.get(p["id"])
        p["severity_counts"] = _severity_counts(p["findings"])
    return doc


def unit_groups(units: list[dict[str, Any]], projects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Projects in their printed order, each run under its 资金使用单位 row as the table prints it."""
    by_name = {u["name"]: u for u in units}
    groups: list[dict[str, Any]] = []
    for p in projects:
        unit = by_name.get(p["unit"]) if p["unit"] else None
        if not groups or groups[-1]["unit"] is not unit:
            groups.append({"unit": unit, "projects": []})
        groups[-1]["projects"].append(p)
    shown = {id(g["unit"]) for g in groups if g["unit"] is not None}
    # a unit row no project names still belongs in the table
    groups += [{"unit": u, "projects": []} for u in units if id(u) not in shown]
    return groups


def _severity_counts(findings: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        counts[f["severity"]] = counts.get(f["severity"], 0) + 1
    return counts


class _Excerpt:
    """A window of the source and the mapping of source offsets to UTF-16 offsets within it.

    The browser counts string positions in UTF-16 units, Python in code
    points; they differ only after a character beyond the BMP, rare in these
    tables but not impossible (𠀀 and other CJK extension characters).
    """

    def __init__(self, text: str, start: int, first_line: int = 1) -> None:
        self.text, self.start, self.first_line = text, start, first_line
        self._astral = [k for k, ch in enumerate(text) if ord(ch) > 0xFFFF]

    def js(self, offset: int) -> int:
        k = min(max(offset - self.start, 0), len(self.text))
        return k + sum(1 for a in self._astral if a < k)

    def spans(self, spans: list | None) -> list[list[int]]:
        out = []
        for s, e in spans or ():
            if e > self.start and s < self.start + len(self.text):
                out.append([self.js(s), self.js(e)])
        return out


def _excerpt(conn: Connection, doc_id: int, spans: list[tuple[int, int]]) -> _Excerpt | None:
    """The lines holding ``spans``, with a little context, read from the database without the whole text."""
    if not spans:
        return None
    lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
    pad = 600  # enough for CONTEXT_LINES lines of a table on either side
    start = max(lo - pad, 0)
    hi = min(hi, lo + MAX_EXCERPT)
    src = DocumentRow.source_text
    head = func.substr(src, 1, start)
    window, newlines = conn.execute(
        select(func.substr(src, start + 1, hi + pad - start),
               func.length(head) - func.length(func.replace(head, "\n", "")))
        .where(DocumentRow.id == doc_id)).one()
    # widen to whole lines, CONTEXT_LINES on each side
    a = lo - start
    for _ in range(CONTEXT_LINES + 1):
        a = window.rfind("\n", 0, max(a - 1, 0)) + 1 if a > 0 else 0
        if a == 0:
            break
    b = hi - start
    for _ in range(CONTEXT_LINES + 1):
        nxt = window.find("\n", b + 1 if b < len(window) and window[b:b + 1] == "\n" else b)
        b = len(window) if nxt == -1 else nxt
    return _Excerpt(window[a:b], start + a, (newlines or 0) + window.count("\n", 0, a) + 1)


def _all_spans(p: dict[str, Any]) -> list[tuple[int, int]]:
    out = [tuple(s) for spans in (p["spans"] or {}).values() for s in spans]
    out += [tuple(s) for s in (p["amount_spans"] or {}).values()]
    out += [tuple(s) for spans in (p["field_spans"] or {}).values() for s in spans]
    for i in p["indicators"]:
        out += [tuple(s) for spans in (i["spans"] or {}).values() for s in spans]
    return out


def project_view(conn: Connection, project_id: int) -> dict[str, Any]:
    """One project's parsed fields, each with the spans of the source excerpt it came from.

    Spans here are ``[start, end)`` in UTF-16 code units of ``source.text`` (the excerpt, which
    starts at character ``source.offset`` of the document's text): what a browser's strings
    count, and the same as characters unless the excerpt holds one beyond the BMP.
    """
    p = Q.project_detail(conn, project_id)
    ex = _excerpt(conn, p["document_id"], _all_spans(p))
    ex = ex or _Excerpt("", 0)
    fields = []
    for key, zh, en in PROJECT_FIELDS:
        fields.append({"key": key, "label": zh, "label_en": en, "value": p.get(key),
                       "spans": ex.spans((p["spans"] or {}).get(key))})
    for key, zh, en in AMOUNT_FIELDS:
        span = (p["amount_spans"] or {}).get(key)
        fields.append({"key": key, "label": zh, "label_en": en, "value": p.get(key), "amount": True,
                       "spans": ex.spans([span] if span else None)})
    for label, value in (p["fields"] or {}).items():
        fields.append({"key": "fields." + label, "label": label, "label_en": label, "value": value,
                       "spans": ex.spans((p["field_spans"] or {}).get(label))})
    by_indicator: dict[int, list[dict[str, Any]]] = defaultdict(list)
    project_findings = []
    for f in p["findings"]:
        f["spans"] = ex.spans([(f["span_start"], f["span_end"])] if f["span_start"] is not None else None)
        (by_indicator[f["indicator_id"]] if f["indicator_id"] is not None else project_findings).append(f)
    indicators = []
    for i in p["indicators"]:
        for key in ("annual_target", "period_target"):  # stored without their empty keys
            if i[key] is not None:
                i[key] = {k: i[key].get(k) for k in Target.model_fields}
        cells = {k: ex.spans((i["spans"] or {}).get(k))
                 for k in ("level1", "level2", "name", "period_value", "annual_value")}
        indicators.append({**{k: i[k] for k in ("id", "seq", "level1", "level1_code", "level2", "level2_code",
                                                   "name", "period_value", "annual_value", "annual_target",
                                                   "period_target", "extra")},
                           "spans": cells, "findings": by_indicator.get(i["id"], [])})
    residue = []
    if ex.text:
        for r in conn.execute(select(ResidueRow.line, ResidueRow.span_start, ResidueRow.span_end, ResidueRow.text)
                              .where(ResidueRow.document_id == p["document_id"],
                                     ResidueRow.span_end > ex.start,
                                     ResidueRow.span_start < ex.start + len(ex.text))
                              .order_by(ResidueRow.position)):
            residue.append({"line": r.line, "text": r.text, "spans": ex.spans([(r.span_start, r.span_end)])})
    marks = {b["indicator_id"]: b for b in project_benchmarks(conn, project_id)}
    for i in indicators:
        i["benchmark"] = marks.get(i["id"])
    return {
        "id": p["id"], "document": p["document"], "name": p["name"], "unit": p["unit"],
        "amounts": {k: p[k] for k, _, _ in AMOUNT_FIELDS}, "goal": p["goal"], "fields": fields,
        "indicators": indicators, "warnings": p["warnings"], "findings": project_findings,
        "n_findings": len(p["findings"]),  # the badge's count: the box lists them all
        "severity_counts": _severity_counts(p["findings"]),
        "source": {"text": ex.text, "first_line": ex.first_line, "offset": ex.start,
                   "residue": residue},
    }


def search_view(conn: Connection, p: SearchParams) -> dict[str, Any]:
    if not p.q:
        return {"query": "", "hits": [], "total": 0, "total_exact": True, "filters": {}, "facets": None,
                **_pages(0, 1, p.per_page)}
    page = search(conn, p.q, p.filters(), limit=p.per_page, offset=p.offset, facets=True)
    return {"query": page.query, "terms": page.terms, "filters": page.filters, "hits": page.hits,
            "total_exact": page.total_exact, "facets": page.facets, **_pages(page.total, p.page, p.per_page)}


def indicators_view(conn: Connection, p: IndicatorParams) -> dict[str, Any]:
    out = S.browse_indicators(conn, p.filters(), limit=p.per_page, offset=p.offset)
    out.update(_pages(out["total"], p.page, p.per_page))
    return out


def findings_view(conn: Connection, p: FindingParams) -> dict[str, Any]:
    out = S.browse_findings(conn, p.filters(), limit=p.per_page, offset=p.offset)
    out.update(_pages(out["total"], p.page, p.per_page))
    for r in out["by_rule"]:
        rule = RULES.get(r["rule"])
        r["title"], r["title_en"] = (rule.title, rule.title_en) if rule else (None, None)
    return out


def library_view(conn: Connection, *, q: str | None, level1: str | None, level2: str | None, sort: str,
                 page: int, per_page: int) -> dict[str, Any]:
    """The indicator library: canonical indicators, most used first, with the filters that chose them."""
    out = list_library(conn, query=q, level1=level1, level2=level2, sort=sort, limit=per_page,
                       offset=(page - 1) * per_page)
    out["filters"] = {k: v for k, v in (("q", q), ("level1", level1), ("level2", level2)) if v}
    out["sort"] = sort
    out.update(_pages(out["total"], page, per_page))
    return out


def library_entry_view(conn: Connection, library_id: int) -> dict[str, Any]:
    """One canonical indicator (``values``: each figure of its most used unit, for the chart)."""
    return library_entry(conn, library_id)
