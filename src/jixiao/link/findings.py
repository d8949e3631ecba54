"""Rule R51's findings in the store, made from the links: an evaluation's 年度指标值 against the one its
target table published.

The import reviews a document on its own, before it is stored, so it cannot know the links; these
findings are made here instead, whenever an evaluation's links change (:mod:`jixiao.link.store`
calls :func:`refresh_findings`), and ``jixiao review --db`` hands :func:`document_links` to the review.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select

from ..store.eval_schema import EvaluationIndicatorLinkRow as IL
from ..store.schema import DocumentRow as D
from ..store.schema import FindingRow as F
from ..store.schema import IndicatorRow as I
from ..store.schema import ProjectRow as P

__all__ = ["LINK_RULE", "document_links", "refresh_findings"]

#: the rule whose findings come from the links (a changed 年度指标值)
LINK_RULE = "R51"


def document_links(conn: Connection, doc_id: int) -> dict[tuple[int, int], dict[str, Any]]:
    """What :func:`jixiao.review.review` takes as ``links`` (rule R51): (project index, indicator index) →
    the linked target indicator's published 年度指标值, its parsed target and where it was published."""
    mine = I.__table__.alias("mine")
    theirs = I.__table__.alias("theirs")
    tp = P.__table__.alias("tp")
    td = D.__table__.alias("td")
    rows = conn.execute(
        select(P.position.label("pi"), mine.c.position.label("ii"), theirs.c.annual_value, theirs.c.annual_target,
               theirs.c.id.label("target_indicator_id"), tp.c.id.label("target_project_id"),
               td.c.id.label("target_document_id"), td.c.name.label("target_document"))
        .select_from(mine).join(P, P.id == mine.c.project_id).join(IL, IL.indicator_id == mine.c.id)
        .join(theirs, theirs.c.id == IL.target_indicator_id).join(tp, tp.c.id == theirs.c.project_id)
        .join(td, td.c.id == tp.c.document_id).where(mine.c.document_id == doc_id)).all()
    return {(r.pi, r.ii): {"annual_value": r.annual_value, "annual_target": r.annual_target,
                           "target_indicator_id": r.target_indicator_id, "target_project_id": r.target_project_id,
                           "target_document_id": r.target_document_id, "target_document": r.target_document}
            for r in rows}


_ONLY: dict[str, Any] = {}


def _only_link_rule():
    """A review configuration that runs R51 alone (its defaults): the other rules ran on import."""
    if "cfg" not in _ONLY:
        from ..review import review as _registers  # noqa: F401  (registers the rules)
        from ..review.config import ReviewConfig, RuleConfig
        from ..review.registry import RULES

        _ONLY["cfg"] = ReviewConfig(rules={rid: RuleConfig(enabled=False) for rid in RULES if rid != LINK_RULE})
    return _ONLY["cfg"]


def refresh_findings(conn: Connection, doc_id: int) -> int:
    """Make evaluation document ``doc_id``'s R51 findings again from its links; the number now stored."""
    from ..review import review
    from ..store.query import load_document

    conn.execute(delete(F).where(F.document_id == doc_id, F.rule == LINK_RULE))
    links = document_links(conn, doc_id)
    if not links:
        return 0
    doc = load_document(conn, doc_id)
    findings = review(doc, _only_link_rule(), links=links)
    if not findings:
        return 0
    pids = list(conn.execute(select(P.id).where(P.document_id == doc_id).order_by(P.position)).scalars())
    iids: dict[int, list[int]] = {}
    for pid, iid in conn.execute(select(I.project_id, I.id).where(I.document_id == doc_id)
                                 .order_by(I.project_id, I.position)):
        iids.setdefault(pid, []).append(iid)
    rows = []
    for f in findings:
        pid = pids[f.project_index] if f.project_index is not None else None
        iid = iids[pid][f.indicator_index] if pid is not None and f.indicator_index is not None else None
        rows.append({"document_id": doc_id, "project_id": pid, "indicator_id": iid, "rule": f.rule,
                     "severity": f.severity, "message": f.message, "message_en": f.message_en, "field": f.field,
                     "line": f.line, "span_start": f.span.start if f.span else None,
                     "span_end": f.span.end if f.span else None})
    conn.execute(insert(F), rows)
    return len(rows)
