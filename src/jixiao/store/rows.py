"""Document ⇄ rows: the model spread over the tables, and gathered back.

Plain functions with no database in them, so the mapping can be tested (and
is: a document read back equals the one stored, field for field, span for
span). Spans go out as they are: named tuples, which JSON writes as
``[start, end]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import orjson

from ..model import (
    AMOUNT_KEYS,
    Amounts,
    Document,
    Finding,
    Indicator,
    Issue,
    Project,
    Residue,
    Span,
    SpanMap,
    Target,
    Unit,
)
from . import tokens as T

__all__ = ["FINDING_COLUMNS", "INDICATOR_COLUMNS", "PROJECT_COLUMNS", "RESIDUE_COLUMNS", "UNIT_COLUMNS",
           "WARNING_COLUMNS", "document_from_rows", "document_row", "entry_rows", "finding_rows", "indicator_rows",
           "project_rows", "residue_rows", "unit_rows", "warning_rows"]


def _spans_in(data: dict[str, Any] | None) -> dict[str, list[Span]]:
    return {k: [Span(s, e) for s, e in v] for k, v in (data or {}).items()}


def _json(value: Any) -> str | None:
    """A JSON column's text: compact, as orjson writes it; spans are named tuples, which it leaves to us."""
    if value is None:
        return None
    if isinstance(value, SpanMap):  # field → spans, kept flat by the model
        value = value.to_dict()
    if not value:  # most fields, extras and amount spans are empty: skip the call
        return "{}" if isinstance(value, dict) else "[]"
    return orjson.dumps(value, default=tuple).decode()


_NO_AMOUNTS = (None, None, None, None, "{}")


def _amounts_out(a: Amounts | None) -> tuple:
    """total, fiscal, special, other and the JSON of their spans (the columns' order in every table)."""
    if a is None:
        return _NO_AMOUNTS
    return a.total, a.fiscal, a.special, a.other, _json(a.spans)


def _amounts_in(row: dict[str, Any], spans: dict[str, Any] | None) -> Amounts:
    return Amounts(**{k: row[k] for k in AMOUNT_KEYS}, spans={k: Span(*v) for k, v in (spans or {}).items()})


def _target_out(t: Target | None) -> str | None:
    # model_dump(exclude_none=True) without pydantic's serializer: a Target holds only plain values
    return None if t is None else _json({k: v for k, v in t.__dict__.items() if v is not None})


def document_row(doc: Document) -> dict[str, Any]:
    """What the document itself says; where it came from (path, version, hash, format) the writer adds.

    JSON columns as Python values: the writer inserts this one row through SQLAlchemy.
    """
    n_indicators = sum(len(p.indicators) for p in doc.projects)
    a = doc.total
    return {
        "name": doc.source, "encoding": doc.encoding,
        "parser_version": doc.parser_version, "schema_name": doc.schema_,
        "form": doc.form, "title": doc.title, "department": doc.department,
        "amount_unit": doc.amount_unit, "year": doc.year, "has_total": a is not None,
        **({k: getattr(a, k) for k in AMOUNT_KEYS} if a is not None else dict.fromkeys(AMOUNT_KEYS)),
        "total_spans": {} if a is None else a.spans,
        "spans": doc.spans, "syntax": list(doc.syntax),
        "source_text": doc.source_text, "n_units": len(doc.units), "n_projects": len(doc.projects),
        "n_indicators": n_indicators, "n_warnings": len(doc.all_warnings()), "n_residue": len(doc.residue),
    }


# Rows below are tuples in these columns' order, JSON already text. ``document_id`` is in no row: the
# writer puts the document's id into the statement. Project and indicator ids are the document's own
# (counting from 0), which the writer turns into the database's.

UNIT_COLUMNS = ("position", "name", "total", "fiscal", "special", "other", "amount_spans", "spans")


def unit_rows(doc: Document) -> list[tuple]:
    return [(i, u.name, *_amounts_out(u.amounts), _json(u.spans)) for i, u in enumerate(doc.units)]


