"""Reading evaluations from the store: a project's whole life, the evaluations with both scores, inflation.

A project's life is its target table's project and every monitoring and
self-evaluation project linked to it, side by side by indicator. Scores are
the evaluation's own (as printed) and the ones recomputed from its reported
values by :mod:`jixiao.evaluate` (see :func:`recomputed_scores`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from ..model import EVAL_FORMS, Document
from .eval_rows import STORED_PROFILE, attach_evaluations
from .eval_schema import (
    EvaluationBudgetRow,
    EvaluationIndicatorLinkRow,
    EvaluationIndicatorRow,
    EvaluationLinkRow,
    EvaluationProjectRow,
)
from .query import _dicts, stored_ids
from .schema import DocumentRow, IndicatorRow, ProjectRow

__all__ = ["DEFAULT_PROFILE", "attach_stored_evaluations", "document_scores", "evaluation_rows", "inflation",
           "list_evaluations", "project_life"]




def attach_stored_evaluations(conn: Connection, doc_id: int, doc: Document) -> None:
    """Put document ``doc_id``'s stored evaluation rows back on ``doc`` (what load_document rebuilt)."""
    pids, iids = stored_ids(conn, doc_id)
    projects = _dicts(conn, select(EvaluationProjectRow.__table__).where(EvaluationProjectRow.document_id == doc_id))
    budget = _dicts(conn, select(EvaluationBudgetRow.__table__).where(EvaluationBudgetRow.document_id == doc_id)
                    .order_by(EvaluationBudgetRow.project_id, EvaluationBudgetRow.position))
    indicators = {r["indicator_id"]: r for r in _dicts(conn, select(EvaluationIndicatorRow.__table__)
                                                           .where(EvaluationIndicatorRow.document_id == doc_id))}
    attach_evaluations(doc, pids, projects, budget, indicators, iids)


# -- scores -------------------------------------------------------------------------------

#: the scoring profile when none is named (财预〔2020〕10号; see jixiao.evaluate), whose totals are stored
DEFAULT_PROFILE = STORED_PROFILE


def document_scores(doc: Document, profile: str = DEFAULT_PROFILE) -> Any:
    """``jixiao.evaluate.score_document``'s result for an evaluation (a monitoring form's has no projects)."""
    from ..evaluate import load_profile, score_document

    return score_document(doc, load_profile(profile))


def _project_score(scores: Any, index: int) -> Any:
    for p in getattr(scores, "projects", []):
        if p.index == index:
            return p
    return None


def _total(ps: Any) -> dict[str, Any]:
    """A project's reported and recomputed totals (None where the table or the rules give none)."""
    if ps is None:
        return {"reported": None, "reported_sum": None, "recomputed": None, "difference": None, "complete": False,
                "grade_reported": None, "grade_recomputed": None, "reason": None}
    t = ps.total
    return {"reported": t.reported, "reported_sum": t.reported_sum, "recomputed": t.recomputed,
            "difference": t.difference, "complete": t.complete, "grade_reported": t.grade_reported,
            "grade_recomputed": t.grade_recomputed, "reason": t.reason}


def _budget(ps: Any) -> dict[str, Any] | None:
    b = getattr(ps, "budget", None)
    if b is None:
        return None
    return {"label": b.label, "weight": b.weight, "rate": b.rate, "reported": b.reported,
            "recomputed": b.recomputed, "difference": b.difference, "reason": b.reason}


def _indicator_score(ps: Any, index: int) -> dict[str, Any]:
    if ps is None:
        return {"reported": None, "recomputed": None, "difference": None, "method": None, "reason": None,
                "unscored": None}
    s = ps.indicators[index]
    return {"reported": s.reported, "recomputed": s.recomputed, "difference": s.difference, "method": s.method,
            "reason": s.reason, "unscored": s.unscored}


# -- a project's life ------------------------------------------------------------------------

#: the order a project's stages come in: spring's target, summer's monitoring, the evaluation after the year
STAGES = ("target", "monitor", "selfeval", "dept_selfeval")


