"""The review page and the queue, as plain data (their pages and JSON twins render them)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, func, select

from ..store import query as Q
from ..store.schema import DocumentRow, FindingRow, IndicatorRow
from ..store.workflow_schema import CommentRow, DecisionRow, ReviewHistoryRow, ReviewRow, VerdictRow
from .accounts import User
from .diff import diff_documents
from .review import DECISIONS, STATES, VERDICTS, ensure_review
from .side_by_side import side_by_side

__all__ = ["queue_view", "review_view"]


def review_view(conn: Connection, doc_id: int) -> dict[str, Any]:
    """The document, its findings with decisions, comment threads, verdicts, state and history; and, for a
    revision, the version before it and what changed."""
    review = ensure_review(conn, doc_id)
    conn.commit()
    doc = Q.document_summary(conn, doc_id)
    decisions = {r.finding_id: dict(r._mapping) for r in conn.execute(
        select(DecisionRow.__table__).where(DecisionRow.document_id == doc_id))}
    for f in doc["findings"]:
        f["decision"] = decisions.get(f["id"])
    comments = [dict(r._mapping) for r in conn.execute(select(CommentRow.__table__)
                                                       .where(CommentRow.document_id == doc_id)
                                                       .order_by(CommentRow.id))]
    answers: dict[int, list[dict]] = defaultdict(list)
    for c in comments:
        if c["parent_id"] is not None:
            answers[c["parent_id"]].append(c)
    threads = [{**c, "answers": answers.get(c["id"], [])} for c in comments if c["parent_id"] is None]
    verdicts = {r.project_id: dict(r._mapping) for r in conn.execute(
        select(VerdictRow.__table__).where(VerdictRow.document_id == doc_id))}
    indicators: dict[int, list[dict]] = defaultdict(list)
    for r in conn.execute(select(IndicatorRow.id, IndicatorRow.project_id, IndicatorRow.seq, IndicatorRow.name)
                          .where(IndicatorRow.document_id == doc_id).order_by(IndicatorRow.id)):
        indicators[r.project_id].append(dict(r._mapping))
    for p in doc["projects"]:
        p["verdict"] = verdicts.get(p["id"])
        p["indicators"] = indicators.get(p["id"], [])
        p["findings"] = [f for f in doc["findings"] if f["project_id"] == p["id"]]
        p["comments"] = [t for t in threads if t["project_id"] == p["id"]]
    history = [dict(r._mapping) for r in conn.execute(select(ReviewHistoryRow.__table__)
                                                      .where(ReviewHistoryRow.document_id == doc_id)
                                                      .order_by(ReviewHistoryRow.id))]
    previous = [v for v in doc["versions"] if v["version"] < doc["version"]]
    before = previous[-1]["id"] if previous else None
    return {
        "document": {k: doc[k] for k in ("id", "name", "title", "department", "year", "version", "versions",
                                         "amount_unit", "total", "source_path")},
        "review": {**review, "state_label": STATES[review["state"]]}, "history": history,
        "projects": doc["projects"], "findings": doc["findings"],
        "document_comments": [t for t in threads if t["project_id"] is None],
        "open_comments": sum(1 for t in threads if t["status"] == "open"),
        "previous_id": before, "diff": diff_documents(conn, before, doc_id) if before else None,
        "side_by_side": side_by_side(conn, before, doc_id) if before else None,
        "states": STATES, "decisions": DECISIONS, "verdicts": VERDICTS,
    }


def queue_view(conn: Connection, user: User, *, department: str | None = None, state: str | None = None,
               assignee: str | None = None, rule: str | None = None) -> dict[str, Any]:
    """Latest document versions with their review: by department, then deadline (none last), then id."""
    d, r = DocumentRow, ReviewRow
    stmt = (select(d.id, d.name, d.department, d.year, d.version, d.n_projects, r.state, r.assignee, r.deadline)
            .outerjoin(r, r.document_id == d.id).where(d.is_latest))
    if user.role == "department":
        stmt = stmt.where(d.department == user.department)
    elif department:
        stmt = stmt.where(d.department.contains(department))
    if assignee:
        stmt = stmt.where(r.assignee == assignee)
    rows = [dict(x._mapping) for x in conn.execute(stmt)]
    for x in rows:
        x["state"] = x["state"] or "pending"
        x["state_label"] = STATES[x["state"]]
    if state:
        rows = [x for x in rows if x["state"] == state]
    ids = [x["id"] for x in rows]
    counts = dict(conn.execute(select(FindingRow.document_id, func.count()).where(FindingRow.document_id.in_(ids))
                               .group_by(FindingRow.document_id)).all()) if ids else {}
    undecided = dict(conn.execute(
        select(FindingRow.document_id, func.count()).where(FindingRow.document_id.in_(ids),
                                                           FindingRow.id.not_in(select(DecisionRow.finding_id)))
        .group_by(FindingRow.document_id)).all()) if ids else {}
    open_comments = dict(conn.execute(
        select(CommentRow.document_id, func.count()).where(CommentRow.document_id.in_(ids),
                                                           CommentRow.parent_id.is_(None),
                                                           CommentRow.status == "open")
        .group_by(CommentRow.document_id)).all()) if ids else {}
    for x in rows:
        x["findings"], x["undecided"] = counts.get(x["id"], 0), undecided.get(x["id"], 0)
        x["open_comments"] = open_comments.get(x["id"], 0)
    rows.sort(key=lambda x: (x["department"] or "", x["deadline"] or "9999", x["id"]))
    rules = []
    if ids:
        rules = [{"rule": k, "count": n} for k, n in conn.execute(
            select(FindingRow.rule, func.count()).where(FindingRow.document_id.in_(ids),
                                                        FindingRow.id.not_in(select(DecisionRow.finding_id)))
            .group_by(FindingRow.rule).order_by(func.count().desc()))]
    return {"items": rows, "total": len(rows), "states": STATES, "undecided_by_rule": rules,
            "filters": {k: v for k, v in (("department", department), ("state", state), ("assignee", assignee),
                                          ("rule", rule)) if v}}