PROJECT_COLUMNS = ("id", "position", "name", "unit", "total", "fiscal", "special", "other", "amount_spans",
                   "goal", "fields", "spans", "field_spans", "n_indicators", "n_warnings")


def project_rows(doc: Document) -> list[tuple]:
    return [(i, i, p.name, p.unit, *_amounts_out(p.amounts), p.goal, _json(p.fields), _json(p.spans),
             _json(p.field_spans), len(p.indicators), len(p.warnings))
            for i, p in enumerate(doc.projects)]


INDICATOR_COLUMNS = ("id", "project_id", "position", "seq", "level1", "level1_code", "level2", "level2_code",
                     "name", "period_value", "annual_value", "period_target", "annual_target", "annual_kind",
                     "annual_comparator", "annual_number", "annual_unit", "extra", "spans")


def indicator_rows(doc: Document) -> list[tuple]:
    out = []
    iid = 0
    for pid, p in enumerate(doc.projects):
        for pos, i in enumerate(p.indicators):
            t = i.annual_target
            if t is None:
                annual: tuple = (None, None, None, None, None)
            else:
                number = t.value if t.value is not None else t.high if t.high is not None else t.low
                annual = (_target_out(t), t.kind, t.comparator, number, t.unit)
            out.append((iid, pid, pos, i.seq, i.level1, i.level1_code, i.level2, i.level2_code, i.name,
                        i.period_value, i.annual_value, _target_out(i.period_target), *annual,
                        _json(i.extra), _json(i.spans)))
            iid += 1
    return out


WARNING_COLUMNS = ("project_id", "position", "code", "message", "line", "span_start", "span_end")


def _issue_row(w: Issue, project_id: int | None, position: int) -> tuple:
    s = w.span
    return (project_id, position, w.code, w.message, w.line, s.start if s else None, s.end if s else None)


def warning_rows(doc: Document) -> list[tuple]:
    out = [_issue_row(w, None, i) for i, w in enumerate(doc.warnings)]
    for pid, p in enumerate(doc.projects):
        out.extend(_issue_row(w, pid, i) for i, w in enumerate(p.warnings))
    return out


RESIDUE_COLUMNS = ("position", "line", "span_start", "span_end", "text")


def residue_rows(doc: Document) -> list[tuple]:
    return [(i, r.line, r.span.start, r.span.end, r.text) for i, r in enumerate(doc.residue)]


FINDING_COLUMNS = ("project_id", "indicator_id", "rule", "severity", "message", "message_en", "field", "line",
                   "span_start", "span_end")


def finding_rows(findings: Iterable[Finding], first_indicator: Sequence[int]) -> list[tuple]:
    """``first_indicator[p]``: the document-local id of project ``p``'s first indicator."""
    out = []
    for f in findings:
        p, s = f.project_index, f.span
        iid = first_indicator[p] + f.indicator_index if p is not None and f.indicator_index is not None else None
        out.append((p, iid, f.rule, f.severity, f.message, f.message_en, f.field, f.line,
                    s.start if s else None, s.end if s else None))
    return out


