"""A self-evaluation or monitoring document ⇄ the rows of ``evaluation_*`` (see eval_schema.py).

Like :mod:`jixiao.store.rows`: plain functions, no database. Rows are tuples
in the columns' order, JSON already text, project and indicator ids the
document's own (from 0): the writer puts in the document id and turns local
ids into the database's, as for every other table (write.py knows the
``project_id`` and ``indicator_id`` columns by name).
"""

from __future__ import annotations

from typing import Any

from ..model import EVAL_FORMS, BudgetRow, Document, Evaluation
from .rows import _json, _spans_in, _target_in, _target_out

__all__ = ["BUDGET_COLUMNS", "EVAL_INDICATOR_COLUMNS", "EVAL_PROJECT_COLUMNS", "STORED_PROFILE", "attach_evaluations",
           "evaluation_tables"]

EVAL_PROJECT_COLUMNS = ("project_id", "months", "goal_expected", "goal_actual", "total_score", "deviation",
                        "measures", "spans", "score_profile", "total_reported", "reported_sum", "recomputed",
                        "score_difference", "score_complete", "score_reason")
#: the profile whose scores are stored on import (jixiao.evaluate; others are worked out when asked)
STORED_PROFILE = "national"
BUDGET_COLUMNS = ("project_id", "position", "label", "initial", "budget", "executed", "executed_to_date",
                  "expected", "rate", "weight", "score", "spans")
EVAL_INDICATOR_COLUMNS = ("indicator_id", "project_id", "actual_value", "actual_target", "weight", "score",
                          "direction", "deviation", "likelihood", "core")
_INDICATOR_KEYS = ("actual_value", "actual_target", "weight", "score", "direction", "deviation", "likelihood",
                   "core")
_BUDGET_KEYS = BUDGET_COLUMNS[2:-1]


def evaluation_tables(doc: Document) -> dict[str, tuple[tuple[str, ...], list[tuple]]]:
    """The ``evaluation_*`` rows of ``doc`` (none for a target table), by table, in insertion order."""
    if doc.form not in EVAL_FORMS:
        return {}
    projects, budget, indicators = [], [], []
    scored = _scores(doc)
    iid = 0
    for pid, p in enumerate(doc.projects):
        e = p.evaluation
        if e is not None:
            projects.append((pid, e.months, e.goal_expected, e.goal_actual, e.total_score, e.deviation,
                             e.measures, _json(e.spans), *scored.get(pid, _UNSCORED)))
            budget.extend((pid, pos, *(getattr(r, k) for k in _BUDGET_KEYS), _json(r.spans))
                          for pos, r in enumerate(e.budget))
        for i in p.indicators:
            indicators.append((iid, pid, i.actual_value, _target_out(i.actual_target), i.weight, i.score,
                               i.direction, i.deviation, i.likelihood, i.core))
            iid += 1
    tables = {"evaluation_projects": (EVAL_PROJECT_COLUMNS, projects),
              "evaluation_budget": (BUDGET_COLUMNS, budget),
              "evaluation_indicators": (EVAL_INDICATOR_COLUMNS, indicators)}
    return {t: v for t, v in tables.items() if v[1]}


_UNSCORED = (None,) * 7


def _scores(doc: Document) -> dict[int, tuple]:
    """project index → the score columns, by :data:`STORED_PROFILE` (a monitoring form: none)."""
    from ..evaluate import score_document

    out = {}
    for ps in score_document(doc, STORED_PROFILE).projects:
        t = ps.total
        out[ps.index] = (STORED_PROFILE, t.reported, t.reported_sum, t.recomputed, t.difference, t.complete,
                         t.reason)
    return out


def attach_evaluations(doc: Document, project_ids: list[int], projects: list[dict[str, Any]],
                       budget: list[dict[str, Any]], indicators: dict[int, dict[str, Any]],
                       indicator_ids: list[list[int]]) -> None:
    """Put the stored evaluation rows back on ``doc`` (rebuilt from the other tables), in place.

    ``project_ids[k]`` is the database id of ``doc.projects[k]``, ``indicator_ids[k]`` those of its
    indicators; ``projects`` and ``budget`` are the rows of this document (budget in position order),
    ``indicators`` by indicator id.
    """
    rows_by_project = {r["project_id"]: r for r in projects}
    budget_by_project: dict[int, list[BudgetRow]] = {}
    for r in budget:
        budget_by_project.setdefault(r["project_id"], []).append(BudgetRow(
            **{k: r[k] for k in ("label", *_BUDGET_KEYS)}, spans=_spans_in(r["spans"])))
    for p, pid, iids in zip(doc.projects, project_ids, indicator_ids, strict=True):
        r = rows_by_project.get(pid)
        if r is not None:
            p.evaluation = Evaluation(
                budget=budget_by_project.get(pid, []), months=r["months"], goal_expected=r["goal_expected"],
                goal_actual=r["goal_actual"], total_score=r["total_score"], deviation=r["deviation"],
                measures=r["measures"], spans=_spans_in(r["spans"]))
        for ind, iid in zip(p.indicators, iids, strict=True):
            e = indicators.get(iid)
            if e is None:
                continue
            for k in _INDICATOR_KEYS:
                setattr(ind, k, _target_in(e[k]) if k == "actual_target" else e[k])
