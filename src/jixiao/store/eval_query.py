"""Reading evaluations from the store: a project's whole life, the evaluations with both scores, inflation.

A project's life is its target table's project and every monitoring and
self-evaluation project linked to it, side by side by indicator. Scores are
the evaluation's own (as printed) and the ones recomputed from its reported
values by :mod:`jixiao.evaluate` (see :func:`recomputed_scores`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from ..model import Document
from .eval_rows import attach_evaluations
from .eval_schema import EvaluationBudgetRow, EvaluationIndicatorRow, EvaluationProjectRow
from .schema import IndicatorRow, ProjectRow

__all__ = ["attach_stored_evaluations"]


def _dicts(conn: Connection, stmt) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(stmt)]


def attach_stored_evaluations(conn: Connection, doc_id: int, doc: Document) -> None:
    """Put document ``doc_id``'s stored evaluation rows back on ``doc`` (what load_document rebuilt)."""
    pids = list(conn.execute(select(ProjectRow.id).where(ProjectRow.document_id == doc_id)
                             .order_by(ProjectRow.position)).scalars())
    by_project: dict[int, list[int]] = {pid: [] for pid in pids}
    for pid, iid in conn.execute(select(IndicatorRow.project_id, IndicatorRow.id)
                                 .where(IndicatorRow.document_id == doc_id)
                                 .order_by(IndicatorRow.project_id, IndicatorRow.position)):
        by_project[pid].append(iid)
    projects = _dicts(conn, select(EvaluationProjectRow.__table__).where(EvaluationProjectRow.document_id == doc_id))
    budget = _dicts(conn, select(EvaluationBudgetRow.__table__).where(EvaluationBudgetRow.document_id == doc_id)
                    .order_by(EvaluationBudgetRow.project_id, EvaluationBudgetRow.position))
    indicators = {r["indicator_id"]: r for r in _dicts(conn, select(EvaluationIndicatorRow.__table__)
                                                           .where(EvaluationIndicatorRow.document_id == doc_id))}
    attach_evaluations(doc, pids, projects, budget, indicators, [by_project[p] for p in pids])