def entry_rows(doc: Document, project_ids: Sequence[int], indicator_ids: Sequence[Sequence[int]],
               render: Callable[[Sequence[str | None], Sequence[str]], Any] = T.entry_tokens,
               ) -> list[tuple[int, int, int | None, Any]]:
    """Search entries as (id, project id, indicator id, tokens), in id order: each project's name and goal,
    and each indicator.

    ``render(fields, tags)`` makes the tokens: a list (:func:`tokens.entry_tokens`), or
    straight away the text a back end indexes (``entry_fts5``, ``entry_tsvector``).
    """
    base_tags = []
    if doc.department:
        base_tags.append(T.tag("d", doc.department))
    if doc.year:
        base_tags.append(T.tag("y", doc.year))
    out = []
    indicator_tier = T.KIND_TIERS["indicator"] << T.TIER_SHIFT
    goal_tier = T.KIND_TIERS["goal"] << T.TIER_SHIFT
    for p, pid, iids in zip(doc.projects, project_ids, indicator_ids, strict=True):
        tags = [*base_tags, T.tag("u", p.unit)] if p.unit else base_tags
        if p.name:
            out.append((pid, pid, None, render([p.name], tags)))  # tier 0: the id is the project's
        if p.goal:
            out.append((goal_tier | pid, pid, None, render([p.goal], tags)))
        for i, iid in zip(p.indicators, iids, strict=True):
            itags = tags
            if (cat := T.level1_category(i.level1, i.level1_code)) is not None:
                itags = [*itags, T.tag("l", int(cat))]
            if i.level2:
                itags = [*itags, T.tag("m", T.level2_key(i.level2))]
            fields = [i.name, i.annual_value, i.period_value if i.period_value != i.annual_value else None]
            if any(fields):
                out.append((indicator_tier | iid, pid, iid, render(fields, itags)))
    # FTS5 writes out its pending terms whenever a rowid is lower than the last one: in document
    # order (name, goal, indicators: tiers 0, 2, 1) that was twice per project, and the segments
    # written and merged again were a quarter of the SQLite writer's time.
    out.sort(key=_first)
    return out


def _first(entry: tuple) -> int:
    return entry[0]


# -- back ---------------------------------------------------------------------------


def _target_in(data: dict[str, Any] | None) -> Target | None:
    return None if data is None else Target(**data)


def document_from_rows(doc: dict[str, Any], units: list[dict], projects: list[dict],
                       indicators: list[dict], warnings: list[dict], residue: list[dict]) -> Document:
    """Rebuild the Document from its rows (each list in ``position`` order)."""
    by_project: dict[int, list[Indicator]] = {}
    for r in indicators:
        by_project.setdefault(r["project_id"], []).append(Indicator(
            seq=r["seq"], level1=r["level1"], level1_code=r["level1_code"], level2=r["level2"],
            level2_code=r["level2_code"], name=r["name"], period_value=r["period_value"],
            annual_value=r["annual_value"], period_target=_target_in(r["period_target"]),
            annual_target=_target_in(r["annual_target"]), extra=r["extra"] or {}, spans=_spans_in(r["spans"])))
    doc_warnings: list[Issue] = []
    project_warnings: dict[int, list[Issue]] = {}
    for w in warnings:
        issue = Issue(code=w["code"], message=w["message"], line=w["line"],
                      span=Span(w["span_start"], w["span_end"]) if w["span_start"] is not None else None)
        (project_warnings.setdefault(w["project_id"], []) if w["project_id"] else doc_warnings).append(issue)
    return Document(
        schema=doc["schema_name"], source=doc["name"], form=doc["form"], title=doc["title"],
        department=doc["department"], amount_unit=doc["amount_unit"], year=doc["year"],
        total=_amounts_in(doc, doc["total_spans"]) if doc["has_total"] else None,
        units=[Unit(name=u["name"], amounts=_amounts_in(u, u["amount_spans"]), spans=_spans_in(u["spans"]))
               for u in units],
        projects=[Project(name=p["name"], unit=p["unit"], amounts=_amounts_in(p, p["amount_spans"]),
                          goal=p["goal"], indicators=by_project.get(p["id"], []), fields=p["fields"] or {},
                          warnings=project_warnings.get(p["id"], []), spans=_spans_in(p["spans"]),
                          field_spans=_spans_in(p["field_spans"]))
                  for p in projects],
        warnings=doc_warnings,
        residue=[Residue(text=r["text"], line=r["line"], span=Span(r["span_start"], r["span_end"]))
                 for r in residue],
        spans=_spans_in(doc["spans"]), syntax=[Span(s, e) for s, e in doc["syntax"]],
        source_text=doc["source_text"], encoding=doc["encoding"], parser_version=doc["parser_version"],
    )
