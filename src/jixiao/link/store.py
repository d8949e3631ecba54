"""Links in the store: found on import, shown, corrected by people.

:func:`link_document` runs inside the import's transaction: an evaluation or
monitoring form is linked to the best target project of the same year whose
department is the form's (or its 实施单位) and whose name is alike; a target
table links the evaluations of its year and department it changes (which
may have waited for it, or be linked to an older version). A person's link (``method`` ``manual``: :func:`set_link`)
is kept whatever is imported later.

Each linked project's indicators are paired with the target's by name
(:func:`jixiao.link.match.indicator_pairs`), and the evaluation's R51
findings (a 年度指标值 not the one published in the target table) are made
again from the links whenever they change (:mod:`jixiao.link.findings`) —
the other rules' findings are the import's and are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, text

from ..errors import UsageError
from ..model import EVAL_FORMS
from ..store.eval_schema import EvaluationIndicatorLinkRow as IL
from ..store.eval_schema import EvaluationLinkRow as L
from ..store.query import is_row_id
from ..store.schema import DocumentRow as D
from ..store.schema import IndicatorRow as I
from ..store.schema import ProjectRow as P
from .findings import LINK_RULE, document_links, refresh_findings
from .match import DEPARTMENT_MIN, PROJECT_MIN, department_score, indicator_pairs, project_score

__all__ = ["LINK_RULE", "document_links", "link_document", "linked_to_document", "project_links",
           "refresh_findings", "relink_auto", "relink_projects", "set_link"]

_EVAL = tuple(EVAL_FORMS)


def link_document(conn: Connection, doc_id: int) -> None:
    """Keep the links current after document ``doc_id`` was written (in the same transaction)."""
    doc = conn.execute(select(D.form, D.department, D.year, D.source_path, D.version).where(D.id == doc_id)).one()
    if conn.dialect.name == "postgresql" and doc.year is not None:
        # Two writers at once, an evaluation and its target table, would each look for the other before
        # either committed, and neither would link. Writers of one year link one after the other (the
        # lock is held until commit, so the second sees the first's rows); SQLite's write lock does this.
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"jixiao-link-{doc.year}"})
    previous = conn.execute(select(D.id).where(D.source_path == doc.source_path, D.version < doc.version)
                            .order_by(D.version.desc()).limit(1)).scalar() if doc.version > 1 else None
    if doc.form in EVAL_FORMS:
        pids = list(conn.execute(select(P.id).where(P.document_id == doc_id).order_by(P.position)).scalars())
        if previous is not None:
            _carry_manual_links(conn, previous, doc_id)
        _link_projects(conn, pids)
        return
    if previous is not None:
        _move_manual_targets(conn, previous, doc_id)
    if doc.year is None:
        return
    # A target table: the evaluations of its year whose department (or 实施单位) is its department, and
    # of those only the ones it changes — unlinked and now matched, matched better here, or linked to a
    # table no longer the latest. A department's thousand target tables then do not each link its
    # hundred evaluations again.
    rows = conn.execute(select(P.id, P.name, P.unit, D.department).join(D, D.id == P.document_id)
                        .where(D.is_latest, D.form.in_(_EVAL), D.year == doc.year)).all()
    if not rows:
        return
    names = conn.execute(select(P.name).where(P.document_id == doc_id)).scalars().all()
    td = D.__table__.alias("td")
    current = {r.project_id: r for r in conn.execute(
        select(L.project_id, L.confidence, L.method, td.c.is_latest).select_from(L)
        .outerjoin(P, P.id == L.target_project_id).outerjoin(td, td.c.id == P.document_id)
        .where(L.project_id.in_([r.id for r in rows])))}
    changed = []
    for r in rows:
        cur = current.get(r.id)
        if cur is not None and cur.method == "manual":
            continue
        if cur is not None and cur.is_latest is False:  # its target was replaced by a newer version
            changed.append(r.id)
            continue
        dept = max(department_score(r.department, doc.department), department_score(r.unit, doc.department))
        if dept < DEPARTMENT_MIN:
            continue
        best = max((project_score(r.name, n) for n in names), default=0.0)
        if best >= PROJECT_MIN and (cur is None or round(best / 100 * dept / 100, 3) > cur.confidence):
            changed.append(r.id)
    if changed:
        _link_projects(conn, changed)


def _same_projects(conn: Connection, old_doc: int, new_doc: int) -> dict[int, int]:
    """Old project id → the new version's project with the same name (the first such, by position)."""
    new: dict[str | None, int] = {}
    for pid, name in conn.execute(select(P.id, P.name).where(P.document_id == new_doc).order_by(P.position)):
        new.setdefault(name, pid)
    return {pid: new[name] for pid, name in conn.execute(select(P.id, P.name).where(P.document_id == old_doc))
            if name in new}