def _stage_of(form: str) -> str:
    return form if form in EVAL_FORMS else "target"


def project_life(conn: Connection, project_id: int, profile: str = DEFAULT_PROFILE) -> dict[str, Any]:
    """A project's target, monitoring and evaluation side by side: its stages (each a stored project with its
    document, link and scores) and one row per indicator with what each stage says about it."""
    from ..errors import UsageError
    from .query import is_row_id, load_document

    row = conn.execute(select(ProjectRow.id, ProjectRow.document_id, ProjectRow.position, DocumentRow.form)
                       .join(DocumentRow, DocumentRow.id == ProjectRow.document_id)
                       .where(ProjectRow.id == project_id)).first() if is_row_id(project_id) else None
    if row is None:
        raise UsageError(f"没有项目 P{project_id} / no project P{project_id}", code="not_found")
    L = EvaluationLinkRow
    target_id: int | None = project_id
    if row.form in EVAL_FORMS:
        target_id = conn.execute(select(L.target_project_id).where(L.project_id == project_id)).scalar()
    if target_id is not None:
        evals = list(conn.execute(
            select(L.project_id).join(ProjectRow, ProjectRow.id == L.project_id)
            .join(DocumentRow, DocumentRow.id == ProjectRow.document_id)
            .where(L.target_project_id == target_id, DocumentRow.is_latest).order_by(L.project_id)).scalars())
        if row.form in EVAL_FORMS and project_id not in evals:
            evals.append(project_id)  # an older version of an evaluation still shows its own life
        members = [target_id, *evals]
    else:
        members = [project_id]
    stages = []
    docs: dict[int, Document] = {}
    for pid in members:
        p = conn.execute(select(ProjectRow.id, ProjectRow.name, ProjectRow.unit, ProjectRow.position, ProjectRow.goal,
                                ProjectRow.document_id, ProjectRow.total, DocumentRow.form, DocumentRow.name.label("doc"),
                                DocumentRow.department, DocumentRow.year, DocumentRow.amount_unit,
                                DocumentRow.is_latest)
                         .join(DocumentRow, DocumentRow.id == ProjectRow.document_id).where(ProjectRow.id == pid)).one()
        link = conn.execute(select(L.confidence, L.method).where(L.project_id == pid)).first()
        stage: dict[str, Any] = {"stage": _stage_of(p.form), "form": p.form, "project_id": p.id, "name": p.name,
                                 "unit": p.unit, "document_id": p.document_id, "document": p.doc,
                                 "department": p.department, "year": p.year, "amount_unit": p.amount_unit,
                                 "total": p.total, "goal": p.goal, "is_latest": p.is_latest,
                                 "link": None if link is None else {"confidence": link.confidence,
                                                                    "method": link.method}}
        if p.form in EVAL_FORMS:
            if p.document_id not in docs:
                docs[p.document_id] = load_document(conn, p.document_id)
            doc = docs[p.document_id]
            ev = doc.projects[p.position].evaluation
            ps = _project_score(document_scores(doc, profile), p.position) if p.form != "monitor" else None
            stage.update(total_score=_total(ps) if p.form != "monitor" else None, budget_score=_budget(ps),
                         evaluation=None if ev is None else {
                             "goal_expected": ev.goal_expected, "goal_actual": ev.goal_actual,
                             "total_score": ev.total_score, "deviation": ev.deviation, "measures": ev.measures,
                             "months": ev.months,
                             "budget": [{k: getattr(b, k) for k in ("label", "initial", "budget", "executed",
                                                                    "executed_to_date", "expected", "rate",
                                                                    "weight", "score")} for b in ev.budget]})
            stage["_score"] = ps
            stage["_doc"] = doc
            stage["_position"] = p.position
        stages.append(stage)
    stages.sort(key=lambda s: (STAGES.index(s["stage"]), s["project_id"]))
    out = {"project_id": project_id, "target_project_id": target_id, "profile": profile, "stages": stages,
           "indicators": _life_rows(conn, stages, target_id)}
    for s in stages:
        for k in ("_score", "_doc", "_position"):
            s.pop(k, None)
    return out


