"""Document ⇄ rows: the model spread over the tables, and gathered back.

Plain functions with no database in them, so the mapping can be tested (and
is: a document read back equals the one stored, field for field, span for
span). Spans go out as they are: named tuples, which JSON writes as
``[start, end]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

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
    Target,
    Unit,
)
from . import tokens as T

__all__ = ["document_from_rows", "document_row", "entry_rows", "finding_rows", "indicator_rows",
           "project_rows", "residue_rows", "unit_rows", "warning_rows"]


def _spans_in(data: dict[str, Any] | None) -> dict[str, list[Span]]:
    return {k: [Span(s, e) for s, e in v] for k, v in (data or {}).items()}


def _amounts_out(a: Amounts | None) -> dict[str, Any]:
    if a is None:
        return dict.fromkeys(AMOUNT_KEYS)
    return {k: getattr(a, k) for k in AMOUNT_KEYS}


def _amount_spans_out(a: Amounts | None) -> dict[str, list[int]]:
    return {} if a is None else a.spans


def _amounts_in(row: dict[str, Any], spans: dict[str, Any] | None) -> Amounts:
    return Amounts(**{k: row[k] for k in AMOUNT_KEYS}, spans={k: Span(*v) for k, v in (spans or {}).items()})


def _target_out(t: Target | None) -> dict[str, Any] | None:
    return None if t is None else t.model_dump(exclude_none=True)


def document_row(doc: Document) -> dict[str, Any]:
    """What the document itself says; where it came from (path, version, hash, format) the writer adds."""
    n_indicators = sum(len(p.indicators) for p in doc.projects)
    return {
        "name": doc.source, "encoding": doc.encoding,
        "parser_version": doc.parser_version, "schema_name": doc.schema_,
        "form": doc.form, "title": doc.title, "department": doc.department,
        "amount_unit": doc.amount_unit, "year": doc.year, "has_total": doc.total is not None,
        **_amounts_out(doc.total), "total_spans": _amount_spans_out(doc.total),
        "spans": doc.spans, "syntax": doc.syntax,
        "source_text": doc.source_text, "n_units": len(doc.units), "n_projects": len(doc.projects),
        "n_indicators": n_indicators, "n_warnings": len(doc.all_warnings()), "n_residue": len(doc.residue),
    }


def unit_rows(doc: Document, document_id: int) -> list[dict[str, Any]]:
    return [{"document_id": document_id, "position": i, "name": u.name, **_amounts_out(u.amounts),
             "amount_spans": _amount_spans_out(u.amounts), "spans": u.spans}
            for i, u in enumerate(doc.units)]


def project_rows(doc: Document, document_id: int, ids: Sequence[int]) -> list[dict[str, Any]]:
    return [{"id": pid, "document_id": document_id, "position": i, "name": p.name, "unit": p.unit,
             **_amounts_out(p.amounts), "amount_spans": _amount_spans_out(p.amounts), "goal": p.goal,
             "fields": dict(p.fields), "spans": p.spans, "field_spans": p.field_spans,
             "n_indicators": len(p.indicators), "n_warnings": len(p.warnings)}
            for i, (p, pid) in enumerate(zip(doc.projects, ids, strict=True))]


def indicator_rows(doc: Document, document_id: int, project_ids: Sequence[int],
                   ids: Iterable[int]) -> list[dict[str, Any]]:
    out = []
    id_iter = iter(ids)
    for p, pid in zip(doc.projects, project_ids, strict=True):
        for pos, i in enumerate(p.indicators):
            t = i.annual_target
            out.append({
                "id": next(id_iter), "project_id": pid, "document_id": document_id, "position": pos,
                "seq": i.seq, "level1": i.level1, "level1_code": i.level1_code, "level2": i.level2,
                "level2_code": i.level2_code, "name": i.name, "period_value": i.period_value,
                "annual_value": i.annual_value, "period_target": _target_out(i.period_target),
                "annual_target": _target_out(t), "annual_kind": t.kind if t else None,
                "annual_comparator": t.comparator if t else None,
                "annual_number": (t.value if t.value is not None else t.high if t.high is not None else t.low)
                if t else None,
                "annual_unit": t.unit if t else None, "extra": dict(i.extra), "spans": i.spans,
            })
    return out


def _issue_row(w: Issue, document_id: int, project_id: int | None, position: int) -> dict[str, Any]:
    return {"document_id": document_id, "project_id": project_id, "position": position, "code": w.code,
            "message": w.message, "line": w.line, "span_start": w.span.start if w.span else None,
            "span_end": w.span.end if w.span else None}


def warning_rows(doc: Document, document_id: int, project_ids: Sequence[int]) -> list[dict[str, Any]]:
    out = [_issue_row(w, document_id, None, i) for i, w in enumerate(doc.warnings)]
    for p, pid in zip(doc.projects, project_ids, strict=True):
        out.extend(_issue_row(w, document_id, pid, i) for i, w in enumerate(p.warnings))
    return out


def residue_rows(doc: Document, document_id: int) -> list[dict[str, Any]]:
    return [{"document_id": document_id, "position": i, "line": r.line, "span_start": r.span.start,
             "span_end": r.span.end, "text": r.text} for i, r in enumerate(doc.residue)]


def finding_rows(findings: Iterable[Finding], document_id: int, project_ids: Sequence[int],
                 indicator_ids: Sequence[Sequence[int]]) -> list[dict[str, Any]]:
    out = []
    for f in findings:
        pid = project_ids[f.project_index] if f.project_index is not None else None
        iid = (indicator_ids[f.project_index][f.indicator_index]
               if f.project_index is not None and f.indicator_index is not None else None)
        out.append({"document_id": document_id, "project_id": pid, "indicator_id": iid, "rule": f.rule,
                    "severity": f.severity, "message": f.message, "message_en": f.message_en,
                    "field": f.field, "line": f.line, "span_start": f.span.start if f.span else None,
                    "span_end": f.span.end if f.span else None})
    return out


def entry_rows(doc: Document, document_id: int, project_ids: Sequence[int],
               indicator_ids: Sequence[Sequence[int]],
               render: Callable[[Sequence[str | None], Sequence[str]], Any] = T.entry_tokens,
               ) -> list[tuple[dict[str, Any], Any]]:
    """Search entries with their tokens, in id order: each project's name and goal, and each indicator.

    ``render(fields, tags)`` makes the tokens: a list (:func:`tokens.entry_tokens`), or
    straight away the text a back end indexes (``entry_fts5``, ``entry_tsvector``).
    """
    base_tags = []
    if doc.department:
        base_tags.append(T.tag("d", doc.department))
    if doc.year:
        base_tags.append(T.tag("y", doc.year))
    out = []
    for p, pid, iids in zip(doc.projects, project_ids, indicator_ids, strict=True):
        tags = [*base_tags, T.tag("u", p.unit)] if p.unit else base_tags
        row = {"document_id": document_id, "project_id": pid, "indicator_id": None}
        if p.name:
            out.append(({**row, "id": T.entry_id("project", pid)}, render([p.name], tags)))
        if p.goal:
            out.append(({**row, "id": T.entry_id("goal", pid)}, render([p.goal], tags)))
        for i, iid in zip(p.indicators, iids, strict=True):
            itags = list(tags)
            if (cat := T.level1_category(i.level1, i.level1_code)) is not None:
                itags.append(T.tag("l", int(cat)))
            if i.level2:
                itags.append(T.tag("m", T.level2_key(i.level2)))
            fields = [i.name, i.annual_value, i.period_value if i.period_value != i.annual_value else None]
            if any(fields):
                out.append(({**row, "id": T.entry_id("indicator", iid), "indicator_id": iid},
                            render(fields, itags)))
    # FTS5 writes out its pending terms whenever a rowid is lower than the last one: in document
    # order (name, goal, indicators: tiers 0, 2, 1) that was twice per project, and the segments
    # written and merged again were a quarter of the SQLite writer's time.
    out.sort(key=lambda e: e[0]["id"])
    return out


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