def _carry_manual_links(conn: Connection, old_doc: int, new_doc: int) -> None:
    """A new version of an evaluation keeps what a person said of the old one's projects (same names)."""
    same = _same_projects(conn, old_doc, new_doc)
    for old, target in conn.execute(select(L.project_id, L.target_project_id)
                                    .where(L.document_id == old_doc, L.method == "manual")).all():
        if old in same:
            conn.execute(insert(L).values(project_id=same[old], document_id=new_doc, target_project_id=target,
                                          confidence=1.0, method="manual"))
            if target is not None:
                _link_indicators(conn, same[old], target)


def _move_manual_targets(conn: Connection, old_doc: int, new_doc: int) -> None:
    """A new version of a target table: links a person made to the old one's projects follow to the
    project of the same name (where there is none, they stay on the old version)."""
    same = _same_projects(conn, old_doc, new_doc)
    moved = conn.execute(select(L.project_id, L.document_id, L.target_project_id)
                         .join(P, P.id == L.target_project_id)
                         .where(P.document_id == old_doc, L.method == "manual")).all()
    for r in moved:
        if r.target_project_id not in same:
            continue
        conn.execute(delete(IL).where(IL.project_id == r.project_id))
        conn.execute(L.__table__.update().where(L.project_id == r.project_id)
                     .values(target_project_id=same[r.target_project_id]))
        _link_indicators(conn, r.project_id, same[r.target_project_id])
    for doc_id in sorted({r.document_id for r in moved}):
        refresh_findings(conn, doc_id)


def relink_auto(engine: Engine) -> int:
    """Link every latest evaluation project again (the manual links stay); the number of projects linked."""
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        pids = list(conn.execute(select(P.id).join(D, D.id == P.document_id)
                                 .where(D.is_latest, D.form.in_(_EVAL)).order_by(P.id)).scalars())
        _link_projects(conn, pids)
        return len(conn.execute(select(L.project_id).where(L.target_project_id.is_not(None))).all())


def linked_to_document(conn: Connection, doc_id: int) -> list[int]:
    """The evaluation projects linked to a project of document ``doc_id`` (before it is deleted)."""
    return list(conn.execute(select(L.project_id).join(P, P.id == L.target_project_id)
                             .where(P.document_id == doc_id).order_by(L.project_id)).scalars())


def relink_projects(conn: Connection, project_ids: list[int]) -> None:
    """Link these evaluation projects again where they still exist (their target was deleted)."""
    if project_ids:
        _link_projects(conn, list(conn.execute(select(P.id).where(P.id.in_(project_ids))).scalars()))


def _candidates(conn: Connection, year: int, departments: Iterable[str | None]) -> list[Any]:
    """Projects of the latest target tables of ``year`` whose department is one of ``departments``."""
    names = [d for d in departments if d]
    depts = conn.execute(select(D.department).where(D.is_latest, D.form.not_in(_EVAL), D.year == year)
                         .distinct()).scalars().all()
    best = {t: max((department_score(n, t) for n in names), default=0.0) for t in depts}
    chosen = [t for t, s in best.items() if s >= DEPARTMENT_MIN]
    if not chosen:
        return []
    rows = conn.execute(select(P.id, P.name, P.document_id, D.department).join(D, D.id == P.document_id)
                        .where(D.is_latest, D.form.not_in(_EVAL), D.year == year, D.department.in_(chosen))
                        .order_by(P.id)).all()
    return [(r, best[r.department]) for r in rows]


def _best_target(conn: Connection, name: str | None, unit: str | None, department: str | None,
                 year: int | None) -> tuple[int, float] | None:
    """(target project id, confidence 0–1) for an evaluation project, or None when nothing is alike enough.

    Confidence: the names' similarity times the departments' (both 0–1); the same name in the same
    department is 1.
    """
    if year is None or not name:
        return None
    best: tuple[float, int] | None = None
    for row, dept in _candidates(conn, year, (department, unit)):
        s = project_score(name, row.name)
        if s < PROJECT_MIN:
            continue
        confidence = round(s / 100 * dept / 100, 3)
        if best is None or confidence > best[0]:
            best = (confidence, row.id)
    return None if best is None else (best[1], best[0])


def _link_projects(conn: Connection, project_ids: list[int]) -> None:
    """Link each evaluation project anew, leaving a person's links as they are; then R51 again."""
    if not project_ids:
        return
    manual = set(conn.execute(select(L.project_id).where(L.project_id.in_(project_ids), L.method == "manual"))
                 .scalars())
    todo = [p for p in project_ids if p not in manual]
    if not todo:  # a person's links only (carried to a new version): their findings all the same
        for doc_id in sorted(set(conn.execute(select(P.document_id).where(P.id.in_(project_ids))).scalars())):
            refresh_findings(conn, doc_id)
        return
    rows = conn.execute(select(P.id, P.name, P.unit, P.document_id, D.department, D.year)
                        .join(D, D.id == P.document_id).where(P.id.in_(todo))).all()
    conn.execute(delete(IL).where(IL.project_id.in_(todo)))
    conn.execute(delete(L).where(L.project_id.in_(todo)))
    for r in rows:
        found = _best_target(conn, r.name, r.unit, r.department, r.year)
        if found is None:
            continue
        target, confidence = found
        conn.execute(insert(L).values(project_id=r.id, document_id=r.document_id, target_project_id=target,
                                      confidence=confidence, method="auto"))
        _link_indicators(conn, r.id, target)
    for doc_id in sorted({r.document_id for r in rows}):
        refresh_findings(conn, doc_id)