def _life_rows(conn: Connection, stages: list[dict[str, Any]], target_id: int | None) -> list[dict[str, Any]]:
    """One row per indicator: the target's, in its order, then each evaluation's indicators that link to none.

    A row holds, per stage (by project id), what that stage prints: the 年度指标值 and, for an evaluation,
    the 实际完成值, 分值, the reported and the recomputed score.
    """
    IL = EvaluationIndicatorLinkRow
    rows: list[dict[str, Any]] = []
    by_target: dict[int, dict[str, Any]] = {}
    if target_id is not None:
        for i in conn.execute(select(IndicatorRow.id, IndicatorRow.level1, IndicatorRow.level2, IndicatorRow.name,
                                     IndicatorRow.annual_value).where(IndicatorRow.project_id == target_id)
                              .order_by(IndicatorRow.position)):
            r = {"level1": i.level1, "level2": i.level2, "name": i.name, "target_indicator_id": i.id,
                 "stages": {str(target_id): {"indicator_id": i.id, "annual_value": i.annual_value}}}
            by_target[i.id] = r
            rows.append(r)
    for s in stages:
        if s["stage"] == "target":
            continue
        doc, pos, ps = s["_doc"], s["_position"], s["_score"]
        ids = list(conn.execute(select(IndicatorRow.id).where(IndicatorRow.project_id == s["project_id"])
                                .order_by(IndicatorRow.position)).scalars())
        links = dict(conn.execute(select(IL.indicator_id, IL.target_indicator_id)
                                  .where(IL.project_id == s["project_id"])).all())
        for k, (iid, ind) in enumerate(zip(ids, doc.projects[pos].indicators, strict=True)):
            cell = {"indicator_id": iid, "annual_value": ind.annual_value, "actual_value": ind.actual_value,
                    "weight": ind.weight, "score": ind.score, "likelihood": ind.likelihood,
                    "deviation": ind.deviation, "core": ind.core, **{f"score_{k2}": v for k2, v in
                                                                      _indicator_score(ps, k).items()}}
            target = by_target.get(links.get(iid))
            if target is not None and str(s["project_id"]) not in target["stages"]:
                target["stages"][str(s["project_id"])] = cell
                continue
            rows.append({"level1": ind.level1, "level2": ind.level2, "name": ind.name, "target_indicator_id": None,
                         "stages": {str(s["project_id"]): cell}})
    return rows


# -- every evaluation, with both scores ---------------------------------------------------------


def _evaluated(conn: Connection, department: str | None, year: int | None,
               form: str | None) -> list[tuple[int, Document]]:
    """(document id, document) of the latest self-evaluation and monitoring documents, in id order."""
    from .query import load_document

    stmt = select(DocumentRow.id).where(DocumentRow.is_latest, DocumentRow.form.in_(
        [form] if form else list(EVAL_FORMS))).order_by(DocumentRow.id)
    if department:
        stmt = stmt.where(DocumentRow.department.contains(department, autoescape=True))
    if year:
        stmt = stmt.where(DocumentRow.year == year)
    return [(d, load_document(conn, d)) for d in conn.execute(stmt).scalars()]


def _link_rows(conn: Connection, doc_id: int) -> dict[int, Any]:
    """position → (project id, target project id, confidence, method, target name) of a document's projects."""
    L = EvaluationLinkRow
    tp = ProjectRow.__table__.alias("tp")
    rows = conn.execute(select(ProjectRow.position, ProjectRow.id, L.target_project_id, L.confidence, L.method,
                               tp.c.name.label("target_name"))
                        .select_from(ProjectRow).outerjoin(L, L.project_id == ProjectRow.id)
                        .outerjoin(tp, tp.c.id == L.target_project_id)
                        .where(ProjectRow.document_id == doc_id)).all()
    return {r.position: r for r in rows}