def _link_indicators(conn: Connection, project_id: int, target_project_id: int) -> None:
    mine = conn.execute(select(I.id, I.name).where(I.project_id == project_id).order_by(I.position)).all()
    theirs = conn.execute(select(I.id, I.name).where(I.project_id == target_project_id).order_by(I.position)).all()
    pairs = indicator_pairs([m.name for m in mine], [t.name for t in theirs])
    if pairs:
        conn.execute(insert(IL), [{"indicator_id": mine[a].id, "project_id": project_id,
                                   "target_indicator_id": theirs[b].id, "confidence": c} for a, b, c in pairs])


def _evaluation_project(conn: Connection, project_id: int) -> Any:
    row = conn.execute(select(P.id, P.document_id, D.form).join(D, D.id == P.document_id)
                       .where(P.id == project_id)).first() if is_row_id(project_id) else None
    if row is None:
        raise UsageError(f"没有项目 P{project_id} / no project P{project_id}", code="not_found")
    if row.form not in EVAL_FORMS:
        raise UsageError(f"P{project_id} 不是自评表或监控表的项目，只有它们才链接到目标表 / P{project_id} is not "
                         "a self-evaluation or monitoring project: only those are linked to a target table")
    return row


def set_link(engine: Engine, project_id: int, target_project_id: int | None, *,
             auto: bool = False) -> dict[str, Any]:
    """A person's correction: link evaluation project ``project_id`` to ``target_project_id`` (None: it has
    no target table), or with ``auto`` hand it back to the matcher. Returns the link as shown."""
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        row = _evaluation_project(conn, project_id)
        if target_project_id is not None:
            target = conn.execute(select(P.id, D.form).join(D, D.id == P.document_id)
                                  .where(P.id == target_project_id)).first() if is_row_id(target_project_id) else None
            if target is None:
                raise UsageError(f"没有项目 P{target_project_id} / no project P{target_project_id}",
                                 code="not_found")
            if target.form in EVAL_FORMS:
                raise UsageError(f"P{target_project_id} 不是目标表的项目 / P{target_project_id} is not a "
                                 "target table's project")
        conn.execute(delete(IL).where(IL.project_id == project_id))
        conn.execute(delete(L).where(L.project_id == project_id))
        if auto:
            _link_projects(conn, [project_id])
        else:
            conn.execute(insert(L).values(project_id=project_id, document_id=row.document_id,
                                          target_project_id=target_project_id, confidence=1.0, method="manual"))
            if target_project_id is not None:
                _link_indicators(conn, project_id, target_project_id)
            refresh_findings(conn, row.document_id)
        return project_links(conn, project_id)


def project_links(conn: Connection, project_id: int) -> dict[str, Any]:
    """An evaluation project's link, as the CLI and the API show it: the target project (or None), the
    confidence, how it was made, and its indicators' pairs."""
    row = _evaluation_project(conn, project_id)
    link = conn.execute(select(L.target_project_id, L.confidence, L.method).where(L.project_id == project_id)).first()
    out: dict[str, Any] = {"project_id": project_id, "document_id": row.document_id, "target_project_id": None,
                           "target_project": None, "target_document_id": None, "target_document": None,
                           "confidence": None, "method": None, "indicators": []}
    if link is None:
        return out
    out.update(confidence=link.confidence, method=link.method)
    if link.target_project_id is None:
        return out
    t = conn.execute(select(P.name, P.document_id, D.name.label("doc")).join(D, D.id == P.document_id)
                     .where(P.id == link.target_project_id)).one()
    out.update(target_project_id=link.target_project_id, target_project=t.name, target_document_id=t.document_id,
               target_document=t.doc)
    mine = I.__table__.alias("mine")
    theirs = I.__table__.alias("theirs")
    pairs = conn.execute(
        select(mine.c.id, mine.c.name, mine.c.annual_value, theirs.c.id.label("tid"), theirs.c.name.label("tname"),
               theirs.c.annual_value.label("tvalue"), IL.confidence)
        .select_from(mine).join(IL, IL.indicator_id == mine.c.id).join(theirs, theirs.c.id == IL.target_indicator_id)
        .where(mine.c.project_id == project_id).order_by(mine.c.position)).all()
    out["indicators"] = [{"indicator_id": p.id, "name": p.name, "annual_value": p.annual_value,
                          "target_indicator_id": p.tid, "target_name": p.tname, "target_annual_value": p.tvalue,
                          "confidence": p.confidence} for p in pairs]
    return out