def list_evaluations(conn: Connection, *, department: str | None = None, year: int | None = None,
                     form: str | None = None, profile: str = DEFAULT_PROFILE,
                     stored: bool = True) -> list[dict[str, Any]]:
    """One row per evaluation or monitoring project (latest versions): its link and its two totals.

    The stored profile's totals were worked out on import and are read as they are (``stored``); any
    other profile's are worked out now, document by document.
    """
    if stored and profile == STORED_PROFILE:
        return _stored_evaluations(conn, department, year, form)
    out = []
    for doc_id, doc in _evaluated(conn, department, year, form):
        scores = document_scores(doc, profile)
        links = _link_rows(conn, doc_id)
        for pi, p in enumerate(doc.projects):
            lk = links[pi]
            out.append({"document_id": doc_id, "document": doc.source, "form": doc.form,
                        "department": doc.department, "year": doc.year, "project_id": lk.id, "project": p.name,
                        "unit": p.unit, "target_project_id": lk.target_project_id, "target_project": lk.target_name,
                        "link_confidence": lk.confidence, "link_method": lk.method,
                        **{f"total_{k}": v for k, v in _total(_project_score(scores, pi)).items()}})
    return out


def _stored_evaluations(conn: Connection, department: str | None, year: int | None,
                        form: str | None) -> list[dict[str, Any]]:
    """:func:`list_evaluations` from the totals stored on import: one query, no document loaded."""
    from ..evaluate import load_profile

    grade = load_profile(STORED_PROFILE).grade
    L, EP = EvaluationLinkRow, EvaluationProjectRow
    tp = ProjectRow.__table__.alias("tp")
    stmt = (select(DocumentRow.id.label("document_id"), DocumentRow.name.label("document"), DocumentRow.form,
                   DocumentRow.department, DocumentRow.year, ProjectRow.id.label("project_id"),
                   ProjectRow.name.label("project"), ProjectRow.unit, L.target_project_id,
                   tp.c.name.label("target_project"), L.confidence.label("link_confidence"),
                   L.method.label("link_method"), EP.score_profile, EP.total_reported, EP.reported_sum,
                   EP.recomputed, EP.score_difference, EP.score_complete, EP.score_reason)
            .select_from(ProjectRow).join(DocumentRow, DocumentRow.id == ProjectRow.document_id)
            .outerjoin(EP, EP.project_id == ProjectRow.id).outerjoin(L, L.project_id == ProjectRow.id)
            .outerjoin(tp, tp.c.id == L.target_project_id)
            .where(DocumentRow.is_latest, DocumentRow.form.in_([form] if form else list(EVAL_FORMS)))
            .order_by(DocumentRow.id, ProjectRow.position))
    if department:
        stmt = stmt.where(DocumentRow.department.contains(department, autoescape=True))
    if year:
        stmt = stmt.where(DocumentRow.year == year)
    out = []
    for r in conn.execute(stmt):
        d = dict(r._mapping)
        scored = d.pop("score_profile") is not None
        total = {"reported": d.pop("total_reported"), "reported_sum": d.pop("reported_sum"),
                 "recomputed": d.pop("recomputed"), "difference": d.pop("score_difference"),
                 "complete": bool(d.pop("score_complete")), "reason": d.pop("score_reason")}
        total["grade_reported"] = grade(total["reported"]) if scored else None
        total["grade_recomputed"] = grade(total["recomputed"]) if scored and total["complete"] else None
        out.append({**d, **{f"total_{k}": v for k, v in total.items()}})
    return out


def inflation(conn: Connection, *, department: str | None = None, year: int | None = None,
              profile: str = DEFAULT_PROFILE) -> list[dict[str, Any]]:
    """Score inflation by department and year: the self-evaluations' reported totals (their parts' sum)
    against the recomputed ones. ``inflation`` is the mean of (reported − recomputed) over the projects
    that have both; positive: scored above what the reported values allow."""
    groups: dict[tuple[str, int | None], dict[str, Any]] = {}
    for r in list_evaluations(conn, department=department, year=year, profile=profile):
        if r["form"] == "monitor":
            continue  # not scored
        g = groups.setdefault((r["department"] or "", r["year"]), {
            "department": r["department"] or "", "year": r["year"], "projects": 0, "scored": 0,
            "reported": 0.0, "recomputed": 0.0})
        g["projects"] += 1
        if r["total_reported_sum"] is not None and r["total_recomputed"] is not None:
            g["scored"] += 1
            g["reported"] += r["total_reported_sum"]
            g["recomputed"] += r["total_recomputed"]
    out = []
    for g in groups.values():
        n = g["scored"]
        out.append({**g, "reported": round(g["reported"] / n, 2) if n else None,
                    "recomputed": round(g["recomputed"] / n, 2) if n else None,
                    "inflation": round((g["reported"] - g["recomputed"]) / n, 2) if n else None})
    out.sort(key=lambda g: (-(g["inflation"] or 0), g["department"], g["year"] or 0))
    return out


#: One row per evaluation indicator, budget row and total, with the reported and the recomputed score.
EVALUATION_EXPORT_COLUMNS = (
    "document_id", "document", "form", "department", "year", "project_id", "project", "target_project_id",
    "link_confidence", "item", "indicator_id", "level1", "level2", "indicator", "annual_value",
    "target_annual_value", "actual_value", "weight", "reported_score", "recomputed_score", "score_difference",
    "score_method", "score_reason",
)


def evaluation_rows(conn: Connection, *, department: str | None = None, year: int | None = None,
                    profile: str = DEFAULT_PROFILE) -> list[dict[str, Any]]:
    """Rows for ``jixiao export --evaluations`` (``EVALUATION_EXPORT_COLUMNS``): each project's indicators,
    then its budget row (``item`` 预算执行率) and its total (总分)."""
    from ..link.store import document_links

    out: list[dict[str, Any]] = []
    for doc_id, doc in _evaluated(conn, department, year, None):
        scores = document_scores(doc, profile)
        links = _link_rows(conn, doc_id)
        published = document_links(conn, doc_id)
        iids: dict[int, list[int]] = {}
        for pid, iid in conn.execute(select(IndicatorRow.project_id, IndicatorRow.id)
                                     .where(IndicatorRow.document_id == doc_id)
                                     .order_by(IndicatorRow.project_id, IndicatorRow.position)):
            iids.setdefault(pid, []).append(iid)
        for pi, p in enumerate(doc.projects):
            lk = links[pi]
            ps = _project_score(scores, pi)
            base = {"document_id": doc_id, "document": doc.source, "form": doc.form, "department": doc.department,
                    "year": doc.year, "project_id": lk.id, "project": p.name,
                    "target_project_id": lk.target_project_id, "link_confidence": lk.confidence}
            for ii, ind in enumerate(p.indicators):
                s = _indicator_score(ps, ii)
                out.append({**base, "item": "indicator", "indicator_id": iids[lk.id][ii], "level1": ind.level1,
                            "level2": ind.level2, "indicator": ind.name, "annual_value": ind.annual_value,
                            "target_annual_value": (published.get((pi, ii)) or {}).get("annual_value"),
                            "actual_value": ind.actual_value, "weight": ind.weight, "reported_score": s["reported"],
                            "recomputed_score": s["recomputed"], "score_difference": s["difference"],
                            "score_method": s["method"], "score_reason": s["reason"]})
            b = _budget(ps)
            if b is not None:
                out.append({**base, "item": "budget", "indicator": b["label"], "weight": b["weight"],
                            "actual_value": None if b["rate"] is None else f"{b['rate'] * 100:g}%",
                            "reported_score": b["reported"], "recomputed_score": b["recomputed"],
                            "score_difference": b["difference"], "score_reason": b["reason"]})
            if ps is not None:
                t = _total(ps)
                out.append({**base, "item": "total", "indicator": "总分", "reported_score": t["reported_sum"],
                            "recomputed_score": t["recomputed"], "score_difference": t["difference"],
                            "score_reason": t["reason"]})
    return out
